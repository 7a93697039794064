"""The suggestions panel: review passages proposed for codes in one document.

``SuggestionsScreen(document_id)`` lists the current coder's pending suggestions
(keyword matches, the trained model, passages like ones already coded) with the
code's colour, the source and score; the panel below says why the passage was
suggested. ``j``/``k`` move, ``a`` accepts (the coding is written and can be undone
with Ctrl+Z), ``r`` rejects (never suggested again), ``u`` switches between document
order and the model's least certain first (active learning). ``g`` suggests for
this document and ``T`` retrains the coder's model on their codings and decisions,
each in a thread worker with a progress bar; Escape cancels it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change, Code, Progress
from workbench.core.suggestions import Suggestion
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.here import swatch

if TYPE_CHECKING:
    pass

GROUP = "suggestions"
ORDER_LABEL = {"position": "document order", "uncertainty": "least certain first"}


class SuggestionsProgress(Message):
    """Progress of the generate/train worker (posted from its thread)."""

    def __init__(self, generation: int, done: int, total: int, label: str) -> None:
        super().__init__()
        self.generation = generation
        self.done = done
        self.total = total
        self.label = label


def _excerpt(text: str, width: int) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


class SuggestionsScreen(WorkbenchScreen[None]):
    """Pending suggestions for one document, one key to accept or reject."""

    CSS_PATH = "suggestions.tcss"
    HELP_GROUP = "Suggestions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next", id="suggestions.next"),
        Binding("k,up", "move(-1)", "Previous", id="suggestions.previous"),
        Binding("a", "accept", "Accept", tooltip="Code the passage as suggested",
                id="suggestions.accept"),
        Binding("r", "reject", "Reject", tooltip="Not this code here; never suggest it again",
                id="suggestions.reject"),
        Binding("u", "toggle_order", "Order", tooltip="Document order / least certain first",
                id="suggestions.order"),
        Binding("g", "generate", "Suggest", tooltip="Suggest for this document",
                id="suggestions.generate"),
        Binding("T", "train", "Retrain", tooltip="Retrain your model on your codings and decisions",
                id="suggestions.train"),
        Binding("escape", "cancel_or_back", "Back / cancel", id="suggestions.back"),
        Binding("q", "back", "Back", show=False, id="suggestions.back-alt"),
    ]  # fmt: skip

    def __init__(self, document_id: int, order: str = "position") -> None:
        super().__init__(id="suggestions")
        self.document_id = document_id
        self.order = order if order in ORDER_LABEL else "position"
        self.items: list[Suggestion] = []
        self.busy = ""  # "", "generate" or "train"
        self._generation = 0
        self._worker: Worker[str] | None = None
        self._codes: dict[int, Code] = {}
        self._text = ""
        self._doc_name = ""

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="suggestions-status", markup=False)
        with Horizontal(id="suggestions-progress-bar"):
            yield Label("Working…", id="suggestions-progress-label")
            yield ProgressBar(id="suggestions-progress", show_eta=False)
            yield Label(" esc cancels", classes="hint")
        with Vertical(id="suggestions-body"):
            listing = OptionList(id="suggestions-list")
            listing.border_title = "Suggestions"
            yield listing
            detail = Static("", id="suggestions-detail")
            detail.border_title = "Why"
            yield detail
        yield Footer()

    def on_mount(self) -> None:
        store = self.wb_app.wb.store
        doc = store.document(self.document_id)
        self._doc_name = doc.name
        self._text = store.text(self.document_id)
        self.reload()
        self.query_one(OptionList).focus()
        if not self.items and self.wb_app.wb.coder is not None:
            self.action_generate()  # nothing pending: don't make the user press g again

    # -- data -----------------------------------------------------------------------------
    def _coder_id(self) -> int | None:
        coder = self.wb_app.wb.coder
        return coder.id if coder else None

    def reload(self, keep_index: bool = True) -> None:
        from workbench.workflows.suggestions import pending

        store = self.wb_app.wb.store
        self._codes = {c.id: c for c in store.codes()}
        listing = self.query_one(OptionList)
        index = listing.highlighted if keep_index else None
        self.items = pending(store, self.document_id, self._coder_id(), self.order)
        listing.clear_options()
        listing.add_options([self._option(s) for s in self.items])
        if self.items:
            listing.highlighted = min(index or 0, len(self.items) - 1)
        self._show_detail()
        self._update_status()

    def _option(self, s: Suggestion) -> Option:
        code = self._codes.get(s.code_id)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(swatch(code, s.code_id))
        name = code.name if code else "?"
        name = name if len(name) <= 28 else name[:27] + "…"
        line.append(f"{name:<28} ", style="bold")
        line.append(f"{s.source:<8}{s.score:4.2f}  ", style="dim")
        line.append(_excerpt(self._text[s.start : s.end], self._excerpt_width()))
        return Option(line, id=str(s.id))

    def _excerpt_width(self) -> int:
        """Room left on one line of the list for the passage (options never wrap)."""
        width = self.query_one(OptionList).scrollable_content_region.width
        if not width:  # not laid out yet
            width = self.app.size.width - 6
        return max(20, width - 48)

    def on_resize(self) -> None:
        if self.is_mounted and self.items:
            self.reload()

    @property
    def current(self) -> Suggestion | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not (0 <= index < len(self.items)):
            return None
        return self.items[index]

    def _show_detail(self) -> None:
        detail = self.query_one("#suggestions-detail", Static)
        s = self.current
        if s is None:
            detail.update(
                Text(
                    "No pending suggestions here. g suggests for this document; T retrains "
                    "the model on the codings first.",
                    style="dim",
                )
            )
            return
        code = self._codes.get(s.code_id)
        body = Text()
        body.append_text(swatch(code, s.code_id))
        body.append(code.path if code else f"code {s.code_id}", style="bold")
        body.append("\n")
        body.append(self._text[s.start : s.end])
        body.append("\n\n")
        body.append(f"{s.source} · score {s.score:.2f}", style="bold")
        if s.version:
            body.append(f" · {s.version}", style="dim")
        body.append(f"\nwhy: {s.detail}")
        detail.update(body)

    def _update_status(self) -> None:
        from workbench.workflows.suggestions import current_model_path

        model = current_model_path(self.wb_app.wb.store, self._coder_id())
        status = (
            f"{self._doc_name} · {len(self.items)} pending · {ORDER_LABEL[self.order]} · "
            f"model: {model.name if model else 'not trained yet (T)'}"
        )
        self.query_one("#suggestions-status", Static).update(status)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def project_changed(self, change: Change) -> None:
        self.reload()

    # -- review ---------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if not self.items:
            return
        index = listing.highlighted if listing.highlighted is not None else -step
        listing.highlighted = max(0, min(len(self.items) - 1, index + step))

    def action_accept(self) -> None:
        self._decide("accept")

    def action_reject(self) -> None:
        self._decide("reject")

    def _decide(self, what: str) -> None:
        from workbench.workflows import suggestions as sg

        s = self.current
        if s is None:
            return
        coder_id = self.wb_app.require_coder()
        if coder_id is None:
            return
        code = self._codes.get(s.code_id)
        name = code.name if code else "code"
        try:
            if what == "accept":
                sg.accept(self.wb_app.wb.store, s.id, coder_id)
                self.notify(f"Coded {name} (Ctrl+Z undoes)")
            else:
                sg.reject(self.wb_app.wb.store, s.id, coder_id)
                self.notify(f"Rejected {name} here")
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
        self.wb_app.refresh_views("suggestion")

    def action_toggle_order(self) -> None:
        self.order = "uncertainty" if self.order == "position" else "position"
        self.reload(keep_index=False)
        self.notify(f"Order: {ORDER_LABEL[self.order]}")

    # -- workers --------------------------------------------------------------------------
    def action_generate(self) -> None:
        self._start("generate")

    def action_train(self) -> None:
        self._start("train")

    def _start(self, what: str) -> None:
        if self.busy:
            self.notify(f"Still working ({self.busy}); Escape cancels", severity="warning")
            return
        if what == "generate" and self.wb_app.require_coder() is None:
            return
        self._generation += 1
        self._set_busy(what)
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one("#suggestions-progress-label", Label).update(
            "Suggesting…" if what == "generate" else "Training…"
        )
        self._worker = self._run(what, self._generation, self._coder_id())

    @work(thread=True, exclusive=True, exit_on_error=False, group=GROUP, description="suggestions")
    def _run(self, what: str, generation: int, coder_id: int | None) -> str:
        from workbench.workflows import suggestions as sg

        worker = get_current_worker()
        wb = self.wb_app.wb
        label = ""
        steps: Iterator[Progress | sg.TrainReport]
        if what == "generate":
            steps = sg.generate(
                wb.store, [self.document_id], coder_id, cancelled=worker.cancelled_event,
                spacy_model=wb.settings.spacy_model,
            )  # fmt: skip
        else:  # retrain on this coder's codings and decisions (everyone's if no coder)
            steps = sg.train(
                wb.store, coder_id, worker.cancelled_event, spacy_model=wb.settings.spacy_model
            )
        for step in steps:
            if isinstance(step, Progress):
                label = step.label
                self.post_message(SuggestionsProgress(generation, step.done, step.total, label))
            elif isinstance(step, sg.TrainReport):
                label = (
                    f"Trained {step.version}: {len(step.labels)} codes from "
                    f"{step.sentences} sentences ({step.seconds:.1f} s)"
                )
                if step.skipped:
                    names = {c.key: c.name for c in wb.store.codes()}
                    few = sorted(names.get(k, k) for k in step.skipped)
                    label += f"; not learned (too few coded sentences): {', '.join(few)}"
        return "cancelled" if worker.is_cancelled else label

    def _set_busy(self, what: str) -> None:
        self.busy = what
        self.set_class(bool(what), "-working")
        self.refresh_bindings()

    @on(SuggestionsProgress)
    def _progress(self, event: SuggestionsProgress) -> None:
        if event.generation != self._generation or not self.busy:
            return
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.done)
        label = event.label if len(event.label) <= 28 else event.label[:27] + "…"
        self.query_one("#suggestions-progress-label", Label).update(label or "…")

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != GROUP or worker is not self._worker:
            return
        if event.state == WorkerState.SUCCESS:
            self._set_busy("")
            result = str(worker.result or "")
            if result and result != "cancelled":
                self.notify(result, title="Suggestions", timeout=8)
            self.reload()
        elif event.state == WorkerState.ERROR:
            self._set_busy("")
            err = worker.error
            if isinstance(err, WorkbenchError):
                self.notify(str(err), severity="error", timeout=8)
            elif err is not None:  # a bug: say what; the traceback is in the Textual log
                self.notify(f"{type(err).__name__}: {err}", title="Unexpected error",
                            severity="error")  # fmt: skip
        elif event.state == WorkerState.CANCELLED:
            self._set_busy("")

    def action_cancel_or_back(self) -> None:
        if self.busy and self._worker is not None:
            self._worker.cancel()
            self._set_busy("")
            self.notify("Cancelled", severity="warning")
            return
        self.action_back()

    def action_back(self) -> None:
        if self._worker is not None and self.busy:
            self._worker.cancel()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self._worker is not None and self.busy:
            self._worker.cancel()
