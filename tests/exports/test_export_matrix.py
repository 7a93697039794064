"""Code x participant matrix: counts and presence, by hand and against SQL."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import defaultdict
from pathlib import Path

import openpyxl
from export_helpers import SUBTREE, Tiny

from workbench.bootstrap import Workbench
from workbench.core.summary import Filters
from workbench.workflows.exports import build_matrix, run_export


def read_csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_tiny_matrix_by_hand(tiny: Tiny, tmp_path: Path) -> None:
    m = build_matrix(tiny.wb.store, Filters())
    assert m.participants == ("Extra", "P1", "P2")
    assert [c.key for c in m.codes] == ["t", "s", "a", "b", "u", "c"]
    assert m.counts == ((1, 3, 1), (1, 3, 1), (0, 2, 1), (1, 1, 0), (0, 1, 1), (0, 1, 1))
    assert m.presence == ((1, 1, 1), (1, 1, 1), (0, 1, 1), (1, 1, 0), (0, 1, 1), (0, 1, 1))

    out = tmp_path / "m.csv"
    run_export(tiny.wb.store, "matrix", out)
    rows = read_csv_rows(out)
    assert rows[0] == ["code_key", "code_path", "Extra", "P1", "P2"]
    assert rows[3] == ["a", "Theme T > Sub S > Code A", "0", "2", "1"]

    out = tmp_path / "m.xlsx"
    run_export(tiny.wb.store, "matrix", out, filters=Filters(coder="ben"))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["counts", "presence", "about"]
    counts = list(book["counts"].iter_rows(values_only=True))
    presence = list(book["presence"].iter_rows(values_only=True))
    assert counts[0] == ("code_key", "code_path", "P1", "P2")  # ben coded P1 and P2 only
    assert counts[3] == ("a", "Theme T > Sub S > Code A", 1, 0)
    assert presence[5] == ("u", "Theme U", 0, 1)


def test_sample_matrix_equals_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "m.csv"
    run_export(sample_ro.store, "matrix", out)
    rows = read_csv_rows(out)
    header, body = rows[0], rows[1:]
    cases = [r[0] for r in sample_sql.execute('SELECT name FROM "case" ORDER BY name')]
    assert header == ["code_key", "code_path", *cases]
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    q = f"""{SUBTREE}
    SELECT r.key, k.name, COUNT(*) FROM sub JOIN code r ON r.id = sub.root
    JOIN coding g ON g.code_id = sub.id JOIN document d ON d.id = g.document_id
    JOIN "case" k ON k.id = d.case_id GROUP BY r.key, k.name"""
    for key, case, n in sample_sql.execute(q):
        expected[key][case] = n
    assert len(body) == sample_sql.execute("SELECT COUNT(*) FROM code").fetchone()[0]
    for row in body:
        got = {case: int(v) for case, v in zip(cases, row[2:], strict=True) if v != "0"}
        assert got == expected.get(row[0], {}), row[0]

    out = tmp_path / "m.xlsx"
    run_export(sample_ro.store, "matrix", out)
    book = openpyxl.load_workbook(out)
    for counts, presence in zip(
        book["counts"].iter_rows(min_row=2, values_only=True),
        book["presence"].iter_rows(min_row=2, values_only=True),
        strict=True,
    ):
        assert presence[:2] == counts[:2]
        assert list(presence[2:]) == [1 if n else 0 for n in counts[2:]]
        assert {c: n for c, n in zip(cases, counts[2:], strict=True) if n} == expected.get(
            str(counts[0]), {}
        )
