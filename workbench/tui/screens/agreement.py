"""The agreement screen: inter-coder agreement per code for two or more coders.

``AgreementScreen()`` compares the two coders who share the most coded documents (``c``
chooses others) on sentences; ``u`` cycles the unit (sentence, turn, character). The
numbers come from :func:`workbench.workflows.agreement.run_agreement`, run in a thread
worker with a progress bar (Escape cancels). Enter on a code lists its disagreements
(:class:`DisagreementsScreen`); Enter on a disagreement opens the passage on the coding
screen. ``e`` writes the report (md or html, owner-only).

The table fits its width (:func:`plan_layout`): the statistics keep the width of their
widest cell, with narrower gaps and short headers at 80 columns, and the code column
gets the rest, showing the code's own name and, room permitting, its parent dimmed, cut
at the end. It is laid out again when the terminal is resized.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    ProgressBar,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.core.agreement_report import (
    UNIT_SHORT,
    UNITS,
    AgreementReport,
    AgreementRow,
    Disagreement,
    Stat,
)
from workbench.core.errors import WorkbenchError
from workbench.core.model import Change, Progress
from workbench.tui.screens.base import WorkbenchScreen

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

GROUP = "agreement"
EXPORT_GROUP = "agreement-export"
POOLED = "pooled"
POOLED_LABEL = "All codes (pooled)"
MIN_CODE = 14  # the code column never gets narrower (the table scrolls sideways instead)
COMFORTABLE_CODE = 26  # below this, tighter gaps and short headers are tried first
MAX_CODE = 72  # wider terminals leave the rest blank rather than push the numbers away
ROOMY_HEIGHT = 30  # shorter screens leave the unit's explanation out of the detail box
MIN_PARENT = 16  # the parent is shown after the name when this much of it fits
MAX_LISTED = 2000  # disagreements listed on the screen; the exported report has them all
BAND_STYLE = {"reliable": "green", "tentative conclusions only": "yellow", "unreliable": "red"}
BAND_SHORT = {"tentative conclusions only": "tentative"}


def _num(stat: Stat | None) -> Text:
    if stat is None:
        return Text("")
    if stat.value is None:
        return Text("n/a", style="dim", justify="right")
    text = f"{stat.value:.3f}"
    if text == "-0.000":
        text = "0.000"
    return Text(text, justify="right")


def _pct(value: float | None) -> Text:
    return Text("n/a" if value is None else f"{value:.1%}", justify="right")


def _band(stat: Stat) -> Text:
    if stat.value is None:
        return Text("undefined", style="dim")
    return Text(BAND_SHORT.get(stat.band, stat.band), style=BAND_STYLE.get(stat.band, ""))


def cut_end(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut at the end with "…" (at a word boundary
    when one is near), never from the left."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = set_cell_size(text, width - 1).rstrip()
    space = cut.rfind(" ")
    if space >= max(width // 2, width - 5):
        cut = cut[:space].rstrip(" ,;:-–—>")
    return cut + "…"


def code_label(name: str, path: str, width: int) -> Text:
    """The code's own name, then its parent dimmed when there is room for it (all of it,
    or at least MIN_PARENT cells): ``Meeting format · The strategies did not fit``; cut
    at the end to ``width``."""
    label = Text(cut_end(name, width), no_wrap=True)
    parent = path[: -len(name) - 3] if path.endswith(" > " + name) else ""
    parent = parent.rsplit(" > ", 1)[-1]
    room = width - label.cell_len - 3
    if parent and room >= min(cell_len(parent), MIN_PARENT):
        label.append(" · " + cut_end(parent, room), style="dim")
    return label


def wrap_parts(parts: list[str], width: int, sep: str = " · ") -> str:
    """Join ``parts`` with ``sep``, breaking lines between parts (never inside one, unless
    a part is wider than a line on its own)."""
    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1] + sep + part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class StatColumn:
    key: str
    header: str
    short: str  # the header when the table is narrow
    right: bool = True


def stat_columns(report: AgreementReport) -> list[StatColumn]:
    kappa = "Cohen κ" if len(report.coders) == 2 else "Fleiss κ"
    columns = [
        StatColumn("units", "Units", "Units"),
        StatColumn("prevalence", "Prev.", "Prev."),
        StatColumn("agreement", "%agr", "%agr"),
        StatColumn("kappa", kappa, "κ"),
        StatColumn("alpha", "α", "α"),
        StatColumn("band", "Band (α)", "Band", right=False),
    ]
    if report.unit == "char":
        columns.append(StatColumn("u_alpha", "u-α", "u-α"))
    columns.append(StatColumn("disagreements", "Disagr.", "Dis."))
    return columns


def stat_cells(row: AgreementRow) -> dict[str, Text]:
    cells = {
        "units": Text(f"{row.n_units:,}", justify="right"),
        "prevalence": _pct(row.prevalence),
        "agreement": _pct(row.percent_agreement.value),
        "kappa": _num(row.kappa),
        "alpha": _num(row.alpha),
        "band": _band(row.alpha),
        "u_alpha": _num(row.u_alpha),
        "disagreements": Text(f"{row.disagreements:,}", justify="right"),
    }
    return cells


@dataclass(frozen=True, slots=True)
class TableLayout:
    """Column widths for one table width: the statistics keep their width (set by the
    widest cell or header), the code column gets what is left."""

    code: int  # cells for the code label (the column is one wider: a leading space)
    gap: int  # blank cells left of each statistic
    short: bool  # short headers
    widths: dict[str, int]  # the statistics' content widths


def plan_layout(columns: list[StatColumn], cells: list[dict[str, Text]], width: int) -> TableLayout:
    """Fit the statistics into ``width`` cells: wide gaps and full headers when there is
    room, then narrower gaps, then short headers; the code column takes the rest (at
    least MIN_CODE cells, at most MAX_CODE)."""
    layout = TableLayout(MIN_CODE, 1, True, {})
    for gap, short in ((2, False), (1, False), (1, True)):
        widths = {
            c.key: max(
                cell_len(c.short if short else c.header),
                *(row[c.key].cell_len for row in cells),
            )
            for c in columns
        }
        code = width - 1 - sum(w + gap for w in widths.values())
        layout = TableLayout(min(max(code, MIN_CODE), MAX_CODE), gap, short, widths)
        if code >= COMFORTABLE_CODE:
            break
    return layout


def _flat(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class AgreementProgress(Message):
    def __init__(self, generation: int, done: int, total: int, label: str) -> None:
        super().__init__()
        self.generation = generation
        self.done = done
        self.total = total
        self.label = label

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AgreementProgress)


class AgreementTable(DataTable[Text]):
    """One row per code plus the pooled row; Enter lists the row's disagreements."""

    HELP_GROUP = "Agreement table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "drill",
            "Disagreements",
            tooltip="List the disagreements about the highlighted code",
            id="agreement.drill",
        ),
    ]

    class Drill(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    @property
    def highlighted_key(self) -> str | None:
        if not self.row_count:
            return None
        value = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return str(value) if value is not None else None

    class Resized(Message):
        """The table's size changed: its columns are laid out again."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    def action_drill(self) -> None:
        if (key := self.highlighted_key) is not None:
            self.post_message(self.Drill(key))

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.action_drill()


class AgreementScreen(WorkbenchScreen[None]):
    """Per-code agreement between coders; drill into disagreements; export the report."""

    CSS_PATH = "agreement.tcss"
    HELP_GROUP = "Agreement screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "u",
            "cycle_unit",
            "Unit",
            tooltip="Compare sentences, speaker turns or characters",
            id="agreement.cycle-unit",
        ),
        Binding("c", "choose_coders", "Coders", tooltip="Choose the coders to compare",
                id="agreement.coders"),
        Binding("e", "export", "Export", tooltip="Write the report as Markdown or HTML",
                id="agreement.export"),
        Binding("r", "recompute", "Recompute", show=False, id="agreement.recompute"),
        Binding("escape", "cancel_or_back", "Back / cancel",
                tooltip="Cancel the computation, or go back", id="agreement.back"),
        Binding("q", "back", "Back", show=False, id="agreement.back-alt"),
    ]  # fmt: skip

    def __init__(self, coders: tuple[str, ...] | None = None, unit: str = "sentence") -> None:
        super().__init__(id="agreement")
        self.coders: tuple[str, ...] = tuple(coders or ())
        self.unit = unit if unit in UNITS else "sentence"
        self.report: AgreementReport | None = None
        self.computing = False
        self._generation = 0
        self._worker: Worker[AgreementReport | None] | None = None
        self._export_path: Path | None = None
        self._layout: TableLayout | None = None
        self._status_parts: list[str] = []

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="agreement-status", markup=False)
        with Horizontal(id="agreement-progress-bar"):
            yield Label("Computing…", id="agreement-progress-label")
            yield ProgressBar(id="agreement-progress", show_eta=False)
            yield Label(" esc cancels", classes="hint")
        with Vertical(id="agreement-body"):
            table = AgreementTable(id="agreement-table")
            table.border_title = "Agreement per code"
            yield table
            detail = Static("", id="agreement-detail", markup=False)
            detail.border_title = "Highlighted"
            yield detail
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AgreementTable).focus()
        self.recompute()

    # -- computing ----------------------------------------------------------------------
    def recompute(self) -> None:
        """Compute in a worker; without chosen coders it first picks the two who share the
        most coded documents."""
        self._generation += 1
        self._set_computing(True)
        self.query_one(ProgressBar).update(total=None, progress=0)
        who = " × ".join(self.coders) if self.coders else "choosing coders"
        self._show_status(f"Computing agreement: {who} · unit: {self.unit}…")
        self._worker = self._compute(self.coders, self.unit, self._generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group=GROUP, description="agreement")
    def _compute(
        self, coders: tuple[str, ...], unit: str, generation: int
    ) -> AgreementReport | None:
        from workbench.workflows.agreement import AgreementRequest, default_coders, run_agreement

        worker = get_current_worker()
        wb = self.wb_app.wb
        if not coders:
            coders = default_coders(wb.store)
            if len(coders) < 2:
                raise WorkbenchError(
                    "Agreement needs two coders who coded the same documents; this project "
                    f"has {len(coders) or 'no'} coder(s) with codings"
                )
        report = None
        request = AgreementRequest(coders, unit)
        for step in run_agreement(
            wb.store, request, worker.cancelled_event, project=wb.project_label
        ):
            if isinstance(step, Progress):
                self.post_message(AgreementProgress(generation, step.done, step.total, step.label))
            else:
                report = step
        return None if worker.is_cancelled else report

    def _set_computing(self, running: bool) -> None:
        self.computing = running
        self.set_class(running, "-computing")
        self.refresh_bindings()

    @on(AgreementProgress)
    def _progress(self, event: AgreementProgress) -> None:
        if event.generation != self._generation or not self.computing:
            return
        self.query_one(ProgressBar).update(total=event.total, progress=event.done)
        self.query_one("#agreement-progress-label", Label).update(event.label[:28] or "…")

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == GROUP and worker is self._worker:
            if event.state == WorkerState.SUCCESS:
                self._set_computing(False)
                if isinstance(worker.result, AgreementReport):
                    self.coders = worker.result.coders
                    self.show_report(worker.result)
            elif event.state == WorkerState.ERROR:
                self._set_computing(False)
                self._report_error(worker.error)
                self._show_status(str(worker.error) if worker.error else "")
            elif event.state == WorkerState.CANCELLED:
                self._set_computing(False)
        elif worker.group == EXPORT_GROUP:
            if event.state == WorkerState.SUCCESS and worker.result:
                self.notify(str(worker.result), title="Agreement report", timeout=10)
            elif event.state == WorkerState.ERROR:
                self._report_error(worker.error)

    def _report_error(self, err: BaseException | None) -> None:
        if isinstance(err, WorkbenchError):
            self.notify(str(err), severity="error", timeout=8)
        elif err is not None:  # a bug: say what it was; the traceback is in the Textual log
            self.notify(f"{type(err).__name__}: {err}", title="Unexpected error", severity="error")

    def action_cancel_or_back(self) -> None:
        if self.computing and self._worker is not None:
            self._worker.cancel()
            self._set_computing(False)
            self.notify("Agreement cancelled", severity="warning")
            if self.report is not None:
                self.show_report(self.report)
            else:
                self._show_status("Cancelled. Press r to compute again.")
            return
        self.action_back()

    def action_back(self) -> None:
        if self._worker is not None and self.computing:
            self._worker.cancel()
        self.app.pop_screen()

    def action_recompute(self) -> None:
        self.recompute()

    def action_cycle_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]  # type: ignore[arg-type]
        self.recompute()

    def action_choose_coders(self) -> None:
        names = [c.name for c in self.wb_app.wb.store.coders()]

        def chosen(coders: tuple[str, ...] | None) -> None:
            if coders and coders != self.coders:
                self.coders = coders
                self.recompute()

        self.app.push_screen(CodersScreen(names, self.coders), chosen)

    def project_changed(self, change: Change) -> None:
        self.recompute()

    def on_unmount(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    # -- showing ------------------------------------------------------------------------
    def _show_status(self, text: str) -> None:
        self.query_one("#agreement-status", Static).update(text)

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self._layout = None
        self._fill_table()
        docs = len(report.documents)
        left = len(report.excluded)
        parts = [
            " × ".join(report.coders),
            f"unit: {report.unit_name} (u)",
            f"{docs} document{'s' if docs != 1 else ''}",
        ]
        if left:
            parts.append(f"{left} left out: not coded by every coder")
        n = len(report.disagreements)
        parts.append(f"{n:,} unit{'s' if n != 1 else ''} with a disagreement")
        self._status_parts = parts
        self._show_status(self._status_text())
        self._describe(self.query_one(AgreementTable).highlighted_key)

    def _status_text(self) -> str:
        status = self.query_one("#agreement-status", Static)
        width = status.content_size.width or max(self.size.width - 2, 20)
        return wrap_parts(self._status_parts, width)

    def _table_width(self) -> int:
        """Cells for the columns: the table's content width less the vertical scrollbar."""
        table = self.query_one(AgreementTable)
        width = table.content_size.width or max(self.size.width - 2, 40)
        return width - table.styles.scrollbar_size_vertical

    def _fill_table(self) -> None:
        """(Re)build the table for its current width: the statistics keep their widths,
        the code column gets the rest (names cut at the end)."""
        report = self.report
        if report is None:
            return
        table = self.query_one(AgreementTable)
        columns = stat_columns(report)
        rows: list[tuple[str, AgreementRow]] = [(str(r.code_id), r) for r in report.rows]
        rows.append((POOLED, report.pooled))
        cells = [stat_cells(row) for _, row in rows]
        layout = plan_layout(columns, cells, self._table_width())
        if layout == self._layout:
            return
        self._layout = layout
        current = table.highlighted_key
        table.clear(columns=True)
        table.cell_padding = 0
        pad = " " * layout.gap
        table.add_column(Text(" Code"), key="code", width=layout.code + 1)
        for column in columns:
            header = column.short if layout.short else column.header
            width = layout.widths[column.key] + layout.gap
            label = Text(header, justify="right") if column.right else Text(pad + header)
            table.add_column(label, key=column.key, width=width)
        cursor = 0
        for i, ((key, _row), stats) in enumerate(zip(rows, cells, strict=True)):
            if key == POOLED:
                label = Text(cut_end(POOLED_LABEL, layout.code), style="bold")
            else:
                info = report.code(int(key))
                label = code_label(info.name, info.path, layout.code)
            line = [Text(" ").append_text(label)]
            for column in columns:
                cell = stats[column.key]
                line.append(cell if column.right else Text(pad).append_text(cell))
            table.add_row(*line, key=key)
            if key == current:
                cursor = i
        table.move_cursor(row=cursor)

    @on(AgreementTable.Resized)
    def _resized(self) -> None:
        if self.report is not None:
            self._fill_table()
            self._show_status(self._status_text())
            self._describe(self.query_one(AgreementTable).highlighted_key)

    @on(DataTable.RowHighlighted, "#agreement-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(str(event.row_key.value) if event.row_key.value is not None else None)

    def _row(self, key: str | None) -> AgreementRow | None:
        if self.report is None or key is None:
            return None
        if key == POOLED:
            return self.report.pooled
        return self.report.row_for(int(key))

    def _describe(self, key: str | None) -> None:
        detail = self.query_one("#agreement-detail", Static)
        report, row = self.report, self._row(key)
        if report is None or row is None:
            detail.update("")
            return
        unit = report.unit_name
        lines = [row.label if key != POOLED else "All codes, pooled (every code x unit decision)"]
        applied = ", ".join(f"{c} {n:,}" for c, n in zip(report.coders, row.applied, strict=True))
        lines.append(
            f"{row.n_units:,} {unit}s · applied by {applied} · the coders differ on "
            f"{row.disagreements:,}"
        )
        facts = []
        for name, stat in (
            (report.kappa_name, row.kappa),
            ("Krippendorff's α", row.alpha),
            ("Gwet's AC1", row.ac1),
            ("u-α", row.u_alpha),
        ):
            if stat is None:
                continue
            if stat.value is None:
                facts.append(f"{name}: undefined ({stat.reason})")
            else:
                facts.append(f"{name} {stat.value:.3f}: {stat.band} · {stat.source}")
        lines += facts
        if self.size.height >= ROOMY_HEIGHT:  # on short terminals the rows matter more
            lines.append(f"Unit: {UNIT_SHORT[report.unit]}.")
        detail.update("\n".join(lines))

    # -- drill down ---------------------------------------------------------------------
    @on(AgreementTable.Drill)
    def _drill(self, event: AgreementTable.Drill) -> None:
        if self.report is None:
            return
        code_id = None if event.key == POOLED else int(event.key)
        items = (
            self.report.disagreements if code_id is None else self.report.disagreements_for(code_id)
        )
        if not items:
            self.notify("The coders agree on every unit here: no disagreements")
            return
        self.app.push_screen(DisagreementsScreen(self.report, code_id))

    # -- export -------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.report is None:
            self.notify("Nothing to export yet", severity="warning")
            return
        report = self.report
        path = self._export_path or default_report_path(self.wb_app, report)

        def chosen(target: Path | None) -> None:
            if target is not None:
                self._export_path = target
                self._export(report, target)

        self.app.push_screen(ReportPathScreen(path), chosen)

    @work(thread=True, exit_on_error=False, group=EXPORT_GROUP, description="agreement export")
    def _export(self, report: AgreementReport, path: Path) -> str:
        from workbench.workflows.agreement import write_report

        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        written = write_report(report, path)
        return "Wrote " + " and ".join(str(p) for p in written)


def default_report_path(app: WorkbenchApp, report: AgreementReport) -> Path:
    """``<project>-agreement-<unit>.html`` next to the project file, or in
    ``~/workbench-exports`` for the default project and server projects."""
    from workbench.bootstrap import sqlite_path
    from workbench.tui.screens.export_dialog import default_export_path

    return default_export_path(
        f"agreement-{report.unit}", "html", sqlite_path(app.wb.engine)
    ).expanduser()


class ReportPathScreen(ModalScreen[Path | None]):
    """Where to write the agreement report; the suffix (.md or .html) picks the format."""

    HELP_GROUP = "Export the agreement report"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="agreement-export.cancel"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__(classes="wb-modal")
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog wide", id="agreement-export") as dialog:
            dialog.border_title = "Export the agreement report"
            yield Input(str(self.path), id="agreement-export-path")
            yield Static(
                "The suffix picks the format: .html (one self-contained file) or .md. "
                "Written owner-only (0600). Enter exports · Esc cancels",
                classes="hint",
            )
            yield Static("", id="agreement-export-error", classes="error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        from workbench.workflows.agreement import resolve_format

        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        try:
            fmt = resolve_format(path, None)
        except WorkbenchError as err:
            self.query_one("#agreement-export-error", Static).update(str(err))
            return
        if fmt not in ("md", "html"):
            self.query_one("#agreement-export-error", Static).update(
                f"Here the report is written as .md or .html (use the CLI for {fmt})"
            )
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodersScreen(ModalScreen[tuple[str, ...] | None]):
    """Tick the coders to compare (two or more; exactly ``exactly`` when given, as
    reconciliation needs two); ctrl+s (or the button) confirms."""

    HELP_GROUP = "Choose coders"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Compare", id="agreement-coders.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="agreement-coders.cancel"),
    ]

    def __init__(
        self,
        names: list[str],
        chosen: tuple[str, ...],
        *,
        exactly: int | None = None,
        title: str = "Compare which coders?",
        verb: str = "Compare",
    ) -> None:
        super().__init__(classes="wb-modal")
        self.names = names
        self.chosen = chosen
        self.exactly = exactly
        self.title_text = title
        self.verb = verb

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog", id="agreement-coders") as dialog:
            dialog.border_title = self.title_text
            yield SelectionList[str](
                *[(n, n, n in self.chosen) for n in self.names], id="agreement-coder-list"
            )
            yield Static(f"space ticks · ctrl+s {self.verb.lower()}s · esc cancels", classes="hint")
            yield Static("", id="agreement-coders-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.verb, variant="primary", id="compare", compact=True)

    def action_confirm(self) -> None:
        picked = tuple(self.query_one(SelectionList).selected)
        error = ""
        if self.exactly is not None and len(picked) != self.exactly:
            error = f"Tick exactly {self.exactly} coders (ticked: {len(picked)})"
        elif len(picked) < 2:
            error = "Tick at least two coders"
        if error:
            self.query_one("#agreement-coders-error", Static).update(error)
            return
        self.dismiss(tuple(n for n in self.names if n in picked))

    @on(Button.Pressed, "#compare")
    def _pressed(self) -> None:
        self.action_confirm()

    def action_cancel(self) -> None:
        self.dismiss(None)


class DisagreementList(OptionList):
    """Disagreements, one option each; Enter opens the passage on the coding screen."""

    HELP_GROUP = "Disagreements"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_passage",
            "Open passage",
            tooltip="Show the passage on the coding screen",
            id="agreement.open-passage",
        ),
    ]

    class Open(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_open_passage(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Open(self.highlighted))


class DisagreementsScreen(Screen[None]):
    """The disagreements about one code (or all), in document order."""

    CSS_PATH = "agreement.tcss"
    HELP_GROUP = "Disagreements screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the agreement table",
                id="agreement.disagreements-back"),
        Binding("q", "back", "Back", show=False, id="agreement.disagreements-back-alt"),
    ]  # fmt: skip

    def __init__(self, report: AgreementReport, code_id: int | None) -> None:
        super().__init__()
        self.report = report
        self.code_id = code_id
        found = report.disagreements if code_id is None else report.disagreements_for(code_id)
        self.total = len(found)
        self.items: tuple[Disagreement, ...] = found[:MAX_LISTED]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(self._title(), id="disagreements-title", markup=False)
        options = [Option(self._prompt(d), id=str(d.number)) for d in self.items]
        yield DisagreementList(*options, id="disagreements")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DisagreementList).focus()

    def _title(self) -> str:
        r = self.report
        what = "all codes" if self.code_id is None else r.code(self.code_id).path
        n = self.total
        shown = (
            f" (the first {len(self.items):,}; export the report for all)"
            if n > len(self.items)
            else ""
        )
        return (
            f"{what} · {n:,} disagreement{'s' if n != 1 else ''}{shown} between "
            f"{' × '.join(r.coders)} ({r.unit_name}s) · enter opens the passage · esc back"
        )

    def _prompt(self, d: Disagreement) -> Text:
        r = self.report
        where = f"{d.document} · chars {d.start}-{d.end}"
        if d.speaker:
            where += f" · speaker {d.speaker}"
        text = Text.assemble((where, "bold"), "\n  ", (f"“{_flat(d.text, 220)}”", "italic"))
        for coder, ids in zip(r.coders, d.applied, strict=True):
            text.append(f"\n  {coder}: ", style="dim")
            if not ids:
                text.append("nothing", style="dim italic")
            for k, cid in enumerate(ids):
                if k:
                    text.append(", ")
                style = "bold red" if cid in d.disputed else ""
                if self.code_id is not None and cid == self.code_id:
                    style = "bold reverse red"
                text.append(r.code(cid).name, style=style)
        return text

    @on(DisagreementList.Open)
    def _open(self, event: DisagreementList.Open) -> None:
        self.open_passage(self.items[event.index])

    @on(OptionList.OptionSelected, "#disagreements")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_passage(self.items[event.option_index])

    def open_passage(self, d: Disagreement) -> None:
        from workbench.tui.screens.coding import CodingScreen

        self.app.push_screen(CodingScreen(d.document_id, offset=d.start))

    def action_back(self) -> None:
        self.app.pop_screen()
