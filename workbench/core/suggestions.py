"""Code suggestions: passages proposed for a code, with where the idea came from.

A suggestion never becomes a coding until a coder accepts it. ``source`` is
``keyword`` (codebook keywords and token patterns), ``model`` (the classifier
trained on the project's codings) or ``similar`` (like passages already coded
with the code). ``version`` names the rule set or model; ``detail`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SOURCES: tuple[str, ...] = ("keyword", "model", "similar")
STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage proposed for a code, not yet stored."""

    document_id: int
    code_id: int
    start: int
    end: int
    source: str
    score: float  # 0..1; model scores are rescaled so that 0.5 is the model's threshold
    detail: str = ""
    version: str = ""

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.document_id, self.code_id, self.start, self.end)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A stored suggestion and its fate."""

    id: int
    document_id: int
    code_id: int
    start: int
    end: int
    source: str
    detail: str
    version: str
    score: float
    status: str  # pending, accepted, rejected
    coder_id: int | None
    created_at: datetime | None = None
    decided_at: datetime | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def uncertainty(self) -> float:
        """How unsure the model was: 1 at its threshold (score 0.5), 0 when sure; 0 for rules."""
        if self.source != "model":
            return 0.0
        return 1.0 - min(1.0, abs(self.score - 0.5) * 2)
