"""spaCy components of the workbench, registered with ``@Language.factory``.

- ``workbench_sentences``: sentence starts from core's ``sentence_spans`` (the unit
  shared with the agreement engine and the TUI), never spaCy's own sentencizer.
- ``workbench_lemma_case``: lower-case lemmas (and look capitalised words up again),
  so "Meetings" at the start of a sentence has the lemma "meeting".
- ``workbench_suggester``: the keyword suggester. A codebook keyword matches a word as
  written or by a lemma that keeps the word's stem (never "well" as "good"), token
  patterns go into a ``Matcher``; the rules of :mod:`workbench.nlp.keywords` decide
  which matches are evidence (no lone stop words, no backchannel sentences, keywords
  shared by several codes count less). A sentence whose evidence for a code reaches
  the threshold becomes a candidate, with the matches as its reason. The pyproject
  ``spacy_factories`` entry point names :func:`make_suggester`.

This module imports spaCy at the top: it is imported by :mod:`workbench.nlp.pipeline`
inside ``get_nlp`` (and by spaCy itself through the entry point), never at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy
import srsly
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from workbench.core.errors import CodebookError
from workbench.core.services.sentences import sentence_spans
from workbench.nlp.keywords import (
    MIN_SCORE,
    WEIGHT_KEYWORD,
    WEIGHT_PATTERN,
    WEIGHT_PHRASE,
    Evidence,
    KeywordStats,
    is_backchannel,
    is_plural_of,
    keeps_stem,
    score,
)
from workbench.nlp.pipeline import SENTENCE_GROUP, SENTENCES_KEY

__all__ = [
    "WEIGHT_KEYWORD", "WEIGHT_PATTERN", "WEIGHT_PHRASE", "CodeSuggester", "KeywordHit",
    "sentence_is_backchannel", "token_forms",
]  # fmt: skip

if not Doc.has_extension("workbench_keyword_hits"):
    Doc.set_extension("workbench_keyword_hits", default=None)


# -- sentences ----------------------------------------------------------------


@Language.component("workbench_sentences")
def set_sentences(doc: Doc) -> Doc:
    """Sentence starts from the spans in ``doc.user_data`` (else core's rule on the text).

    Text outside every sentence (speaker labels between turns) starts a sentence of
    its own, so ``doc.sents`` never glues a label to the sentence before it.
    ``doc.spans["workbench_sentences"]`` holds exactly one span per core sentence.
    """
    spans = doc.user_data.get(SENTENCES_KEY)
    if spans is None:
        spans = sentence_spans(doc.text)
    owner = [-1] * len(doc)
    kept: list[tuple[int, int]] = []
    group = []
    for a, b in spans:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        idx = len(kept)
        kept.append((a, b))
        group.append(span)
        for i in range(span.start, span.end):
            if owner[i] == -1:
                owner[i] = idx
    starts = {s.start for s in group}
    flags = numpy.full((len(doc), 1), -1, dtype="int64")  # -1: not a sentence start
    prev = -2
    for i, cur in enumerate(owner):
        if i == 0 or i in starts or (cur == -1 and prev != -1):
            flags[i, 0] = 1
        prev = cur
    if len(doc):
        doc.from_array([SENT_START], flags.astype("uint64"))  # type: ignore[arg-type]
    doc.user_data[SENTENCES_KEY] = kept
    doc.spans[SENTENCE_GROUP] = group
    return doc


# -- lemmas -------------------------------------------------------------------


class LemmaCase:
    """Lower-cases lemmas; capitalised words the lookup table missed are looked up again."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._table: Any = None
        self._table_checked = False

    def _lookup(self) -> Any:
        if not self._table_checked:
            self._table_checked = True
            if "lemmatizer" in self.nlp.pipe_names:
                lemmatizer = self.nlp.get_pipe("lemmatizer")
                lookups = getattr(lemmatizer, "lookups", None)
                if lookups is not None and lookups.has_table("lemma_lookup"):
                    self._table = lookups.get_table("lemma_lookup")
        return self._table

    def __call__(self, doc: Doc) -> Doc:
        table = self._lookup()
        for token in doc:
            lemma = token.lemma_ or token.lower_
            if table is not None and lemma == token.text and not token.is_lower:
                lemma = table.get(token.lower_, token.lower_)
            token.lemma_ = lemma.lower()
        return doc


@Language.factory("workbench_lemma_case")
def make_lemma_case(nlp: Language, name: str) -> LemmaCase:
    return LemmaCase(nlp)


# -- keyword suggester ----------------------------------------------------------


def token_forms(token: Token) -> tuple[str, ...]:
    """The forms a keyword may match: the word, and its lemma when it keeps the word's stem."""
    low = token.lower_
    lemma = token.lemma_
    if lemma and lemma != low and keeps_stem(low, lemma):
        return (low, lemma)
    return (low,)


def sentence_is_backchannel(tokens: Iterable[Token]) -> bool:
    """See :func:`workbench.nlp.keywords.is_backchannel` (words as in ``analysis.Unit``)."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    content = sum(1 for t in words if not t.is_stop and t.lemma_.isalnum())
    return is_backchannel(len(words), content)


class CodeLike(Protocol):
    key: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """A sentence that matched codebook keywords or patterns of one code."""

    sentence: int  # index into doc.spans["workbench_sentences"]
    start: int
    end: int
    code: str  # code key
    score: float
    matches: tuple[str, ...]  # 'keyword "meeting"', 'pattern "same stories"' (the reasons)
    evidence: tuple[Evidence, ...] = ()  # the matches, for rescoring against corpus stats

    @property
    def detail(self) -> str:
        return ", ".join(self.matches)


@dataclass(frozen=True, slots=True)
class _Keyword:
    code: str
    text: str
    forms: tuple[frozenset[str], ...]  # per word: the forms a token may have
    weight: float
    term: str


class CodeSuggester:
    """Finds sentences with a code's keywords (word or stem-keeping lemma) or token patterns.

    ``threshold`` is the combined score a (sentence, code) needs; ``skip_short`` leaves
    out backchannel sentences. ``threshold=0, skip_short=False`` gives every match
    (what :mod:`workbench.nlp.analysis` keeps, to rescore against corpus stats).
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "workbench_suggester",
        threshold: float = MIN_SCORE,
        skip_short: bool = True,
    ):
        self.nlp = nlp
        self.name = name
        self.threshold = threshold
        self.skip_short = skip_short
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.codes: list[dict[str, Any]] = []
        self._keywords: list[_Keyword] = []
        self._first: dict[str, list[int]] = {}  # a form of the first word -> keywords
        self._shared: dict[str, set[str]] = {}  # term -> codes listing it
        self._labels: dict[str, tuple[str, str, float]] = {}  # match id -> (code, label, weight)

    # codebook --------------------------------------------------------------
    def add_codes(self, codes: Iterable[CodeLike]) -> None:
        """Add the keywords and patterns of codes (objects with key/keywords/patterns)."""
        entries = [
            {"key": c.key, "keywords": list(c.keywords), "patterns": list(c.patterns)}
            for c in codes
        ]
        self._add(entries)

    def _add(self, entries: Sequence[dict[str, Any]]) -> None:
        keywords = sorted({k.strip() for e in entries for k in e["keywords"] if k.strip()})
        parsed = dict(zip(keywords, self._lemmatise(keywords), strict=True))
        for e in entries:
            self.codes.append(e)
            code = e["key"]
            for kw in dict.fromkeys(k.strip() for k in e["keywords"] if k.strip()):
                words = [t for t in parsed[kw] if not t.is_space]
                if not words:
                    continue
                forms = tuple(_keyword_forms(t) for t in words)
                term = "kw\x1f" + " ".join(t.lower_ for t in words)
                weight = WEIGHT_PHRASE if len(words) > 1 else WEIGHT_KEYWORD
                idx = len(self._keywords)
                self._keywords.append(_Keyword(code, kw, forms, weight, term))
                for form in forms[0]:
                    self._first.setdefault(form, []).append(idx)
                self._shared.setdefault(term, set()).add(code)
            for n, raw in enumerate(e["patterns"], start=1):
                pattern = _parse_pattern(code, raw)
                mid = f"{code}\x1fpat\x1f{n}"
                self._labels[mid] = (code, "pattern", WEIGHT_PATTERN)
                try:
                    self.matcher.add(mid, [pattern])
                except (ValueError, KeyError, TypeError) as err:
                    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err)
                    raise CodebookError(f"code {code!r}: bad token pattern {raw}: {first}") from err

    def _lemmatise(self, texts: Sequence[str]) -> list[Doc]:
        from workbench.nlp.pipeline import parse_many

        disabled = [n for n in self.nlp.pipe_names if n == self.name]
        with self.nlp.select_pipes(disable=disabled):
            return parse_many(self.nlp, texts)

    # matching ----------------------------------------------------------------
    def evidence(self, doc: Doc) -> dict[int, list[Evidence]]:
        """Every match that counts as evidence, by sentence (index into the sentence group).

        A one-word keyword on a stop word does not count; a match never crosses a
        sentence boundary.
        """
        if SENTENCE_GROUP not in doc.spans:
            raise ValueError("run the workbench_sentences component first")
        group = doc.spans[SENTENCE_GROUP]
        owner = [-1] * len(doc)
        for si, span in enumerate(group):
            for i in range(span.start, span.end):
                if owner[i] == -1:
                    owner[i] = si
        found: dict[int, list[Evidence]] = {}
        forms = [token_forms(t) for t in doc] if self._keywords else []
        for i, token in enumerate(doc):
            si = owner[i]
            if si == -1 or not forms:
                continue
            for k in dict.fromkeys(k for f in forms[i] for k in self._first.get(f, ())):
                kw = self._keywords[k]
                n = len(kw.forms)
                if n == 1 and token.is_stop:
                    continue  # "must", "should", "well": everywhere, evidence of nothing
                if i + n > len(doc) or owner[i + n - 1] != si:
                    continue
                if any(kw.forms[j].isdisjoint(forms[i + j]) for j in range(1, n)):
                    continue
                label = f'keyword "{kw.text}"'
                shared = len(self._shared[kw.term])
                found.setdefault(si, []).append(
                    Evidence(kw.term, kw.code, label, kw.weight, shared, i, i + n)
                )
        vocab = doc.vocab.strings
        for match_id, start, end in self.matcher(doc) if len(self.matcher) else ():
            si = owner[start]
            if si == -1 or owner[end - 1] != si:
                continue
            mid = vocab[match_id]
            code, _, weight = self._labels[mid]
            label = f'pattern "{doc[start:end].text}"'
            found.setdefault(si, []).append(
                Evidence("pat\x1f" + mid, code, label, weight, 1, start, end)
            )
        return found

    def hits(self, doc: Doc, stats: KeywordStats | None = None) -> list[KeywordHit]:
        """Sentences with enough evidence, one hit per (sentence, code), in document order."""
        found = self.evidence(doc)
        group = doc.spans[SENTENCE_GROUP]
        offsets = doc.user_data.get(SENTENCES_KEY) or [(s.start_char, s.end_char) for s in group]
        out = []
        for si in sorted(found):
            if self.skip_short and sentence_is_backchannel(group[si]):
                continue
            by_code: dict[str, list[Evidence]] = {}
            for e in found[si]:
                by_code.setdefault(e.code, []).append(e)
            for code in sorted(by_code):
                scored = score(by_code[code], stats)
                if scored.score < self.threshold:
                    continue
                a, b = offsets[si]
                reasons = scored.reasons or tuple(dict.fromkeys(e.label for e in by_code[code]))
                out.append(KeywordHit(si, a, b, code, scored.score, reasons, tuple(by_code[code])))
        return out

    def __call__(self, doc: Doc) -> Doc:
        doc._.workbench_keyword_hits = self.hits(doc)
        return doc

    # serialisation (so a saved pipeline keeps its codebook) ---------------------
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        cfg = {"threshold": self.threshold, "skip_short": self.skip_short, "codes": self.codes}
        return srsly.json_dumps(cfg).encode()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> CodeSuggester:
        cfg = srsly.json_loads(data)
        self.threshold = cfg.get("threshold", self.threshold)
        self.skip_short = cfg.get("skip_short", self.skip_short)
        self._add(cfg.get("codes", []))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "codes.json").write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> CodeSuggester:
        file = Path(path) / "codes.json"
        if file.exists():
            self.from_bytes(file.read_bytes())
        return self


@Language.factory(
    "workbench_suggester", default_config={"threshold": MIN_SCORE, "skip_short": True}
)
def make_suggester(
    nlp: Language, name: str, threshold: float, skip_short: bool = True
) -> CodeSuggester:
    return CodeSuggester(nlp, name=name, threshold=threshold, skip_short=skip_short)


def _keyword_forms(token: Token) -> frozenset[str]:
    """A keyword word matches itself; a plural keyword ("rules") its singular too."""
    low = token.lower_
    lemma = token.lemma_
    if lemma and lemma != low and is_plural_of(low, lemma):
        return frozenset((low, lemma))
    return frozenset((low,))


def _parse_pattern(code: str, raw: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        pattern = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as err:
        raise CodebookError(f"code {code!r}: token pattern is not JSON: {raw}") from err
    if (
        not isinstance(pattern, list)
        or not pattern
        or not all(isinstance(t, dict) for t in pattern)
    ):
        raise CodebookError(f"code {code!r}: a token pattern must be a list of token objects")
    return [{k.upper(): _lower_lemma(k, v) for k, v in t.items()} for t in pattern]


def _lower_lemma(key: str, value: Any) -> Any:
    """LEMMA values are compared with lower-cased lemmas (see workbench_lemma_case)."""
    if key.upper() != "LEMMA":
        return value
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, dict):
        return {
            op: [v.lower() if isinstance(v, str) else v for v in vals]
            if isinstance(vals, list)
            else vals
            for op, vals in value.items()
        }
    return value
