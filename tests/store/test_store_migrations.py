"""Alembic migrations: an empty file migrates to a schema equal to the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from workbench.bootstrap import open_workbench
from workbench.core.errors import ProjectError
from workbench.core.settings import Settings
from workbench.store import migrate
from workbench.store.engine import make_engine


def test_empty_file_migrates_to_models(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "empty.sqlite"))
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    wb = open_workbench(Settings(project=str(tmp_path / "p.sqlite")))
    assert wb.store.get_meta("schema_version") == "1"
    assert wb.store.get_meta("created_at")


def test_sqlite_pragmas_are_on(tmp_path: Path) -> None:
    wb = open_workbench(Settings(project=str(tmp_path / "p.sqlite")))
    with wb.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("create table x (a int)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not a workbench project"):
        open_workbench(Settings(project=str(other)))


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ProjectError, match="junk.sqlite"):
        open_workbench(Settings(project=str(junk)))
    assert junk.read_bytes().startswith(b"this is not")
