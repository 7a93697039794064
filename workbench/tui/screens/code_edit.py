"""Modals for editing the codebook: the code form, rename, colour, code chooser, confirm."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.core.model import Code
from workbench.core.services.ranking import rank_codes
from workbench.tui.widgets.codebook_tree import PALETTE, parse_colour, swatch_style
from workbench.tui.widgets.picker import covers

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example", "memo")


class CodeFormScreen(ModalScreen[dict[str, Any] | None]):
    """All fields of a code. Enter in a one-line field or ctrl+s saves; Escape cancels."""

    HELP_GROUP = "Code form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="code-form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="code-form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        code: Code | None,
        *,
        colour: str = "",
        taken: Collection[str] = (),
    ) -> None:
        super().__init__(classes="wb-modal")
        self.form_title = title
        self.code = code
        self.initial_colour = code.colour if code else colour
        self.taken = {n.strip().lower() for n in taken}  # sibling names: no duplicates

    def compose(self) -> ComposeResult:
        code = self.code
        with Vertical(id="code-form", classes="wb-dialog wide") as dialog:
            dialog.border_title = self.form_title
            dialog.border_subtitle = "ctrl+s saves · esc cancels"
            with VerticalScroll(id="form"):
                with Horizontal(classes="field"):
                    yield Label("Name")
                    yield Input(code.name if code else "", placeholder="code name", id="name",
                                compact=True)  # fmt: skip
                with Horizontal(classes="field"):
                    yield Label("Colour")
                    yield Input(self.initial_colour, placeholder="palette name, #hex or CSS name",
                                id="colour", compact=True)  # fmt: skip
                    yield Static(id="swatch")
                with Horizontal(classes="field"):
                    yield Label("Keywords")
                    keywords = ", ".join(code.keywords) if code else ""
                    yield Input(keywords, placeholder="comma separated", id="keywords",
                                compact=True)  # fmt: skip
                for name in TEXT_FIELDS:
                    with Horizontal(classes="field long"):
                        yield Label(name.capitalize())
                        yield TextArea(
                            getattr(code, name) if code else "",
                            id=name,
                            soft_wrap=True,
                            show_line_numbers=False,
                            compact=True,
                        )
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_swatch(self.initial_colour)
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#colour")
    def _colour_changed(self, event: Input.Changed) -> None:
        self._show_swatch(event.value)

    def _show_swatch(self, value: str) -> None:
        parsed = parse_colour(value) if value.strip() else None
        text = Text("████ ", style=parsed) if parsed else Text("no colour" if not value else "?")
        self.query_one("#swatch", Static).update(text)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def values(self) -> dict[str, Any] | None:
        error = self.query_one("#error", Static)
        name = self.query_one("#name", Input).value.strip()
        if not name:
            error.update("A code needs a name.")
            self.query_one("#name", Input).focus()
            return None
        if name.lower() in self.taken:
            error.update(f"There is already a code named {name!r} there.")
            self.query_one("#name", Input).focus()
            return None
        raw_colour = self.query_one("#colour", Input).value.strip()
        colour = parse_colour(raw_colour) if raw_colour else ""
        if colour is None:
            error.update(f"{raw_colour!r} is not a colour: try a palette name or #rrggbb.")
            self.query_one("#colour", Input).focus()
            return None
        if self.code is not None and raw_colour == self.code.colour:
            colour = self.code.colour  # unchanged: keep it exactly as stored
        keywords = tuple(
            k.strip() for k in self.query_one("#keywords", Input).value.split(",") if k.strip()
        )
        values: dict[str, Any] = {"name": name, "colour": colour, "keywords": keywords}
        for field_name in TEXT_FIELDS:
            values[field_name] = self.query_one(f"#{field_name}", TextArea).text.strip()
        return values


class TextPromptScreen(ModalScreen[str | None]):
    """One line of text (used to rename a code)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__(classes="wb-modal")
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog") as dialog:
            dialog.border_title = self.prompt_title
            yield Input(self.value, placeholder=self.placeholder, id="value")
            yield Static("Enter to save · Esc to cancel", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ColourScreen(ModalScreen[str | None]):
    """Pick a colour from the palette, or type a hex value. Returns "#rrggbb" or ""."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="colour.cancel"),
    ]

    def __init__(self, title: str, current: str = "") -> None:
        super().__init__(classes="wb-modal")
        self.colour_title = title
        self.current = parse_colour(current) if current else ""

    def compose(self) -> ComposeResult:
        options = []
        for name, hexa in PALETTE:
            prompt = Text.assemble(("████ ", hexa), f"{name:<10}", (hexa, "dim"))
            options.append(Option(prompt, id=hexa))
        options.append(Option(Text("     no colour", style="italic"), id="none"))
        with Vertical(classes="wb-dialog") as dialog:
            dialog.border_title = self.colour_title
            yield OptionList(*options, id="palette")
            yield Input(placeholder="or type #rrggbb / a colour name, then Enter", id="hex")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        palette = self.query_one(OptionList)
        if self.current:
            try:
                palette.highlighted = palette.get_option_index(self.current)
            except Exception:  # noqa: BLE001 - not a palette colour: highlight the first
                palette.highlighted = 0
        else:
            palette.highlighted = 0
        palette.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        self.dismiss("" if option_id == "none" else option_id)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        parsed = parse_colour(value)
        if parsed is None:
            self.query_one("#error", Static).update(f"{value!r} is not a colour")
            return
        self.dismiss(parsed)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Target:
    """What the code chooser returns: a code, or ``None`` for the top level."""

    code: Code | None


TOP_LEVEL = "top-level"


class CodeChooserScreen(ModalScreen[Target | None]):
    """A filter box over a list of codes ranked like the code picker (rapidfuzz)."""

    HELP_GROUP = "Code chooser"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="code-chooser.cancel"),
        Binding("down", "cursor(1)", "Next", show=False, id="code-chooser.next"),
        Binding("up", "cursor(-1)", "Previous", show=False, id="code-chooser.previous"),
    ]

    def __init__(self, title: str, codes: Sequence[Code], *, top_level: bool = False) -> None:
        super().__init__(classes="wb-modal")
        self.chooser_title = title
        self.candidates = list(codes)
        self.top_level = top_level
        self._by_id = {str(c.id): c for c in self.candidates}

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog wide") as dialog:
            dialog.border_title = self.chooser_title
            yield Input(placeholder="type to filter codes", id="filter")
            yield OptionList(id="choices")
            yield Static("", id="definition", classes="hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        options: list[Option] = []
        if self.top_level and (not query or "top level".startswith(query.lower().strip())):
            options.append(Option(Text("⤒ (top level)", style="bold"), id=TOP_LEVEL))
        recent = getattr(getattr(self.app, "wb", None), "recent_codes", ())
        ranked = rank_codes(query, self.candidates, recent)
        for code, _score in ranked:
            prompt = Text.assemble(("● ", swatch_style(code.colour)), code.path)
            options.append(Option(prompt, id=str(code.id)))
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        # Enter takes the top row only when it really matches what was typed; a loose
        # fuzzy match must be chosen with the arrows (merging into it is not undone lightly)
        loose = bool(query.strip()) and not any(covers(query, c) for c, _ in ranked[:1])
        if options and not (loose and options[0].id != TOP_LEVEL):
            choices.highlighted = 0
        else:
            choices.highlighted = None
        self._describe()
        if loose and options:
            self.query_one("#definition", Static).update(
                Text("No code matches every word you typed: choose one with ↓", "dim")
            )

    @on(OptionList.OptionHighlighted)
    def _describe(self) -> None:
        choices = self.query_one("#choices", OptionList)
        code = None
        if choices.highlighted is not None and choices.option_count:
            code = self._by_id.get(choices.get_option_at_index(choices.highlighted).id or "")
        text = code.definition if code and code.definition else ""
        self.query_one("#definition", Static).update(text[:300])

    def action_cursor(self, step: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if step > 0:
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is None or not choices.option_count:
            return
        self._choose(choices.get_option_at_index(choices.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == TOP_LEVEL:
            self.dismiss(Target(None))
        elif option_id in self._by_id:
            self.dismiss(Target(self._by_id[option_id]))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no. Enter or y confirms; Escape or n cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, message: str, confirm: str = "OK") -> None:
        super().__init__(classes="wb-modal")
        self.confirm_title = title
        self.message = message
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog") as dialog:
            dialog.border_title = self.confirm_title
            yield Static(self.message, id="message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.confirm} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
