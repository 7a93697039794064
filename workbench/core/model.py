"""Frozen domain objects that cross layer boundaries.

Offsets are always 0-based Unicode code points into a document's stored
(normalised) text, end-exclusive - the REFI-QDA convention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn (or paragraph) of a transcript."""

    start: int
    end: int
    speaker: str | None = None
    media_start: float | None = None  # seconds from the start of the recording
    media_end: float | None = None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What an importer returns: normalised text and its turns, not yet stored."""

    name: str
    text: str
    turns: tuple[Turn, ...]
    source_format: str  # txt, md, docx, vtt, srt, qdpx ...
    checksum: str  # sha256 of the normalised text
    source_path: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    name: str
    checksum: str
    source_format: str
    imported_at: datetime
    case_id: int | None
    length: int  # characters (code points)
    words: int
    case_name: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    name: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Coder:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """A code as written in a codebook file; ``parent`` is a key or None."""

    key: str
    name: str
    parent: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str = ""
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # JSON-encoded spaCy Matcher token patterns
    memo: str = ""


@dataclass(frozen=True, slots=True)
class CodebookSpec:
    """A whole codebook, flat, parents listed before their children."""

    name: str
    codes: tuple[CodeSpec, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Code:
    id: int
    key: str
    name: str
    parent_id: int | None
    path: str  # "Theme > Subtheme > Code"
    depth: int
    order: int = 0
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str = ""
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    memo: str = ""


@dataclass(frozen=True, slots=True)
class Coding:
    id: int
    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str = ""
    starred: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class Memo:
    id: int
    kind: str  # "project", "document", "code", "case"
    target_id: int | None
    text: str
    coder_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    documents: int
    codes: int
    codings: int
    coders: tuple[str, ...]
    cases: int

    def as_json(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "codes": self.codes,
            "codings": self.codings,
            "coders": list(self.coders),
            "cases": self.cases,
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a long-running service generator."""

    done: int
    total: int
    label: str = ""


def _union(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    return None if a is None or b is None else a | b


@dataclass(frozen=True, slots=True)
class Change:
    """What an action changed, so views re-read only that.

    ``documents`` are the documents whose codings changed and ``codes`` the codes whose
    coding counts changed; ``None`` means "any" (re-read everything). ``codebook`` is
    true when codes themselves (names, colours, hierarchy) changed.
    """

    what: str = ""
    documents: frozenset[int] | None = None
    codes: frozenset[int] | None = None
    codebook: bool = True
    coding_ids: frozenset[int] | None = None  # the codings touched, where known

    @classmethod
    def codings(
        cls, what: str, documents: set[int], codes: set[int], coding_ids: set[int] | None = None
    ) -> Change:
        """Codings (``coding_ids``, when known) were added, removed or edited in
        ``documents`` under ``codes``."""
        ids = None if coding_ids is None else frozenset(coding_ids)
        return cls(what, frozenset(documents), frozenset(codes), False, ids)

    @property
    def is_narrow(self) -> bool:
        """True when the change names its documents and codes and left the codebook alone."""
        return self.documents is not None and self.codes is not None and not self.codebook

    def merge(self, other: Change) -> Change:
        """One change covering both (for a view that was not shown while they happened)."""
        return Change(
            other.what or self.what,
            _union(self.documents, other.documents),
            _union(self.codes, other.codes),
            self.codebook or other.codebook,
            _union(self.coding_ids, other.coding_ids),
        )
