"""Frozen results of a project-level agreement analysis (``workbench agreement``).

:mod:`workbench.workflows.agreement` builds an :class:`AgreementReport` from the store;
the renderers in :mod:`workbench.io.export.agreement` and the TUI agreement screen read
it. Nothing here computes: these are plain values.

Units (``UNITS``): each code is a yes/no decision per unit and coder - did the coder
apply the code to (part of) the unit? - so every statistic is the two-category
(applied / not applied) form, computed per code, pooled over codes, and per document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

Unit: TypeAlias = Literal["sentence", "turn", "char"]
UNITS: tuple[Unit, ...] = ("sentence", "turn", "char")

UNIT_NAMES: dict[str, str] = {
    "sentence": "sentence",
    "turn": "speaker turn",
    "char": "character",
}

UNIT_MEANINGS: dict[str, str] = {
    "sentence": (
        "each sentence is one unit (the workbench's rule-based sentences, the same ones "
        "the coding screen selects with s; a sentence never crosses a speaker turn). A coder "
        "applied a code to a sentence when one of their codings of that code overlaps it by "
        "at least one character; text outside every sentence, such as speaker labels, is not "
        "a unit"
    ),
    "turn": (
        "each speaker turn (or paragraph, in documents without speakers) is one unit. A coder "
        "applied a code to a turn when one of their codings of that code overlaps it by at "
        "least one character"
    ),
    "char": (
        "each character of the document is one unit (the convention of NVivo's coding "
        "comparison), so agreement is weighted by the amount of text and includes agreement "
        "on boundaries; a coder applied a code to a character when one of their codings of "
        "that code covers it. Krippendorff's unitizing alpha (u-alpha) compares the coded "
        "segments themselves on the continuum of characters"
    ),
}

UNIT_SHORT: dict[str, str] = {
    "sentence": "a code counts for a sentence when a coding of it overlaps the sentence",
    "turn": "a code counts for a speaker turn when a coding of it overlaps the turn",
    "char": "every character is a unit (as NVivo); u-alpha compares the coded segments",
}

KAPPA_NAMES = {"cohen_kappa": "Cohen's kappa", "fleiss_kappa": "Fleiss' kappa"}


@dataclass(frozen=True, slots=True)
class Stat:
    """One statistic: ``value`` is None when undefined, and ``reason`` says why.

    ``band`` is the verbal interpretation (``"reliable"``, ``"substantial"``...) and
    ``source`` the benchmark it comes from (``"Krippendorff (2004)"``).
    """

    value: float | None
    reason: str | None = None
    band: str = ""
    source: str = ""

    @property
    def defined(self) -> bool:
        return self.value is not None


UNDEFINED = Stat(None, "not computed")


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """Agreement for one code, one document (codes pooled), one code in one document
    (a heatmap cell), or everything pooled.

    ``n_units`` counts the unit decisions (units x codes when codes are pooled);
    ``applied[j]`` how many of them coder ``j`` said yes to; ``disagreements`` how many
    the coders did not all decide alike. ``prevalence`` is the share of units where at
    least one coder applied the code (None when there are no units).
    """

    scope: Literal["code", "document", "cell", "pooled"]
    label: str
    code_id: int | None
    document_id: int | None
    n_units: int
    prevalence: float | None
    applied: tuple[int, ...]
    disagreements: int
    percent_agreement: Stat
    kappa: Stat  # Cohen's kappa for two coders, Fleiss' kappa for three or more
    alpha: Stat  # Krippendorff's alpha, nominal
    ac1: Stat  # Gwet's AC1
    u_alpha: Stat | None = None  # unitizing alpha (unit "char", per code only)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    id: int
    key: str
    name: str
    path: str
    depth: int = 0


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document in the analysis (coded by every selected coder)."""

    id: int
    name: str
    length: int  # characters
    n_units: int  # units of the chosen kind in this document


@dataclass(frozen=True, slots=True)
class ExcludedDocument:
    """A document left out because not every selected coder coded it."""

    id: int
    name: str
    coded_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One unit (or, for ``char``, one stretch of text) the coders coded differently.

    ``text`` is exactly ``document_text[start:end]``. ``applied[j]`` are the ids of the
    codes coder ``j`` applied there (all of them, agreed or not), ``disputed`` the codes
    not every coder applied. ``group`` numbers runs of disagreements that follow one
    another with only whitespace between (one passage to discuss at a meeting).
    """

    number: int
    group: int
    document_id: int
    document: str
    start: int
    end: int
    text: str
    applied: tuple[tuple[int, ...], ...]
    disputed: tuple[int, ...]
    speaker: str | None = None


@dataclass(frozen=True)
class AgreementReport:
    """Everything ``workbench agreement`` reports, ready to render."""

    project: str
    generated_at: datetime
    coders: tuple[str, ...]
    unit: Unit
    codes: tuple[CodeInfo, ...]  # one per row, codebook order
    documents: tuple[DocumentInfo, ...]  # analysed, in name order
    excluded: tuple[ExcludedDocument, ...]
    unused_codes: tuple[str, ...]  # selected codes no selected coder applied (paths)
    rows: tuple[AgreementRow, ...]  # per code, same order as ``codes``
    pooled: AgreementRow
    by_document: tuple[AgreementRow, ...]  # same order as ``documents``
    cells: tuple[AgreementRow, ...]  # code x document, row-major over codes then documents
    disagreements: tuple[Disagreement, ...]
    notes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    _code_index: Mapping[int, CodeInfo] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_code_index", {c.id: c for c in self.codes})

    @property
    def kappa_key(self) -> str:
        return "cohen_kappa" if len(self.coders) == 2 else "fleiss_kappa"

    @property
    def kappa_name(self) -> str:
        return KAPPA_NAMES[self.kappa_key]

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES[self.unit]

    @property
    def unit_meaning(self) -> str:
        return UNIT_MEANINGS[self.unit]

    @property
    def n_units(self) -> int:
        """Units in the analysed documents (characters for ``char``)."""
        return sum(d.n_units for d in self.documents)

    def code(self, code_id: int) -> CodeInfo:
        return self._code_index[code_id]

    def row_for(self, code_id: int) -> AgreementRow:
        for row in self.rows:
            if row.code_id == code_id:
                return row
        raise KeyError(code_id)

    def disagreements_for(self, code_id: int) -> tuple[Disagreement, ...]:
        """The disagreements about one code (where not every coder applied it)."""
        return tuple(d for d in self.disagreements if code_id in d.disputed)

    def cell(self, code_id: int, document_id: int) -> AgreementRow | None:
        n_docs = len(self.documents)
        for i, code in enumerate(self.codes):
            if code.id == code_id:
                for j, doc in enumerate(self.documents):
                    if doc.id == document_id:
                        return self.cells[i * n_docs + j] if self.cells else None
        return None
