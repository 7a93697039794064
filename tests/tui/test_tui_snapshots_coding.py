"""SVG snapshots of the coding screen, wide and narrow, on a small fixed project."""

from __future__ import annotations

from pathlib import Path

import pytest
from _coding_project import build_project
from textual.pilot import Pilot

from workbench.core.settings import Settings
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.coding import CodingScreen


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("textual.widgets._input.Input.cursor_blink", False)
    monkeypatch.setattr("textual.widgets._text_area.TextArea.cursor_blink", False)


def coding_app(tmp_path: Path) -> WorkbenchApp:
    return create_app(Settings(project=str(build_project(tmp_path / "snap.sqlite")), coder="anna"))


async def select_a_coded_sentence(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, WorkbenchApp)
    await pilot.pause()
    app.push_screen(CodingScreen(app.wb.store.document("P01").id))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    view = screen.transcript
    view.move_cursor(view.text.index("the same script"))
    await pilot.press("s")
    await pilot.pause()


def test_coding_screen_120x40(snap_compare, tmp_path: Path) -> None:
    app = coding_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=select_a_coded_sentence)


def test_coding_screen_80x24(snap_compare, tmp_path: Path) -> None:
    app = coding_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=select_a_coded_sentence)


async def open_the_picker(pilot: Pilot) -> None:
    await select_a_coded_sentence(pilot)
    await pilot.press("c", "m", "e")
    await pilot.pause()


def test_code_picker_120x40(snap_compare, tmp_path: Path) -> None:
    app = coding_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_the_picker)
