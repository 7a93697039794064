"""The themes screen: the theme summary with terminal bar charts, quotes and exports.

Top: every theme, subtheme and code with its participants (n of N), documents and
codings and a bar per row in the code's colour. Below: for the highlighted row, the
spread across one participant attribute (``a`` picks the next), memos and the
illustrative quotes (starred first, each exactly the transcript text); Enter on a quote
opens the transcript there. ``f`` cycles the coder filter, ``/`` filters codes and
cases, ``e`` exports what is on screen.

The summary is built by ``workbench.workflows.themes.build_summary`` in a thread worker
(one run at a time: a newer one cancels the older) with the counting rules of
``workbench.core.summary`` - the same numbers as ``workbench export summary``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import RowDoesNotExist
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change
from workbench.core.summary import (
    ALL_CODERS,
    CONSENSUS_CODER,
    Condition,
    Filters,
    Quote,
    Summary,
    ThemeRow,
)
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.codebook_tree import swatch_style
from workbench.tui.widgets.row_keys import RowHomeEnd

if TYPE_CHECKING:
    from workbench.tui.screens.export_dialog import ExportRequest
    from workbench.workflows.exports import ExportResult

QUOTES = 3  # quotes per code, as in ``workbench export summary`` (DEFAULT_QUOTES)
NARROW = 100  # below this many columns the detail panes stack and scroll together
SUMMARY_GROUP = "themes-summary"
EXPORT_GROUP = "themes-export"
MEASURES = ("participants", "codings")

FULL = "█"
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")  # 0/8 .. 7/8 of a cell


# -- drawing ---------------------------------------------------------------------------


def bar(value: float, total: float, width: int, style: str = "", track: str = "") -> Text:
    """A horizontal bar of ``value / total`` in ``width`` cells, in eighths of a cell.

    A value above zero always shows at least a sliver; ``track`` (e.g. ``"dim"``) fills
    the rest of the width with a light shade so the whole reads as "n of N".
    """
    width = max(width, 0)
    eighths = 0
    if total > 0 and value > 0:
        eighths = max(1, min(width * 8, round(value / total * width * 8)))
    full, rest = divmod(eighths, 8)
    drawn = FULL * full + EIGHTHS[rest]
    text = Text(drawn, style=style)
    if track:
        text.append("░" * (width - len(drawn)), style=track)
    else:
        text.append(" " * (width - len(drawn)))
    return text


class Bar:
    """A Rich renderable bar that fills whatever width its table column gives it."""

    def __init__(self, value: float, total: float, style: str, track: str = "") -> None:
        self.value, self.total, self.style, self.track = value, total, style, track

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield bar(self.value, self.total, options.max_width, self.style, self.track)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(4, options.max_width)


def coder_cycle(names: Iterable[str]) -> list[str]:
    """What ``f`` steps through: all coders, each coder, then ``consensus`` if present."""
    names = list(names)
    people = sorted((n for n in names if n != CONSENSUS_CODER), key=str.casefold)
    return [ALL_CODERS, *people, *([CONSENSUS_CODER] if CONSENSUS_CODER in names else [])]


_CONDITION = re.compile(r"[=<>]")


def parse_filter(text: str) -> tuple[tuple[str, ...], tuple[Condition, ...]]:
    """``safe-place-cage, gender=woman`` -> codes and case conditions (comma separated)."""
    from workbench.workflows.themes import parse_condition

    codes: list[str] = []
    where: list[Condition] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if _CONDITION.search(part):
            try:
                where.append(parse_condition(part))
            except WorkbenchError as err:
                raise WorkbenchError(str(err).replace("--where ", "filter ")) from err
        else:
            codes.append(part)
    return tuple(codes), tuple(where)


def filter_text(filters: Filters) -> str:
    return ", ".join([*filters.codes, *(str(c) for c in filters.where)])


def describe(filters: Filters) -> str:
    """The active filters in a few words, for the header line and the export dialog."""
    parts = ["all coders (union)" if filters.coder == ALL_CODERS else f"coder {filters.coder}"]
    if filters.codes:
        parts.append("codes " + ", ".join(filters.codes))
    if filters.where:
        parts.append("cases where " + " and ".join(str(c) for c in filters.where))
    if filters.documents:
        parts.append("documents " + ", ".join(filters.documents))
    return "; ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


async def route_key(widget: Widget, event: events.Key) -> None:
    """Keys of a fast burst queued on ``widget`` before the focus moved go where it is now.

    A terminal delivers ``/gender=woman`` or ``enter down enter`` in one read and Textual
    queues every key on the widget focused when it arrived. After ``/`` (the filter box)
    or ``enter`` (the quotes) the rest belongs to the newly focused widget; otherwise run
    the binding at once (``workbench.tui.keys.handle_key_now``), so a modal opened by
    ``e`` receives the keys typed after it.
    """
    from workbench.tui.keys import handle_key_now

    screen = widget.screen
    focused = screen.focused
    if screen is widget.app.screen and focused is not None and focused is not widget:
        event.prevent_default()
        event.stop()
        focused.post_message(events.Key(event.key, event.character))
        return
    await handle_key_now(widget, event)


# -- data from the worker -------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """One computed summary with what the screen needs beside it."""

    generation: int
    summary: Summary
    colours: dict[str, str]  # code key -> colour
    documents: dict[int, int]  # coding id -> document id (to open a quote)


# -- widgets -------------------------------------------------------------------------------


class ThemeTable(RowHomeEnd, DataTable[Text]):
    """Themes, subthemes and codes with counts and a bar each; fills its width."""

    HELP_GROUP = "Theme list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "show_quotes",
            "Quotes",
            tooltip="Move to the quotes of the highlighted code",
            id="themes.show-quotes",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.summary: Summary | None = None
        self.colours: dict[str, str] = {}
        self.measure = MEASURES[0]
        self._built_width = -1

    def show(self, summary: Summary, colours: dict[str, str], measure: str) -> None:
        self.summary, self.colours, self.measure = summary, colours, measure
        self._rebuild()

    @property
    def highlighted_key(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def select_key(self, key: str) -> None:
        try:
            row = self.get_row_index(key)
        except RowDoesNotExist:  # the code is gone or filtered out
            return
        self.move_cursor(row=row)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._built_width:
            self._rebuild()

    async def on_key(self, event: events.Key) -> None:
        await route_key(self, event)

    def action_show_quotes(self) -> None:
        screen = self.screen
        if isinstance(screen, ThemesScreen):
            screen.focus_quotes()

    def _rebuild(self) -> None:
        summary = self.summary
        if summary is None or not self.size.width:
            return
        self._built_width = self.size.width
        current = self.highlighted_key
        scroll_y = self.scroll_y
        self.clear(columns=True)
        rows = summary.rows
        pad = self.cell_padding * 2
        avail = self.size.width - int(self.styles.scrollbar_size_vertical or 0)
        longest = max((2 * r.depth + 2 + len(r.name) for r in rows), default=10)
        name_w = max(12, min(longest, int(avail * 0.4)))
        total = len(summary.participants_in_scope)
        counts_w = max(len("Participants"), len(f"{total}/{total}"))
        docs_w = max(len("Docs"), len(str(summary.documents_in_scope)))
        most = max((r.codings for r in rows), default=0)
        codings_w = max(len("Codings"), len(str(most)))
        chart_w = max(4, avail - (name_w + counts_w + docs_w + codings_w) - 5 * pad)
        if self.measure == "participants":
            labels_ = (f"participants, of {total}", f"of {total}")
        else:
            labels_ = (f"codings, of {most}", "codings")
        chart_label = next((x for x in labels_ if len(x) <= chart_w), "")
        self.add_column("Theme / code", key="name", width=name_w)
        self.add_column(Text("Participants", justify="right"), key="participants", width=counts_w)
        self.add_column(Text("Docs", justify="right"), key="documents", width=docs_w)
        self.add_column(Text("Codings", justify="right"), key="codings", width=codings_w)
        self.add_column(Text(chart_label, style="dim"), key="chart", width=chart_w)
        for row in rows:
            colour = swatch_style(self.colours.get(row.key, ""))
            dim = "dim" if not row.codings else ""
            name = Text(no_wrap=True, overflow="ellipsis", style=dim)
            name.append("  " * row.depth)
            name.append("● ", style=colour)
            name.append(row.name, style="bold" if row.depth == 0 else "")
            if self.measure == "participants":
                chart = bar(row.participants, total, chart_w, colour)
            else:
                chart = bar(row.codings, most, chart_w, colour)
            self.add_row(
                name,
                Text(f"{row.participants}/{total}", justify="right", style=dim),
                Text(str(row.documents), justify="right", style=dim),
                Text(str(row.codings), justify="right", style=dim),
                chart,
                key=row.key,
            )
        if current is not None:
            self.select_key(current)
        self.scroll_to(y=scroll_y, animate=False)


class QuoteCard(Static, can_focus=True):
    """One illustrative quote: where it is, then its exact text. Enter opens it."""

    HELP_GROUP = "Quotes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the transcript at this quote",
            id="themes.open-quote",
        ),
        Binding("down,j", "step(1)", "Next quote", show=False, id="themes.next-quote"),
        Binding("up,k", "step(-1)", "Previous quote", show=False, id="themes.previous-quote"),
        Binding(
            "escape",
            "leave",
            "Themes",
            tooltip="Back to the theme list",
            id="themes.leave-quotes",
        ),
    ]

    class OpenRequested(Message):
        def __init__(self, quote: Quote) -> None:
            super().__init__()
            self.quote = quote

    def __init__(self, quote: Quote, colour: str) -> None:
        super().__init__(quote_text(quote), classes="quote")
        self.quote = quote
        self.styles.border_left = ("outer", colour if colour != "default" else "grey")

    def action_open(self) -> None:
        self.post_message(self.OpenRequested(self.quote))

    async def on_key(self, event: events.Key) -> None:
        await route_key(self, event)

    def action_step(self, step: int) -> None:
        cards = list(self.screen.query(QuoteCard))
        i = cards.index(self) + step
        if i < 0:
            self.action_leave()
        elif i < len(cards):
            self.screen.set_focus(cards[i])

    def action_leave(self) -> None:
        self.screen.set_focus(self.screen.query_one(ThemeTable))

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.action_open()


def quote_text(quote: Quote) -> Text:
    """``★ P03 · turn 12 (P03) · chars 10-80 · anna`` then the quote, exactly as stored."""
    text = Text()
    if quote.starred:
        text.append("★ ", style="bold yellow")
    text.append(quote.label, style="bold")
    text.append(f" · {quote.coder}", style="dim")
    if quote.memo.strip():
        text.append(f"\nmemo: {quote.memo.strip()}", style="italic dim")
    text.append("\n")
    text.append(quote.text)
    return text


class FilterInput(Input):
    """Code keys/names and ``attribute=value`` conditions, comma separated."""

    HELP_GROUP = "Filter box"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Done", tooltip="Leave the filter box", id="themes.filter-done"),
    ]

    class Left(Message):
        pass

    def action_leave(self) -> None:
        self.post_message(self.Left())


def facts(
    row: ThemeRow, summary: Summary, attribute: str | None, colour: str, attributes: int
) -> Group:
    """The highlighted row: path, definition, counts, spread for one attribute, memos."""
    parts: list[RenderableType] = []
    if " > " in row.path:  # the name itself is the pane's title
        parts.append(Text("in " + row.path.rsplit(" > ", 1)[0].replace(" > ", " › "), style="dim"))
    total = len(summary.participants_in_scope)
    counts = Text()
    counts.append(f"{row.participants} of {total}", style="bold")
    counts.append(" participants · ")
    counts.append(_plural(row.documents, "document"))
    counts.append(" · ")
    counts.append(_plural(row.codings, "coding"))
    if row.codings != row.own_codings:
        counts.append(f" ({row.own_codings} of its own)", style="dim")
    parts.append(counts)
    if row.participant_labels:
        parts.append(Text(" ".join(row.participant_labels), style="dim"))

    spread = next((s for s in row.spread if s.attribute == attribute), None)
    parts.append(Text())
    if spread is None:
        parts.append(Text("No participant attributes to compare.", style="dim"))
    else:
        heading = Text()
        heading.append(f"By {spread.attribute}", style="bold")
        if spread.binned:
            heading.append(" (grouped ranges)", style="dim")
        if attributes > 1:
            heading.append(f"  a: next of {attributes}", style="dim")
        parts.append(heading)
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, justify="right")
        for v in spread.values:
            grid.add_row(
                Text(v.value, style="" if v.count else "dim"),
                Bar(v.count, v.total, colour, track="dim"),
                Text(f"{v.count} of {v.total}", style="" if v.count else "dim"),
            )
        parts.append(grid)
    if row.memos:
        parts.append(Text())
        parts.append(Text("Memos", style="bold"))
        for memo in row.memos:
            line = Text()
            if memo.author:
                line.append(f"{memo.author}: ", style="dim")
            line.append(memo.text)
            parts.append(line)
    if row.definition.strip():
        parts.append(Text())
        parts.append(Text("Definition", style="bold"))
        parts.append(Text(row.definition.strip(), style="italic"))
    return Group(*parts)


# -- the screen ------------------------------------------------------------------------------


class ThemesScreen(WorkbenchScreen[None]):
    """The theme summary: counts and bar charts, spread, memos, quotes; export from here."""

    CSS_PATH = "themes.tcss"
    HELP_GROUP = "Themes screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "cycle_coder",
            "Next coder",
            tooltip="Count all coders, then each coder, then consensus",
            id="themes.cycle-coder",
        ),
        Binding(
            "a",
            "cycle_attribute",
            "Attribute",
            tooltip="Show the spread across the next participant attribute",
            id="themes.cycle-attribute",
        ),
        Binding(
            "m",
            "cycle_measure",
            "Bars",
            tooltip="Bars show participants (n of N) or codings",
            id="themes.cycle-measure",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter by codes and participant attributes (e.g. gender=woman)",
            id="themes.filter",
        ),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Export a summary, quotes, matrix, co-occurrence or codebook",
            id="themes.export",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen", id="themes.back"),
        Binding("q", "back", "Back", show=False, id="themes.back-alt"),
    ]

    def __init__(self, *, export: bool = False) -> None:
        super().__init__()
        self._export_when_loaded = export  # opened from "Export" in the command palette
        self.coder = ALL_CODERS
        self.codes: tuple[str, ...] = ()
        self.where: tuple[Condition, ...] = ()
        self.attribute: str | None = None
        self.measure = MEASURES[0]
        self.loaded: Loaded | None = None
        self._generation = 0
        self._export_folder: Path | None = None
        self._detail_shown: tuple[int, str | None] = (-1, None)  # (generation, row key)

    # -- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="filter-bar"):
            yield Static("", id="status", markup=False)
            yield FilterInput(
                placeholder="/ filter: codes, gender=woman", id="filter", compact=True
            )
        with Vertical(id="body"):
            table = ThemeTable(id="theme-table")
            table.border_title = "Themes"
            yield table
            with VerticalScroll(id="detail", can_focus=False):
                yield VerticalScroll(Static("", id="facts-text"), id="facts", can_focus=False)
                with VerticalScroll(id="quotes", can_focus=False):
                    yield Static("", id="quotes-heading", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ThemeTable).focus()
        self.recompute()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "-narrow")
        # The pane that scrolls takes focus (tab), so the keys can scroll it too.
        self.query_one("#detail").can_focus = narrow
        self.query_one("#facts").can_focus = not narrow
        self._sync_filter_box()

    # -- filters ------------------------------------------------------------------
    @property
    def filters(self) -> Filters:
        return Filters(coder=self.effective_coder, codes=self.codes, where=self.where)

    @property
    def effective_coder(self) -> str:
        """The chosen coder; in blind mode only the current coder's codings count."""
        wb = self.wb_app.wb
        if self.wb_app.blind and wb.coder is not None:
            return wb.coder.name
        return self.coder

    def action_cycle_coder(self) -> None:
        wb = self.wb_app.wb
        if self.wb_app.blind and wb.coder is not None:
            self.notify(f"Blind mode is on: only {wb.coder.name}'s codings are counted")
            return
        cycle = coder_cycle(c.name for c in wb.store.coders())
        i = cycle.index(self.coder) if self.coder in cycle else -1
        self.coder = cycle[(i + 1) % len(cycle)]
        self.recompute()

    def action_filter(self) -> None:
        field = self.query_one(FilterInput)
        field.display = True  # narrow terminals show the box only while it is in use
        self.set_focus(field)  # now, so the rest of a typed burst lands in the box

    @on(events.DescendantBlur, "#filter")
    def _filter_blurred(self) -> None:
        self._sync_filter_box()

    def _sync_filter_box(self) -> None:
        field = self.query_one(FilterInput)
        field.display = self.size.width >= NARROW or field.has_focus

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        try:
            self.codes, self.where = parse_filter(event.value)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.query_one(ThemeTable).focus()
        self.recompute()

    @on(FilterInput.Left)
    def _filter_left(self) -> None:
        self.query_one(FilterInput).value = filter_text(self.filters)
        self.query_one(ThemeTable).focus()

    def action_cycle_attribute(self) -> None:
        names = self._attribute_names()
        if not names:
            self.notify("No participant attributes in scope (import case attributes first)")
            return
        i = names.index(self.attribute) if self.attribute in names else -1
        self.attribute = names[(i + 1) % len(names)]
        self._show_facts(self.current_row())

    def action_cycle_measure(self) -> None:
        self.measure = MEASURES[(MEASURES.index(self.measure) + 1) % len(MEASURES)]
        if self.loaded is not None:
            self.query_one(ThemeTable).show(self.loaded.summary, self.loaded.colours, self.measure)

    def _attribute_names(self) -> list[str]:
        if self.loaded is None:
            return []
        return [s.attribute for s in self.loaded.summary.population]

    # -- computing ----------------------------------------------------------------
    def recompute(self) -> None:
        self._generation += 1
        self.query_one("#body").loading = True
        self._compute(self.filters, self._generation)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group=SUMMARY_GROUP,
        description="theme summary",
    )
    def _compute(self, filters: Filters, generation: int) -> Loaded | None:
        from workbench.workflows.themes import build_summary

        worker = get_current_worker()
        wb = self.wb_app.wb
        store = wb.store
        summary = build_summary(store, filters, quotes=QUOTES, project=wb.project_label)
        if worker.is_cancelled:
            return None
        quoted = {q.coding_id for r in summary.rows for q in r.quotes}
        documents = {c.id: c.document_id for c in store.codings() if c.id in quoted}
        colours = {c.key: c.colour for c in store.codes()}
        return Loaded(generation, summary, colours, documents)

    def project_changed(self, change: Change) -> None:
        self.recompute()

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == SUMMARY_GROUP:
            if event.state == WorkerState.SUCCESS:
                loaded = worker.result
                if isinstance(loaded, Loaded) and loaded.generation == self._generation:
                    self._show(loaded)
            elif event.state == WorkerState.ERROR:
                self.query_one("#body").loading = False
                self._report(worker.error)
                if self.loaded is not None:  # keep showing the last good summary
                    self._restore_filters(self.loaded.summary.filters)
        elif worker.group == EXPORT_GROUP:
            if event.state == WorkerState.SUCCESS and worker.result is not None:
                result: ExportResult = worker.result
                self._export_folder = result.output.parent
                self.notify(
                    result.message,
                    title="Export",
                    severity="warning" if result.empty else "information",
                    timeout=10,
                )
            elif event.state == WorkerState.ERROR:
                self._report(worker.error)

    def _report(self, err: BaseException | None) -> None:
        if isinstance(err, WorkbenchError):
            self.notify(str(err), severity="error", timeout=8)
        elif err is not None:  # a bug: say what it was; the traceback is in the Textual log
            self.notify(f"{type(err).__name__}: {err}", title="Unexpected error", severity="error")

    def _restore_filters(self, filters: Filters) -> None:
        if not self.wb_app.blind:
            self.coder = filters.coder
        self.codes, self.where = filters.codes, filters.where
        self._show_status()

    # -- showing ------------------------------------------------------------------
    def _show(self, loaded: Loaded) -> None:
        first = self.loaded is None
        self.loaded = loaded
        if first:
            self.refresh_bindings()  # the keys that need a summary work now
            if self._export_when_loaded:
                self._export_when_loaded = False
                self.call_after_refresh(self.action_export)
        self.query_one("#body").loading = False
        names = self._attribute_names()
        if self.attribute not in names:
            self.attribute = names[0] if names else None
        self.query_one(ThemeTable).show(loaded.summary, loaded.colours, self.measure)
        field = self.query_one(FilterInput)
        if not field.has_focus:
            field.value = filter_text(loaded.summary.filters)
        self._show_status()
        self._show_detail()

    def _show_status(self) -> None:
        status = Text()
        status.append("Filters: ", style="bold")
        status.append(describe(self.filters))
        if self.wb_app.blind and self.wb_app.wb.coder is not None:
            status.append(" (blind mode)", style="dim")
        if self.loaded is not None:
            s = self.loaded.summary
            status.append(" · ", style="dim")
            status.append(
                f"N = {_plural(len(s.participants_in_scope), 'participant')}, "
                f"{_plural(s.documents_in_scope, 'document')}, "
                f"{_plural(s.total_codings, 'coding')}",
                style="dim",
            )
            if s.is_empty:
                status.append(" · no codings match", style="bold yellow")
        self.query_one("#status", Static).update(status)

    @on(DataTable.RowHighlighted, "#theme-table")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def current_row(self) -> ThemeRow | None:
        if self.loaded is None:
            return None
        key = self.query_one(ThemeTable).highlighted_key
        return next((r for r in self.loaded.summary.rows if r.key == key), None)

    def _show_detail(self) -> None:
        """Facts and quotes of the highlighted row (nothing to do if they are shown)."""
        row = self.current_row()
        shown = (self.loaded.generation if self.loaded else 0, row.key if row else None)
        if shown == self._detail_shown:
            return
        self._detail_shown = shown
        self._show_facts(row)
        self._show_quotes(row)

    def _show_facts(self, row: ThemeRow | None) -> None:
        loaded = self.loaded
        facts_text = self.query_one("#facts-text", Static)
        detail = self.query_one("#detail")
        if loaded is None or row is None:
            detail.border_title = "Detail"
            empty = loaded is not None and not loaded.summary.rows
            facts_text.update(
                Text("No codes yet: add a codebook on the project screen.", style="dim")
                if empty
                else ""
            )
            return
        colour = swatch_style(loaded.colours.get(row.key, ""))
        detail.border_title = row.name
        facts_text.update(
            facts(row, loaded.summary, self.attribute, colour, len(self._attribute_names()))
        )

    def _show_quotes(self, row: ThemeRow | None) -> None:
        heading = self.query_one("#quotes-heading", Static)
        box = self.query_one("#quotes", VerticalScroll)
        had_focus = any(card.has_focus for card in box.query(QuoteCard))
        box.remove_children(QuoteCard)
        if had_focus:
            self.set_focus(self.query_one(ThemeTable))
        if self.loaded is None or row is None:
            heading.update("")
            return
        if row.quotes:
            starred = sum(q.starred for q in row.quotes)
            text = f"{_plural(len(row.quotes), 'quote')}"
            if starred:
                text += f", {starred} starred"
            heading.update(f"{text} · enter on a quote opens the transcript")
        elif row.codings:
            heading.update("No codings of its own: see the sub-codes.")
        else:
            heading.update("Not coded with these filters.")
        colour = swatch_style(self.loaded.colours.get(row.key, ""))
        box.mount_all(QuoteCard(q, colour) for q in row.quotes)
        box.scroll_home(animate=False)
        self.query_one("#facts", VerticalScroll).scroll_home(animate=False)
        self.query_one("#detail").scroll_home(animate=False)

    def focus_quotes(self) -> None:
        """Move to the first quote of the highlighted row, at once (keys may follow)."""
        self._show_detail()  # in a burst the highlight can be ahead of the detail
        cards = self.query(QuoteCard)
        if cards:
            self.set_focus(cards.first())
        else:
            self.notify("No quotes for this row", timeout=3)

    @on(QuoteCard.OpenRequested)
    def _open_quote(self, event: QuoteCard.OpenRequested) -> None:
        self.open_quote(event.quote)

    def open_quote(self, quote: Quote) -> None:
        from workbench.tui.screens.coding import CodingScreen

        document_id = self.loaded.documents.get(quote.coding_id) if self.loaded else None
        if document_id is None:
            self.notify("That coding is no longer in the project", severity="warning")
            return
        self.app.push_screen(CodingScreen(document_id, offset=quote.start))

    # -- export -------------------------------------------------------------------
    def action_export(self) -> None:
        from workbench.bootstrap import sqlite_path
        from workbench.tui.screens.export_dialog import ExportScreen

        filters = self.filters
        dialog = ExportScreen(
            describe(filters),
            project_file=sqlite_path(self.wb_app.wb.engine),
            folder=self._export_folder,
        )

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.run_export(request, filters)

        self.app.push_screen(dialog, chosen)

    @work(thread=True, exit_on_error=False, group=EXPORT_GROUP, description="export")
    def run_export(self, request: ExportRequest, filters: Filters) -> ExportResult:
        from workbench.workflows.exports import ExportOptions, run_export

        wb = self.wb_app.wb
        folder = request.path.parent
        if not folder.exists():
            try:
                folder.mkdir(parents=True, mode=0o700)
            except OSError as err:
                raise WorkbenchError(
                    f"cannot create the folder {folder}: {err.strerror or err}"
                ) from err
        return run_export(
            wb.store,
            request.kind,
            request.path,
            fmt=request.format,
            filters=filters,
            options=ExportOptions(quotes=QUOTES, project=wb.project_label),
        )

    # -- leaving ------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle_attribute", "cycle_measure", "export") and self.loaded is None:
            return None  # shown, disabled until the first summary is in
        return True
