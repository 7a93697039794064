"""The codebook as a tree with coding counts, and the keys that edit the codebook.

Holds frozen Code objects only. The tree owns the editing bindings (add, edit, rename,
recolour, move, merge, delete), so they work wherever the tree is embedded; every change
goes through the store with the current coder (ctrl+z undoes it) and ends with
``app.refresh_views()``, after which the hosting screen calls ``set_codes`` again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change, Code
from workbench.tui.keys import handle_key_now
from workbench.tui.widgets.transcript import code_colour

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

T = TypeVar("T")
CODEBOOK_ONLY = Change("codebook", frozenset(), frozenset())  # codes edited, no coding touched

# A small palette of distinct colours that read on dark and light themes.
PALETTE: tuple[tuple[str, str], ...] = (
    ("red", "#e6194b"),
    ("orange", "#f58231"),
    ("yellow", "#ffe119"),
    ("lime", "#bfef45"),
    ("green", "#3cb44b"),
    ("mint", "#aaffc3"),
    ("teal", "#469990"),
    ("cyan", "#42d4f4"),
    ("blue", "#4363d8"),
    ("lavender", "#dcbeff"),
    ("purple", "#911eb4"),
    ("magenta", "#f032e6"),
    ("pink", "#fabed4"),
    ("apricot", "#ffd8b1"),
    ("brown", "#9a6324"),
    ("grey", "#a9a9a9"),
)


def parse_colour(value: str) -> str | None:
    """A colour as ``#rrggbb`` (from hex, a CSS name or a palette name), or None if invalid."""
    value = value.strip()
    named = dict(PALETTE)
    if value.lower() in named:
        return named[value.lower()]
    try:
        return Color.parse(value).hex.lower()[:7]
    except ColorParseError:
        return None


def swatch_style(colour: str) -> str:
    """A Rich style for a code's colour; anything unreadable falls back to plain."""
    return (parse_colour(colour) if colour else None) or "default"


def colour_name(colour: str) -> str:
    hexes = {h: n for n, h in PALETTE}
    parsed = parse_colour(colour) if colour else None
    if parsed is None:
        return "none"
    return hexes.get(parsed, parsed)


class CodebookTree(Tree[Code]):
    """Codes by hierarchy; label shows a colour swatch, the name and the count."""

    async def on_key(self, event: events.Key) -> None:
        await handle_key_now(self, event)

    HELP_GROUP: ClassVar[str] = "Codebook tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_code", "Add", tooltip="Add a code under the highlighted one",
                id="codebook.add-code"),
        Binding("A", "add_top_code", "Add top", show=False, tooltip="Add a top-level code",
                id="codebook.add-top-code"),
        Binding("e", "edit_code", "Edit", tooltip="Edit the code (definition, colour, …)",
                id="codebook.edit-code"),
        Binding("r", "rename_code", "Rename", show=False, tooltip="Rename the code",
                id="codebook.rename-code"),
        Binding("k", "recolour_code", "Colour", show=False, tooltip="Change the code's colour",
                id="codebook.recolour-code"),
        Binding("v", "move_code", "Move", show=False, tooltip="Move the code under another",
                id="codebook.move-code"),
        Binding("M", "merge_code", "Merge", tooltip="Merge the code into another",
                id="codebook.merge-code"),
        Binding("delete", "delete_code", "Delete", show=False, tooltip="Delete the code",
                id="codebook.delete-code"),
    ]  # fmt: skip

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
        self._labels: dict[int, Text] = {}
        self._pending_select: int | None = None

    @property
    def codes(self) -> list[Code]:
        return list(self._codes)

    @property
    def highlighted_code(self) -> Code | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def set_codes(self, codes: Sequence[Code], counts: Mapping[int, int]) -> None:
        """Rebuild the tree, keeping expansion and the highlighted code where possible."""
        current = self._pending_select
        if current is None and self.cursor_node and self.cursor_node.data:
            current = self.cursor_node.data.id
        self._pending_select = None
        collapsed = {n.data.id for n in self._walk() if n.data and not n.is_expanded}
        self._codes = list(codes)
        totals = _subtree_totals(codes, counts)
        parents = {c.parent_id for c in codes}
        self.clear()
        nodes: dict[int, TreeNode[Code]] = {}
        self._labels = {}
        for code in codes:
            parent = nodes.get(code.parent_id or -1, self.root)
            label = self._label(code, counts.get(code.id, 0), totals.get(code.id, 0))
            has_kids = code.id in parents
            node = parent.add(
                label, data=code, expand=code.id not in collapsed, allow_expand=has_kids
            )
            nodes[code.id] = node
        if current is not None and current in nodes:
            self._move_to(nodes[current])
        elif nodes:
            self._move_to(next(iter(nodes.values())))

    def _label(self, code: Code, own: int, total: int) -> Text:
        label = Text()
        label.append("● ", style=code_colour(code.colour, code.id).hex)
        label.append(code.name)
        label.append(f" ({own})" if own == total else f" ({own}/{total})", style="dim")
        self._labels[code.id] = label
        return label

    def update_counts(self, counts: Mapping[int, int]) -> None:
        """New counts for the same codes: relabel the nodes whose count changed, in place.

        Cheaper than ``set_codes`` (no rebuild, no layout): what applying a code needs.
        """
        totals = _subtree_totals(self._codes, counts)
        for node in self._walk():
            code = node.data
            if code is None:
                continue
            old = self._labels.get(code.id)
            label = self._label(code, counts.get(code.id, 0), totals.get(code.id, 0))
            if old is None or label.plain != old.plain:
                node.set_label(label)

    def _walk(self) -> list[TreeNode[Code]]:
        out: list[TreeNode[Code]] = []
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def _move_to(self, node: TreeNode[Code]) -> None:
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        self._tree_lines  # noqa: B018 - builds the lines so node._line is known
        self.move_cursor(node)

    def select_code(self, code_id: int) -> None:
        """Move the cursor to a code (expanding its parents); later if not in the tree yet."""
        for node in self._walk():
            if node.data and node.data.id == code_id:
                self._move_to(node)
                return
        self._pending_select = code_id

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Code]) -> None:
        event.stop()
        self.post_message(self.Highlighted(event.node.data))
        if self.has_focus:  # the footer rebuild is costly; only the focused tree's keys change
            self.refresh_bindings()

    def on_tree_node_selected(self, event: Tree.NodeSelected[Code]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(event.node.data))

    # -- codebook editing ----------------------------------------------------------
    @property
    def _wb_app(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs_code = {
            "edit_code",
            "rename_code",
            "recolour_code",
            "move_code",
            "merge_code",
            "delete_code",
        }
        if action in needs_code and self.highlighted_code is None:
            return None
        return True

    def _run(
        self, what: Callable[[], T], done: str | None = None, *, codings: bool = True
    ) -> T | None:
        """Call the store; a WorkbenchError becomes one notification; refresh on success.

        ``codings=False``: the action changed codes only (add, edit, rename, recolour,
        move), so no coverage or count needs re-reading.
        """
        try:
            result = what()
        except WorkbenchError as err:
            self.notify(str(err), severity="error", timeout=6)
            return None
        if done:
            self.notify(done)
        self._wb_app.refresh_views(CODEBOOK_ONLY if not codings else Change("codebook"))
        return result

    def _coder_id(self) -> int | None:
        return self._wb_app.require_coder()

    def _descendants(self, code: Code) -> set[int]:
        out = {code.id}
        for c in self._codes:  # tree order: parents before children
            if c.parent_id in out:
                out.add(c.id)
        return out

    def _unused_colour(self) -> str:
        used = {parse_colour(c.colour) for c in self._codes if c.colour}
        for _name, hexa in PALETTE:
            if hexa not in used:
                return hexa
        return PALETTE[len(self._codes) % len(PALETTE)][1]

    def _on_target(self, verb: str, then: Callable[[Code], None]) -> None:
        """The highlighted code when the tree has focus (its keys); from the command
        palette, where the tree's cursor may be out of sight, ask which code first."""
        from workbench.tui.screens.code_edit import CodeChooserScreen, Target

        if self.has_focus:
            if (code := self.highlighted_code) is not None:
                then(code)
            return

        def chosen(target: Target | None) -> None:
            if target is not None and target.code is not None:
                self.select_code(target.code.id)
                then(target.code)

        self.app.push_screen(CodeChooserScreen(f"{verb} which code?", self._codes), chosen)

    def action_add_code(self) -> None:
        from workbench.tui.screens.code_edit import CodeChooserScreen, Target

        if self.has_focus:
            self._add(self.highlighted_code)
            return

        def chosen(target: Target | None) -> None:
            if target is not None:
                self._add(target.code)

        title = "Add a code under which code?"
        self.app.push_screen(CodeChooserScreen(title, self._codes, top_level=True), chosen)

    def action_add_top_code(self) -> None:
        self._add(None)

    def _add(self, parent: Code | None) -> None:
        from workbench.tui.screens.code_edit import CodeFormScreen

        if self._coder_id() is None:
            return
        title = f"New code under {parent.name}" if parent else "New top-level code"

        def save(fields: dict[str, Any] | None) -> None:
            coder_id = self._coder_id()
            if not fields or coder_id is None:
                return
            name = fields.pop("name")
            code = self._run(
                lambda: self._wb_app.wb.store.add_code(
                    name, coder_id, parent.id if parent else None, **fields
                ),
                f"Added code {name}",
                codings=False,
            )
            if code is not None:
                self.select_code(code.id)

        parent_id = parent.id if parent else None
        taken = [c.name for c in self._codes if c.parent_id == parent_id]
        form = CodeFormScreen(title, None, colour=self._unused_colour(), taken=taken)
        self.app.push_screen(form, save)

    def action_edit_code(self) -> None:
        self._on_target("Edit", self._edit_code)

    def _edit_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import CodeFormScreen

        if self._coder_id() is None:
            return

        def save(fields: dict[str, Any] | None) -> None:
            coder_id = self._coder_id()
            if not fields or coder_id is None:
                return
            changes = {k: v for k, v in fields.items() if not _same(getattr(code, k), v)}
            if not changes:
                self.notify("No changes")
                return
            self._run(
                lambda: self._wb_app.wb.store.update_code(code.id, coder_id, **changes),
                f"Saved {fields['name']}",
                codings=False,
            )

        taken = [c.name for c in self._codes if c.parent_id == code.parent_id and c.id != code.id]
        self.app.push_screen(CodeFormScreen(f"Edit {code.name}", code, taken=taken), save)

    def action_rename_code(self) -> None:
        self._on_target("Rename", self._rename_code)

    def _rename_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import TextPromptScreen

        if self._coder_id() is None:
            return

        def save(name: str | None) -> None:
            coder_id = self._coder_id()
            if not name or name == code.name or coder_id is None:
                return
            self._run(
                lambda: self._wb_app.wb.store.update_code(code.id, coder_id, name=name),
                f"Renamed {code.name} to {name}",
                codings=False,
            )

        self.app.push_screen(TextPromptScreen(f"Rename {code.name}", code.name), save)

    def action_recolour_code(self) -> None:
        self._on_target("Recolour", self._recolour_code)

    def _recolour_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import ColourScreen

        if self._coder_id() is None:
            return

        def save(colour: str | None) -> None:
            coder_id = self._coder_id()
            if colour is None or colour == code.colour or coder_id is None:
                return
            self._run(
                lambda: self._wb_app.wb.store.update_code(code.id, coder_id, colour=colour),
                f"{code.name} is now {colour_name(colour)}",
                codings=False,
            )

        self.app.push_screen(ColourScreen(f"Colour of {code.name}", code.colour), save)

    def action_move_code(self) -> None:
        self._on_target("Move", self._move_code)

    def _move_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import CodeChooserScreen, Target

        if self._coder_id() is None:
            return
        banned = self._descendants(code)
        candidates = [
            c for c in self._codes if c.id not in banned and c.id != (code.parent_id or -1)
        ]

        def save(target: Target | None) -> None:
            coder_id = self._coder_id()
            if target is None or coder_id is None:
                return
            parent_id = target.code.id if target.code else None
            siblings = [c.order for c in self._codes if c.parent_id == parent_id]
            where = target.code.name if target.code else "the top level"
            self._run(
                lambda: self._wb_app.wb.store.update_code(
                    code.id, coder_id, parent_id=parent_id, position=max(siblings, default=-1) + 1
                ),
                f"Moved {code.name} to {where}",
                codings=False,
            )
            self.select_code(code.id)

        self.app.push_screen(
            CodeChooserScreen(
                f"Move {code.name} under…",
                candidates,
                top_level=code.parent_id is not None,
            ),
            save,
        )

    def action_merge_code(self) -> None:
        self._on_target("Merge", self._merge_code)

    def _merge_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import CodeChooserScreen, ConfirmScreen, Target

        if self._coder_id() is None:
            return
        banned = self._descendants(code)
        candidates = [c for c in self._codes if c.id not in banned]
        if not candidates:
            self.notify("There is no other code to merge into", severity="warning")
            return
        store = self._wb_app.wb.store

        def chosen(target: Target | None) -> None:
            if target is None or target.code is None:
                return
            into = target.code
            counts = store.coding_counts()
            kids = sum(1 for c in self._codes if c.parent_id == code.id)
            message = (
                f"Merge '{code.name}' ({_n(counts.get(code.id, 0), 'coding')}) "
                f"into '{into.name}' ({_n(counts.get(into.id, 0), 'coding')})?"
            )
            if kids:
                verb = "moves" if kids == 1 else "move"
                message += f"\nIts {_n(kids, 'sub-code')} {verb} under '{into.name}'."
            if self._wb_app.blind:  # the counts above are everyone's, not what the tree shows
                message += "\nBlind mode is on: this moves every coder's codings of the code."
            message += f"\n'{code.name}' is then deleted. ctrl+z undoes the merge."

            def confirmed(ok: bool | None) -> None:
                coder_id = self._coder_id()
                if not ok or coder_id is None:
                    return
                moved = self._run(lambda: store.merge_codes(code.id, into.id, coder_id))
                if moved is not None:
                    self.notify(f"Merged {code.name} into {into.name}: {_n(moved, 'coding')} moved")
                    self.select_code(into.id)

            self.app.push_screen(ConfirmScreen("Merge codes", message, "Merge"), confirmed)

        self.app.push_screen(
            CodeChooserScreen(f"Merge {code.name} into…", candidates, top_level=False), chosen
        )

    def action_delete_code(self) -> None:
        self._on_target("Delete", self._delete_code)

    def _delete_code(self, code: Code) -> None:
        from workbench.tui.screens.code_edit import ConfirmScreen

        if self._coder_id() is None:
            return
        if any(c.parent_id == code.id for c in self._codes):
            self.notify(
                f"{code.name} has sub-codes: move (v) or merge (M) them first", severity="warning"
            )
            return
        store = self._wb_app.wb.store
        n = store.coding_counts().get(code.id, 0)
        message = f"Delete '{code.name}'" + (
            f" and its {_n(n, 'coding')}?" if n else " (no codings)?"
        )
        message += "\nctrl+z undoes the delete."

        def confirmed(ok: bool | None) -> None:
            coder_id = self._coder_id()
            if not ok or coder_id is None:
                return
            self._run(lambda: store.delete_code(code.id, coder_id), f"Deleted {code.name}")

        self.app.push_screen(ConfirmScreen("Delete code", message, "Delete"), confirmed)


def _same(old: object, new: object) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return old == new


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _subtree_totals(codes: Sequence[Code], counts: Mapping[int, int]) -> dict[int, int]:
    totals = {c.id: counts.get(c.id, 0) for c in codes}
    for code in reversed(codes):  # children come after parents in tree order
        if code.parent_id is not None and code.parent_id in totals:
            totals[code.parent_id] += totals[code.id]
    return totals
