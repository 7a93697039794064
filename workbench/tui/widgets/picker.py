"""The small modals of the coding screen.

``CodePicker`` (filter + ranked codes + definition + "create new code"),
``CodingChooser`` (which of several codings), ``MemoEditor`` (a coding's memo)
and ``ProjectSearch`` (find text across every document).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rapidfuzz import fuzz
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.core.model import Code
from workbench.core.services.ranking import rank_codes
from workbench.tui.widgets.definition import definition_text
from workbench.tui.widgets.here import swatch

_MODAL_CSS = """
{name}.coding-modal {{
    align: center middle;
    background: $background 60%;
}}
{name}.coding-modal > Vertical {{
    width: 90%;
    max-width: 100;
    height: 70%;
    max-height: 24;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}}
{name} .modal-title {{ text-style: bold; width: 1fr; height: auto; max-height: 2; }}
{name} .modal-hint {{ color: $text-muted; width: 1fr; height: 1; }}
"""

_LIST_KEYS: list[BindingType] = [
    Binding("down", "list_move('cursor_down')", "Next", show=False),
    Binding("up", "list_move('cursor_up')", "Previous", show=False),
    Binding("pagedown", "list_move('page_down')", "Page down", show=False),
    Binding("pageup", "list_move('page_up')", "Page up", show=False),
]


class _ListModal:
    """Arrow keys in the filter box move the list highlight.

    Keys typed before the filter box has focus (a terminal delivers a fast
    burst like ``c o n Enter`` at once, before the modal has mounted) go into
    the filter instead of being lost.
    """

    def on_key(self, event: events.Key) -> None:
        inputs = self.query(Input)  # type: ignore[attr-defined]
        if not inputs or not event.is_printable or not event.character:
            return
        box = inputs.first()
        if self.focused is box:  # type: ignore[attr-defined]
            return
        box.insert_text_at_cursor(event.character)
        box.focus()
        event.stop()
        event.prevent_default()

    def action_list_move(self, action: str) -> None:
        option_list = self.query_one(OptionList)  # type: ignore[attr-defined]
        getattr(option_list, f"action_{action}")()


# Words that say nothing about which code is meant ("Cats and dogs" is not "Gossip and…").
_FILLER = frozenset(
    "a an and are as at be but by for from had has have i in is it its me my no not of on "
    "or our so that the their them they this to was we were with you your".split()
)
_WORD = re.compile(r"[^\W_]+")


def covers(query: str, code: Code) -> bool:
    """Every telling word of ``query`` starts a word of the code's name, path or keywords
    (allowing a typo in words of four letters or more): what makes a match strong enough
    to list above "create a new code"."""
    words = [w for w in _WORD.findall(query.lower()) if w not in _FILLER]
    if not words:
        words = _WORD.findall(query.lower())
    vocab = set(_WORD.findall(code.path.lower()))
    for keyword in code.keywords:
        vocab.update(_WORD.findall(keyword.lower()))
    return all(
        any(v.startswith(w) or (len(w) >= 4 and fuzz.ratio(w, v[: len(w)]) >= 80) for v in vocab)
        for w in words
    )


@dataclass(frozen=True, slots=True)
class Pick:
    """What the picker returns: an existing code, or the name of a code to create."""

    code_id: int | None = None
    new_name: str | None = None


NEW = "__new__"
STRONG = 80  # rank_codes score of a match that goes above "create new code"
WEAK, WEAK_GAP = 50, 20  # matches below WEAK, or WEAK_GAP behind the best, are not listed
ROW_WIDTH = 40  # a picker row's budget; the parent's name is shortened to fit


class CodePicker(_ListModal, ModalScreen[Pick | None]):
    """Choose a code for the selection: type to filter, Enter to apply, Escape to cancel."""

    DEFAULT_CSS = (
        _MODAL_CSS.format(name="CodePicker")
        + """
    CodePicker #picker-main { height: 1fr; }
    CodePicker #picker-list { width: 1fr; height: 1fr; border: none; }
    CodePicker #picker-definition { width: 1fr; height: 1fr; padding: 0 1;
        border-left: vkey $panel; }
    CodePicker Input { margin: 0; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        *_LIST_KEYS,
    ]

    def __init__(
        self,
        codes: Sequence[Code],
        recent: Sequence[int] = (),
        quote: str = "",
        counts: dict[int, int] | None = None,
    ) -> None:
        super().__init__(classes="wb-modal coding-modal")
        self.codes = list(codes)
        self.recent = list(recent)
        self.quote = quote
        self.counts = counts or {}
        self._by_id = {c.id: c for c in self.codes}

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Code ", "bold")
            if self.quote:
                one = " ".join(self.quote.split())
                title.append(f"“{one[:70] + '…' if len(one) > 70 else one}”", "italic")
            yield Label(title, classes="modal-title")
            yield Input(
                placeholder="Type to filter codes (name, path, keywords)", id="picker-filter"
            )
            with Horizontal(id="picker-main"):
                yield OptionList(id="picker-list")
                with VerticalScroll(id="picker-definition"):
                    yield Static(id="picker-definition-body")
            yield Label("Enter apply · ↑↓ choose · Esc cancel", classes="modal-hint")

    def on_mount(self) -> None:
        self._refill("")
        self.query_one(Input).focus()
        self._fit(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        # Below 100 columns the definition beside the list would squeeze every row
        # into two lines; the list gets the width (the definition is on the coding screen).
        self.query_one("#picker-definition").display = width >= 100

    @property
    def options(self) -> OptionList:
        return self.query_one("#picker-list", OptionList)

    def _refill(self, query: str) -> None:
        query = query.strip()
        ranked = rank_codes(query, self.codes, self.recent)
        if query and ranked:  # weak matches far behind the best one are noise
            floor = max(WEAK, ranked[0][1] - WEAK_GAP)
            ranked = [(c, sc) for c, sc in ranked if sc >= floor]
        recent_pos = {cid: i for i, cid in enumerate(self.recent[:9], start=1)}
        options: list[Option] = []
        for code, _score in ranked:
            prompt = Text()
            n = recent_pos.get(code.id) if not query else None
            prompt.append(f"{n} " if n else "  ", "bold")
            prompt.append_text(swatch(code, code.id))
            prompt.append(code.name)
            if code.depth:
                parent = code.path.rsplit(" > ", 2)[-2]
                room = ROW_WIDTH - len(code.name) - 6
                if room >= 8:
                    short = parent if len(parent) <= room else parent[: room - 1] + "…"
                    prompt.append(f"  {short}", "dim")
            options.append(Option(prompt, id=str(code.id)))
        if query and not any(c.name.lower() == query.lower() for c in self.codes):
            # after the strong matches, before the weak ones: a new name that matches
            # nothing well is one Enter away, and never hidden below the list
            strong = 0
            for code, score in ranked:
                if score < STRONG or not covers(query, code):
                    break
                strong += 1
            create = Option(Text(f"+ Create new code '{query}'", "bold"), id=NEW)
            options.insert(strong, create)
        option_list = self.options
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0
        self._show_definition()

    def _highlighted_id(self) -> str | None:
        option_list = self.options
        if option_list.highlighted is None or option_list.option_count == 0:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def _show_definition(self) -> None:
        body = self.query_one("#picker-definition-body", Static)
        oid = self._highlighted_id()
        if oid is None:
            body.update(Text("No code matches.", "dim"))
        elif oid == NEW:
            name = self.query_one(Input).value.strip()
            body.update(Text(f"Creates the top-level code “{name}” and applies it.", "dim"))
        else:
            code = self._by_id[int(oid)]
            text = definition_text(code)
            n = self.counts.get(code.id)
            if n:
                text.append(f"\n\n{n} coding{'s' if n != 1 else ''} so far", "dim")
            body.update(text)

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_definition()

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        self._choose(self._highlighted_id())

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, oid: str | None) -> None:
        if oid is None:
            self.app.bell()
            return
        if oid == NEW:
            self.dismiss(Pick(new_name=self.query_one(Input).value.strip()))
        else:
            self.dismiss(Pick(code_id=int(oid)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodingChooser(_ListModal, ModalScreen[int | None]):
    """Pick one of several codings (for remove / memo / star / resize)."""

    DEFAULT_CSS = (
        _MODAL_CSS.format(name="CodingChooser")
        + """
    CodingChooser.coding-modal > Vertical { height: auto; max-height: 20; width: 70; }
    CodingChooser OptionList { height: auto; max-height: 14; border: none; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="chooser.cancel"),
    ]

    def __init__(self, title: str, rows: Sequence[tuple[int, Text]]) -> None:
        super().__init__(classes="wb-modal coding-modal")
        self.title_text = title
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            yield OptionList(*[Option(text, id=str(cid)) for cid, text in self.rows])
            yield Label("Enter choose · Esc cancel", classes="modal-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = 0
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoEditor(ModalScreen[str | None]):
    """Edit a coding's memo; ctrl+s or the Save button saves, Escape cancels."""

    DEFAULT_CSS = (
        _MODAL_CSS.format(name="MemoEditor")
        + """
    MemoEditor.coding-modal > Vertical { height: 20; width: 80; }
    MemoEditor TextArea { height: 1fr; }
    MemoEditor #memo-buttons { height: auto; align-horizontal: right; }
    MemoEditor #memo-buttons .modal-hint { width: 1fr; height: 3; content-align: left middle; }
    MemoEditor Button { margin-left: 1; min-width: 10; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="memo.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="memo.cancel"),
    ]

    def __init__(self, title: str, memo: str) -> None:
        super().__init__(classes="wb-modal coding-modal")
        self.title_text = title
        self.memo = memo

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            yield TextArea(self.memo, id="memo-text", soft_wrap=True)
            with Horizontal(id="memo-buttons"):
                yield Label("ctrl+s save · Esc cancel", classes="modal-hint")
                yield Button("Save", variant="primary", id="memo-save")
                yield Button("Cancel", id="memo-cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#memo-save")
    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    @on(Button.Pressed, "#memo-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class SearchHit:
    document_id: int
    start: int
    end: int
    query: str


class ProjectSearch(_ListModal, ModalScreen[SearchHit | None]):
    """Find text in every document; Enter opens the document at the hit."""

    DEFAULT_CSS = (
        _MODAL_CSS.format(name="ProjectSearch")
        + """
    ProjectSearch OptionList { height: 1fr; border: none; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="project-search.cancel"),
        *_LIST_KEYS,
    ]
    MAX_HITS = 300
    CONTEXT = 32

    def __init__(self, query: str = "") -> None:
        super().__init__(classes="wb-modal coding-modal")
        self.initial = query
        self._texts: list[tuple[int, str, str]] | None = None
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Search the project", classes="modal-title")
            yield Input(self.initial, placeholder="Text to find in every document", id="ps-query")
            yield OptionList(id="ps-hits")
            yield Label("Loading documents…", id="ps-status", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="project-search", exit_on_error=False)
    def _load(self) -> None:
        store = self.app.wb.store  # type: ignore[attr-defined]
        texts = [(d.id, d.name, store.text(d.id)) for d in store.documents()]
        self.app.call_from_thread(self._loaded, texts)

    def _loaded(self, texts: list[tuple[int, str, str]]) -> None:
        self._texts = texts
        self._search(self.query_one(Input).value)

    @on(Input.Changed, "#ps-query")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        status = self.query_one("#ps-status", Label)
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        self.hits = []
        if self._texts is None:
            return
        query = query.strip()
        if not query:
            status.update("Type to search every document")
            return
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        options = []
        total = 0
        for doc_id, name, text in self._texts:
            for m in pattern.finditer(text):
                total += 1
                if len(self.hits) >= self.MAX_HITS:
                    continue
                self.hits.append(SearchHit(doc_id, m.start(), m.end(), query))
                options.append(Option(self._prompt(name, text, m.start(), m.end())))
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0
        shown = f" (first {self.MAX_HITS})" if total > self.MAX_HITS else ""
        status.update(
            f"{total} hit{'s' if total != 1 else ''}{shown} · Enter open · Esc cancel"
            if total
            else "No hits"
        )

    def _prompt(self, name: str, text: str, a: int, b: int) -> Text:
        def squash(part: str) -> str:
            return re.sub(r"\s+", " ", part)

        out = Text(f"{name} · ", "bold")
        out.append("…" + squash(text[max(0, a - self.CONTEXT) : a]))
        out.append(squash(text[a:b]), "reverse")
        out.append(squash(text[b : b + self.CONTEXT]) + "…")
        return out

    @on(Input.Submitted, "#ps-query")
    def _submit(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None or not self.hits:
            self.app.bell()
            return
        self.dismiss(self.hits[option_list.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
