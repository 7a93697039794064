"""Markdown: the theme summary and the codebook appendix.

Quote text is written exactly as stored (inside a blockquote, each line prefixed with
``> ``); table cells escape ``|`` and fold newlines.
"""

from __future__ import annotations

from typing import BinaryIO

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

INDENT = "\u00a0" * 4  # non-breaking spaces survive in table cells


def cell(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _blockquote(text: str) -> list[str]:
    return ["> " + line if line else ">" for line in text.split("\n")]


def _quote_lines(q: Quote) -> list[str]:
    lines = _blockquote(q.text)
    lines.append(">")
    lines.append(f"> — *{quote_source(q)}*")
    if q.memo.strip():
        lines += [">", f"> Coding memo: {' '.join(q.memo.split())}"]
    return lines


def summary_markdown(summary: Summary) -> str:
    n = len(summary.participants_in_scope)
    out = [
        f"# {title('Theme summary', summary.project)}",
        "",
        f"Generated {stamp(summary)}.  ",
        f"Filters: {summary.filters.describe()}.  ",
        f"{scope_line(summary)}.",
        "",
        "How to read the counts:",
        "",
        *[f"- {note}" for note in summary.notes],
        "",
    ]
    if summary.is_empty:
        out += ["**No codings match the filters.** The tables below are empty.", ""]

    depths = relative_depths(summary.rows)
    numbers = outline_numbers(depths)
    out += [
        "## Overview",
        "",
        f"Participants, documents and codings per code ({SUBTREE_NOTE}).",
        "",
        f"| Theme / code | Participants (of {n}) | Documents | Codings |",
        "|---|---:|---:|---:|",
    ]
    for row, depth, number in zip(summary.rows, depths, numbers, strict=True):
        if summary.is_empty:
            break
        name = f"{number} {cell(row.name)}"
        name = f"**{name}**" if depth == 0 else INDENT * depth + name
        out.append(f"| {name} | {row.participants} | {row.documents} | {row.codings} |")
    out.append("")

    if summary.population:
        out += ["## Participants in scope", "", "| Attribute | Participants |", "|---|---|"]
        for spread in summary.population:
            values = " · ".join(f"{v.value} {v.count}" for v in spread.values)
            out.append(f"| {cell(spread.attribute)} | {cell(values)} |")
        out.append("")

    if summary.is_empty:
        return "\n".join(out)

    for row, depth, number in zip(summary.rows, depths, numbers, strict=True):
        level = "#" * min(2 + depth, 6)
        out += [f"{level} {number} {row.name}", ""]
        if row.definition.strip():
            out += [f"*{' '.join(row.definition.split())}*", ""]
        out += [f"**{counts_line(row, n)}**", ""]
        if row.participant_labels:
            out += [f"Participants: {', '.join(row.participant_labels)}", ""]
        if row.spread and row.participants:
            out += ["Spread across participant attributes (participants with the code "
                    "of participants in scope):", ""]  # fmt: skip
            out += [f"- {s.attribute}: {spread_text(s)}" for s in row.spread]
            out.append("")
        if row.memos:
            out += ["Memos:", ""]
            for memo in row.memos:
                who = f"({memo.author}) " if memo.author else ""
                out.append(f"- {who}{' '.join(memo.text.split())}")
            out.append("")
        if row.quotes:
            for q in row.quotes:
                out += _quote_lines(q)
                out.append("")
        elif row.own_codings == 0 and row.codings:
            out += ["*Quotes: see the sub-codes below.*", ""]
        elif row.codings == 0:
            out += ["*No codings.*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_summary(summary: Summary, out: BinaryIO) -> None:
    out.write(summary_markdown(summary).encode("utf-8"))


def codebook_markdown(book: CodebookTable) -> str:
    out = [f"# {title('Codebook', book.project)}", ""]
    if book.description.strip():
        out += [book.description.strip(), ""]
    out += [
        f"Generated {stamp(book)}. Filters: {book.filters.describe()}. Counts: participants "
        f"(of {book.participants_in_scope}) and {SUBTREE_NOTE}.",
        "",
    ]
    if book.is_empty:
        out += ["**No codes match the filters.**", ""]
        return "\n".join(out)
    depths = relative_depths(book.entries)
    numbers = outline_numbers(depths)
    for e, depth, number in zip(book.entries, depths, numbers, strict=True):
        level = "#" * min(2 + depth, 6)
        out += [f"{level} {number} {e.name}", "", f"Key: `{e.key}` · Path: {e.path}  "]
        out += [f"Participants: {e.participants} · Codings: {e.codings}", ""]
        for label, text in (
            ("Definition", e.definition),
            ("Inclusion", e.inclusion),
            ("Exclusion", e.exclusion),
            ("Example", e.example),
        ):
            if text.strip():
                out += [f"**{label}.** {' '.join(text.split())}", ""]
        for q in e.coded_examples:
            out += ["**Coded example.**", "", *_quote_lines(q), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_codebook(book: CodebookTable, out: BinaryIO) -> None:
    out.write(codebook_markdown(book).encode("utf-8"))
