"""Cursor and selection over a document's characters: pure Python, no Textual.

Offsets are 0-based code points into the stored text (the same offsets codings
use). The cursor sits *before* the character at its offset; a selection is the
half-open span between the anchor and the cursor. Sentences and turns come from
``workbench.core.services.sentences`` so ``s`` selects exactly the unit agreement
is computed on.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.model import Turn
from workbench.core.services.sentences import sentence_spans, turn_spans, word_spans

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Caret:
    """The cursor and, when a selection is being made, its anchor."""

    cursor: int = 0
    anchor: int | None = None

    @property
    def selection(self) -> Span | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return (min(self.anchor, self.cursor), max(self.anchor, self.cursor))

    @property
    def point(self) -> int:
        """The character the cursor stands for: the last selected one when it closes a selection."""
        sel = self.selection
        if sel is not None and self.cursor == sel[1]:
            return sel[1] - 1
        return self.cursor

    def moved(self, offset: int, *, extend: bool = False) -> Caret:
        if extend:
            return Caret(offset, self.cursor if self.anchor is None else self.anchor)
        return Caret(offset, None)

    def spanning(self, start: int, end: int, *, cursor_at_start: bool = True) -> Caret:
        """Select ``start..end``; the cursor goes to the start (so it stays on the passage)."""
        if end <= start:
            return Caret(start, None)
        return Caret(start, end) if cursor_at_start else Caret(end, start)

    def with_selection(self, span: Span) -> Caret:
        """Replace the selection, keeping the cursor on the same side it was on."""
        sel = self.selection
        at_start = sel is None or self.cursor == sel[0]
        return self.spanning(span[0], span[1], cursor_at_start=at_start)

    def cleared(self) -> Caret:
        return Caret(self.cursor, None)

    def clamped(self, length: int) -> Caret:
        def clamp(x: int) -> int:
            return max(0, min(x, length))

        return Caret(clamp(self.cursor), None if self.anchor is None else clamp(self.anchor))


def clamp_span(span: Span, length: int) -> Span:
    a, b = sorted(span)
    return (max(0, min(a, length)), max(0, min(b, length)))


def trim_span(text: str, span: Span) -> Span | None:
    """Clamp ``span`` to the text and drop surrounding whitespace; None if nothing is left."""
    a, b = clamp_span(span, len(text))
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None


def _span_at(spans: Sequence[Span], starts: Sequence[int], offset: int) -> Span | None:
    """The span containing ``offset`` (end inclusive), else the next one, else the last."""
    if not spans:
        return None
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset <= spans[i][1]:
        return spans[i]
    if i + 1 < len(spans):
        return spans[i + 1]
    return spans[-1]


class Units:
    """Sentences, turns and words of one document, with the selection operations on them."""

    def __init__(self, text: str, turns: Sequence[Turn] = ()) -> None:
        self.text = text
        self.length = len(text)
        self.sentences: list[Span] = sentence_spans(text, turns)
        self._sentence_starts = [a for a, _ in self.sentences]
        self._sentence_ends = [b for _, b in self.sentences]
        self.turns: list[Span] = turn_spans(text, turns)
        self._turn_starts = [a for a, _ in self.turns]
        self._words: list[Span] | None = None
        self._word_starts: list[int] = []
        self._word_ends: list[int] = []

    # -- units under an offset ----------------------------------------------
    def sentence_at(self, offset: int) -> Span | None:
        return _span_at(self.sentences, self._sentence_starts, offset)

    def turn_at(self, offset: int) -> Span | None:
        span = _span_at(self.turns, self._turn_starts, offset)
        return trim_span(self.text, span) if span else None

    # -- sentences ------------------------------------------------------------
    def extend_sentence(self, span: Span) -> Span:
        """Grow the end to the end of the sentence after it (or of the one it stops inside)."""
        a, b = span
        i = bisect_right(self._sentence_ends, b)
        if i < len(self.sentences):
            return (a, self.sentences[i][1])
        return span

    def shrink_sentence(self, span: Span) -> Span:
        """Drop the last sentence from the selection; a single sentence stays selected."""
        a, b = span
        i = bisect_left(self._sentence_ends, b) - 1
        if i >= 0 and self._sentence_ends[i] > a:
            return (a, self._sentence_ends[i])
        return span

    # -- words ----------------------------------------------------------------
    def _ensure_words(self) -> None:
        if self._words is None:
            self._words = word_spans(self.text)
            self._word_starts = [a for a, _ in self._words]
            self._word_ends = [b for _, b in self._words]

    def extend_word(self, span: Span) -> Span:
        a, b = span
        self._ensure_words()
        i = bisect_right(self._word_ends, b)
        return (a, self._word_ends[i]) if i < len(self._word_ends) else span

    def shrink_word(self, span: Span) -> Span:
        a, b = span
        self._ensure_words()
        i = bisect_left(self._word_ends, b) - 1
        if i >= 0 and self._word_ends[i] > a:
            return (a, self._word_ends[i])
        return span

    def next_word_start(self, offset: int) -> int:
        self._ensure_words()
        i = bisect_right(self._word_starts, offset)
        return self._word_starts[i] if i < len(self._word_starts) else self.length

    def prev_word_start(self, offset: int) -> int:
        self._ensure_words()
        i = bisect_left(self._word_starts, offset) - 1
        return self._word_starts[i] if i >= 0 else 0
