"""SVG snapshots of the themes screen on the sample study, wide and narrow.

Regenerate with `pytest tests/tui/test_tui_themes_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from workbench.core.settings import Settings
from workbench.tui.app import create_app
from workbench.tui.screens.themes import ThemesScreen, ThemeTable


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("textual.widgets._input.Input.cursor_blink", False)


async def themes_on_meeting_format(pilot: Pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await app.push_screen(ThemesScreen())
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("down", "down")
    await pilot.pause()
    assert app.screen.query_one(ThemeTable).highlighted_key == "meeting-format"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_themes_screen_snapshot(
    snap_compare: Any, sample_path: Path, size: tuple[int, int]
) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    assert snap_compare(app, terminal_size=size, run_before=themes_on_meeting_format)
