"""Engine factory: SQLite files (owner-only, WAL) or any SQLAlchemy URL."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from workbench.core.errors import ProjectError


def project_url(project: str) -> str:
    """Turn a file path or URL into a SQLAlchemy URL."""
    if re.match(r"^[a-z][a-z0-9+]*://", project):
        return project
    return f"sqlite:///{Path(project).expanduser().resolve()}"


def redact(url: str) -> str:
    """A URL safe to print: the password is never shown."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is printed without credentials
        return re.sub(r"//[^@/]*@", "//***@", url)


def apply_sqlite_pragmas(dbapi_conn: Any, _record: Any = None) -> None:
    """The project's SQLite settings on a DB-API connection (also the benchmarks' baseline)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def ensure_private_file(path: Path) -> None:
    """Create the SQLite file (and its folder) readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def make_engine(project: str, **kw: Any) -> Engine:
    """Build the engine for a project path or URL (no I/O for server URLs)."""
    url = project_url(project)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            path = Path(db)
            if path.is_dir():
                raise ProjectError(f"{path}: is a directory, not a project file")
            ensure_private_file(path)
        kw.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
    else:
        kw.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", apply_sqlite_pragmas)
    return engine
