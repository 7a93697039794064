"""Access: project files, their WAL/SHM, backups and exports are owner-only; database
passwords never appear in output."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()


def test_every_file_the_team_commands_write_is_owner_only(
    sample_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    other.write_bytes(sample_path.read_bytes())
    os.chmod(other, 0o600)
    names = tmp_path / "names.txt"
    names.write_text("Tone => P11\n")
    for args in (
        ["merge", str(other)],
        ["deidentify", "--names", str(names)],
        ["export", "summary", "-o", str(tmp_path / "summary.md")],
    ):
        r = runner.invoke(app, ["-p", str(sample_path), *args])
        assert r.exit_code == 0, (args, r.output)
    written = [p for p in tmp_path.iterdir() if p.is_file() and p.name not in ("names.txt",)]
    assert any(p.name.endswith(".bak.sqlite") for p in written)
    assert any(p.name == "summary.md" for p in written)
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    # the other copy is only read (SQLite may leave its -wal/-shm beside it)
    assert {p.name for p in tmp_path.iterdir() if "other" in p.name} <= {
        "other.sqlite", "other.sqlite-wal", "other.sqlite-shm",
    }  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://wb:s3cret@127.0.0.1:1/db",
        "postgresql+psycopg://wb:s3cret@127.0.0.1:notaport/db",
        "postgresql+psycopg://wb:s3%25cret@127.0.0.1:1/db",
        "postgresql+nodriver://wb:s3cret@host/db",
    ],
)
def test_passwords_stay_out_of_messages(url: str, sample_path: Path) -> None:
    for args in (["-p", url, "info"], ["-p", url, "init"], ["-p", str(sample_path), "merge", url]):
        r = runner.invoke(app, args)
        assert r.exit_code == 1, r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert "s3cret" not in r.output and "s3%" not in r.output
        assert "cannot open project" in r.stderr
