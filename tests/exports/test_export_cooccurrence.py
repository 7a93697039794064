"""Code co-occurrence: overlapping codings in the same document, by hand and against SQL."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import defaultdict
from pathlib import Path

import openpyxl
from export_helpers import Tiny
from lxml import html as lxml_html

from workbench.bootstrap import Workbench
from workbench.core.summary import Filters
from workbench.workflows.exports import (
    build_cooccurrence,
    intersect_spans,
    merge_spans,
    run_export,
)


def test_span_helpers() -> None:
    assert merge_spans([(5, 8), (0, 3), (3, 4), (7, 10)]) == [(0, 4), (5, 10)]
    assert intersect_spans([(0, 10)], [(2, 4), (4, 6), (8, 12)]) == [(2, 6), (8, 10)]
    assert intersect_spans([(0, 5)], [(5, 9)]) == []  # touching is not overlapping


def test_tiny_cooccurrence_by_hand(tiny: Tiny, tmp_path: Path) -> None:
    table = build_cooccurrence(tiny.wb.store, Filters())
    got = {(p.a.key, p.b.key): (p.pairs, p.passages, p.documents, p.participants)
           for p in table.pairs}  # fmt: skip
    # P1: anna's and ben's A (0-20) both overlap anna's B (10-30): 2 pairs, 1 passage (10-20)
    # P2: anna's A (5-15) overlaps ben's C (5-25): 1 pair, 1 passage
    assert got == {("a", "b"): (2, 1, 1, 1), ("a", "c"): (1, 1, 1, 1)}
    assert [c.key for c in table.codes] == ["a", "b", "c"] and table.codings == (3, 2, 2)
    assert table.passages_matrix() == ((3, 1, 1), (1, 2, 0), (1, 0, 2))

    anna = build_cooccurrence(tiny.wb.store, Filters(coder="anna"))
    assert [(p.a.key, p.b.key, p.pairs) for p in anna.pairs] == [("a", "b", 1)]

    out = tmp_path / "c.csv"
    run_export(tiny.wb.store, "cooccurrence", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [(r["code_a_key"], r["code_b_key"], r["pairs"], r["passages"]) for r in rows] == [
        ("a", "b", "2", "1"),
        ("a", "c", "1", "1"),
    ]

    out = tmp_path / "c.xlsx"
    run_export(tiny.wb.store, "cooccurrence", out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["pairs", "passages", "about"]
    square = list(book["passages"].iter_rows(values_only=True))
    assert square == [("code", "a", "b", "c"), ("a", 3, 1, 1), ("b", 1, 2, 0), ("c", 1, 0, 2)]
    notes = [r[1] for r in book["about"].iter_rows(values_only=True) if r[0] == "note"]
    assert any("overlap by at least one character" in str(n) for n in notes)

    out = tmp_path / "c.html"
    run_export(tiny.wb.store, "cooccurrence", out)
    page = out.read_text(encoding="utf-8")
    assert "http" not in page and "<svg" in page
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//@src") and not tree.xpath("//@href")
    cells = tree.xpath("//svg//rect")
    assert len(cells) == 9  # 3 x 3 heatmap


def independent_passages(con: sqlite3.Connection) -> dict[frozenset[str], int]:
    """Passages counted over character positions, a different method from the export's."""
    chars: dict[tuple[int, str], set[int]] = defaultdict(set)
    q = "SELECT g.document_id, c.key, g.start, g.end FROM coding g JOIN code c ON c.id = g.code_id"
    for doc, key, start, end in con.execute(q):
        chars[(doc, key)].update(range(start, end))
    by_doc: dict[int, list[str]] = defaultdict(list)
    for doc, key in chars:
        by_doc[doc].append(key)
    out: dict[frozenset[str], int] = defaultdict(int)
    for doc, keys in by_doc.items():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                both = sorted(chars[(doc, a)] & chars[(doc, b)])
                runs = sum(1 for j, x in enumerate(both) if j == 0 or both[j - 1] != x - 1)
                if runs:
                    out[frozenset((a, b))] += runs
    return dict(out)


def test_sample_cooccurrence_equals_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "c.csv"
    run_export(sample_ro.store, "cooccurrence", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    got = {
        frozenset((r["code_a_key"], r["code_b_key"])): (
            int(r["pairs"]),
            int(r["documents"]),
            int(r["participants"]),
        )
        for r in rows
    }
    q = """SELECT ca.key, cb.key, COUNT(*), COUNT(DISTINCT x.document_id),
                  COUNT(DISTINCT COALESCE('case:' || d.case_id, 'doc:' || d.id))
           FROM coding x JOIN coding y
             ON y.document_id = x.document_id AND x.id < y.id AND x.code_id <> y.code_id
            AND x.start < y.end AND y.start < x.end
           JOIN code ca ON ca.id = x.code_id JOIN code cb ON cb.id = y.code_id
           JOIN document d ON d.id = x.document_id
           GROUP BY MIN(ca.key, cb.key), MAX(ca.key, cb.key)"""
    expected = {frozenset((a, b)): (n, d, p) for a, b, n, d, p in sample_sql.execute(q)}
    assert got == expected and got  # the sample has some overlaps
    passages = {frozenset((r["code_a_key"], r["code_b_key"])): int(r["passages"]) for r in rows}
    assert passages == independent_passages(sample_sql)
