"""Sentence and turn units: one definition shared by the TUI, agreement and suggestions.

Rule based (like spaCy's sentencizer) so it is instant and identical
everywhere: a sentence ends at . ! ? or … followed by whitespace (closing
quotes/brackets included), or at a paragraph break; it never crosses a speaker
turn. Abbreviations such as "Dr." and "e.g." do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.core.model import Turn

_ABBREV = {
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "eg", "ie", "no", "approx",
    "ca", "cf", "jr", "sr", "mt",
}  # fmt: skip
_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s)|\n\s*\n""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


# The word before a full stop is looked for this far back at most. A sentence-ending
# "." is the first dot of its run, so the word before it ends in exactly one dot; a
# word longer than this is never an abbreviation (the longest is 6 letters) nor a single
# letter, so looking further back cannot change the decision (it only costs time: the
# search would otherwise rescan the whole sentence at every full stop).
_LOOKBACK = 16


def _keep(out: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    """Append ``(a, b)`` without surrounding whitespace (``str.strip`` and
    ``str.isspace`` agree on what whitespace is), unless nothing is left."""
    piece = text[a:b]
    kept = piece.strip()
    if kept:
        a += len(piece) - len(piece.lstrip())
        out.append((a, a + len(kept)))


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cur = start
    for m in _END.finditer(text, start, end):
        at = m.start()
        first = text[at]
        if first == "\n":  # a paragraph break ends the sentence before it
            stop = at
        else:
            stop = m.end()
            if first == ".":
                before = _WORD_BEFORE.search(text, max(cur, at - _LOOKBACK), at + 1)
                word = before.group(1).lower().rstrip(".") if before else ""
                if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                    continue
        _keep(out, text, cur, stop)
        cur = m.end()
    _keep(out, text, cur, end)
    return out


def sentence_spans(text: str, turns: Sequence[Turn] = ()) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in document order; within turns when turns are given."""
    if not turns:
        return _split_block(text, 0, len(text))
    out: list[tuple[int, int]] = []
    for t in turns:
        out.extend(_split_block(text, t.start, t.end))
    return out


def turn_spans(text: str, turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """Turn spans, trimmed of surrounding whitespace; the whole text when there are no turns."""
    if not turns:
        return [(0, len(text))] if text.strip() else []
    return [(t.start, t.end) for t in turns if t.end > t.start]


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word spans (for extending a selection word by word)."""
    return [
        (m.start(), m.end())
        for m in re.finditer(r"\S+", text[: end if end is not None else len(text)])
        if m.start() >= start
    ]  # noqa: E501
