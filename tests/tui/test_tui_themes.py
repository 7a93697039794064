"""The themes screen on the sample study: counts as the workflow computes them, coder
filter, export from the screen, a quote opening the transcript."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, RadioButton

from workbench.core.errors import WorkbenchError
from workbench.core.settings import Settings
from workbench.core.summary import Condition, Filters, Summary
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.export_dialog import ExportScreen, default_export_path
from workbench.tui.screens.project import ProjectScreen
from workbench.tui.screens.themes import (
    FilterInput,
    QuoteCard,
    ThemesScreen,
    ThemeTable,
    bar,
    coder_cycle,
    parse_filter,
)
from workbench.workflows.themes import build_summary

SIZE = (120, 40)


@pytest.fixture
def app(sample_path: Path) -> WorkbenchApp:
    return create_app(Settings(project=str(sample_path), coder="anna"))


async def open_themes(app: WorkbenchApp, pilot: Pilot) -> ThemesScreen:
    await pilot.pause()
    await app.push_screen(ThemesScreen())
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ThemesScreen)
    assert screen.loaded is not None
    return screen


async def settle(app: WorkbenchApp, pilot: Pilot) -> None:
    """Let queued messages start their workers, wait for those, then show the result."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def type_burst(app: WorkbenchApp, text: str) -> None:
    """Type ``text`` as a terminal delivers fast typing: all keys at once."""
    for char in text:
        app.post_message(events.Key(char, char))


def shown(screen: ThemesScreen) -> dict[str, tuple[int, int, int, int]]:
    """``{code key: (participants, N, documents, codings)}`` as the table shows them."""
    table = screen.query_one(ThemeTable)
    out = {}
    for row_key in table.rows:
        name, people, docs, codings, _chart = (str(c) for c in table.get_row(row_key))
        n, of = people.split("/")
        out[str(row_key.value)] = (int(n), int(of), int(docs), int(codings))
    return out


def expected(summary: Summary) -> dict[str, tuple[int, int, int, int]]:
    total = len(summary.participants_in_scope)
    return {r.key: (r.participants, total, r.documents, r.codings) for r in summary.rows}


def on_screen(widget: Widget) -> str:
    """The text a widget shows (every line of it, scrolled out of view or not)."""
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, *widget.outer_size)))


def status(screen: ThemesScreen) -> str:
    return on_screen(screen.query_one("#status"))


def sql_counts(path: Path, key: str, coder: str | None) -> tuple[int, int, int]:
    """Participants (cases), documents and codings of a code and its sub-codes, in SQL."""
    who = "AND coder.name = :coder" if coder else ""
    query = f"""
        WITH RECURSIVE tree(id) AS (
            SELECT id FROM code WHERE key = :key
            UNION ALL SELECT code.id FROM code JOIN tree ON code.parent_id = tree.id
        )
        SELECT count(DISTINCT document.case_id), count(DISTINCT coding.document_id), count(*)
        FROM coding
        JOIN coder ON coder.id = coding.coder_id
        JOIN document ON document.id = coding.document_id
        WHERE coding.code_id IN (SELECT id FROM tree) {who}
    """
    with sqlite3.connect(path) as db:
        return db.execute(query, {"key": key, "coder": coder}).fetchone()


# -- pure helpers -------------------------------------------------------------------------


def test_bar_draws_eighths_and_keeps_its_width() -> None:
    assert bar(10, 10, 5).plain == "█████"
    assert bar(0, 10, 5).plain == "     "
    assert bar(8, 16, 1).plain == "▌"  # half a cell
    assert bar(1, 1000, 4).plain == "▏   "  # anything above zero shows
    assert bar(3, 4, 8, track="dim").plain == "██████░░"
    assert all(len(bar(v, 7, 9).plain) == 9 for v in range(8))


def test_coder_cycle_puts_consensus_last() -> None:
    assert coder_cycle(["ben", "consensus", "anna"]) == ["all", "anna", "ben", "consensus"]
    assert coder_cycle([]) == ["all"]


def test_parse_filter_splits_codes_and_conditions() -> None:
    codes, where = parse_filter(" safe-place-cage, gender=woman ,years_in_na>=5,")
    assert codes == ("safe-place-cage",)
    assert where == (Condition("gender", "=", "woman"), Condition("years_in_na", ">=", "5"))
    with pytest.raises(WorkbenchError, match="needs a number"):
        parse_filter("years_in_na>=many")


def test_default_export_path(tmp_path: Path) -> None:
    project = tmp_path / "study.sqlite"
    assert default_export_path("summary", "md", project) == tmp_path / "study-summary.md"
    assert default_export_path("quotes", "csv", project, tmp_path / "out") == (
        tmp_path / "out" / "study-quotes.csv"
    )
    in_data_dir = tmp_path / "data" / "default.sqlite"  # WORKBENCH_DATA_DIR (conftest)
    assert default_export_path("matrix", "xlsx", in_data_dir) == (
        Path.home() / "workbench-exports" / "matrix.xlsx"
    )
    assert default_export_path("codebook", "md", None).name == "codebook.md"


# -- the screen -----------------------------------------------------------------------------


async def test_rows_show_the_workflow_counts(app: WorkbenchApp, sample_path: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        summary = build_summary(app.wb.store, Filters())
        assert shown(screen) == expected(summary)
        assert list(shown(screen)) == [r.key for r in summary.rows]  # codebook order
        people, of, docs, codings = shown(screen)["safe-place-cage"]
        assert (people, docs, codings) == sql_counts(sample_path, "safe-place-cage", None)
        assert of == 10
        assert "all coders (union)" in status(screen)
        assert f"{summary.total_codings} codings" in status(screen)

        # a: the spread across the next attribute; m: bars by codings instead.
        names = [s.attribute for s in summary.population]
        assert screen.attribute == names[0]
        assert f"By {names[0]}" in on_screen(screen.query_one("#facts-text"))
        await pilot.press("a")
        assert screen.attribute == names[1]
        assert f"By {names[1]}" in on_screen(screen.query_one("#facts-text"))
        table = screen.query_one(ThemeTable)
        widths = [len(str(table.get_row(k)[4]).rstrip()) for k in ("conflict", "judgement")]
        assert widths[0] < widths[1]  # 4 vs 8 participants
        await pilot.press("m")
        assert screen.measure == "codings"
        assert "codings" in str(table.ordered_columns[4].label)


async def test_cycling_the_coder_shows_that_coders_counts(
    app: WorkbenchApp, sample_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        everyone = shown(screen)
        for coder in ("anna", "ben"):
            await pilot.press("f")
            await settle(app, pilot)
            assert screen.coder == coder
            counts = shown(screen)
            assert counts == expected(build_summary(app.wb.store, Filters(coder=coder)))
            assert counts != everyone
            people, _of, docs, codings = counts["negative-experiences"]
            assert (people, docs, codings) == sql_counts(sample_path, "negative-experiences", coder)
            assert f"coder {coder}" in status(screen)
        await pilot.press("f")  # back to everyone
        await settle(app, pilot)
        assert screen.coder == "all" and shown(screen) == everyone

        # Blind mode: only the current coder's codings count, whatever was chosen.
        app.blind = True
        await settle(app, pilot)
        assert shown(screen) == expected(build_summary(app.wb.store, Filters(coder="anna")))
        await pilot.press("f")  # refused while blind
        await settle(app, pilot)
        assert "coder anna (blind mode)" in status(screen)


async def test_filter_box_filters_codes_and_cases(app: WorkbenchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        await pilot.press("slash")
        screen.query_one(FilterInput).value = "gender=woman"  # typing: see the burst test
        await pilot.press("enter")
        await settle(app, pilot)
        women = (Condition("gender", "=", "woman"),)
        assert shown(screen) == expected(build_summary(app.wb.store, Filters(where=women)))
        assert "cases where gender=woman" in status(screen)
        assert app.focused is screen.query_one(ThemeTable)

        await pilot.press("slash")
        screen.query_one(FilterInput).value = "safe-place-cage, gender=woman"
        await pilot.press("enter")
        await settle(app, pilot)
        want = Filters(codes=("safe-place-cage",), where=women)
        assert shown(screen) == expected(build_summary(app.wb.store, want))
        assert next(iter(shown(screen))) == "safe-place-cage"

        # An unknown code is a one-line error; the last good summary stays.
        before = shown(screen)
        await pilot.press("slash")
        screen.query_one(FilterInput).value = "no-such-code"
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(screen) == before
        assert "codes safe-place-cage" in status(screen)
        assert screen.query_one(FilterInput).value == "no-such-code"  # left to fix


async def test_summary_is_computed_in_a_worker_and_recounted_on_changes(
    app: WorkbenchApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.workflows.themes as workflow

    real = workflow.build_summary
    gate = threading.Event()
    runs: list[str] = []

    def slow_first_run(store: Any, filters: Filters, **kw: Any) -> Summary:
        runs.append(filters.coder)
        if len(runs) == 1:
            gate.wait(10)
        return real(store, filters, **kw)

    monkeypatch.setattr(workflow, "build_summary", slow_first_run)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(ThemesScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        body = screen.query_one("#body")
        assert screen.loaded is None and body.loading
        assert isinstance(body._cover_widget, LoadingIndicator)
        await pilot.press("f")  # a newer run (coder anna) replaces the one still running
        await pilot.pause()
        gate.set()
        await settle(app, pilot)
        assert runs == ["all", "anna"]
        assert not body.loading
        anna = expected(real(app.wb.store, Filters(coder="anna")))
        assert shown(screen) == anna

        store = app.wb.store
        coder = store.coder("anna")
        coding = store.codings(code_ids=[store.code("meeting-format").id], coder_ids=[coder.id])[0]
        store.delete_coding(coding.id, coder.id)
        app.refresh_views("coding")
        await settle(app, pilot)
        assert shown(screen)["meeting-format"][3] == anna["meeting-format"][3] - 1


async def test_enter_on_a_quote_opens_the_transcript_there(app: WorkbenchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        await pilot.press("down", "down")  # The model did not fit > strategies > Meeting format
        assert screen.query_one(ThemeTable).highlighted_key == "meeting-format"
        row = screen.current_row()
        assert row is not None and len(row.quotes) == 3
        assert row.quotes[0].starred  # starred first
        cards = list(screen.query(QuoteCard))
        assert [c.quote for c in cards] == list(row.quotes)
        store = app.wb.store
        for card in cards:  # each quote is exactly the transcript text, and shown whole
            q = card.quote
            assert q.text == store.text(store.document(q.document).id)[q.start : q.end]
            lines = (line.lstrip("▌") for line in on_screen(card).splitlines())  # colour edge
            assert " ".join(q.text.split()) in " ".join(" ".join(lines).split())
        await pilot.press("enter", "down")  # into the quotes, then the second one
        assert app.focused is cards[1]
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        quote = row.quotes[1]
        assert coding.document_id == store.document(quote.document).id
        assert coding.transcript.cursor == quote.start
        assert coding.transcript.text[quote.start : quote.end] == quote.text
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")  # the focus is on the quotes: back to the list
        assert app.focused is screen.query_one(ThemeTable)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)


async def test_export_from_the_screen_writes_an_owner_only_file(
    app: WorkbenchApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # so the typed path is short
    target = tmp_path / "out" / "anna-quotes.csv"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        await pilot.press("f")  # coder anna
        await settle(app, pilot)
        seen: list[tuple[str, str]] = []
        notify = app.notify

        def record(message: str, **kw: Any) -> None:
            seen.append((message, kw.get("severity", "information")))
            notify(message, **kw)

        app.notify = record  # type: ignore[method-assign]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "coder anna" in on_screen(app.screen.query_one("#export-filters"))
        await pilot.press("down")  # the arrow chooses: quotes (csv is its first format)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert (dialog.kind, dialog.format) == ("quotes", "csv")
        lit = [b.name for b in dialog.query(RadioButton) if b.value]
        assert lit == ["quotes", "csv"]  # one dot per set, on what will be exported
        await pilot.press("tab", "tab")  # format, then the file box
        await pilot.press("ctrl+u")
        type_burst(app, "out/anna-quotes.csv")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert target.is_file()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        rows = target.read_text(encoding="utf-8-sig").splitlines()
        anna = app.wb.store.coder("anna").id
        assert len(rows) > len(app.wb.store.codings(coder_ids=[anna])) // 2  # one per coding
        assert any(str(target) in m and sev == "information" for m, sev in seen)

        # The next export starts in the same folder; a folder is not a file name.
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        field = dialog.query_one("#export-path", Input)
        assert Path(field.value).parent == target.parent
        field.value = str(tmp_path)
        await pilot.press("ctrl+s")
        assert app.screen is dialog  # still asking
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_burst_of_keys_follows_the_focus_at_80x24(app: WorkbenchApp) -> None:
    """A terminal delivers fast typing in one read: no key may fall to the wrong widget."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_themes(app, pilot)
        field = screen.query_one(FilterInput)
        assert not field.display  # narrow: the filter box shows only while in use
        app.post_message(events.Key("slash", "/"))
        type_burst(app, "gender=man")  # "e" here must not open the export dialog
        app.post_message(events.Key("enter", None))
        await settle(app, pilot)
        assert app.screen is screen
        assert "cases where gender=man" in status(screen)
        assert not field.display

        await pilot.press("down", "down")  # The model did not fit > strategies > Meeting format
        row = screen.current_row()
        assert row is not None and row.key == "meeting-format" and len(row.quotes) >= 2
        for key in ("enter", "down", "enter"):  # to the quotes, the second, open it
            app.post_message(events.Key(key, None))
        for _ in range(3):
            await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.document_id == app.wb.store.document(row.quotes[1].document).id
