"""Team fixtures: a throwaway PostgreSQL cluster on loopback, shared by the session.

The cluster is created with the OS package's ``initdb``/``pg_ctl`` in a temporary
folder, listens on 127.0.0.1 on a free port (its socket in that folder too), and is
stopped and deleted at the end. As root the server runs as the ``postgres`` user.
``WORKBENCH_TEST_PG_URL`` (a ``postgresql+psycopg://`` URL with rights to create
databases) uses an existing server instead. Without either, the PostgreSQL tests skip
and say why.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PG_USER = "wb_team"


@dataclass(frozen=True)
class PgServer:
    """A running server: ``url(db)`` gives a SQLAlchemy URL for one database."""

    host: str
    port: int
    user: str
    password: str
    admin_db: str = "postgres"

    def url(self, db: str) -> str:
        from urllib.parse import quote

        secret = quote(self.password, safe="")
        return f"postgresql+psycopg://{self.user}:{secret}@{self.host}:{self.port}/{db}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.admin_db,
            autocommit=True,
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else x for x in Path(p).parts[-3].split(".")],
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for this test session (skips with the reason when none)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'workbench[postgres]')")
    external = os.environ.get("WORKBENCH_TEST_PG_URL")
    if external:
        u = make_url(external)
        yield PgServer(
            u.host or "127.0.0.1",
            u.port or 5432,
            u.username or "",
            u.password or "",
            u.database or "postgres",
        )
        return
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL tests need the server binaries (initdb, pg_ctl): install the OS "
            "package `postgresql` (.ci/run does) or set WORKBENCH_TEST_PG_URL"
        )
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the test server")
        runuser = shutil.which("runuser")
        run_as = [runuser, "-u", "postgres", "--"] if runuser else []
        if not run_as:
            pytest.skip("running as root and `runuser` is missing: cannot start PostgreSQL")
    base = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    password = secrets.token_urlsafe(12) + "%@:/x"  # URL-special characters, on purpose
    pwfile = base / "pw"
    pwfile.write_text(password + "\n")
    if owner is not None:
        for p in (base, sock, pwfile):
            os.chown(p, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, cwd=base)

    try:
        run(
            str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as err:
        log = (base / "log").read_text(errors="replace")[-800:] if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL test server: {err.stderr.decode()[-400:]} {log}")
    try:
        yield PgServer("127.0.0.1", port, PG_USER, password)
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=base,
        )
        shutil.rmtree(base, ignore_errors=True)


_db_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, as a postgresql+psycopg:// URL."""
    name = f"wb_test_{os.getpid()}_{next(_db_numbers)}"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
