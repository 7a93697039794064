"""Source texts from other programs: decoding, normalisation and offset remapping.

Our stored text never has a BOM and uses LF line endings. Files inside ``.qdpx``
archives from Windows programs often have a UTF-8 BOM and CRLF line endings, and the
selection positions written next to them can be counted in different ways. A
*reading* names one way, as ``"<line breaks>"`` or ``"<line breaks>-utf16"``:

* line breaks ``"raw"``: on the file's text as decoded, where CRLF is two code points.
  This is what NVivo and MAXQDA exports need (QualCoder's importer pads every line
  break to two characters for them);
* line breaks ``"lf"``: as if every line break were one character. ATLAS.ti writes
  positions this way (QualCoder's importer special-cases it by the project's
  ``origin``);
* ``-utf16``: positions count UTF-16 code units instead of code points, so every
  character outside the Basic Multilingual Plane (emoji, some CJK) counts twice. The
  standard says code points; programs built on .NET or Java strings may count units.

A BOM is never counted: it marks the encoding and is not part of the text. On a text
without CRLF the two line-break readings are the same, and on a text without
characters outside the BMP the unit readings are the same.

``choose_reading`` starts from a prior (``"lf"`` when the project's origin names
ATLAS.ti, otherwise ``"raw"``; code points) and lets the selections overrule it when
they say so clearly, in this order:

1. the reading under which fewer selections are impossible (a boundary between CR and
   LF or inside a surrogate pair - no program selects half a character - or past the
   end of the text);
2. the reading under which more selections' names match the text (NVivo, QualCoder and
   the workbench name a selection after the start of its text);
3. the reading under which clearly fewer selection boundaries cut through a word
   (people select words, sentences and turns; a wrong reading shifts each boundary by
   the number of line breaks before it and mostly lands inside a word).

The importer reports which reading it used, and why.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "NormalisedText",
    "Choice",
    "decode_source",
    "normalise",
    "choose_mode",
    "choose_reading",
    "origin_prior",
    "readings",
]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A text with BOM removed and LF line endings, and how to map raw positions into it."""

    text: str
    raw_length: int  # length of the decoded text without the BOM, before CRLF -> LF
    had_bom: bool
    crlf: int  # CRLF pairs that became one LF
    removed: tuple[int, ...]  # raw indices of the CRs that were dropped (sorted)
    crlf_splits: frozenset[int]  # raw positions between a CR and its LF
    astral: tuple[int, ...] = ()  # indices in ``text`` of characters outside the BMP
    _units: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def changed(self) -> bool:
        return self.had_bom or self.crlf > 0

    def from_raw(self, position: int) -> int:
        """A raw position (CRLF = 2 code points) as a position in ``text``."""
        return position - bisect_left(self.removed, position)

    def _unit_starts(self, lines: str) -> tuple[int, ...]:
        """UTF-16 unit index of each astral character, in the raw or the LF text."""
        cached = self._units.get(lines)
        if cached is None:
            if lines == "raw" and self.crlf:
                cached = tuple(r + j for j, r in enumerate(_raw_astral(self)))
            else:
                cached = tuple(t + j for j, t in enumerate(self.astral))
            self._units[lines] = cached
        return cached

    def position(self, reading: str, position: int) -> int | None:
        """An exporter's position under ``reading`` as an index into ``text``.

        None when the position is impossible under that reading: outside the text,
        between CR and LF, or inside a surrogate pair.
        """
        lines, _, units = reading.partition("-")
        if units == "utf16" and self.astral:
            starts = self._unit_starts(lines)
            before = bisect_left(starts, position)
            if before and starts[before - 1] == position - 1:
                return None  # the low half of a surrogate pair
            position -= before
        if lines == "raw" and self.crlf:
            if not 0 <= position <= self.raw_length or position in self.crlf_splits:
                return None
            return self.from_raw(position)
        if not 0 <= position <= len(self.text):
            return None
        return position

    def span(self, reading: str, start: int, end: int) -> tuple[int, int] | None:
        """A selection ``[start, end)`` under ``reading`` in ``text``, or None."""
        s, e = self.position(reading, start), self.position(reading, end)
        if s is None or e is None or s >= e:
            return None
        return s, e


def _raw_astral(norm: NormalisedText) -> list[int]:
    """The raw index (CRLF kept) of each character outside the BMP."""
    out = []
    k = 0  # CRs dropped before the current text index
    removed = norm.removed
    for t in norm.astral:
        # the CR at raw index removed[j] became the LF at text index removed[j] - j
        while k < len(removed) and removed[k] - k < t:
            k += 1
        out.append(t + k)
    return out


def normalise(raw: str) -> NormalisedText:
    had_bom = raw.startswith("\ufeff")
    if had_bom:
        raw = raw[1:]
    removed: list[int] = []
    start = 0
    while (i := raw.find("\r\n", start)) != -1:
        removed.append(i)
        start = i + 2
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    astral: tuple[int, ...] = ()
    if text and max(text) > "\uffff":
        astral = tuple(m.start() for m in _ASTRAL.finditer(text))
    return NormalisedText(
        text=text,
        raw_length=len(raw),
        had_bom=had_bom,
        crlf=len(removed),
        removed=tuple(removed),
        crlf_splits=frozenset(i + 1 for i in removed),
        astral=astral,
    )


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode a source file's bytes; returns (text, encoding label). Raises UnicodeError.

    QDA-XML requires UTF-8. UTF-16/32 with a BOM, UTF-16 without a BOM (recognised by
    its zero bytes) and, failing UTF-8, Windows-1252 are accepted best effort (the
    caller reports it). The BOM stays in the text (see ``normalise``).
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF8):
            return "\ufeff" + data.decode(codec), codec.upper()
    bare = _bare_utf16(data)
    if bare is not None:
        try:
            return data.decode(bare), "UTF-16 without a BOM"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "Windows-1252"


def _bare_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes look like mostly-ASCII UTF-16 without a BOM."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


# -- choosing a reading ---------------------------------------------------------------


def origin_prior(origin: str) -> str:
    """The reading to assume for a project from ``origin`` when the positions don't tell."""
    return "lf" if "atlas" in origin.lower() else "raw"


def readings(norm: NormalisedText) -> list[str]:
    """The readings that differ on this text (one when it has neither CRLF nor emoji)."""
    lines = ["raw", "lf"] if norm.crlf else ["lf"]
    units = ["", "-utf16"] if norm.astral else [""]
    return [line + unit for line in lines for unit in units]


def equivalent(norm: NormalisedText, reading: str) -> str:
    """``reading`` reduced to the dimensions that matter on this text."""
    lines, _, units = reading.partition("-")
    if not norm.crlf:
        lines = "lf"
    if not norm.astral:
        units = ""
    return lines + ("-" + units if units else "")


@dataclass(frozen=True, slots=True)
class Choice:
    reading: str
    reason: str | None  # None: the prior, the selections did not say otherwise

    @property
    def decisive(self) -> bool:
        return self.reason is not None


def _cuts_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()


def _squash(value: str) -> str:
    return " ".join(value.split()).casefold()


def _hint(name: str) -> str:
    hint = _squash(_ELLIPSIS.sub("", name))
    return hint[:40] if len(hint) >= 4 else ""


def choose_reading(
    norm: NormalisedText,
    spans: Sequence[tuple[int, int]],
    prior: str,
    names: Sequence[str] = (),
) -> Choice:
    """The reading for this text's selection positions; see the module docstring."""
    options = readings(norm)
    prior = equivalent(norm, prior)
    if len(options) == 1 or not spans:
        return Choice(prior, None)
    mapped = {r: [norm.span(r, s, e) for s, e in spans] for r in options}

    # 1. impossible positions
    invalid = {r: sum(1 for m in mapped[r] if m is None) for r in options}
    least = min(invalid.values())
    alive = [r for r in options if invalid[r] == least]
    why = "only this reading fits the positions" if len(alive) < len(options) else None
    if len(alive) == 1:
        return Choice(alive[0], why)
    prior_out = why if prior not in alive else None  # why the prior was ruled out

    # 2. selection names that quote the text
    hints = [_hint(n) for n in names] if names else []
    if any(hints):

        def quoted(r: str) -> int:
            hits = 0
            for m, hint in zip(mapped[r], hints, strict=False):
                if (
                    m is not None
                    and hint
                    and _squash(norm.text[m[0] : m[0] + 200]).startswith(hint)
                ):
                    hits += 1
            return hits

        score = {r: quoted(r) for r in alive}
        best = max(score.values())
        if best and list(score.values()).count(best) < len(alive):
            why = "the selections' names quote the text this way"
            if prior in alive and score[prior] < best:
                prior_out = why
            alive = [r for r in alive if score[r] == best]
            if len(alive) == 1:
                return Choice(alive[0], why)

    # 3. word boundaries
    def cuts(r: str) -> int:
        return sum(
            _cuts_word(norm.text, m[0]) + _cuts_word(norm.text, m[1])
            for m in mapped[r]
            if m is not None
        )

    cut = {r: cuts(r) for r in alive}
    base = prior if prior in alive else min(alive, key=lambda r: (cut[r], options.index(r)))
    fewest = min(cut.values())
    best_others = [r for r in alive if cut[r] == fewest and r != base]
    if best_others and (
        (fewest == 0 and cut[base] >= 1) or (cut[base] - fewest >= 2 and 2 * fewest < cut[base])
    ):
        return Choice(best_others[0], "selections then start and end at word boundaries")
    if base != prior:
        return Choice(base, prior_out or why)
    return Choice(base, None)


def choose_mode(norm: NormalisedText, spans: Sequence[tuple[int, int]], origin: str) -> str:
    """How to read positions on a text that had CRLF line endings: "raw" or "lf"."""
    if norm.crlf == 0 or not spans:
        return "lf"
    return choose_reading(norm, spans, origin_prior(origin)).reading.partition("-")[0]
