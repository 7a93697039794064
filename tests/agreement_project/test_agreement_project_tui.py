"""The agreement screen on the sample study: the per-code table, drilling into a code's
disagreements, opening the passage on the coding screen, unit and export keys; and one
SVG snapshot (regenerate with ``pytest tests/agreement_project --snapshot-update``)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from workbench.core.settings import Settings
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.agreement import (
    POOLED,
    AgreementScreen,
    AgreementTable,
    DisagreementList,
    DisagreementsScreen,
    ReportPathScreen,
)
from workbench.tui.screens.coding import CodingScreen

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("textual.widgets._input.Input.cursor_blink", False)


@pytest.fixture
def app(sample_path: Path) -> WorkbenchApp:
    return create_app(Settings(project=str(sample_path), coder="anna"))


def codes_with_codings(path: Path) -> set[int]:
    """Codes anna or ben applied in the documents both of them coded (plain SQL)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            """
            select distinct c.code_id from coding c join coder k on k.id = c.coder_id
            where k.name in ('anna', 'ben') and c.document_id in (
                select c2.document_id from coding c2 join coder k2 on k2.id = c2.coder_id
                where k2.name in ('anna', 'ben') group by c2.document_id
                having count(distinct k2.name) = 2)
            """
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


async def settle(app: WorkbenchApp, pilot: Pilot) -> None:
    with contextlib.suppress(WorkerCancelled, WorkerFailed):  # the screen reports these
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_agreement(app: WorkbenchApp, pilot: Pilot) -> AgreementScreen:
    await pilot.pause()
    await pilot.press("g")  # from the project screen
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, AgreementScreen)
    assert screen.report is not None
    return screen


async def test_agreement_project_tui_table_has_a_row_per_coded_code(
    app: WorkbenchApp, sample_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        assert screen.coders == ("anna", "ben") and screen.unit == "sentence"
        table = screen.query_one(AgreementTable)
        keys = [str(k.value) for k in table.rows]
        assert keys[-1] == POOLED
        assert {int(k) for k in keys[:-1]} == codes_with_codings(sample_path)
        report = screen.report
        assert report is not None
        first = report.rows[0]
        cells = [str(c) for c in table.get_row(str(first.code_id))]
        assert cells[1] == f"{first.n_units:,}"
        assert cells[4] == f"{first.kappa.value:.3f}" and cells[5] == f"{first.alpha.value:.3f}"
        status = str(screen.query_one("#agreement-status").render())
        assert "anna × ben" in status and "5 left out" in status


async def test_agreement_project_tui_drill_down_and_open_the_passage(app: WorkbenchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        report = screen.report
        assert report is not None
        row = max(report.rows, key=lambda r: r.disagreements)
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index(str(row.code_id)))
        await pilot.press("enter")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DisagreementsScreen)
        assert drill.code_id == row.code_id
        assert len(drill.items) == row.disagreements
        assert all(row.code_id in d.disputed for d in drill.items)
        listed = drill.query_one(DisagreementList)
        assert listed.option_count == row.disagreements
        await pilot.press("down")
        target = drill.items[1]
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.document_id == target.document_id
        await pilot.press("q")  # back from the coding screen to the list, then the table
        await pilot.pause()
        assert app.screen is drill
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_agreement_project_tui_unit_cycles_and_escape_cancels(app: WorkbenchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert screen.unit == "turn" and screen.report and screen.report.unit == "turn"
        await pilot.press("u")
        await settle(app, pilot)
        assert screen.report and screen.report.unit == "char"
        assert "u-α" in [str(c.label) for c in screen.query_one(AgreementTable).columns.values()]
        screen.unit = "sentence"
        screen.recompute()
        assert screen.computing
        screen.action_cancel_or_back()  # escape while computing cancels, keeps the screen
        await settle(app, pilot)
        assert app.screen is screen and not screen.computing
        assert screen.report is not None and screen.report.unit == "char"
        await pilot.press("escape")  # and, when idle, goes back
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)


async def test_agreement_project_tui_exports_owner_only_html(
    app: WorkbenchApp, tmp_path: Path
) -> None:
    target = tmp_path / "reports" / "agreement.html"
    async with app.run_test(size=SIZE) as pilot:
        await open_agreement(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportPathScreen)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementScreen)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    html = target.read_text(encoding="utf-8")
    assert "<svg" in html and not re.search(r"https?:", html)


async def test_agreement_project_tui_palette_and_worker_errors(app: WorkbenchApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"agreement report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("escape")
        await pilot.pause()
        await app.push_screen(AgreementScreen(coders=("anna", "zed")))
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("unknown coder: 'zed'" in m for m in messages)
        assert isinstance(app.screen, AgreementScreen) and not app.screen.computing


async def agreement_on_sentences(pilot: Pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await pilot.press("g")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("down", "down")
    await pilot.pause()


def test_agreement_project_tui_snapshot(snap_compare: Any, sample_path: Path) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    assert snap_compare(app, terminal_size=SIZE, run_before=agreement_on_sentences)


async def test_agreement_project_tui_says_when_there_is_nothing_to_compare(
    project_path: Path,
) -> None:
    app = create_app(Settings(project=str(project_path), coder="anna"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(AgreementScreen())
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("needs two coders who coded the same documents" in m for m in messages)
        assert isinstance(app.screen, AgreementScreen) and app.screen.report is None
