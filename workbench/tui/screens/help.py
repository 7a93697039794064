"""Help (F1 or ?): every binding that applies on the screen underneath, read live.

Nothing here is a hard-coded list of keys: groups come from ``collect_bindings`` (app,
screen, focused widget, other widgets with their own keys), after the user's keymap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from workbench.tui.keymap import BindingGroup, collect_bindings, keymap_path


class HelpScreen(ModalScreen[None]):
    HELP_GROUP = "Help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, target: Screen[object] | None = None) -> None:
        super().__init__(classes="wb-modal", id="help")
        self.target = target

    def _target(self) -> Screen[object]:
        if self.target is not None:
            return self.target
        stack = [s for s in self.app.screen_stack if s is not self]
        return stack[-1]

    def compose(self) -> ComposeResult:
        target = self._target()
        groups = collect_bindings(target)
        with Vertical(id="help-dialog", classes="wb-dialog") as dialog:
            dialog.border_title = "Help · keys that work here"
            dialog.border_subtitle = "esc closes · ctrl+p finds any command by name"
            with VerticalScroll(id="help-body"):
                # the steps first: what a new coder needs before the full key list
                yield Static(Text("How to code a passage", style="bold"), classes="help-heading")
                yield Static(how_to_code(self.app), classes="help-text")
                for group in groups:
                    yield Static(Text(group.title, style="bold"), classes="help-heading")
                    yield Static(binding_table(group), classes="help-table")
                yield Static(Text("Changing keys", style="bold"), classes="help-heading")
                yield Static(keymap_help(groups), classes="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def binding_table(group: BindingGroup) -> Table:
    # Fixed key column and ratio columns: every group's table lines up with the others.
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column("keys", width=12, no_wrap=True, style="bold")
    table.add_column("action", ratio=1)
    table.add_column("id", width=28, style="dim", overflow="fold")
    for info in group.bindings:
        style = "" if info.enabled else "dim"
        note = "" if info.enabled else " (not available now)"
        table.add_row(
            Text(" / ".join(info.keys), style=style),
            Text(info.description + note, style=style),
            Text(", ".join(info.ids)),
        )
    return table


def _keys(app: App[object], bindings: BindingsMap, names: Sequence[str]) -> str | None:
    """Display keys of the first binding whose id or action is in ``names``."""
    keymap = dict(app._keymap)
    bindings = bindings.copy()
    if keymap:
        bindings.apply_keymap(keymap)
    found: list[Binding] = []
    for name in names:
        found = [b for _k, b in bindings if b.id == name or b.action == name]
        if found:
            break
    if not found:
        return None
    return " or ".join(dict.fromkeys(app.get_key_display(b) for b in found))


def how_to_code(app: App[object]) -> Group:
    """The coding steps, with the keys the coding screen binds right now."""
    coding = _coding_bindings()

    def k(*names: str, bindings: BindingsMap | None = coding) -> str:
        keys = _keys(app, bindings, names) if bindings is not None else None
        return f" [{keys}]" if keys else ""

    opening = k("project.open-document", bindings=_project_bindings())
    steps = (
        f"1. On the project screen, highlight a document and open it{opening}.",
        "2. Move the cursor to the passage and select it: the sentence"
        f"{k('coding.select-sentence', 'select_sentence')}, the speaker turn"
        f"{k('coding.select-turn', 'select_turn')}, or extend the selection by hand"
        f"{k('transcript.extend-right', 'transcript.extend-down')}.",
        f"3. Open the code picker{k('coding.pick-code', 'pick_code')}, type a few letters of "
        "the code's name, a keyword or its definition, and press Enter. Recent codes are one "
        f"key away{k('coding.quick-code', 'quick_code')}.",
        "4. Made a mistake? ctrl+z undoes it; remove the coding under the cursor"
        f"{k('coding.uncode', 'uncode', 'remove_coding')}.",
        "5. The codebook keys (add, edit, merge …) work wherever the codebook tree has focus.",
    )
    return Group(*(Text(step) for step in steps))


def _coding_bindings() -> BindingsMap | None:
    """The coding screen's keys and its transcript's (classes, so no screen is needed)."""
    try:
        from workbench.tui.screens.coding import CodingScreen
    except ImportError:
        return None
    classes: list[type[DOMNode]] = [CodingScreen]
    try:
        from workbench.tui.widgets.transcript import TranscriptView

        classes.append(TranscriptView)
    except ImportError:
        pass
    return BindingsMap([b for cls in classes for _key, b in cls._merge_bindings()])


def _project_bindings() -> BindingsMap:
    from workbench.tui.screens.project import DocumentTable

    return DocumentTable._merge_bindings()


def keymap_help(groups: Sequence[BindingGroup]) -> Text:
    text = Text()
    text.append("Every key has an id (right-hand column). To change keys, write ")
    text.append(str(keymap_path()), style="bold")
    text.append(" and restart:\n\n")
    text.append('  [keymap]\n  "codebook.merge-code" = "m"\n  "app.help" = ["f1", "h"]\n\n')
    text.append("Use key names as Textual spells them: a, A, ctrl+s, f5, delete, question_mark.")
    return text
