"""CSV: quotes, matrix, co-occurrence and codebook tables.

UTF-8 with a byte-order mark (so spreadsheet software reads "ø" correctly), comma
separated, every text field quoted when needed (embedded newlines survive). Text is
written exactly as stored; it is not escaped against spreadsheet formulas, so open
these files with an import dialog, or use the xlsx export, which stores text as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from workbench.core.summary import (
    CodebookTable,
    CooccurrenceTable,
    Matrix,
    Quote,
    QuoteTable,
)

QUOTE_COLUMNS = (
    "coding_id",
    "document",
    "case",
    "participant",
    # attribute columns go here
    "coder",
    "code_key",
    "code_path",
    "start",
    "end",
    "turn",
    "speaker",
    "media_start_seconds",
    "media_time",
    "starred",
    "memo",
    "text",
)


def _write(out: BinaryIO, rows: Iterable[Sequence[object]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    out.write(buffer.getvalue().encode("utf-8-sig"))


def quote_header(attributes: Sequence[str]) -> list[str]:
    fixed = list(QUOTE_COLUMNS)
    attrs = [a if a not in fixed else f"attribute_{a}" for a in attributes]
    at = fixed.index("participant") + 1
    return fixed[:at] + attrs + fixed[at:]


def quote_row(q: Quote, attributes: Sequence[str]) -> list[object]:
    media = "" if q.media_start is None else round(q.media_start, 3)
    return [
        q.coding_id,
        q.document,
        q.case,
        q.participant,
        *[q.attributes.get(a, "") for a in attributes],
        q.coder,
        q.code_key,
        q.code_path,
        q.start,
        q.end,
        "" if q.turn is None else q.turn,
        q.speaker or "",
        media,
        q.media_time,
        "yes" if q.starred else "",
        q.memo,
        q.text,
    ]


def render_quotes(table: QuoteTable, out: BinaryIO) -> None:
    rows: list[Sequence[object]] = [quote_header(table.attributes)]
    rows += [quote_row(q, table.attributes) for q in table.quotes]
    _write(out, rows)


def render_matrix(matrix: Matrix, out: BinaryIO) -> None:
    """One row per code: ``code_key, code_path``, then codings per participant."""
    rows: list[Sequence[object]] = [["code_key", "code_path", *matrix.participants]]
    for code, counts in zip(matrix.codes, matrix.counts, strict=True):
        rows.append([code.key, code.path, *counts])
    _write(out, rows)


COOCCURRENCE_COLUMNS = (
    "code_a_key",
    "code_a_path",
    "code_b_key",
    "code_b_path",
    "pairs",
    "passages",
    "documents",
    "participants",
)


def render_cooccurrence(table: CooccurrenceTable, out: BinaryIO) -> None:
    """Long format: one row per pair of codes that overlap at least once."""
    rows: list[Sequence[object]] = [list(COOCCURRENCE_COLUMNS)]
    for p in table.pairs:
        rows.append(
            [p.a.key, p.a.path, p.b.key, p.b.path, p.pairs, p.passages, p.documents,
             p.participants]
        )  # fmt: skip
    _write(out, rows)


CODEBOOK_COLUMNS = (
    "key",
    "path",
    "level",
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "participants",
    "codings",
    "coded_example",
    "coded_example_source",
)


def render_codebook(book: CodebookTable, out: BinaryIO) -> None:
    rows: list[Sequence[object]] = [list(CODEBOOK_COLUMNS)]
    for e in book.entries:
        q = e.coded_examples[0] if e.coded_examples else None
        rows.append(
            [
                e.key,
                e.path,
                e.depth + 1,
                e.name,
                e.definition,
                e.inclusion,
                e.exclusion,
                e.example,
                e.participants,
                e.codings,
                q.text if q else "",
                f"{q.label} · coded by {q.coder}" if q else "",
            ]
        )
    _write(out, rows)
