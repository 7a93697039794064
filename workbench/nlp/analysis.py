"""Documents as sentence units: lemmas, speaker role and keyword matches, ready for suggesters.

Sentences are core's ``sentence_spans(text, turns)`` (the unit the agreement
engine and the TUI use). spaCy is only touched inside functions.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.core.model import Code, Turn
from workbench.nlp.keywords import is_backchannel

if TYPE_CHECKING:
    from workbench.nlp.components import CodeSuggester, KeywordHit

_INTERVIEWER = {
    "i", "int", "iv", "q", "interviewer", "interviewer 1", "interviewer 2", "moderator",
    "facilitator", "researcher", "interviewer a", "interviewer b",
}  # fmt: skip


def speaker_role(speaker: str | None) -> str:
    """``interviewer``, ``participant`` or ``unknown`` (no speaker label)."""
    if not speaker:
        return "unknown"
    low = re.sub(r"[^a-z0-9]+", " ", speaker.lower()).strip()
    if low in _INTERVIEWER or low.startswith(("interviewer", "moderator")):
        return "interviewer"
    return "participant"


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of a document."""

    index: int
    start: int
    end: int
    turn: int  # index into the document's turns, -1 outside any turn
    role: str  # interviewer, participant, unknown
    lemmas: tuple[str, ...]  # lower-case lemmas of the words (no punctuation or spaces)
    content: tuple[str, ...]  # the same without stop words
    keywords: tuple[str, ...] = ()  # keys of codes whose keywords or patterns matched

    @property
    def codable(self) -> bool:
        """Interviewer questions are not coded, so no suggester proposes them."""
        return self.role != "interviewer"

    @property
    def backchannel(self) -> bool:
        """A backchannel ("Yes.", "Okay, right."); see ``keywords.is_backchannel``."""
        return is_backchannel(len(self.lemmas), len(self.content))

    @property
    def suggestable(self) -> bool:
        """Codable and long enough to be understood on its own when quoted."""
        return self.codable and not self.backchannel


@dataclass(frozen=True)
class Analysis:
    """A parsed document: its sentence units, keyword hits and (optional) sentence vectors."""

    document_id: int
    name: str
    text: str
    units: tuple[Unit, ...]
    hits: tuple[KeywordHit, ...]
    vectors: Any = None  # numpy array (units x dims) when the pipeline has word vectors

    def excerpt(self, unit: Unit, width: int = 60) -> str:
        return excerpt(self.text[unit.start : unit.end], width)


def excerpt(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def codebook_fingerprint(
    codes: Sequence[Code],
) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((c.key, tuple(c.keywords), tuple(c.patterns)) for c in codes)


class _Spec:
    __slots__ = ("key", "keywords", "patterns")

    def __init__(self, key: str, keywords: tuple[str, ...], patterns: tuple[str, ...]) -> None:
        self.key, self.keywords, self.patterns = key, keywords, patterns


@functools.lru_cache(maxsize=4)
def _suggester(model: str | None, fingerprint: tuple[Any, ...]) -> CodeSuggester:
    from workbench.nlp.components import make_suggester
    from workbench.nlp.pipeline import get_nlp

    nlp = get_nlp(model)
    suggester = make_suggester(nlp, "workbench_suggester", threshold=0.0, skip_short=False)
    suggester.add_codes(_Spec(*f) for f in fingerprint)
    return suggester


def clear_caches() -> None:
    _suggester.cache_clear()


def keyword_suggester(codes: Sequence[Code], model: str | None = None) -> CodeSuggester:
    """The keyword suggester for a codebook (cached per codebook and pipeline).

    It reports every match (threshold 0, no minimum sentence length): the workflow
    scores them against the project's keyword stats (:mod:`workbench.nlp.keywords`).
    """
    return _suggester(model, codebook_fingerprint(codes))


def analyse(
    document_id: int,
    name: str,
    text: str,
    turns: Sequence[Turn],
    codes: Sequence[Code] = (),
    model: str | None = None,
    vectors: bool = False,
) -> Analysis:
    """Parse a document with the shared pipeline and describe each sentence."""
    from workbench.nlp.pipeline import SENTENCE_GROUP, SENTENCES_KEY, get_nlp, parse

    nlp = get_nlp(model)
    doc = parse(nlp, text, turns)
    spans = doc.user_data[SENTENCES_KEY]
    group = doc.spans[SENTENCE_GROUP]
    hits = keyword_suggester(codes, model).hits(doc) if codes else []
    by_sentence: dict[int, list[str]] = {}
    for h in hits:
        by_sentence.setdefault(h.sentence, []).append(h.code)
    starts = [t.start for t in turns]
    units = []
    for i, ((a, b), span) in enumerate(zip(spans, group, strict=True)):
        t = bisect.bisect_right(starts, a) - 1
        turn = t if t >= 0 and turns[t].start <= a < max(turns[t].end, turns[t].start + 1) else -1
        role = speaker_role(turns[turn].speaker) if turn >= 0 else "unknown"
        words = [tok for tok in span if not (tok.is_punct or tok.is_space)]
        lemmas = tuple(tok.lemma_ for tok in words)
        content = tuple(tok.lemma_ for tok in words if not tok.is_stop and tok.lemma_.isalnum())
        units.append(Unit(i, a, b, turn, role, lemmas, content, tuple(by_sentence.get(i, ()))))
    vecs = None
    if vectors and nlp.vocab.vectors.shape[0] > 0 and nlp.vocab.vectors.shape[1] > 0:
        import numpy

        vecs = numpy.array([s.vector for s in group], dtype="float32")
    return Analysis(document_id, name, text, tuple(units), tuple(hits), vecs)


def has_vectors(model: str | None) -> bool:
    from workbench.nlp.pipeline import get_nlp

    vectors = get_nlp(model).vocab.vectors
    return bool(vectors.shape[0] and vectors.shape[1])
