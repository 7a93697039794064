"""The "Definition" panel: definition, inclusion, exclusion and example of one code."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from workbench.core.model import Code
from workbench.tui.widgets.transcript import code_colour


def definition_text(code: Code | None) -> Text:
    out = Text()
    if code is None:
        out.append("Highlight a code in the codebook or move onto a coding.", "dim")
        return out
    out.append("● ", code_colour(code.colour, code.id).hex)
    out.append(code.name, "bold")
    if code.depth:
        out.append(f"\n{code.path.rsplit(' > ', 1)[0]}", "dim")
    out.append("\n")
    out.append(code.definition.strip() or "(no definition yet)", "" if code.definition else "dim")
    for label, value in (("Include", code.inclusion), ("Exclude", code.exclusion)):
        if value.strip():
            out.append(f"\n{label}: ", "bold")
            out.append(value.strip())
    if code.example.strip():
        out.append("\ne.g. ", "bold")
        out.append(f"“{code.example.strip()}”", "italic")
    return out


class DefinitionPanel(VerticalScroll, can_focus=False):
    """Shows the code under focus (highlighted in the tree, or coded under the cursor)."""

    DEFAULT_CSS = """
    DefinitionPanel > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.code: Code | None = None
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Static(definition_text(None), id="definition-body")

    def show(self, code: Code | None) -> None:
        if code == self.code and self.is_mounted and self._shown:
            return
        self.code = code
        self._shown = True
        self.query_one("#definition-body", Static).update(definition_text(code))
