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


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _END.finditer(text, start, end):
        stop = m.end() if not m.group().startswith("\n") else m.start()
        if not m.group().startswith("\n"):
            before = _WORD_BEFORE.search(text, cur, m.start() + 1)
            word = before.group(1).lower().rstrip(".") if before else ""
            if m.group()[0] == "." and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
                continue
        spans.append((cur, stop))
        cur = m.end()
    spans.append((cur, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
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
