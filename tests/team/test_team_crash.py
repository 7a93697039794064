"""Crash safety: kill -9 during an import or while coding; the project stays whole.

Each test runs the real workflow in a subprocess, SIGKILLs it mid-way, then checks
``PRAGMA integrity_check``, that no unit is half-written (a document without all its
turns, a coding without its audit entry), and that at most the unit in flight is lost.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.bootstrap import open_workbench
from workbench.cli import app
from workbench.core.model import CodebookSpec, CodeSpec
from workbench.core.settings import Settings
from workbench.io.transcripts import read_transcript

WORKERS = Path(__file__).with_name("_team_workers.py")
REPO = Path(__file__).resolve().parents[2]
FILES = 200
runner = CliRunner()


def _transcripts(folder: Path) -> dict[str, int]:
    """200 small transcripts with 6..25 turns each; returns name -> number of turns."""
    folder.mkdir()
    turns = {}
    for i in range(FILES):
        n = 6 + i % 20
        lines = []
        for t in range(n):
            who = "Interviewer" if t % 2 == 0 else f"P{i:03d}"
            lines.append(f"{who}: turn {t} of interview {i}, about meetings and sponsors.\n")
        (folder / f"T{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
        turns[f"T{i:03d}"] = n
    return turns


def _kill_after(proc: subprocess.Popen[str], prefix: str, count: int) -> list[str]:
    """SIGKILL the worker once it has reported ``count`` lines starting with ``prefix``.

    Returns every line it printed, including those still in the pipe at the kill: the
    worker prints a line only after the unit it names is committed.
    """
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if sum(1 for x in lines if x.startswith(prefix)) >= count:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    lines.extend(x.strip() for x in proc.stdout.read().splitlines())
    return lines


def _integrity(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("pragma foreign_key_check").fetchall() == []
    return con


def test_kill_during_import_loses_at_most_one_document(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    expected_turns = _transcripts(folder)
    project = tmp_path / "p.sqlite"
    open_workbench(Settings(project=str(project))).close()
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS), "import", str(project), str(folder), "0.01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    reported = {Path(x.split()[1]).stem for x in _kill_after(proc, "stored", 40)}
    con = _integrity(project)
    docs = dict(con.execute("select name, id from document").fetchall())
    assert reported <= set(docs)  # every document reported as stored is there
    assert len(docs) <= len(reported) + 1 < FILES  # plus at most the one in flight
    for name, doc_id in docs.items():  # no partial document: every turn is there
        n = con.execute("select count(*) from turn where document_id = ?", (doc_id,)).fetchone()[0]
        assert n == expected_turns[name], name
    con.close()
    r = runner.invoke(app, ["-p", str(project), "import", str(folder)])
    assert r.exit_code == 0, r.output
    assert f"{FILES - len(docs)} imported, {len(docs)} already in the project" in r.stdout
    info = json.loads(runner.invoke(app, ["-p", str(project), "info", "--json"]).stdout)
    assert info["documents"] == FILES
    _integrity(project).close()


def test_kill_while_coding_loses_at_most_the_coding_in_flight(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    wb = open_workbench(Settings(project=str(project)))
    wb.store.import_codebook(CodebookSpec("t", (CodeSpec("a", "A"), CodeSpec("b", "B"))))
    doc_file = tmp_path / "P01.txt"
    doc_file.write_text("P01: " + "word " * 2000, encoding="utf-8")
    doc = wb.store.add_document(read_transcript(doc_file))
    wb.close()
    proc = subprocess.Popen(
        [sys.executable, str(WORKERS), "code", str(project), "anna", str(doc.id), "100000", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    lines = _kill_after(proc, "added", 300)
    added = [int(x.split()[1]) for x in lines if x.startswith("added")]
    undone = {int(x.split()[1]) for x in lines if x.startswith("undone")}
    con = _integrity(project)
    ids = {r[0] for r in con.execute("select id from coding")}
    logged = set()
    for (payload,) in con.execute("select payload from audit where action = 'coding.add'"):
        logged |= {op["row"]["id"] for op in json.loads(payload)}
    confirmed = set(added) - undone
    assert confirmed - ids <= {added[-1]}  # only the last may have been undone in flight
    assert len(ids - set(added)) <= 1  # at most one coding committed after the last report
    assert ids <= logged  # no coding without its audit entry
    con.close()
    wb = open_workbench(Settings(project=str(project)))
    assert wb.store.undo(wb.store.coder("anna").id) is not None  # the log still works
    wb.close()


@pytest.mark.parametrize("reason", ["pre-merge"])
def test_backups_are_private_and_open(sample_path: Path, reason: str) -> None:
    import os
    import stat

    from workbench.bootstrap import backup_sqlite

    wb = open_workbench(Settings(project=str(sample_path)))
    path = backup_sqlite(wb.engine, reason)
    wb.close()
    assert path is not None and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    copy = open_workbench(Settings(project=str(path)))
    assert copy.store.info() == open_workbench(Settings(project=str(sample_path))).store.info()
    copy.close()
