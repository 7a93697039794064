"""What a keyword match is worth: the rules that keep keyword suggestions few and honest.

Pure Python (no spaCy): the matching itself is in :mod:`workbench.nlp.components`.

A codebook keyword or token pattern suggests its code for a sentence only when the
match is evidence:

- **The word, not a swapped word.** A keyword matches the word as written or a lemma
  that keeps the word's stem (relapsed -> relapse, meetings -> meeting, children ->
  child, left -> leave), never a lookup that replaces the word (well -> good,
  better -> well, worse -> wrong, went -> go, first -> 1): :func:`keeps_stem`.
- **Not a stop word.** A one-word keyword that is a stop word ("must", "should",
  "always") never fires on its own: such words are in every other sentence.
  Phrases ("not for me") are judged by how common they are, like any keyword.
- **Not a backchannel.** Sentences of fewer than :data:`MIN_WORDS` words or with
  nothing but stop words ("Yes.", "Well.", "Okay.", "Mm-hm, right.", "It was.") get
  no suggestion from any source: they cannot be understood on their own when quoted.
- **Specific to the corpus.** A keyword found in many of the project's sentences says
  little about any one of them ("Where do I start." is not about a new start): full
  weight up to :data:`SPECIFIC_RATE` of the sentences, none from :data:`COMMON_RATE`
  on, in between falling with the log of the rate (:func:`specificity`). Rates need
  text: below :data:`MIN_SENTENCES` sentences they are computed as if there were that
  many, so a small project does not call its own topic common.
- **Specific to the code.** A keyword listed under several codes is evidence for
  each of them only in part (its weight is divided by the number of codes).

The weights of a sentence's matches combine like independent pieces of evidence
(noisy-or); the sentence is suggested for the code when the result reaches
:data:`MIN_SCORE`. Each suggestion's reason names the matches and any discount.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Base weight of one distinct match (before discounts).
WEIGHT_KEYWORD = 0.35  # one word
WEIGHT_PHRASE = 0.5  # a keyword of several words
WEIGHT_PATTERN = 0.6  # a token pattern the codebook author wrote
MIN_SCORE = 0.3  # a sentence is suggested for a code from this combined score on

MIN_WORDS = 3  # a sentence of fewer words is a backchannel ("Yes.", "Okay, right.")
MIN_CONTENT_WORDS = 1  # ... and so is one with nothing but stop words ("It was.")
SPECIFIC_RATE = 0.005  # in at most 1 of 200 sentences: full weight
COMMON_RATE = 0.04  # in 1 of 25 sentences or more: no weight
MIN_SENTENCES = 1000  # rates of smaller corpora are computed as if they had this many


def keeps_stem(word: str, lemma: str) -> bool:
    """True when ``lemma`` is an inflection of ``word``: same start, only the ending differs.

    The shared beginning must cover all but the last three letters of the shorter of
    the two (relapsed/relapse, children/child, studies/study, felt/feel, left/leave,
    understood/understand), so suppletive lookups (well/good, better/well,
    worse/wrong, went/go, was/be, first/1) do not count.
    """
    if word == lemma:
        return True
    common = 0
    for a, b in zip(word, lemma, strict=False):
        if a != b:
            break
        common += 1
    return common >= 1 and common >= min(len(word), len(lemma)) - 3


def is_backchannel(words: int, content_words: int) -> bool:
    """Too short to be quoted on its own: fewer than MIN_WORDS words, or only stop words."""
    return words < MIN_WORDS or content_words < MIN_CONTENT_WORDS


def is_plural_of(word: str, lemma: str) -> bool:
    """``word`` is the regular plural of ``lemma`` (rules/rule, classes/class, parties/party)."""
    return word in (lemma + "s", lemma + "es") or (
        lemma.endswith("y") and word == lemma[:-1] + "ies"
    )


def specificity(rate: float) -> float:
    """1 for a rare keyword (<= SPECIFIC_RATE of sentences), 0 for a common one (>= COMMON_RATE)."""
    if rate <= SPECIFIC_RATE:
        return 1.0
    if rate >= COMMON_RATE:
        return 0.0
    return math.log(COMMON_RATE / rate) / math.log(COMMON_RATE / SPECIFIC_RATE)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One keyword or token pattern of a code, matched in one sentence."""

    term: str  # what was matched, the same for every code that lists it (counts, sharing)
    code: str  # code key
    label: str  # 'keyword "meeting"', 'pattern "made amends"'
    weight: float  # base weight (WEIGHT_KEYWORD, WEIGHT_PHRASE, WEIGHT_PATTERN)
    codes: int = 1  # how many codes list this keyword
    start: int = 0  # the matched tokens (document token offsets)
    end: int = 0


@dataclass(frozen=True)
class KeywordStats:
    """How many of the project's (codable) sentences each term matched."""

    sentences: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    def rate(self, term: str) -> float:
        return self.counts.get(term, 0) / max(self.sentences, MIN_SENTENCES)

    @classmethod
    def merge(cls, parts: Iterable[KeywordStats]) -> KeywordStats:
        sentences = 0
        counts: dict[str, int] = {}
        for p in parts:
            sentences += p.sentences
            for term, n in p.counts.items():
                counts[term] = counts.get(term, 0) + n
        return cls(sentences, counts)

    @classmethod
    def count(cls, sentences: Iterable[Iterable[Evidence]]) -> KeywordStats:
        """Stats of sentences given as the evidence found in each."""
        total = 0
        counts: dict[str, int] = {}
        for found in sentences:
            total += 1
            for term in {e.term for e in found}:
                counts[term] = counts.get(term, 0) + 1
        return cls(total, counts)


@dataclass(frozen=True, slots=True)
class Scored:
    """The combined keyword evidence for one code in one sentence."""

    score: float
    reasons: tuple[str, ...]

    @property
    def detail(self) -> str:
        return ", ".join(self.reasons)


def weigh(e: Evidence, stats: KeywordStats | None = None) -> tuple[float, str]:
    """The weight of one match after the discounts, and its reason."""
    weight = e.weight / max(e.codes, 1)
    notes = []
    if e.codes > 1:
        notes.append(f"also under {e.codes - 1} other code{'s' if e.codes > 2 else ''}")
    if stats is not None:
        rate = stats.rate(e.term)
        spec = specificity(rate)
        weight *= spec
        if spec < 1.0:
            n = stats.counts.get(e.term, 0)
            notes.append(f"common: in {n:,} of {stats.sentences:,} sentences")
    return weight, e.label + (f" ({'; '.join(notes)})" if notes else "")


def score(evidence: Sequence[Evidence], stats: KeywordStats | None = None) -> Scored:
    """Noisy-or of the discounted weights of one code's matches in one sentence.

    The same words count once: of matches that overlap (the keyword "relapse" and a
    pattern on "relapsed"), and of repeats of one match, the strongest is kept.
    Reasons come strongest first; matches discounted to nothing give none.
    """
    weighed = sorted(
        ((*weigh(e, stats), e) for e in evidence), key=lambda x: (-x[0], x[2].start, x[2].label)
    )
    kept: list[tuple[float, str]] = []
    spans: list[tuple[int, int]] = []
    labels: set[str] = set()
    for w, reason, e in weighed:
        if e.label in labels or any(e.start < b and a < e.end for a, b in spans):
            continue
        labels.add(e.label)
        spans.append((e.start, e.end))
        kept.append((w, reason))
    miss = 1.0
    for w, _ in kept:
        miss *= 1.0 - w
    return Scored(round(1.0 - miss, 4), tuple(r for w, r in kept if w > 0))
