"""Seeded synthetic research projects: transcripts, a codebook and coders who disagree on cue.

``generate(CorpusSpec(...))`` builds, from one seed:

- ``transcripts`` of about ``words`` words each, alternating ``Interviewer:`` and a
  participant label (``P001:`` ...), made of sentences drawn from a Zipf-weighted
  vocabulary (pseudo-words plus a few dozen words of the domain, which the codebook's
  keywords use). Sentences end in ``.`` or ``?`` and avoid every abbreviation core's
  sentence rule knows, so ``sentence_spans(text, turns)`` finds exactly the generated
  sentences;
- a codebook of ``codes`` codes (themes with sub-codes, keywords, definitions);
- a "truth" of ``codings`` codings per transcript (1-3 whole sentences, one code each);
- ``coders`` coders, each with exactly ``codings`` codings per transcript, of which
  ``round(agreement * codings)`` are copies of truth codings. The rest are
  disagreements of three kinds, chosen evenly: the boundary moved by a sentence, a
  different code on the same passage, or the truth coding missed and a stray coding
  added elsewhere. A disagreement never equals a truth coding, so the share of a
  coder's codings found in the truth is the requested ``agreement`` (up to rounding).

Codings are numpy arrays (``CODING_FIELDS`` columns), never a million Python objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn

#: Columns of a codings array: transcript index, code index, coder index, start, end.
CODING_FIELDS = ("doc", "code", "coder", "start", "end")
IntArray = npt.NDArray[np.int64]

DOMAIN_WORDS = (
    "meeting meetings sponsor group steps recovery program script readings sharing "
    "service fellowship clean time relapse home family work friends fear trust shame "
    "anger hope power higher disease addiction treatment judgement gossip pressure "
    "cage safe world society together alone church doctor support members room coffee "
    "chair story stories prayer spiritual honest morning evening weekend year months"
).split()
# Sentence ends core's rule would not split at (workbench.core.services.sentences._ABBREV).
_NO_SENTENCE_END = {
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "eg", "ie", "no", "approx",
    "ca", "cf", "jr", "sr", "mt",
}  # fmt: skip
_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fl gr pl st tr sh ch th".split()
_VOWELS = "a e i o u ai ea oo ou ie".split()
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "rk"]


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    transcripts: int = 10
    words: int = 10_000  # per transcript, about
    codes: int = 50
    coders: int = 3
    agreement: float = 0.8  # share of each coder's codings that equal a truth coding
    codings: int = 100  # per coder and transcript (and truth codings per transcript)
    vocabulary: int = 4_000
    seed: int = 20240601

    @property
    def total_codings(self) -> int:
        return self.transcripts * self.coders * self.codings


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    text: str
    turns: tuple[Turn, ...]
    sentences: IntArray  # (n, 2) start/end of every generated sentence
    words: int

    def parsed(self) -> ParsedDocument:
        """As the importers would return it (for building projects without files)."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        return ParsedDocument(self.name, self.text, self.turns, "txt", digest, f"{self.name}.txt")


@dataclass
class Corpus:
    spec: CorpusSpec
    vocabulary: tuple[str, ...]
    codebook: CodebookSpec
    transcripts: list[Transcript]
    truth: IntArray  # (n, 5) CODING_FIELDS, coder column = -1
    codings: IntArray  # (n, 5) CODING_FIELDS, one row per coder coding
    coder_names: tuple[str, ...] = field(default=())

    @property
    def raw_bytes(self) -> int:
        """UTF-8 bytes of all transcript texts."""
        return sum(len(t.text.encode("utf-8")) for t in self.transcripts)

    @property
    def words(self) -> int:
        return sum(t.words for t in self.transcripts)

    def observed_agreement(self) -> float:
        """Share of coder codings that equal a truth coding (same transcript, code, span)."""
        truth = {tuple(r) for r in self.truth[:, [0, 1, 3, 4]].tolist()}
        hits = sum(tuple(r) in truth for r in self.codings[:, [0, 1, 3, 4]].tolist())
        return hits / len(self.codings) if len(self.codings) else 1.0

    def write_txt(self, folder: Path) -> list[Path]:
        """Write every transcript as ``<name>.txt`` (UTF-8); returns the paths."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for t in self.transcripts:
            path = folder / f"{t.name}.txt"
            path.write_text(t.text, encoding="utf-8")
            paths.append(path)
        return paths


# -- vocabulary and codebook ---------------------------------------------------------


def make_vocabulary(size: int, rng: np.random.Generator) -> tuple[str, ...]:
    """Pseudo-words (2+ letters, never an abbreviation) with domain words spread through."""
    words: list[str] = []
    seen = set(DOMAIN_WORDS) | _NO_SENTENCE_END
    while len(words) < max(size - len(DOMAIN_WORDS), 0):
        n = int(rng.choice(3, p=(0.5, 0.35, 0.15))) + 1
        word = "".join(
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(n)
        )
        if len(word) >= 2 and word not in seen:
            seen.add(word)
            words.append(word)
    words.sort(key=len)  # short words are the common ones, as in real speech
    # domain words at mid ranks: common enough to be found, not as common as "the"
    for i, w in enumerate(DOMAIN_WORDS):
        words.insert(min(len(words), 40 + i * 7), w)
    return tuple(words[:size])


def make_codebook(n_codes: int, rng: np.random.Generator, vocab: tuple[str, ...]) -> CodebookSpec:
    """Themes of up to nine sub-codes each; every code has keywords and a definition."""
    codes: list[CodeSpec] = []
    theme: str | None = None
    for i in range(n_codes):
        is_theme = i % 10 == 0
        words = [vocab[int(j)] for j in rng.integers(0, min(len(vocab), 600), 2)]
        name = f"{' '.join(words).capitalize()} {i + 1}"
        keywords = tuple(
            sorted({DOMAIN_WORDS[int(j)] for j in rng.integers(0, len(DOMAIN_WORDS), 3)})
        )
        key = f"code-{i + 1:04d}"
        codes.append(
            CodeSpec(
                key=key,
                name=name,
                parent=None if is_theme else theme,
                definition=f"Passages where the participant talks about {' and '.join(keywords)}.",
                keywords=keywords,
            )
        )
        if is_theme:
            theme = key
    return CodebookSpec(name="synthetic", codes=tuple(codes))


# -- transcripts -----------------------------------------------------------------------


def make_transcript(
    index: int,
    n_words: int,
    rng: np.random.Generator,
    vocab: tuple[str, ...],
    weights: npt.NDArray[np.float64],
) -> Transcript:
    participant = f"P{index + 1:03d}"
    lengths: list[int] = []
    total = 0
    while total < n_words:
        n = int(rng.integers(6, 21))
        lengths.append(n)
        total += n
    word_ids = rng.choice(len(vocab), size=total, p=weights)
    ends = rng.random(len(lengths)) < 0.15  # questions
    parts: list[str] = []
    sentences: list[tuple[int, int]] = []
    turns: list[Turn] = []
    pos = 0
    s = 0
    t = 0
    w = 0
    while s < len(lengths):
        speaker = "Interviewer" if t % 2 == 0 else participant
        n_sent = int(rng.integers(1, 3)) if t % 2 == 0 else int(rng.integers(2, 9))
        label = f"{'' if t == 0 else chr(10) * 2}{speaker}: "
        parts.append(label)
        pos += len(label)
        start = pos
        for k in range(min(n_sent, len(lengths) - s)):
            n = lengths[s]
            words = [vocab[i] for i in word_ids[w : w + n]]
            w += n
            sentence = " ".join(words).capitalize() + ("?" if ends[s] else ".")
            if k:
                parts.append(" ")
                pos += 1
            sentences.append((pos, pos + len(sentence)))
            parts.append(sentence)
            pos += len(sentence)
            s += 1
        turns.append(Turn(start, pos, speaker))
        t += 1
    text = "".join(parts)
    return Transcript(
        name=f"interview-{index + 1:03d}",
        text=text,
        turns=tuple(turns),
        sentences=np.asarray(sentences, dtype=np.int64),
        words=total,
    )


# -- codings ----------------------------------------------------------------------------


def _truth_for(
    n_sent: int, spec: CorpusSpec, rng: np.random.Generator, code_p: npt.NDArray[np.float64]
) -> list[tuple[int, int, int]]:
    """``spec.codings`` unique (code, first sentence, last sentence) triples."""
    if spec.codings > spec.codes * n_sent:
        raise ValueError("more codings asked for than the transcript has room for")
    out: dict[tuple[int, int, int], None] = {}
    while len(out) < spec.codings:
        n = 2 * (spec.codings - len(out)) + 8
        firsts = rng.integers(0, n_sent, n)
        lasts = np.minimum(n_sent - 1, firsts + rng.integers(0, 3, n))
        codes = rng.choice(spec.codes, size=n, p=code_p)
        for triple in zip(codes.tolist(), firsts.tolist(), lasts.tolist(), strict=True):
            out[triple] = None
            if len(out) == spec.codings:
                break
    return list(out)


def _disagree(
    kind: int,
    truth: tuple[int, int, int],
    n_sent: int,
    n_codes: int,
    taken: set[tuple[int, int, int]],
    rng: np.random.Generator,
) -> tuple[int, int, int]:
    """A coding unlike ``truth`` and unlike every truth coding in ``taken``."""
    code, first, last = truth
    for _ in range(100):
        if kind == 0:  # boundary moved by one sentence (grow or shrink, either end)
            end_side = bool(rng.integers(0, 2))
            step = 1 if rng.integers(0, 2) else -1
            a, b = (first, last + step) if end_side else (first + step, last)
            if not (0 <= a <= b < n_sent):
                a, b = (first, last + 1) if last + 1 < n_sent else (first - 1, last)
            cand = (code, max(a, 0), b)
        elif kind == 1:  # another code on the same passage
            cand = (int((code + rng.integers(1, n_codes)) % n_codes), first, last)
        else:  # missed; a stray coding elsewhere instead
            a = int(rng.integers(0, n_sent))
            cand = (int(rng.integers(0, n_codes)), a, min(n_sent - 1, a + int(rng.integers(0, 3))))
        if cand not in taken and cand != truth:
            return cand
        kind = 2  # fall back to a random stray coding
    raise RuntimeError("could not place a disagreeing coding; the transcript is too short")


def make_codings(
    spec: CorpusSpec, transcripts: list[Transcript], rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    if spec.codes < 2:
        raise ValueError("controlled disagreement needs at least two codes")
    ranks = np.arange(1, spec.codes + 1, dtype=np.float64)
    code_p = (1 / ranks) / (1 / ranks).sum()  # a few codes are used a lot, most rarely
    n_off = round((1 - spec.agreement) * spec.codings)
    truth_rows: list[list[int]] = []
    coder_rows: list[list[int]] = []
    for d, tr in enumerate(transcripts):
        sent = tr.sentences
        n_sent = len(sent)
        truth = _truth_for(n_sent, spec, rng, code_p)
        taken = set(truth)
        for code, first, last in truth:
            truth_rows.append([d, code, -1, int(sent[first, 0]), int(sent[last, 1])])
        for coder in range(spec.coders):
            off = set(rng.choice(spec.codings, size=n_off, replace=False).tolist())
            for i, tc in enumerate(truth):
                code, first, last = (
                    _disagree(i % 3, tc, n_sent, spec.codes, taken, rng) if i in off else tc
                )
                coder_rows.append([d, code, coder, int(sent[first, 0]), int(sent[last, 1])])
    return (
        np.asarray(truth_rows, dtype=np.int64).reshape(-1, 5),
        np.asarray(coder_rows, dtype=np.int64).reshape(-1, 5),
    )


def generate(spec: CorpusSpec) -> Corpus:
    """The whole corpus for ``spec``; the same spec always gives the same corpus."""
    if not 0.0 <= spec.agreement <= 1.0:
        raise ValueError("agreement is a share between 0 and 1")
    rng = np.random.default_rng(spec.seed)
    vocab = make_vocabulary(spec.vocabulary, rng)
    ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
    weights = (1 / ranks**1.05) / (1 / ranks**1.05).sum()
    codebook = make_codebook(spec.codes, rng, vocab)
    transcripts = [
        make_transcript(i, spec.words, rng, vocab, weights) for i in range(spec.transcripts)
    ]
    for tr in transcripts:
        if len(tr.sentences) < 4:
            raise ValueError("transcripts need at least four sentences; ask for more words")
    truth, codings = make_codings(spec, transcripts, rng)
    coders = tuple(f"coder-{i + 1:02d}" for i in range(spec.coders))
    return Corpus(spec, vocab, codebook, transcripts, truth, codings, coders)


def iter_batches(codings: IntArray, size: int) -> Iterator[IntArray]:
    for i in range(0, len(codings), size):
        yield codings[i : i + size]


def make_segments(n: int, seed: int = 20240601, vocabulary: int = 4_000) -> list[str]:
    """``n`` standalone sentences (coded passages) from the same vocabulary, for search."""
    rng = np.random.default_rng(seed)
    vocab = make_vocabulary(vocabulary, rng)
    ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
    weights = (1 / ranks**1.05) / (1 / ranks**1.05).sum()
    lengths = rng.integers(6, 21, n)
    words = rng.choice(len(vocab), size=int(lengths.sum()), p=weights).tolist()
    out: list[str] = []
    pos = 0
    for length in lengths.tolist():
        out.append(" ".join([vocab[i] for i in words[pos : pos + length]]).capitalize() + ".")
        pos += length
    return out
