"""SVG snapshots of the project and help screens (120x40 and 80x24) on a fixed project.

Regenerate with `make snapshots-update` (or pytest --snapshot-update) on one Python only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_tui_shell_support import build_project, make_app

SIZES = [(120, 40), (80, 24)]


@pytest.fixture
def snapshot_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # The help screen shows the keymap path: keep it the same on every machine.
    monkeypatch.setenv("WORKBENCH_DATA_DIR", "/home/researcher/.local/share/workbench")
    return make_app(build_project(tmp_path / "snap.sqlite"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_project_screen_snapshot(snap_compare: Any, snapshot_app: Any, size: Any) -> None:
    assert snap_compare(snapshot_app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen_snapshot(snap_compare: Any, snapshot_app: Any, size: Any) -> None:
    assert snap_compare(snapshot_app, terminal_size=size, press=["f1"])
