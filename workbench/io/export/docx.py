"""Word documents (python-docx): the theme summary and the codebook appendix.

Built on python-docx's default template, so headings, the "Quote" style and table
styles are the ones Word and LibreOffice know. Quote text is written exactly (line
breaks become Word line breaks); control characters Word cannot hold are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from workbench.core.summary import CodebookTable, Quote, Summary
from workbench.io.export._text import (
    SUBTREE_NOTE,
    counts_line,
    outline_numbers,
    quote_source,
    relative_depths,
    scope_line,
    spread_text,
    stamp,
    title,
)
from workbench.io.export.write import xml_safe

TABLE_STYLE = "Light List Accent 1"
GREY = RGBColor(0x55, 0x5B, 0x66)


class _Doc:
    """A python-docx Document plus cached style ids.

    python-docx resolves a style *name* on every paragraph (an XPath walk over the
    template's ~160 styles, several ms each); setting the looked-up id writes the same
    XML as ``paragraph.style = name`` and keeps a large summary under a second.
    """

    def __init__(self, heading: str) -> None:
        self.document = docx.Document()
        self.document.core_properties.title = xml_safe(heading)
        self.document.core_properties.author = "workbench"
        normal = self.document.styles["Normal"]
        normal.font.name = "Calibri"  # type: ignore[attr-defined]
        normal.font.size = Pt(11)  # type: ignore[attr-defined]
        for section in self.document.sections:
            section.left_margin = section.right_margin = Cm(2.2)
        self._ids: dict[str, str] = {}
        self.heading(heading, 0)

    def style_id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self.document.styles[name].style_id
        return self._ids[name]

    def heading(self, text: str, level: int) -> Any:
        return self.para(text, style="Title" if level == 0 else f"Heading {level}")

    def para(self, text: str = "", *, style: str | None = None, bold: bool = False,
             italic: bool = False, small: bool = False, grey: bool = False) -> Any:  # fmt: skip
        p = self.document.add_paragraph()
        if style:
            p._p.style = self.style_id(style)
        if text:
            run = p.add_run(xml_safe(text))
            run.bold = bold or None
            run.italic = italic or None
            if small:
                run.font.size = Pt(9)
            if grey:
                run.font.color.rgb = GREY
        return p

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              numeric: Sequence[int] = (), bold_rows: Sequence[int] = (),
              indents: Sequence[int] = ()) -> Any:  # fmt: skip
        table = self.document.add_table(rows=1, cols=len(header))
        table._tbl.tblPr.style = self.style_id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for j, name in enumerate(header):
            table.rows[0].cells[j].text = xml_safe(name)
        for i, row in enumerate(rows):
            cells = table.add_row().cells
            for j, value in enumerate(row):
                p = cells[j].paragraphs[0]
                run = p.add_run(xml_safe(value))
                if i in bold_rows:
                    run.bold = True
                if j in numeric:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if j == 0 and indents and indents[i]:
                    p.paragraph_format.left_indent = Cm(0.5 * indents[i])
        return table

    def quote(self, q: Quote) -> None:
        self.para(q.text, style="Quote")  # exact text; "\n" becomes a line break
        source = self.para(f"— {quote_source(q)}", italic=True, small=True, grey=True)
        source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if q.memo.strip():
            self.para(f"Coding memo: {' '.join(q.memo.split())}", small=True, grey=True)


def summary_document(summary: Summary) -> Any:
    n = len(summary.participants_in_scope)
    doc = _Doc(title("Theme summary", summary.project))
    doc.para(f"Generated {stamp(summary)}. Filters: {summary.filters.describe()}.",
          grey=True)  # fmt: skip
    doc.para(f"{scope_line(summary)}.")
    doc.para("How to read the counts:", bold=True)
    for note in summary.notes:
        doc.para(note, style="List Bullet")
    if summary.is_empty:
        doc.para("No codings match the filters. The tables below are empty.", bold=True)

    depths = relative_depths(summary.rows)
    numbers = outline_numbers(depths)
    doc.heading("Overview", 1)
    doc.para(f"Participants, documents and codings per code ({SUBTREE_NOTE}).")
    rows = (
        []
        if summary.is_empty
        else [
            [f"{num} {r.name}", str(r.participants), str(r.documents), str(r.codings)]
            for r, num in zip(summary.rows, numbers, strict=True)
        ]
    )
    doc.table(
        ["Theme / code", f"Participants (of {n})", "Documents", "Codings"],
        rows,
        numeric=(1, 2, 3),
        bold_rows=[i for i, d in enumerate(depths) if d == 0] if rows else [],
        indents=depths if rows else [],
    )
    if summary.population:
        doc.heading("Participants in scope", 1)
        doc.table(
            ["Attribute", "Participants"],
            [
                [s.attribute, " · ".join(f"{v.value} {v.count}" for v in s.values)]
                for s in summary.population
            ],
        )
    if summary.is_empty:
        return doc.document

    for row, depth, number in zip(summary.rows, depths, numbers, strict=True):
        doc.heading(f"{number} {row.name}", min(1 + depth, 4))
        if row.definition.strip():
            doc.para(" ".join(row.definition.split()), italic=True)
        doc.para(counts_line(row, n), bold=True)
        if row.participant_labels:
            doc.para("Participants: " + ", ".join(row.participant_labels))
        if row.spread and row.participants:
            doc.table(["Attribute", "Participants with the code, of those in scope"],
                   [[s.attribute, spread_text(s)] for s in row.spread])  # fmt: skip
        for memo in row.memos:
            label = f"Memo ({memo.author})" if memo.author else "Memo"
            doc.para(f"{label}: {' '.join(memo.text.split())}", style="List Bullet")
        for q in row.quotes:
            doc.quote(q)
        if not row.quotes and row.codings == 0:
            doc.para("No codings.", italic=True, grey=True)
        elif not row.quotes and row.own_codings == 0:
            doc.para("Quotes: see the sub-codes below.", italic=True, grey=True)
    return doc.document


def render_summary(summary: Summary, out: BinaryIO) -> None:
    summary_document(summary).save(out)


def codebook_document(book: CodebookTable) -> Any:
    doc = _Doc(title("Codebook", book.project))
    if book.description.strip():
        doc.para(book.description.strip())
    doc.para(f"Generated {stamp(book)}. Filters: {book.filters.describe()}. "
          f"Counts: participants (of {book.participants_in_scope}) and {SUBTREE_NOTE}.",
          grey=True)  # fmt: skip
    if book.is_empty:
        doc.para("No codes match the filters.", bold=True)
        return doc.document
    depths = relative_depths(book.entries)
    numbers = outline_numbers(depths)
    for e, depth, number in zip(book.entries, depths, numbers, strict=True):
        doc.heading(f"{number} {e.name}", min(1 + depth, 4))
        doc.para(f"Key: {e.key} · Path: {e.path} · Participants: {e.participants} · "
              f"Codings: {e.codings}", small=True, grey=True)  # fmt: skip
        for label, text in (
            ("Definition", e.definition),
            ("Inclusion", e.inclusion),
            ("Exclusion", e.exclusion),
            ("Example", e.example),
        ):
            if text.strip():
                p = doc.para()
                p.add_run(f"{label}. ").bold = True
                p.add_run(xml_safe(" ".join(text.split())))
        for q in e.coded_examples:
            doc.para("Coded example:", bold=True)
            doc.quote(q)
    return doc.document


def render_codebook(book: CodebookTable, out: BinaryIO) -> None:
    codebook_document(book).save(out)
