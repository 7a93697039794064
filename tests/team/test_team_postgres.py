"""PostgreSQL team projects on a real server (tests/team/conftest.py starts one).

Several coders code one shared project at once: no lost or duplicate rows, and undo
stays per coder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from workbench.bootstrap import open_workbench
from workbench.cli import app
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.settings import Settings
from workbench.store import migrate

pytestmark = pytest.mark.postgres
WORKERS = Path(__file__).with_name("_team_workers.py")
REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
CODERS, PER_CODER = 4, 500


def _seed(url: str) -> int:
    wb = open_workbench(Settings(project=url))
    s = wb.store
    s.import_codebook(CodebookSpec("t", tuple(CodeSpec(f"c{i}", f"Code {i}") for i in range(5))))
    body = "word " * 400
    doc = s.add_document(
        ParsedDocument("P01", body, (Turn(0, len(body), "P01"),), "txt",
                       hashlib.sha256(body.encode()).hexdigest())
    )  # fmt: skip
    for i in range(CODERS):
        s.ensure_coder(f"coder{i}")
    wb.close()
    return doc.id


def test_schema_matches_the_models(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    wb = open_workbench(Settings(project=pg_url))
    assert migrate.current_revision(wb.engine) == migrate.head_revision()
    with wb.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    wb.close()


def test_concurrent_coders_lose_nothing_and_undo_per_coder(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_id = _seed(pg_url)
    start_at = time.time() + 2.5  # every worker has imported workbench by then
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKERS),
                "code",
                pg_url,
                f"coder{i}",
                str(doc_id),
                str(PER_CODER),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )  # fmt: skip
        for i in range(CODERS)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    took = max(float(out.rsplit("seconds ", 1)[1]) for out, _ in outputs)
    kept_per_coder = PER_CODER - PER_CODER // 10

    wb = open_workbench(Settings(project=pg_url))
    s = wb.store
    with wb.engine.connect() as conn:
        total = conn.execute(text("select count(*) from coding")).scalar_one()
        distinct = conn.execute(
            text(
                "select count(*) from (select distinct document_id, code_id, coder_id,"
                ' start, "end" from coding) x'
            )
        ).scalar_one()
        states = conn.execute(
            text(
                "select coder_id, state, count(*) from audit"
                " where action = 'coding.add' group by 1, 2"
            )
        ).all()
        seq = conn.execute(text("select last_value from coding_id_seq")).scalar_one()
        max_id = conn.execute(text("select max(id) from coding")).scalar_one()
    assert total == distinct == CODERS * kept_per_coder
    by_coder: dict[int, dict[str, int]] = {}
    for coder_id, state, n in states:
        by_coder.setdefault(coder_id, {})[state] = n
    assert len(by_coder) == CODERS
    for counts in by_coder.values():  # every add logged once; 49 undos dead, the last redoable
        assert counts == {"done": kept_per_coder, "dead": PER_CODER // 10 - 1, "undone": 1}
    for i, (out, _) in enumerate(outputs):
        coder = s.coder(f"coder{i}")
        added = [int(line.split()[1]) for line in out.splitlines() if line.startswith("added")]
        undone = {int(line.split()[1]) for line in out.splitlines() if line.startswith("undone")}
        assert len(added) == PER_CODER and len(undone) == PER_CODER // 10
        mine = {c.id for c in s.codings(coder_ids=[coder.id])}
        assert mine == set(added) - undone
    assert seq >= max_id

    # undo is still per coder: coder0's redo and undo touch nobody else's codings
    c0, c1 = s.coder("coder0"), s.coder("coder1")
    others = {c.id for c in s.codings() if c.coder_id != c0.id}
    assert s.redo(c0.id) is not None
    assert s.undo(c0.id) is not None and s.undo(c0.id) is not None
    assert {c.id for c in s.codings() if c.coder_id != c0.id} == others
    assert len(s.codings(coder_ids=[c0.id])) == kept_per_coder - 1
    # ids restored by undo never collide with the sequence later
    victim = s.codings(coder_ids=[c1.id])[0]
    s.delete_coding(victim.id, c1.id)
    fresh = s.add_coding(doc_id, victim.code_id, c1.id, 1000, 1010)
    s.undo(c1.id)
    s.undo(c1.id)  # the deleted coding is back with its old id
    assert victim.id in {c.id for c in s.codings(coder_ids=[c1.id])}
    again = s.add_coding(doc_id, victim.code_id, c1.id, 1000, 1010)
    assert again.id > fresh.id
    wb.close()
    with capsys.disabled():
        print(
            f"\n[team] PostgreSQL: {CODERS} coders x {PER_CODER} codings"
            f" (+{PER_CODER // 10} undos each) in {took:.2f} s"
        )


def test_team_workflows_on_postgres(pg_url: str, sample_path: Path, tmp_path: Path) -> None:
    """Merge a project file into a server project and back; revise, de-identify, reconcile."""
    from workbench.io.deid_rules import parse_names
    from workbench.workflows import reconcile
    from workbench.workflows.deidentify import deidentify
    from workbench.workflows.merge import merge_project
    from workbench.workflows.revisions import revise_document

    wb = open_workbench(Settings(project=pg_url))
    s = wb.store
    report = merge_project(s, str(sample_path))
    assert report.applied and report.backup is None
    assert report.counts["documents_added"] == 10
    assert merge_project(s, str(sample_path)).counts["codings_added"] == 0
    copy = tmp_path / "copy.sqlite"
    shutil.copy(sample_path, copy)
    back = open_workbench(Settings(project=str(copy)))
    assert merge_project(back.store, pg_url).counts["codings_added"] == 0
    back.close()

    anna = s.coder("anna")
    first = s.codings(coder_ids=[anna.id])[0]
    s.update_coding(first.id, anna.id, starred=True, memo="on the server")
    assert s.undo(anna.id) is not None  # an update undone: rowcount checks hold on psycopg
    assert next(c for c in s.codings() if c.id == first.id).memo == first.memo
    assert s.redo(anna.id) is not None

    p = reconcile.passages(s, "anna", "ben")[0]
    reconcile.decide(s, p, "both", coder_a="anna", coder_b="ben", decided_by="anna")
    assert reconcile.passages(s, "anna", "ben")[0].decision == "both"
    assert reconcile.undo_last(s) is not None

    original = (REPO / "sample_transcripts" / "P01.txt").read_text()
    corrected = tmp_path / "P01.txt"
    corrected.write_text(original.replace("autumn of 2017", "autumn of 2016"))
    rev = revise_document(s, "P01", corrected)
    assert rev.applied and rev.statuses["review"] == 0
    deid = deidentify(s, parse_names("Tone => P11\ncity: Oslo\n"))
    assert deid.applied and "Oslo" not in s.text(s.document("P01").id)
    wb.close()


def test_passwords_are_never_printed(pg_server, pg_url: str) -> None:  # noqa: ANN001
    password = pg_server.password
    r = runner.invoke(app, ["-p", pg_url, "info"])
    assert r.exit_code == 0, r.output
    assert "***" in r.stdout and password not in r.output
    wrong = pg_url.replace(pg_url.split(":")[2].split("@")[0], "wrong-s3cret")
    r = runner.invoke(app, ["-p", wrong, "info"])
    assert r.exit_code == 1 and "wrong-s3cret" not in r.output and "cannot open project" in r.stderr
    env = {**os.environ, "WORKBENCH_PROJECT": pg_url}
    out = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "info"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert out.returncode == 0 and password not in out.stdout + out.stderr


def test_two_coders_opening_a_new_server_project_at_once_both_succeed(pg_url: str) -> None:
    """The first migration runs once: the other opener waits for it (advisory lock)."""
    import threading

    start = threading.Barrier(3)
    errors: list[BaseException] = []
    opened: list[object] = []

    def open_it() -> None:
        start.wait()
        try:
            wb = open_workbench(Settings(project=pg_url, coder=threading.current_thread().name))
            opened.append(wb.store.info())
            wb.close()
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=open_it, name=f"coder{i}", daemon=True) for i in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30  # without the lock the openers can hang on each other
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    assert errors == [] and len(opened) == 3, (errors, len(opened))
    wb = open_workbench(Settings(project=pg_url))
    assert migrate.current_revision(wb.engine) == migrate.head_revision()
    assert sorted(c.name for c in wb.store.coders()) == ["coder0", "coder1", "coder2"]
    wb.close()
