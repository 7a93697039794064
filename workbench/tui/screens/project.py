"""The project screen (start screen): documents, the codebook with counts, a summary.

Enter opens a document on the coding screen; ``i`` imports transcripts in a thread
worker with a progress bar (Escape cancels). The codebook tree owns the codebook keys.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change, Code
from workbench.tui.keys import handle_key_now
from workbench.tui.queries import Overview, overview
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.import_files import (
    ImportFinished,
    ImportProgress,
    ImportRequest,
    ImportScreen,
)
from workbench.tui.widgets.codebook_tree import CodebookTree
from workbench.tui.widgets.row_keys import RowHomeEnd

if TYPE_CHECKING:
    pass

NARROW = 100  # below this many columns the panes stack
# Above this many codings the coding progress is read in a worker (~2 s at a million);
# below, at once, so a small project's table is complete when it first shows.
READ_COVERAGE_IN_WORKER = 50_000


class DocumentTable(RowHomeEnd, DataTable[Text]):
    """The project's documents, one row each; Enter opens the highlighted one."""

    async def on_key(self, event: events.Key) -> None:
        await handle_key_now(self, event)

    HELP_GROUP = "Documents list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_document",
            "Open",
            tooltip="Open the document on the coding screen",
            id="project.open-document",
        ),
    ]

    class OpenRequested(Message):
        def __init__(self, document_id: int) -> None:
            super().__init__()
            self.document_id = document_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    @property
    def document_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def action_open_document(self) -> None:
        if (doc_id := self.document_id) is not None:
            self.post_message(self.OpenRequested(doc_id))

    def on_click(self, event: events.Click) -> None:
        """A click highlights a row (DataTable); a double click opens it."""
        if event.chain >= 2:
            self.action_open_document()


class ProjectScreen(WorkbenchScreen[None]):
    """Documents and codebook side by side (stacked below 100 columns)."""

    CSS_PATH = "project.tcss"
    HELP_GROUP = "Project screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "i",
            "import_files",
            "Import",
            tooltip="Import transcripts from a file or folder",
            id="project.import-files",
        ),
        Binding(
            "t",
            "toggle_codebook",
            "Codebook",
            tooltip="Go to the codebook (from inside it: hide it)",
            id="project.toggle-codebook",
        ),
        Binding(
            "g",
            "agreement_report",
            "Agreement",
            show=False,
            tooltip="Agreement report: inter-coder agreement per code",
            id="project.agreement-report",
        ),
        Binding(
            "T",
            "themes",
            "Themes",
            tooltip="Theme summary: participants, quotes and exports",
            id="project.themes",
        ),
        Binding(
            "C",
            "reconcile",
            "Reconcile",
            show=False,
            tooltip="Reconcile two coders' disagreements into a consensus coder",
            id="project.reconcile",
        ),
        Binding(
            "b",
            "app.toggle_blind",
            "Blind",
            show=False,
            tooltip="Blind mode: hide other coders' codings and counts",
            id="project.blind",
        ),
        Binding(
            "ctrl+f",
            "app.project_search",
            "Search",
            show=False,
            tooltip="Search the project: text in every document",
            id="project.search-project",
        ),
        Binding("escape", "cancel_import", "Cancel import", id="project.cancel-import"),
    ]

    def __init__(self) -> None:
        super().__init__(id="project")
        self.importing = False
        self._cancel_import = threading.Event()
        self._overview: Overview | None = None

    # -- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="documents-pane", classes="pane") as docs:
                docs.border_title = "Documents"
                yield DocumentTable(id="documents")
                yield Static(
                    "No documents yet. Press i to import transcripts "
                    "(.txt .md .docx .vtt .srt) from a file or a folder.",
                    id="no-documents",
                    classes="hint",
                )
            with Vertical(id="codebook-pane", classes="pane") as book:
                book.border_title = "Codebook"
                yield CodebookTree(id="codebook")
                yield Static("", id="code-detail", classes="hint", markup=False)
        yield Static("", id="summary", markup=False)
        with Horizontal(id="import-bar"):
            yield Label("Importing…", id="import-label")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Label(" esc cancels", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        table = self.query_one(DocumentTable)
        (table if table.row_count else self.query_one(CodebookTree)).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # -- data ---------------------------------------------------------------------
    def reload(self) -> None:
        store = self.wb_app.wb.store
        app = self.wb_app
        blind_id = app.wb.coder.id if app.blind and app.wb.coder is not None else None
        self._overview = ov = overview(
            store, app.stats, only_coder=blind_id, wait_below=READ_COVERAGE_IN_WORKER
        )
        if not app.stats.has_coverage:
            self.read_coverage_then(self.reload)  # a big project: the table fills in after
        table = self.query_one(DocumentTable)
        current = table.document_id
        table.clear(columns=True)
        docs = [r.document for r in ov.rows]

        def width(label: str, values: list[str], most: int = 40) -> int:
            return min(max([len(label), *(len(v) for v in values)]), most)

        # Fixed widths: the table is filled before it is measured, and stays stable.
        table.add_column("Document", key="name", width=width("Document", [d.name for d in docs]))
        table.add_column("Case", key="case", width=width("Case", [d.case_name or "" for d in docs]))
        table.add_column(
            "Format", key="format", width=width("Format", [d.source_format for d in docs])
        )
        table.add_column(
            Text("Words", justify="right"),
            key="words",
            width=width("Words", [f"{d.words:,}" for d in docs]),
        )
        for coder in ov.coders:
            # the cells say "27%": the header is the coder's name, so more coders fit
            label = coder.name if len(coder.name) <= 10 else coder.name[:9] + "…"
            table.add_column(
                Text(label, justify="right"), key=f"c{coder.id}", width=max(len(label), 4)
            )
        cursor = 0
        for i, row in enumerate(ov.rows):
            doc = row.document
            cells = [
                Text(doc.name),
                Text(doc.case_name or "-", style="" if doc.case_name else "dim"),
                Text(doc.source_format),
                Text(f"{doc.words:,}", justify="right"),
            ]
            if row.coded is None:
                cells.extend(Text("…", justify="right", style="dim") for _ in ov.coders)
            for share in row.coded or ():
                shown = f"{round(share * 100)}%" if share >= 0.005 or not share else "<1%"
                cells.append(Text(shown, justify="right", style="" if share else "dim"))
            table.add_row(*cells, key=str(doc.id))
            if doc.id == current:
                cursor = i
        if ov.rows:
            table.move_cursor(row=cursor)
        table.display = bool(ov.rows)
        self.query_one("#no-documents").display = not ov.rows
        tree = self.query_one(CodebookTree)
        tree.set_codes(store.codes(), app.stats.counts(blind_id))
        blind_note = " · blind: your codings only" if blind_id is not None else ""
        self.query_one("#summary", Static).update(ov.summary + blind_note)
        self._describe(tree.highlighted_code)

    def project_changed(self, change: Change) -> None:
        self.reload()

    @on(CodebookTree.Highlighted)
    def _code_highlighted(self, event: CodebookTree.Highlighted) -> None:
        self._describe(event.code)

    def _describe(self, code: Code | None) -> None:
        detail = self.query_one("#code-detail", Static)
        if code is None:
            detail.update("No codes yet: press a to add one." if not self._has_codes() else "")
            return
        text = code.path
        if code.definition:
            text += f"\n{code.definition}"
        detail.update(text)

    def _has_codes(self) -> bool:
        return bool(self.query_one(CodebookTree).codes)

    # -- documents ----------------------------------------------------------------
    @on(DocumentTable.OpenRequested)
    def _open_requested(self, event: DocumentTable.OpenRequested) -> None:
        self.open_document(event.document_id)

    def open_document(self, document_id: int) -> None:
        from workbench.tui.screens.coding import CodingScreen

        self.app.push_screen(CodingScreen(document_id))

    def action_agreement_report(self) -> None:
        self.wb_app.action_agreement_report()

    def action_themes(self) -> None:
        self.wb_app.action_themes()

    def action_reconcile(self) -> None:
        self.wb_app.action_reconcile()

    def action_toggle_codebook(self) -> None:
        """Show the codebook and move there; from inside it, hide it again."""
        pane = self.query_one("#codebook-pane")
        tree = self.query_one(CodebookTree)
        if pane.display and not tree.has_focus:
            tree.focus()
            return
        pane.display = not pane.display
        (tree if pane.display else self.query_one(DocumentTable)).focus()

    def show_code(self, code_id: int) -> None:
        """Reveal the codebook and put the cursor on a code (command palette)."""
        self.query_one("#codebook-pane").display = True
        tree = self.query_one(CodebookTree)
        tree.select_code(code_id)
        tree.focus()

    # -- import -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import_files" and self.importing:
            return None  # shown, but disabled while an import runs
        if action == "cancel_import":
            return self.importing
        return True

    def action_import_files(self, initial: str = "") -> None:
        if self.importing:
            self.notify("An import is already running", severity="warning")
            return
        self.app.push_screen(ImportScreen(initial), self.start_import)

    def start_import(self, request: ImportRequest | None) -> None:
        if request is None or self.importing:
            return
        self._cancel_import = threading.Event()
        self._set_importing(True)
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.run_import(request, self._cancel_import)

    def _set_importing(self, running: bool) -> None:
        self.importing = running
        self.set_class(running, "-importing")
        self.refresh_bindings()

    @work(thread=True, exit_on_error=False, group="import", description="import transcripts")
    def run_import(self, request: ImportRequest, cancelled: threading.Event) -> None:
        from workbench.workflows.importing import import_transcripts

        outcomes = []
        files = 0
        completed = False
        try:
            for progress, outcome in import_transcripts(
                self.wb_app.wb.store,
                list(request.paths),
                skip_errors=request.skip_errors,
                cancelled=cancelled,
            ):
                files = files or progress.total  # the first steps count the files read
                self.post_message(ImportProgress(progress.done, progress.total, progress.label))
                if outcome is not None:
                    outcomes.append(outcome)
            completed = True
        finally:
            self.post_message(ImportFinished(outcomes, cancelled.is_set(), files, completed))

    def action_cancel_import(self) -> None:
        if self.importing:
            self._cancel_import.set()
            self.query_one("#import-label", Label).update("Cancelling…")

    def on_unmount(self) -> None:
        self._cancel_import.set()

    @on(ImportProgress)
    def _import_progress(self, event: ImportProgress) -> None:
        if self._cancel_import.is_set():
            return
        self.query_one(ProgressBar).update(total=event.total, progress=event.done)
        self.query_one("#import-label", Label).update(event.label[:40] or "Importing…")

    @on(ImportFinished)
    def _import_finished(self, event: ImportFinished) -> None:
        self._set_importing(False)
        self.query_one("#import-label", Label).update("Importing…")
        if event.completed or event.outcomes:
            report_import(self, event.outcomes, event.cancelled, event.files)
        self.wb_app.refresh_views("import")

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        err = event.worker.error
        if isinstance(err, WorkbenchError):
            self.notify(str(err), severity="error", timeout=8)
        else:  # a bug: say what it was; the traceback is in the Textual log
            self.notify(f"{type(err).__name__}: {err}", title="Unexpected error", severity="error")


def report_import(screen: Screen[Any], outcomes: list[Any], cancelled: bool, files: int) -> None:
    """One notification per failed file, then one for what was imported or skipped."""
    imported = [o for o in outcomes if o.status == "imported"]
    duplicates = [o for o in outcomes if o.status == "duplicate"]
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    for o in failed:
        screen.notify(o.message, title="Not imported", severity="error", timeout=12)
    for o in skipped:
        screen.notify(o.message, title="Skipped", severity="error", timeout=12)
    if failed and len(failed) < files:
        screen.notify(
            f"Nothing imported: {len(failed)} of {files} files failed. Fix them or tick "
            "'Import the good files even if some fail'.",
            severity="warning",
            timeout=12,
        )
    if imported:
        names = ", ".join(o.document.name if o.document else Path(o.path).name for o in imported)
        n = len(imported)
        screen.notify(f"Imported {n} document{'s' if n != 1 else ''}: {names}", timeout=8)
    if duplicates:
        screen.notify(
            "Already in the project: " + "; ".join(o.message for o in duplicates),
            severity="warning",
            timeout=8,
        )
    if cancelled:
        screen.notify(f"Import cancelled after {len(imported)} document(s)", severity="warning")
    elif not outcomes:
        screen.notify("Nothing was imported", severity="warning")
