"""Shared fixtures: every test gets its own project and data dir under tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.bootstrap import Workbench, open_workbench
from workbench.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_transcripts"
CODEBOOKS = REPO / "codebooks"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own projects and settings out of every test."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WORKBENCH_PROJECT", str(tmp_path / "data" / "default.sqlite"))
    monkeypatch.delenv("WORKBENCH_FORCE_TUI", raising=False)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def wb(project_path: Path) -> Iterator[Workbench]:
    """An empty project in a real SQLite file."""
    workbench = open_workbench(Settings(project=str(project_path)))
    yield workbench
    workbench.close()


@pytest.fixture(scope="session")
def _sample_project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample study loaded once per test session."""
    from workbench.workflows.demo import DemoReport, load_demo

    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    workbench = open_workbench(Settings(project=str(path)))
    report = None
    for step in load_demo(workbench.store, REPO):
        if isinstance(step, DemoReport):
            report = step
    assert report is not None and not report.warnings, report and report.warnings
    workbench.close()
    return path


@pytest.fixture
def sample_path(_sample_project_file: Path, tmp_path: Path) -> Path:
    """A private copy of the sample project file for one test."""
    target = tmp_path / "sample.sqlite"
    shutil.copy(_sample_project_file, target)
    return target


@pytest.fixture
def sample_wb(sample_path: Path) -> Iterator[Workbench]:
    workbench = open_workbench(Settings(project=str(sample_path)))
    yield workbench
    workbench.close()
