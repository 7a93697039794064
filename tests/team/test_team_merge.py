"""Merging copies of a project: coders, codes, documents, codings and memos, idempotently."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from typer.testing import CliRunner

from workbench.bootstrap import open_workbench
from workbench.cli import app
from workbench.core.model import ParsedDocument, Turn
from workbench.core.settings import Settings
from workbench.store import migrate
from workbench.store.engine import make_engine

runner = CliRunner()


def cli(project: Path, *args: str):  # noqa: ANN201
    return runner.invoke(app, ["-p", str(project), *args])


def info(project: Path) -> dict[str, object]:
    r = cli(project, "info", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def content(project: Path) -> set[tuple[object, ...]]:
    """Every coding as (document checksum, code key, coder, start, end, memo)."""
    wb = open_workbench(Settings(project=str(project)))
    s = wb.store
    docs = {d.id: d.checksum for d in s.documents()}
    codes = {c.id: c.key for c in s.codes()}
    coders = {c.id: c.name for c in s.coders()}
    out = {
        (docs[c.document_id], codes[c.code_id], coders[c.coder_id], c.start, c.end, c.memo)
        for c in s.codings()
    }
    wb.close()
    return out


def _edit_copy(path: Path) -> None:
    """What a third coder does on her own copy."""
    wb = open_workbench(Settings(project=str(path)))
    s = wb.store
    carla = s.ensure_coder("carla")
    doc = s.document("P01")
    code = s.codes()[3]
    for i in range(5):
        s.add_coding(doc.id, code.id, carla.id, 100 + i * 50, 140 + i * 50)
    s.add_memo("document", doc.id, "carla's note on P01", carla.id)
    new_code = s.add_code("Carla's code", carla.id, definition="new")
    s.add_coding(doc.id, new_code.id, carla.id, 10, 30)
    text = "Interviewer: Hello.\n\nP11: I went for a year and then I stopped."
    p11 = s.add_document(
        ParsedDocument("P11", text, (Turn(0, 19, "Interviewer"), Turn(21, len(text), "P11")), "txt",
                       hashlib.sha256(text.encode()).hexdigest())
    )  # fmt: skip
    s.add_coding(p11.id, code.id, carla.id, 26, 40)
    anna = s.coder("anna")
    first = s.codings(coder_ids=[anna.id])[0]
    s.update_coding(first.id, anna.id, memo="anna, later, on her copy", end=first.end - 1)
    s.update_code(s.codes()[0].id, carla.id, name="Renamed on the copy")
    s.upsert_cases([("P01", {"age_band": "70+", "new_attribute": "yes"})])
    wb.close()


def test_merge_twice_adds_nothing_the_second_time(sample_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "carla.sqlite"
    shutil.copy(sample_path, other)
    _edit_copy(other)
    before = info(sample_path)
    r = cli(sample_path, "merge", str(other), "--dry-run")
    assert r.exit_code == 0, r.output
    assert "would merge" in r.stdout and info(sample_path) == before
    assert not list(tmp_path.glob("sample.*.bak.sqlite"))

    r = cli(sample_path, "merge", str(other))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "1 documents added" in out and "7 codings added" in out and "1 codings updated" in out
    assert "1 coders added" in out and "1 codes added" in out and "1 memos added" in out
    assert "conflict: code" in out and "Renamed on the copy" in out  # kept ours, reported
    assert "conflict: case P01: age_band" in out
    after = info(sample_path)
    assert after["documents"] == before["documents"] + 1
    assert after["codings"] == before["codings"] + 7
    assert after["coders"] == ["anna", "ben", "carla"]
    (backup,) = tmp_path.glob("sample.*.pre-merge.bak.sqlite")
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    con = sqlite3.connect(backup)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("select count(*) from coding").fetchone()[0] == before["codings"]
    con.close()

    r = cli(sample_path, "merge", str(other))
    assert r.exit_code == 0 and "nothing new to merge" in r.stdout
    assert info(sample_path) == after
    # the other way round, both copies end up with the same codings
    r = cli(other, "merge", str(sample_path))
    assert r.exit_code == 0, r.output
    assert content(other) == content(sample_path)
    ours = content(sample_path)
    assert any(row[5] == "anna, later, on her copy" for row in ours)
    assert len({row[:5] for row in ours}) == len(ours)  # no duplicate codings


def test_merge_refuses_bad_others_without_writing(sample_path: Path, tmp_path: Path) -> None:
    before = info(sample_path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("create table x (a)")
    con.commit()
    con.close()
    for other, message in (
        (sample_path, "into itself"),
        (junk, "cannot open project"),
        (foreign, "not a workbench project"),
        (tmp_path / "missing.sqlite", "no such project file"),
        (tmp_path, "no such project file"),
        ("postgresql+psycopg://u:s3cret@127.0.0.1:1/x", "cannot open project"),
    ):
        r = cli(sample_path, "merge", str(other))
        assert r.exit_code == 1, (other, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert message in r.stderr and "s3cret" not in r.output
    assert info(sample_path) == before
    assert not (tmp_path / "missing.sqlite").exists()
    assert not list(tmp_path.glob("*.bak.sqlite"))


def test_merge_reads_an_older_copy_without_changing_it(sample_path: Path, tmp_path: Path) -> None:
    from alembic import command

    old = tmp_path / "old.sqlite"
    engine = make_engine(str(old))
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("insert into coder (name) values ('dora')")
    engine.dispose()
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    r = cli(sample_path, "merge", str(old))
    assert r.exit_code == 0, r.output
    assert "dora" in info(sample_path)["coders"]  # type: ignore[operator]
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest


def test_open_upgrades_a_0001_project_with_a_backup(tmp_path: Path) -> None:
    """Migration 0002 (coding table rebuilt on SQLite) keeps every row; a backup comes first."""
    from alembic import command

    path = tmp_path / "legacy.sqlite"
    engine = make_engine(str(path))
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    wb = open_workbench(Settings(project=str(path)), upgrade=False)
    with wb.engine.begin() as conn:  # the 0001 schema, written directly
        conn.exec_driver_sql("insert into coder (name) values ('anna')")
        conn.exec_driver_sql(
            "insert into document (name, text, checksum, source_format, source_path, imported_at,"
            " length, words, deidentified) values ('P1', 'hello world', 'c1', 'txt', '',"
            " '2026-01-01 00:00:00', 11, 2, 0)"
        )
        conn.exec_driver_sql(
            "insert into code (key, name, position, definition, inclusion, exclusion, example,"
            " colour, keywords, patterns, memo) values ('k', 'K', 0, '', '', '', '', '', '[]',"
            " '[]', '')"
        )
        conn.exec_driver_sql(
            'insert into coding (document_id, code_id, coder_id, start, "end", memo, starred,'
            " needs_review, created_at, updated_at) values (1, 1, 1, 0, 5, 'm', 0, 0,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    wb.close()
    wb = open_workbench(Settings(project=str(path)))
    assert migrate.current_revision(wb.engine) == migrate.head_revision()
    assert [(c.start, c.end, c.memo) for c in wb.store.codings()] == [(0, 5, "m")]
    assert list(tmp_path.glob("legacy.*.pre-migration.bak.sqlite"))
    wb.close()
