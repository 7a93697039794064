"""Source texts from other programs: decoding, normalisation and offset remapping.

Our stored text never has a BOM and uses LF line endings. Files inside ``.qdpx``
archives from Windows programs often have a UTF-8 BOM and CRLF line endings, and the
selection positions written next to them were counted one of two ways:

* ``"raw"``: on the file's text as decoded, where CRLF is two code points. This is
  what NVivo and MAXQDA exports need (QualCoder's importer pads every line break to
  two characters for them);
* ``"lf"``: as if every line break were one character. ATLAS.ti writes positions this
  way (QualCoder's importer special-cases it by the project's ``origin``).

A BOM is never counted: it marks the encoding and is not part of the text.

``choose_mode`` picks the reading: ``"lf"`` when the project's origin names ATLAS.ti,
otherwise ``"raw"``; then the evidence overrides that prior when it is unambiguous (a
raw reading that puts a selection boundary between CR and LF - no program selects
half a line break - or an LF reading that runs past the end of the text). The
importer reports which reading it used.
"""

from __future__ import annotations

import codecs
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["NormalisedText", "decode_source", "normalise", "choose_mode"]


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A text with BOM removed and LF line endings, and how to map raw positions into it."""

    text: str
    raw_length: int  # length of the decoded text without the BOM, before CRLF -> LF
    had_bom: bool
    crlf: int  # CRLF pairs that became one LF
    removed: tuple[int, ...]  # raw indices of the CRs that were dropped (sorted)
    crlf_splits: frozenset[int]  # raw positions between a CR and its LF

    @property
    def changed(self) -> bool:
        return self.had_bom or self.crlf > 0

    def from_raw(self, position: int) -> int:
        """A raw position (CRLF = 2 code points) as a position in ``text``."""
        return position - bisect_left(self.removed, position)


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
    return NormalisedText(
        text=text,
        raw_length=len(raw),
        had_bom=had_bom,
        crlf=len(removed),
        removed=tuple(removed),
        crlf_splits=frozenset(i + 1 for i in removed),
    )


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode a source file's bytes; returns (text, encoding label). Raises UnicodeError.

    QDA-XML requires UTF-8. UTF-16/32 with a BOM and, failing UTF-8, Windows-1252 are
    accepted best effort (the caller reports it). The BOM stays in the text (see
    ``normalise``).
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF8):
            return "\ufeff" + data.decode(codec), codec.upper()
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "Windows-1252"


def choose_mode(norm: NormalisedText, spans: Iterable[tuple[int, int]], origin: str) -> str:
    """How to read positions on a text that had CRLF line endings: "raw" or "lf"."""
    spans = list(spans)
    if norm.crlf == 0 or not spans:
        return "lf"
    prior = "lf" if "atlas" in origin.lower() else "raw"
    raw_splits = any(s in norm.crlf_splits or e in norm.crlf_splits for s, e in spans)
    lf_fits = all(0 <= s < e <= len(norm.text) for s, e in spans)
    raw_fits = all(0 <= s < e <= norm.raw_length for s, e in spans)
    if prior == "raw" and raw_splits and lf_fits:
        return "lf"
    if prior == "lf" and not lf_fits and raw_fits and not raw_splits:
        return "raw"
    return prior
