"""Wire settings, engine, migrations and the store into one Workbench object (no UI)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from workbench.core.errors import ProjectError
from workbench.core.model import Coder
from workbench.core.settings import Settings
from workbench.store import migrate
from workbench.store.engine import make_engine, redact
from workbench.store.repos import SqlProject
from workbench.store.tables import SCHEMA_VERSION


@dataclass
class Workbench:
    """Everything a front end needs: the settings, the store, the current coder."""

    settings: Settings
    engine: Engine
    store: SqlProject
    coder: Coder | None = None
    recent_codes: list[int] = field(default_factory=list)

    @property
    def project_label(self) -> str:
        return self.store.get_meta("name") or Path(self.settings.project).stem

    def use_coder(self, name: str) -> Coder:
        self.coder = self.store.ensure_coder(name)
        return self.coder

    def close(self) -> None:
        self.engine.dispose()


def sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    db = engine.url.database
    return Path(db) if db and db != ":memory:" else None


def backup_sqlite(engine: Engine, reason: str) -> Path | None:
    """Copy a SQLite project next to itself with the backup API; returns the copy's path."""
    path = sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = path.with_name(f"{path.stem}.{stamp}.{reason}.bak{path.suffix}")
    src = sqlite3.connect(str(path))
    try:
        import os

        fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def open_workbench(settings: Settings, *, upgrade: bool = True) -> Workbench:
    """Open (creating if needed) the project and bring its schema to head."""
    try:
        engine = make_engine(settings.project)
    except ProjectError:
        raise
    except Exception as err:  # noqa: BLE001 - bad URL or missing driver -> one line
        raise ProjectError(f"{redact(settings.project)}: cannot open project ({err})") from err
    try:
        tables = set(inspect(engine).get_table_names())
        if tables and "alembic_version" not in tables:
            raise ProjectError(f"{redact(settings.project)}: not a workbench project")
        if upgrade and migrate.needs_upgrade(engine):
            if tables:
                backup_sqlite(engine, "pre-migration")
            migrate.upgrade(engine)
    except (DatabaseError, OperationalError) as err:
        engine.dispose()
        reason = str(getattr(err, "orig", err)).splitlines()[0]
        raise ProjectError(f"{redact(settings.project)}: cannot open project ({reason})") from err
    store = SqlProject(engine)
    if store.get_meta("schema_version") != str(SCHEMA_VERSION):
        store.set_meta("schema_version", str(SCHEMA_VERSION))
        if store.get_meta("created_at") is None:
            store.set_meta("created_at", datetime.now(UTC).isoformat())
    wb = Workbench(settings=settings, engine=engine, store=store)
    if settings.coder:
        wb.use_coder(settings.coder)
    return wb
