"""Helpers for the export tests: the tiny hand-checked project and independent SQL."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from workbench.bootstrap import Workbench
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn

# -- the tiny project --------------------------------------------------------------------
#
# theme T > subtheme S > codes A, B;  theme U > code C.
# documents: "P1" (case P1: woman, 3 years), "P2 interview" (case P2: man, 12 years),
#            "Extra" (no case: counts as its own participant "Extra").
#
#   doc    coder  code  span     notes
#   P1     anna   A     0-20     starred
#   P1     anna   B     10-30    overlaps A (anna and ben)
#   P1     ben    A     0-20     same passage as anna's A
#   P1     anna   C     40-60    in the interviewer's turn (37-78, media 75.5 s)
#   P2     anna   A     5-15
#   P2     ben    C     5-25     contains a line break; overlaps anna's A
#   Extra  anna   B     0-10     starts with "=" (must stay text in xlsx)

P1_TEXT = "I kept going to meetings, every day. Did that help you, or was it the people?"
P2_TEXT = "Well, the group was\nmy whole world for years and years, nothing else."
EXTRA_TEXT = "=SUM(1,2) is what my sponsor called the twelve steps, add them up."

TINY_BOOK = CodebookSpec(
    name="tiny",
    codes=(
        CodeSpec(key="t", name="Theme T", definition="The first theme.", memo="Theme memo."),
        CodeSpec(
            key="s",
            name="Sub S",
            parent="t",
            inclusion="Include this.",
            exclusion="Not that.",
            example="An example.",
        ),  # fmt: skip
        CodeSpec(key="a", name="Code A", parent="s", definition="A's definition."),
        CodeSpec(key="b", name="Code B", parent="s"),
        CodeSpec(key="u", name="Theme U"),
        CodeSpec(key="c", name="Code C", parent="u"),
    ),
)


def parsed(name: str, text: str, turns: tuple[Turn, ...] = ()) -> ParsedDocument:
    return ParsedDocument(
        name=name,
        text=text,
        turns=turns or (Turn(0, len(text), None),),
        source_format="txt",
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


@dataclass
class Tiny:
    wb: Workbench
    path: Path
    texts: dict[str, str]


# -- independent SQL ----------------------------------------------------------------------------

SUBTREE = """
WITH RECURSIVE sub(root, id) AS (
    SELECT id, id FROM code
    UNION ALL
    SELECT sub.root, code.id FROM code JOIN sub ON code.parent_id = sub.id
)
"""
PARTICIPANT = "COALESCE('case:' || d.case_id, 'doc:' || d.id)"


def coder_clause(coder: str | None) -> str:
    if coder is None:
        return "1 = 1"
    return f"g.coder_id = (SELECT id FROM coder WHERE name = '{coder}')"


def sql_theme_counts(
    con: sqlite3.Connection, coder: str | None = None, gender: str | None = None
) -> dict[str, tuple[int, int, int]]:
    """code key -> (participants, documents, codings) over the code and its sub-codes."""
    where_case = (
        "AND d.case_id IN (SELECT case_id FROM case_attribute WHERE name = 'gender' "
        f"AND value = '{gender}')"
        if gender
        else ""
    )
    q = f"""{SUBTREE}
    SELECT r.key, COUNT(DISTINCT {PARTICIPANT}), COUNT(DISTINCT d.id), COUNT(d.id)
    FROM sub JOIN code r ON r.id = sub.root
    LEFT JOIN (coding g JOIN document d ON d.id = g.document_id)
           ON g.code_id = sub.id AND {coder_clause(coder)} {where_case}
    GROUP BY r.key
    """
    return {k: (p, d, n) for k, p, d, n in con.execute(q)}


def sql_participants_in_scope(con: sqlite3.Connection, coder: str | None = None) -> int:
    q = f"""SELECT COUNT(DISTINCT {PARTICIPANT}) FROM coding g
            JOIN document d ON d.id = g.document_id WHERE {coder_clause(coder)}"""
    return con.execute(q).fetchone()[0]
