"""Excel workbooks (openpyxl): quotes, matrix and co-occurrence.

Every workbook has an ``about`` sheet with the filters and the definitions. Text cells
are always stored as text (a quote starting with ``=`` is not turned into a formula);
control characters that xlsx cannot hold are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.core.summary import (
    COUNTING_NOTES,
    CooccurrenceTable,
    Filters,
    Matrix,
    QuoteTable,
)
from workbench.io.export._text import SUBTREE_NOTE
from workbench.io.export.csv import COOCCURRENCE_COLUMNS, quote_header, quote_row
from workbench.io.export.write import xml_safe

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _set(ws: Worksheet, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = xml_safe(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value  # type: ignore[assignment]


def _table(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    for j, name in enumerate(header, start=1):
        _set(ws, 1, j, name)
        ws.cell(row=1, column=j).font = HEADER_FONT
        ws.cell(row=1, column=j).fill = HEADER_FILL
    n = 1
    for n, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            _set(ws, n, j, value)
    ws.freeze_panes = "A2"
    return n


def _widths(ws: Worksheet, widths: dict[int, float], default: float = 12) -> None:
    for j in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(j, default)


def _about(wb: Workbook, what: str, project: str, filters: Filters, generated: str,
           notes: Sequence[str]) -> None:  # fmt: skip
    ws = wb.create_sheet("about")
    lines: list[tuple[str, str]] = [
        ("export", what),
        ("project", project),
        ("generated", generated),
        ("filters", filters.describe()),
    ]
    lines += [("note", n) for n in notes]
    for i, (k, v) in enumerate(lines, start=1):
        _set(ws, i, 1, k)
        ws.cell(row=i, column=1).font = HEADER_FONT
        _set(ws, i, 2, v)
        ws.cell(row=i, column=2).alignment = WRAP
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 110


def _save(wb: Workbook, out: BinaryIO) -> None:
    wb.save(out)  # type: ignore[arg-type]


def render_quotes(table: QuoteTable, out: BinaryIO) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "quotes"
    header = quote_header(table.attributes)
    n = _table(ws, header, (quote_row(q, table.attributes) for q in table.quotes))
    text_col, memo_col = header.index("text") + 1, header.index("memo") + 1
    for i in range(2, n + 1):
        ws.cell(row=i, column=text_col).alignment = WRAP
        ws.cell(row=i, column=memo_col).alignment = WRAP
    _widths(ws, {text_col: 80, memo_col: 40, header.index("code_path") + 1: 40})
    if table.quotes:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    notes = [
        "text = the document's text from start to end (0-based character offsets, end exclusive).",
        "turn/speaker/media time: the transcript turn containing start.",
    ]
    generated = table.generated_at.isoformat(timespec="seconds")
    _about(wb, "quotes: one row per coding", table.project, table.filters, generated, notes)
    _save(wb, out)


def _matrix_sheet(ws: Worksheet, matrix: Matrix, grid: Sequence[Sequence[int]]) -> None:
    header = ["code_key", "code_path", *matrix.participants]
    rows = ([c.key, c.path, *r] for c, r in zip(matrix.codes, grid, strict=True))
    _table(ws, header, rows)
    ws.freeze_panes = "C2"
    _widths(ws, {1: 24, 2: 50}, default=8)


def render_matrix(matrix: Matrix, out: BinaryIO) -> None:
    wb = Workbook()
    counts = wb.active
    assert counts is not None
    counts.title = "counts"
    _matrix_sheet(counts, matrix, matrix.counts)
    _matrix_sheet(wb.create_sheet("presence"), matrix, matrix.presence)
    _about(wb, "matrix: codes x participants", matrix.project, matrix.filters,
           matrix.generated_at.isoformat(timespec="seconds"),
           [f"counts: number of {SUBTREE_NOTE}, per participant.",
            "presence: 1 if the participant has at least one such coding, else 0.",
            *COUNTING_NOTES[1:2]])  # fmt: skip
    _save(wb, out)


def render_cooccurrence(table: CooccurrenceTable, out: BinaryIO) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "pairs"
    rows = (
        [p.a.key, p.a.path, p.b.key, p.b.path, p.pairs, p.passages, p.documents, p.participants]
        for p in table.pairs
    )
    _table(ws, COOCCURRENCE_COLUMNS, rows)
    _widths(ws, {1: 22, 2: 45, 3: 22, 4: 45})

    square = wb.create_sheet("passages")
    keys = [c.key for c in table.codes]
    grid = table.passages_matrix()
    _table(square, ["code", *keys], ([k, *r] for k, r in zip(keys, grid, strict=True)))
    square.freeze_panes = "B2"
    _widths(square, {1: 24}, default=6)
    if keys:
        last = f"{get_column_letter(len(keys) + 1)}{len(keys) + 1}"
        square.conditional_formatting.add(
            f"B2:{last}", ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                         end_type="max", end_color="2F6690")
        )  # fmt: skip
    _about(wb, "co-occurrence of codes", table.project, table.filters,
           table.generated_at.isoformat(timespec="seconds"),
           [*table.notes, "passages sheet: passages per pair of codes; the diagonal holds each "
            "code's own number of codings."])  # fmt: skip
    _save(wb, out)
