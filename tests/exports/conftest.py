"""Fixtures for the export tests: a tiny hand-checked project, SQL on the sample file,
and a typer app with the export command mounted (as workbench.cli will mount it)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from export_helpers import EXTRA_TEXT, P1_TEXT, P2_TEXT, TINY_BOOK, Tiny, parsed

from workbench.bootstrap import Workbench, open_workbench
from workbench.cli import main_callback
from workbench.cli_export import export_cmd
from workbench.core.model import Turn
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding


@pytest.fixture(scope="session")
def _tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project, built once per session (see export_helpers for the table)."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.sqlite"
    wb = open_workbench(Settings(project=str(path)))
    store = wb.store
    store.set_meta("name", "Tiny study")
    store.import_codebook(TINY_BOOK)
    p1 = store.add_document(
        parsed("P1", P1_TEXT, (Turn(0, 36, "P1", 0.0, 30.0), Turn(37, len(P1_TEXT), "I", 75.5)))
    )
    p2 = store.add_document(parsed("P2 interview", P2_TEXT))
    extra = store.add_document(parsed("Extra", EXTRA_TEXT))
    store.upsert_cases(
        [("P1", {"gender": "woman", "years": "3"}), ("P2", {"gender": "man", "years": "12"})]
    )
    anna, ben = store.ensure_coder("anna"), store.ensure_coder("ben")
    code = {c.key: c.id for c in store.codes()}
    rows = [
        NewCoding(p1.id, code["a"], anna.id, 0, 20, starred=True),
        NewCoding(p1.id, code["b"], anna.id, 10, 30, memo="B memo"),
        NewCoding(p1.id, code["a"], ben.id, 0, 20),
        NewCoding(p1.id, code["c"], anna.id, 40, 60),
        NewCoding(p2.id, code["a"], anna.id, 5, 15),
        NewCoding(p2.id, code["c"], ben.id, 5, 25),
        NewCoding(extra.id, code["b"], anna.id, 0, 10),
    ]
    store.add_codings_bulk(rows, "test", "tiny codings")
    wb.close()
    return path


@pytest.fixture
def tiny(_tiny_file: Path, tmp_path: Path) -> Iterator[Tiny]:
    """A private copy of the tiny project."""
    path = tmp_path / "tiny.sqlite"
    shutil.copy(_tiny_file, path)
    wb = open_workbench(Settings(project=str(path)))
    yield Tiny(wb, path, {"P1": P1_TEXT, "P2 interview": P2_TEXT, "Extra": EXTRA_TEXT})
    wb.close()


# -- the sample study, read only --------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_ro(_sample_project_file: Path) -> Iterator[Workbench]:
    """The session's sample project, opened once per module; tests must not write to it."""
    wb = open_workbench(Settings(project=str(_sample_project_file)))
    yield wb
    wb.close()


@pytest.fixture(scope="module")
def sample_sql(_sample_project_file: Path) -> Iterator[sqlite3.Connection]:
    """Plain sqlite3 on the sample file, for counts independent of the workbench code."""
    con = sqlite3.connect(f"file:{_sample_project_file}?mode=ro", uri=True)
    yield con
    con.close()


# -- the CLI ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cli_app() -> typer.Typer:
    """The root callback of workbench.cli (--project) with the export command mounted."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    app.callback(invoke_without_command=True)(main_callback)
    app.command("export")(export_cmd)
    return app
