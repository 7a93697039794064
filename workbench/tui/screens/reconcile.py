"""Reconciliation mode: walk the passages two coders coded differently and settle each.

``ReconcileScreen("anna", "ben")`` shows one disagreement at a time: the passage in
context with coder A's codings underlined in one colour and coder B's in another, both
coders' codes, and what the consensus holds. It opens at the first undecided passage.
Keys: ``a`` keep A, ``b`` keep B, ``o`` both, ``n`` neither, ``e`` edit the span,
``j``/``k`` next/previous, ``u`` take back the last decision, ``c`` choose the two
coders (when the project has more). Decisions are written to the ``consensus`` coder
through ``workbench.workflows.reconcile`` (one audit entry each).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Static

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change
from workbench.tui.screens.agreement import CodersScreen
from workbench.tui.screens.base import WorkbenchScreen
from workbench.workflows import reconcile
from workbench.workflows.reconcile import Passage

CONTEXT = 160  # characters shown either side of a passage (about; cut at a word boundary)
A_STYLE = "underline bold #61afef"
B_STYLE = "underline bold #e5c07b"
AB_STYLE = "underline bold #98c379"
_LABELS = {"a": "keep A", "b": "keep B", "both": "both", "neither": "neither", "edit": "edited"}


@dataclass(frozen=True, slots=True)
class Window:
    """A passage in context: ``text[first:last]`` is the document's text from position
    ``offset + first``; "…" before ``first`` / after ``last`` marks text left out."""

    text: str
    offset: int  # the document position of text[0]
    first: int
    last: int


def context_window(text: str, start: int, end: int, context: int) -> Window:
    """``text[start:end]`` with about ``context`` characters either side, cut at word
    boundaries, "…" marking text left out (not at a paragraph break)."""
    left = max(0, start - context)
    if 0 < left < start and not text[left - 1].isspace() and not text[left].isspace():
        word_end = left  # the window starts inside a word: skip to the next word
        while word_end < start and not text[word_end].isspace():
            word_end += 1
        left = word_end if word_end < start else left
    while left < start and text[left].isspace():
        left += 1
    right = min(len(text), end + context)
    if end < right < len(text) and not text[right - 1].isspace() and not text[right].isspace():
        word_start = right  # the window ends inside a word: drop that word
        while word_start > end and not text[word_start - 1].isspace():
            word_start -= 1
        right = word_start if word_start > end else right
    while right > end and text[right - 1].isspace():
        right -= 1
    lead = "…" if left > 0 and text[left - 1] != "\n" else ""
    tail = "…" if right < len(text) and text[right] != "\n" else ""
    return Window(
        lead + text[left:right] + tail, left - len(lead), len(lead), len(lead) + right - left
    )


def _key(key: str, action: str, description: str, name: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"reconcile.{name}")


class EditSpanScreen(ModalScreen[str | None]):
    """Edit the text to keep (trim or widen the passage); Enter keeps it, Escape cancels."""

    HELP_GROUP = "Edit the consensus span"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reconcile-edit.cancel"),
    ]

    def __init__(self, text: str, check: Callable[[str], str | None] | None = None) -> None:
        super().__init__(classes="wb-modal")
        self.text = text
        self.check = check  # the problem with an edited text, or None if it can be kept

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog wide", id="reconcile-edit") as dialog:
            dialog.border_title = "Edit the span to keep"
            yield Input(" ".join(self.text.split()), id="reconcile-edit-text")
            yield Static(
                "Trim the text to what the consensus should code, then Enter", classes="hint"
            )
            yield Static("", id="reconcile-edit-problem", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check and event.value.strip() else None
        if problem:  # stay open with the edit, so it can be corrected
            self.query_one("#reconcile-edit-problem", Static).update(Text(problem, "red"))
            return
        self.dismiss(event.value if event.value.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReconcileScreen(WorkbenchScreen[None]):
    """Walk disagreements between two coders; decisions go to the ``consensus`` coder."""

    HELP_GROUP = "Reconcile"
    DEFAULT_CSS = """
    ReconcileScreen #reconcile-header { height: auto; padding: 0 1; background: $panel; }
    ReconcileScreen #reconcile-body { height: 1fr; padding: 0 1; }
    ReconcileScreen #reconcile-passage { margin: 1 0; }
    ReconcileScreen #reconcile-codings { height: auto; }
    ReconcileScreen #reconcile-empty { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        _key("a", "decide('a')", "Keep A", "keep-a"),
        _key("b", "decide('b')", "Keep B", "keep-b"),
        _key("o", "decide('both')", "Both", "both"),
        _key("n", "decide('neither')", "Neither", "neither"),
        _key("e", "edit", "Edit span", "edit"),
        _key("j", "step(1)", "Next", "next"),
        _key("k", "step(-1)", "Previous", "previous"),
        _key("u", "undo", "Undo decision", "undo"),
        _key("c", "choose_coders", "Coders", "coders"),
        _key("escape", "close", "Back", "close"),
    ]

    def __init__(self, coder_a: str, coder_b: str) -> None:
        super().__init__(id="reconcile")
        self.coder_a, self.coder_b = coder_a, coder_b
        self.passages: list[Passage] = []
        self.index = 0
        self._codes: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="reconcile-header")
        with VerticalScroll(id="reconcile-body"):
            yield Static("", id="reconcile-passage")
            yield Static("", id="reconcile-codings")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self._first_undecided()

    # -- data ------------------------------------------------------------------------
    def reload(self, keep: tuple[int, int, int] | None = None) -> None:
        store = self.wb_app.wb.store
        try:
            self.passages = reconcile.passages(store, self.coder_a, self.coder_b)
        except WorkbenchError as err:
            self.passages = []
            self.notify(str(err), severity="error")
        self._codes = {c.id: c.path for c in store.codes()}
        if keep is not None:
            for i, p in enumerate(self.passages):
                if (p.document_id, p.start, p.end) == keep:
                    self.index = i
                    break
        self.index = max(0, min(self.index, len(self.passages) - 1))
        self.show()

    @property
    def current(self) -> Passage | None:
        return self.passages[self.index] if self.passages else None

    # -- drawing ---------------------------------------------------------------------
    def show(self) -> None:
        header = self.query_one("#reconcile-header", Static)
        body = self.query_one("#reconcile-passage", Static)
        codings = self.query_one("#reconcile-codings", Static)
        p = self.current
        if p is None:
            header.update(
                Text.assemble(
                    ("Reconcile ", "bold"), f"A: {self.coder_a} · B: {self.coder_b} · ",
                    "no disagreements: the two coders agree everywhere (or have not coded)",
                )
            )  # fmt: skip
            body.update("")
            codings.update("")
            return
        decided = sum(1 for x in self.passages if x.decision)
        state = _LABELS.get(p.decision or "", "undecided")
        header.update(
            Text.assemble(
                ("Reconcile ", "bold"),
                (f"A: {self.coder_a}", A_STYLE), " · ", (f"B: {self.coder_b}", B_STYLE),
                f" · passage {self.index + 1} of {len(self.passages)} ({decided} decided)",
                f" · {p.document} {p.start}-{p.end} · {p.kind} · ",
                (f"decision: {state}", "bold" if p.decision else "italic"),
            )
        )  # fmt: skip
        body.update(self._passage_text(p))
        codings.update(self._codings_text(p))

    def _passage_text(self, p: Passage) -> Text:
        full = self.wb_app.wb.store.text(p.document_id)
        window = context_window(full, p.start, p.end, CONTEXT)
        text, offset, first, last = window.text, window.offset, window.first, window.last
        out = Text(text, style="dim")
        out.stylize("not dim", p.start - offset, p.end - offset)
        marks = [0] * len(text)
        for bit, items in ((1, p.a), (2, p.b)):
            for c in items:
                for i in range(max(c.start - offset, first), min(c.end - offset, last)):
                    marks[i] |= bit
        styles = {1: A_STYLE, 2: B_STYLE, 3: AB_STYLE}
        i = 0
        while i < len(marks):
            j = i
            while j < len(marks) and marks[j] == marks[i]:
                j += 1
            if marks[i]:
                out.stylize(styles[marks[i]], i, j)
            i = j
        return out

    def _codings_text(self, p: Passage) -> Text:
        out = Text()
        rows = (("A", self.coder_a, p.a, A_STYLE), ("B", self.coder_b, p.b, B_STYLE),
                ("=", "consensus", p.consensus, "bold"))  # fmt: skip
        for tag, name, items, style in rows:
            out.append(f"{tag} {name}: ", style=style)
            if not items:
                out.append("no codes here\n", style="italic")
                continue
            out.append(
                "; ".join(f"{self._codes.get(c.code_id, c.code_id)} [{c.start}-{c.end}]"
                          for c in items) + "\n"
            )  # fmt: skip
        return out

    # -- actions ---------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        if self.passages:
            self.index = (self.index + delta) % len(self.passages)
            self.show()

    def _decide(self, decision: str, **kw: object) -> None:
        p = self.current
        if p is None:
            return
        me = self.wb_app.wb.coder
        try:
            reconcile.decide(
                self.wb_app.wb.store, p, decision, coder_a=self.coder_a, coder_b=self.coder_b,
                decided_by=me.name if me else None, **kw,  # type: ignore[arg-type]
            )  # fmt: skip
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"{p.document} {p.start}-{p.end}: {_LABELS[decision]}")
        self.reload(keep=(p.document_id, p.start, p.end))
        self._next_undecided()
        self.wb_app.refresh_views("reconcile")

    def _first_undecided(self) -> None:
        """Go to the first passage not decided yet (the first one when all are)."""
        self.index = next((i for i, p in enumerate(self.passages) if p.decision is None), 0)
        self.show()

    def action_choose_coders(self) -> None:
        """Choose the two coders to reconcile (any two but the consensus itself)."""
        names = [c.name for c in self.wb_app.wb.store.coders() if c.name != reconcile.CONSENSUS]
        if len(names) < 2:
            self.notify("Reconciliation needs two coders", severity="warning")
            return

        def chosen(pair: tuple[str, ...] | None) -> None:
            if pair and len(pair) == 2 and pair != (self.coder_a, self.coder_b):
                self.coder_a, self.coder_b = pair
                self.index = 0
                self.reload()
                self._first_undecided()

        self.app.push_screen(
            CodersScreen(
                names,
                (self.coder_a, self.coder_b),
                exactly=2,
                title="Reconcile which two coders?",
                verb="Reconcile",
            ),
            chosen,
        )

    def _next_undecided(self) -> None:
        n = len(self.passages)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.passages[i].decision is None:
                self.index = i
                break
        self.show()

    def action_decide(self, decision: str) -> None:
        self._decide(decision)

    def action_edit(self) -> None:
        p = self.current
        if p is None:
            return
        text, _ = reconcile.passage_text(self.wb_app.wb.store, p)

        def done(quote: str | None) -> None:
            if not quote:
                return
            try:
                span = reconcile.span_for_quote(self.wb_app.wb.store, p, quote)
            except WorkbenchError as err:
                self.notify(str(err), severity="error")
                return
            self._decide("edit", span=span)

        def problem(quote: str) -> str | None:
            try:
                reconcile.span_for_quote(self.wb_app.wb.store, p, quote)
            except WorkbenchError as err:
                return str(err)
            return None

        self.app.push_screen(EditSpanScreen(text, problem), done)

    def action_undo(self) -> None:
        p = self.current
        try:
            summary = reconcile.undo_last(self.wb_app.wb.store)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"Undid: {summary}" if summary else "Nothing to undo")
        self.reload(keep=(p.document_id, p.start, p.end) if p else None)
        self.wb_app.refresh_views("undo")

    def action_close(self) -> None:
        self.app.pop_screen()

    def project_changed(self, change: Change) -> None:
        if change.what != "reconcile":
            p = self.current
            self.reload(keep=(p.document_id, p.start, p.end) if p else None)
