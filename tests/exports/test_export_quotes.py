"""Quotes export: one row per coding, exact text, read back from csv and xlsx."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import openpyxl
from export_helpers import Tiny

from workbench.bootstrap import Workbench
from workbench.core.summary import Condition, Filters
from workbench.io.export import csv as csv_out
from workbench.io.export import xlsx as xlsx_out
from workbench.workflows.exports import run_export
from workbench.workflows.themes import build_quotes


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet software reads UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes, sheet: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_tiny_quotes_csv_by_hand(tiny: Tiny) -> None:
    table = build_quotes(tiny.wb.store, Filters())
    buffer = io.BytesIO()
    csv_out.render_quotes(table, buffer)
    rows = read_csv(buffer.getvalue())
    assert list(rows[0])[:6] == ["coding_id", "document", "case", "participant", "gender", "years"]
    assert len(rows) == 7
    assert [(r["participant"], r["code_key"], r["coder"], r["start"]) for r in rows] == [
        ("Extra", "b", "anna", "0"),
        ("P1", "a", "anna", "0"),
        ("P1", "a", "ben", "0"),
        ("P1", "b", "anna", "10"),
        ("P1", "c", "anna", "40"),
        ("P2", "a", "anna", "5"),
        ("P2", "c", "ben", "5"),
    ]
    for r in rows:
        assert r["text"] == tiny.texts[r["document"]][int(r["start"]) : int(r["end"])]
    extra, p1_c, p2_c = rows[0], rows[4], rows[6]
    assert (extra["case"], extra["gender"], extra["text"]) == ("", "", "=SUM(1,2) ")
    assert (p1_c["turn"], p1_c["speaker"], p1_c["media_start_seconds"], p1_c["media_time"]) == (
        "2", "I", "75.5", "00:01:15",
    )  # fmt: skip
    assert "\n" in p2_c["text"] and p2_c["document"] == "P2 interview" and p2_c["case"] == "P2"
    assert rows[1]["starred"] == "yes" and rows[3]["memo"] == "B memo"
    assert rows[3]["code_path"] == "Theme T > Sub S > Code B"


def test_tiny_quotes_xlsx_keeps_text_as_text(tiny: Tiny) -> None:
    table = build_quotes(tiny.wb.store, Filters(coder="anna", codes=("b",)))
    buffer = io.BytesIO()
    xlsx_out.render_quotes(table, buffer)
    rows = read_xlsx(buffer.getvalue(), "quotes")
    assert (
        [(r["document"], r["text"]) for r in rows]
        == [
            ("Extra", "=SUM(1,2) "),  # not turned into a formula
            ("P1", tiny.texts["P1"][10:30]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book["quotes"]
    column = [c.value for c in sheet[1]].index("text") + 1
    cell = sheet.cell(row=2, column=column)
    assert (cell.data_type, cell.value) == ("s", "=SUM(1,2) ")
    about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True)}
    assert about["filters"] == "coder anna; codes b (with sub-codes)"


def test_sample_quotes_equal_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "q.csv"
    run_export(sample_ro.store, "quotes", out, filters=Filters(coder="ben"))
    rows = read_csv(out.read_bytes())
    expected = sample_sql.execute(
        "SELECT g.id, d.name, c.key, g.start, g.end, substr(d.text, g.start + 1, g.end - g.start)"
        " FROM coding g JOIN document d ON d.id = g.document_id JOIN code c ON c.id = g.code_id"
        " WHERE g.coder_id = (SELECT id FROM coder WHERE name = 'ben') ORDER BY g.id"
    ).fetchall()
    got = sorted(
        (int(r["coding_id"]), r["document"], r["code_key"], int(r["start"]), int(r["end"]),
         r["text"]) for r in rows
    )  # fmt: skip
    assert got == expected  # every coding once, exact text (SQLite substr counts characters)
    assert {r["coder"] for r in rows} == {"ben"}


def test_sample_quotes_xlsx_where_filter_equals_sql(
    sample_ro: Workbench, sample_sql: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "q.xlsx"
    filters = Filters(where=(Condition("gender", "=", "man"),))
    run_export(sample_ro.store, "quotes", out, filters=filters)
    rows = read_xlsx(out.read_bytes(), "quotes")
    n = sample_sql.execute(
        "SELECT COUNT(*) FROM coding g JOIN document d ON d.id = g.document_id "
        "JOIN case_attribute a ON a.case_id = d.case_id AND a.name = 'gender' "
        "WHERE a.value = 'man'"
    ).fetchone()[0]
    assert len(rows) == n and {r["gender"] for r in rows} == {"man"}
    texts = dict(sample_sql.execute("SELECT name, text FROM document"))
    for r in rows:
        start, end = int(str(r["start"])), int(str(r["end"]))
        assert r["text"] == texts[str(r["document"])][start:end]
