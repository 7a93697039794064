"""Frozen results of the analysis exports: theme summaries, quotes, matrices, codebooks.

``workbench.workflows.themes`` / ``workbench.workflows.exports`` compute these from
the store; the renderers in ``workbench.io.export`` turn them into files. Nothing
here knows about SQL or file formats.

Counting rules (also printed in every export, see :data:`COUNTING_NOTES`):

- a code's counts include the codings of the code and of its sub-codes;
- participants are distinct cases; a document that is not linked to a case counts
  as its own participant, labelled with the document name;
- with ``coder=all`` the codings of every coder are counted (two coders coding the
  same passage count twice), participants and documents stay distinct;
- the participants "in scope" (the denominator, "n of N") are those with at least
  one document that passes the filters and has at least one coding by the coders
  in the filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

ALL_CODERS = "all"
CONSENSUS_CODER = "consensus"
NOT_RECORDED = "(not recorded)"

COUNTING_NOTES: tuple[str, ...] = (
    "Counts for a code are codings of this code and its sub-codes.",
    "Participants are distinct cases (interviewees); a document without a case counts as "
    "its own participant, labelled with the document name.",
    "'n of N': N is the number of participants in scope (documents that pass the filters "
    "and have at least one coding by the selected coder(s)).",
)


# -- filters -------------------------------------------------------------------------

OPERATORS = ("!=", ">=", "<=", "=", ">", "<")


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``--where`` condition on a case attribute, e.g. ``gender=woman``, ``years_in_na>=5``."""

    attribute: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.attribute}{self.op}{self.value}"


@dataclass(frozen=True, slots=True)
class Filters:
    """What to include. Empty tuples mean "everything".

    ``where``: conditions on the same attribute are OR-ed, different attributes AND-ed.
    ``codes``: each selected code brings its whole subtree.
    """

    coder: str = ALL_CODERS
    codes: tuple[str, ...] = ()
    where: tuple[Condition, ...] = ()
    documents: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [
            "all coders (union)" if self.coder == ALL_CODERS else f"coder {self.coder}",
        ]
        if self.codes:
            parts.append("codes " + ", ".join(self.codes) + " (with sub-codes)")
        if self.where:
            parts.append("cases where " + " and ".join(str(c) for c in self.where))
        if self.documents:
            parts.append("documents " + ", ".join(self.documents))
        return "; ".join(parts)


# -- quotes --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """One coding with its exact text and where it is: ``text == document_text[start:end]``."""

    coding_id: int
    code_key: str
    code_path: str
    document: str
    participant: str  # case name, or the document name when the document has no case
    case: str  # case name, "" when the document has no case
    attributes: Mapping[str, str]
    coder: str
    text: str
    start: int
    end: int
    turn: int | None = None  # 1-based number of the turn containing ``start``
    speaker: str | None = None
    media_start: float | None = None  # seconds; start of that turn/cue
    memo: str = ""
    starred: bool = False

    @property
    def media_time(self) -> str:
        return format_time(self.media_start)

    @property
    def label(self) -> str:
        """``P03 · P03 turn 12 (R) · 00:04:31 · chars 1204-1390``."""
        where = self.document if self.document != self.participant else ""
        if self.turn is not None:
            where = f"{where} turn {self.turn}".strip()
            if self.speaker and self.speaker != self.participant:
                where += f" ({self.speaker})"
        parts = [self.participant]
        if where:
            parts.append(where)
        if self.media_start is not None:
            parts.append(self.media_time)
        parts.append(f"chars {self.start}-{self.end}")
        return " · ".join(parts)


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


# -- theme summary ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueCount:
    """Participants with one attribute value: ``count`` of ``total`` in scope."""

    value: str
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class AttributeSpread:
    attribute: str
    values: tuple[ValueCount, ...]
    binned: bool = False  # numeric values grouped into ranges


@dataclass(frozen=True, slots=True)
class ThemeMemo:
    text: str
    author: str = ""  # coder name, "codebook" for the code's own memo field


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """One theme, subtheme or code; counts include its sub-codes."""

    key: str
    name: str
    path: str
    depth: int
    parent_key: str | None
    definition: str
    participants: int
    documents: int
    codings: int
    own_codings: int  # codings of this code alone
    participant_labels: tuple[str, ...]
    spread: tuple[AttributeSpread, ...]
    memos: tuple[ThemeMemo, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    project: str
    generated_at: datetime
    filters: Filters
    coders: tuple[str, ...]  # coders whose codings are counted
    participants_in_scope: tuple[str, ...]
    documents_in_scope: int
    total_codings: int
    population: tuple[AttributeSpread, ...]  # participants in scope per attribute value
    rows: tuple[ThemeRow, ...]
    quotes_per_code: int
    notes: tuple[str, ...] = COUNTING_NOTES

    @property
    def is_empty(self) -> bool:
        return self.total_codings == 0


@dataclass(frozen=True, slots=True)
class QuoteTable:
    """Every coding that passes the filters, in document order."""

    project: str
    generated_at: datetime
    filters: Filters
    attributes: tuple[str, ...]  # attribute columns, sorted
    quotes: tuple[Quote, ...]

    @property
    def is_empty(self) -> bool:
        return not self.quotes


# -- matrix and co-occurrence -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeRef:
    key: str
    name: str
    path: str
    depth: int


@dataclass(frozen=True, slots=True)
class Matrix:
    """Codes x participants: ``counts[i][j]`` = codings of code i and its sub-codes for
    participant j."""

    project: str
    generated_at: datetime
    filters: Filters
    codes: tuple[CodeRef, ...]
    participants: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def presence(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(1 if n else 0 for n in row) for row in self.counts)

    @property
    def is_empty(self) -> bool:
        return not any(any(row) for row in self.counts)


COOCCURRENCE_NOTES: tuple[str, ...] = (
    "Two codes co-occur when a coding of one and a coding of the other overlap by at least "
    "one character in the same document (codings by any coder in the filter; each coding "
    "counts for its own code only, not for its parent theme).",
    "pairs: distinct pairs of overlapping codings (one of each code).",
    "passages: connected stretches of text coded with both codes.",
    "documents / participants: distinct documents / participants with at least one such overlap.",
)


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """One pair of codes (a before b in codebook order) that overlap somewhere."""

    a: CodeRef
    b: CodeRef
    pairs: int
    passages: int
    documents: int
    participants: int


@dataclass(frozen=True, slots=True)
class CooccurrenceTable:
    project: str
    generated_at: datetime
    filters: Filters
    codes: tuple[CodeRef, ...]  # codes with at least one coding in scope, codebook order
    codings: tuple[int, ...]  # codings per code (own codings), parallel to ``codes``
    pairs: tuple[Cooccurrence, ...]
    notes: tuple[str, ...] = COOCCURRENCE_NOTES

    @property
    def is_empty(self) -> bool:
        return not self.pairs

    def passages_matrix(self) -> tuple[tuple[int, ...], ...]:
        """Symmetric code x code matrix of passages; the diagonal holds the code's codings."""
        index = {c.key: i for i, c in enumerate(self.codes)}
        grid = [[0] * len(self.codes) for _ in self.codes]
        for i, n in enumerate(self.codings):
            grid[i][i] = n
        for p in self.pairs:
            i, j = index[p.a.key], index[p.b.key]
            grid[i][j] = grid[j][i] = p.passages
        return tuple(tuple(r) for r in grid)


# -- codebook appendix --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    key: str
    name: str
    path: str
    depth: int
    parent_key: str | None
    definition: str
    inclusion: str
    exclusion: str
    example: str  # the codebook's own example text
    participants: int
    codings: int
    coded_examples: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class CodebookTable:
    project: str
    generated_at: datetime
    filters: Filters
    description: str
    participants_in_scope: int
    entries: tuple[CodebookEntry, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.entries
