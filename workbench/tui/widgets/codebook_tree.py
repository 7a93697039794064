"""The codebook as a tree with coding counts. Holds frozen Code objects only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.core.model import Code


class CodebookTree(Tree[Code]):
    """Codes by hierarchy; label shows a colour swatch, the name and the count."""

    class Highlighted(Message):
        def __init__(self, code: Code | None) -> None:
            super().__init__()
            self.code = code

    class Chosen(Message):
        def __init__(self, code: Code) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("Codebook", id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 2
        self._codes: list[Code] = []

    @property
    def codes(self) -> list[Code]:
        return list(self._codes)

    def set_codes(self, codes: Sequence[Code], counts: Mapping[int, int]) -> None:
        """Rebuild the tree, keeping expansion and the highlighted code where possible."""
        current = self.cursor_node.data.id if self.cursor_node and self.cursor_node.data else None
        collapsed = {n.data.id for n in self._walk() if n.data and not n.is_expanded}
        self._codes = list(codes)
        totals = _subtree_totals(codes, counts)
        self.clear()
        nodes: dict[int, TreeNode[Code]] = {}
        for code in codes:
            parent = nodes.get(code.parent_id or -1, self.root)
            label = Text()
            label.append("● ", style=code.colour or "white")
            label.append(code.name)
            own, total = counts.get(code.id, 0), totals.get(code.id, 0)
            label.append(f" ({own})" if own == total else f" ({own}/{total})", style="dim")
            has_kids = any(c.parent_id == code.id for c in codes)
            node = parent.add(
                label, data=code, expand=code.id not in collapsed, allow_expand=has_kids
            )
            nodes[code.id] = node
        if current is not None and current in nodes:
            self.move_cursor(nodes[current])

    def _walk(self) -> list[TreeNode[Code]]:
        out: list[TreeNode[Code]] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(node.children)
        return out

    def select_code(self, code_id: int) -> None:
        for node in self._walk():
            if node.data and node.data.id == code_id:
                self.move_cursor(node)
                return

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Code]) -> None:
        event.stop()
        self.post_message(self.Highlighted(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Code]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(event.node.data))


def _subtree_totals(codes: Sequence[Code], counts: Mapping[int, int]) -> dict[int, int]:
    totals = {c.id: counts.get(c.id, 0) for c in codes}
    for code in reversed(codes):  # children come after parents in tree order
        if code.parent_id is not None and code.parent_id in totals:
            totals[code.parent_id] += totals[code.id]
    return totals
