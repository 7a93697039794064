"""Codebook appendix: definitions, criteria, examples and counts in md, docx and csv."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import docx
from export_helpers import Tiny, sql_theme_counts

from workbench.bootstrap import Workbench
from workbench.core.summary import Filters
from workbench.workflows.exports import ExportOptions, build_codebook, run_export


def test_tiny_codebook_by_hand(tiny: Tiny, tmp_path: Path) -> None:
    book = build_codebook(tiny.wb.store, Filters())
    s = next(e for e in book.entries if e.key == "s")
    assert (s.inclusion, s.exclusion, s.example) == ("Include this.", "Not that.", "An example.")
    assert (s.participants, s.codings) == (3, 5)
    a = next(e for e in book.entries if e.key == "a")
    assert [q.starred for q in a.coded_examples] == [True]  # one coded example, starred first

    run_export(tiny.wb.store, "codebook", tmp_path / "cb.md")
    text = (tmp_path / "cb.md").read_text(encoding="utf-8")
    assert "### 1.1 Sub S" in text and "**Inclusion.** Include this." in text
    assert "**Exclusion.** Not that." in text and "**Example.** An example." in text
    assert "Participants: 3 · Codings: 5" in text

    run_export(tiny.wb.store, "codebook", tmp_path / "cb.docx")
    document = docx.Document(str(tmp_path / "cb.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    assert "1.1.1 Code A" in paragraphs and "Definition. A's definition." in paragraphs
    assert tiny.texts["P1"][0:20] in paragraphs  # the coded example, exact

    run_export(tiny.wb.store, "codebook", tmp_path / "cb.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cb.csv").read_text("utf-8-sig"))))
    assert [r["key"] for r in rows] == ["t", "s", "a", "b", "u", "c"]
    assert rows[0]["definition"] == "The first theme." and rows[1]["level"] == "2"
    assert rows[2]["coded_example"] == tiny.texts["P1"][0:20]


def test_codebook_without_examples(tiny: Tiny) -> None:
    book = build_codebook(tiny.wb.store, Filters(), examples=0)
    assert all(not e.coded_examples for e in book.entries)
    out = tiny.path.with_name("none.csv")
    run_export(tiny.wb.store, "codebook", out, options=ExportOptions(quotes=0))
    assert "coded by" not in out.read_text(encoding="utf-8-sig")


def test_sample_codebook_equals_database(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "cb.csv"
    run_export(sample_ro.store, "codebook", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    stored = {
        key: (d, i, e, x)
        for key, d, i, e, x in sample_sql.execute(
            "SELECT key, definition, inclusion, exclusion, example FROM code"
        )
    }
    counts = sql_theme_counts(sample_sql)
    assert len(rows) == len(stored)
    for r in rows:
        assert (r["definition"], r["inclusion"], r["exclusion"], r["example"]) == stored[r["key"]]
        assert (int(r["participants"]), int(r["codings"])) == (
            counts[r["key"]][0],
            counts[r["key"]][2],
        )
    run_export(sample_ro.store, "codebook", tmp_path / "cb.docx")
    headings = [
        p.text
        for p in docx.Document(str(tmp_path / "cb.docx")).paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert len(headings) == len(stored)
