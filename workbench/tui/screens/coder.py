"""Choose who is coding: pick an existing coder or type a new name."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

NEW = "\x00new:"  # option id prefix of the "new coder" row


class CoderScreen(ModalScreen[str | None]):
    """Returns the chosen or new coder name, or None when dismissed with Escape."""

    HELP_GROUP = "Coder chooser"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="coder.cancel"),
        Binding("down", "cursor(1)", "Next coder", show=False, id="coder.next"),
        Binding("up", "cursor(-1)", "Previous coder", show=False, id="coder.previous"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="wb-modal")
        self._names: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog", id="coder-dialog") as dialog:
            dialog.border_title = "Who is coding?"
            yield Input(placeholder="type your name, then Enter", id="coder-name")
            yield OptionList(id="coders")
            yield Static("", id="coder-hint", classes="hint")

    def on_mount(self) -> None:
        wb = self.app.wb  # type: ignore[attr-defined]
        self._names = [c.name for c in wb.store.coders()]
        current = wb.coder.name if wb.coder else None
        self._fill("")
        coders = self.query_one(OptionList)
        if current in self._names:
            coders.highlighted = self._names.index(current)
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        typed = query.strip()
        low = typed.lower()
        names = [n for n in self._names if low in n.lower()]
        options = [Option(n, id=n) for n in names]
        if typed and typed not in self._names:
            options.append(Option(Text.assemble(("+ new coder ", "italic"), typed), id=NEW + typed))
        coders = self.query_one(OptionList)
        coders.clear_options()
        coders.add_options(options)
        coders.display = bool(options)
        if options:
            coders.highlighted = 0
        hint = self.query_one("#coder-hint", Static)
        if not self._names:
            hint.update("No coders yet: type your name and press Enter.")
        else:
            hint.update("Enter picks the highlighted row · ↓↑ move · type to filter or add a coder")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        coders = self.query_one(OptionList)
        if coders.highlighted is not None and coders.option_count:
            self._choose(coders.get_option_at_index(coders.highlighted).id)

    def _choose(self, option_id: str | None) -> None:
        if option_id:
            self.dismiss(option_id.removeprefix(NEW))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def action_cursor(self, step: int) -> None:
        coders = self.query_one(OptionList)
        if not coders.option_count:
            return
        if step > 0:
            coders.action_cursor_down()
        else:
            coders.action_cursor_up()

    def on_key(self, event: events.Key) -> None:
        """Typing while the list has focus goes to the name box."""
        name_box = self.query_one(Input)
        if event.is_printable and event.character and not name_box.has_focus:
            event.stop()
            name_box.focus()
            name_box.insert_text_at_cursor(event.character)

    def action_cancel(self) -> None:
        self.dismiss(None)
