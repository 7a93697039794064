"""The pure parts of the coding screen: caret, sentence/word units, transcript layout."""

from __future__ import annotations

import time

from _coding_project import P01_TURNS, big_parsed, parsed

from workbench.core.model import Turn
from workbench.core.services.sentences import sentence_spans
from workbench.tui.selection import Caret, Units, trim_span
from workbench.tui.widgets.transcript import Layout, build_layout

TEXT = "I kept going. It felt like the same script! Every week?  Yes."


def test_caret_selection_and_point() -> None:
    caret = Caret(5)
    assert caret.selection is None and caret.point == 5
    extended = caret.moved(9, extend=True).moved(12, extend=True)
    assert extended.selection == (5, 12)
    assert extended.point == 11  # the last selected character, not the one after
    assert extended.moved(3).selection is None
    backwards = Caret(5).spanning(5, 12)
    assert backwards.cursor == 5 and backwards.selection == (5, 12) and backwards.point == 5
    assert backwards.with_selection((5, 20)).cursor == 5
    assert Caret(50, 2).clamped(10) == Caret(10, 2)


def test_trim_span_clamps_and_strips_whitespace() -> None:
    assert trim_span("  abc  ", (-5, 100)) == (2, 5)
    assert trim_span("   ", (0, 3)) is None
    assert trim_span("abc", (3, 0)) == (0, 3)


def test_sentence_units_match_the_shared_definition() -> None:
    units = Units(TEXT)
    assert units.sentences == sentence_spans(TEXT)
    first = units.sentence_at(3)
    assert first is not None and TEXT[first[0] : first[1]] == "I kept going."
    second = units.extend_sentence(first)
    assert TEXT[second[0] : second[1]] == "I kept going. It felt like the same script!"
    assert units.shrink_sentence(second) == first
    assert units.shrink_sentence(first) == first  # one sentence stays selected
    # the cursor in the gap after a sentence still means that sentence
    assert units.sentence_at(TEXT.index(" It")) == first
    last = units.sentence_at(len(TEXT))
    assert last is not None and TEXT[last[0] : last[1]] == "Yes."


def test_word_units() -> None:
    units = Units(TEXT)
    assert units.extend_word((0, 1)) == (0, 6)
    assert units.extend_word((0, 6)) == (0, 13)
    assert units.shrink_word((0, 13)) == (0, 6)
    assert units.shrink_word((0, 1)) == (0, 1)
    assert units.next_word_start(0) == 2
    assert units.prev_word_start(7) == 2


def test_turn_units_are_within_turns() -> None:
    doc = parsed("P01", P01_TURNS)
    units = Units(doc.text, doc.turns)
    t = doc.turns[1]
    assert units.turn_at(t.start + 10) == (t.start, t.end)
    for a, b in units.sentences:
        assert any(turn.start <= a and b <= turn.end for turn in doc.turns)


def test_layout_headers_hide_labels_and_cover_every_turn_character() -> None:
    doc = parsed("P01", P01_TURNS)
    lines = build_layout(doc.text, doc.turns, 60)
    headers = [line for line in lines if line.kind == "header"]
    assert [h.label for h in headers] == [t[0] for t in P01_TURNS]
    covered = set()
    for line in lines:
        if line.kind == "text":
            assert line.end - line.start <= 60
            covered.update(range(line.start, line.end))
    for t in doc.turns:
        body = {i for i in range(t.start, t.end) if doc.text[i] != "\n"}
        assert body <= covered
    assert not any("Interviewer:" in doc.text[line.start : line.end] for line in lines)


def test_layout_media_times_gaps_and_wide_characters() -> None:
    text = "Title line\n\nInterviewer: Hello 😀 world\nsecond paragraph here"
    start = text.index("Hello")
    turns = (Turn(start, len(text), "Interviewer", 192.5),)
    lines = build_layout(text, turns, 20)
    assert lines[0].kind == "gap" and text[lines[0].start : lines[0].end] == "Title line"
    header = next(line for line in lines if line.kind == "header")
    assert header.time == "[00:03:12] " and header.label == "Interviewer"
    layout = Layout(text, lines, 20)
    y = layout.line_of(text.index("world"))
    assert layout.offset_at(y, layout.col_of(y, text.index("world"))) == text.index("world")


def test_layout_cursor_lookups_round_trip() -> None:
    doc = parsed("P01", P01_TURNS)
    layout = Layout(doc.text, build_layout(doc.text, doc.turns, 40), 40)
    for t in doc.turns:
        for offset in range(t.start, t.end):
            y = layout.line_of(offset)
            line = layout.lines[y]
            assert line.start <= offset <= line.end
            if offset <= layout.line_max(y):
                assert layout.offset_at(y, layout.col_of(y, offset)) == offset
    # a hidden speaker label snaps to the next visible character
    assert layout.normalise(0) == doc.turns[0].start


def test_layout_of_a_20000_word_transcript_is_fast() -> None:
    doc = big_parsed()
    t0 = time.perf_counter()
    lines = build_layout(doc.text, doc.turns, 80)
    layout = Layout(doc.text, lines, 80)
    elapsed = time.perf_counter() - t0
    assert len(doc.text.split()) >= 20_000
    assert len(layout) > 1500
    assert elapsed < 0.5, elapsed
