"""Speaker labels at the start of a paragraph, and the turns they make.

Pure functions, shared by every reader:

* ``parse_label(line)`` recognises one candidate label ("Interviewer:", "[00:01:02] P03:",
  "**Anna:**", ...), including the forms transcription tools export with the time after
  the name, alone on a line above the speech (Otter/Teams "Anna Smith  0:03", Zoom
  "[Anna Smith] 00:01:02", Markdown "**Anna** (00:00:05)") or before a colon (Rev
  "Anna Smith (00:01):"), and a bracketed time right after the colon
  ("Anna: [00:00:05] ...");
* ``detect_labels(lines)`` applies the document-wide rule for free-form names (they count
  only when the same label starts at least two paragraphs, or when the document's
  structure names them, such as a speaker column);
* ``build_turns(text)`` splits normalised text into ``Turn``s.

A turn covers only the speech after the label; the label itself stays in the text. A
label alone on its line (a name and a time, as above) opens a turn that covers the lines
after it, up to the next label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from workbench.core.model import Turn

__all__ = ["Label", "build_turns", "detect_labels", "parse_clock", "parse_label", "parse_stamp"]


@dataclass(frozen=True, slots=True)
class Label:
    """A speaker label found at the start of a line."""

    speaker: str
    body: int  # index in the line where the speech begins (after the label and its spaces)
    seconds: float | None = None  # a timestamp written with the label (before or after the name)
    known: bool = True  # a well-known label ("Interviewer", "P03"); False for free-form names


_MAX_NAME = 60

_KNOWN = re.compile(
    r"""(?ix)
    (?:interviewer|interviewee|respondent|moderator|facilitator|participant|speaker)
        (?:[ ]?\d{1,4})?          # Speaker 1, Participant 3, Interviewer 2
    | [iraq]                      # I: R: Q: A:
    | p\d{1,4}                    # P03: P3:
    """
)

# One capitalised word of a personal name: letters, inner apostrophes, dots and hyphens.
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019.\-])*")

_CLOCK = r"(?:(\d{1,3}):)?(\d{1,3}):(\d{2})(?:[.,](\d{1,3}))?"
_CLOCK_RE = re.compile(_CLOCK)
_CLOCK_TEXT = r"(?:\d{1,3}:)?\d{1,3}:\d{2}(?:[.,]\d{1,3})?"
# A time or a time span ("00:01:02", "0:00.0 - 0:12.5", "00:01 --> 00:05") inside brackets.
_SPAN = rf"[ \t]*({_CLOCK_TEXT})(?:[ \t]*(?:-->|[-\u2013])[ \t]*({_CLOCK_TEXT}))?[ \t]*"
_TS_BRACKETED = re.compile(rf"\[{_SPAN}\]|\({_SPAN}\)")
_TS_BARE = re.compile(r"(\d{1,3}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?(?=[ \t])")
# A name with the time after it: "Anna Smith  0:03", "[Anna Smith] 00:01:02",
# "**Anna** (00:00:05)" alone on a line, or "Anna Smith (00:01):" before the speech.
_NAME_THEN_TIME = re.compile(
    rf"""
    (?P<open>\*\*)?
    (?: \[(?P<tag>[^\[\]:*\n]{{1,60}})\]
      | (?P<name>[^\W\d_][^:\n*\[\]()]{{0,59}}?) )
    (?P<c1>\*\*)?
    (?: [ \t]*(?P<stamp>\[{_SPAN}\]|\({_SPAN}\))
      | [ \t]+(?P<bare>{_CLOCK_TEXT})(?![\d:.,]) )
    [ \t]*(?P<c2>\*\*)?
    (?: (?P<colon>:)(?P<c3>\*\*)?(?=[ \t]|$) | [ \t]*$ )
    """,
    re.VERBOSE,
)
# Bracketed notes that are not speakers ("[inaudible] 00:12:03" on a line of its own).
_NOT_SPEAKERS = frozenset(
    "inaudible unintelligible indiscernible crosstalk overtalk overlapping laughter laughs "
    "laughing applause music silence pause noise cough coughs break".split()
)
_BOLD = re.compile(r"\*\*([^*:\n]{1,60}?)[ \t]*(?::\*\*|\*\*[ \t]*:)")
_PLAIN = re.compile(r"([^\W\d_][^:\n*\[\]()]{0,59}?)[ \t]*:")
_SPACES = re.compile(r"[ \t]+")


def parse_clock(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> int | None:
    """Milliseconds for a clock time given as digit strings, or None if out of range."""
    h = int(hours) if hours else 0
    m, s = int(minutes), int(seconds)
    if s >= 60 or (hours is not None and m >= 60):
        return None
    ms = int(fraction.ljust(3, "0")) if fraction else 0
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def _clock_ms(text: str) -> int | None:
    """Milliseconds for a whole clock string ("1:02:03", "01:02.5"), or None."""
    m = _CLOCK_RE.fullmatch(text)
    return None if m is None else parse_clock(*m.groups())


def _bracketed(line: str, pos: int) -> tuple[int | None, int]:
    """A bracketed time or span at ``pos``: (start in milliseconds or None, end of match)."""
    m = _TS_BRACKETED.match(line, pos)
    if not m:
        return None, pos
    first, last = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
    ms = _clock_ms(first)
    if ms is None or (last is not None and _clock_ms(last) is None):
        return None, pos
    return ms, m.end()


def _skip_spaces(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in " \t":
        pos += 1
    return pos


def _timestamp(line: str, pos: int) -> tuple[int | None, int]:
    """A timestamp at ``pos``: (milliseconds or None, position after it and its spaces)."""
    ms, end = _bracketed(line, pos)
    if ms is None:
        m = _TS_BARE.match(line, pos)
        if not m:
            return None, pos
        ms = parse_clock(*m.groups())
        end = m.end()
    if ms is None:
        return None, pos
    return ms, _skip_spaces(line, end)


def parse_stamp(text: str) -> float | None:
    """Seconds for a lone time ("00:01:02", "[01:02]", "(0:03)", "0:00.0 - 0:12.5"), or None.

    A span counts from its start. Used for time columns, where nothing else is in the cell.
    """
    text = text.strip()
    if not text:
        return None
    if text[0] not in "[(":
        text = f"[{text}]"
    ms, end = _bracketed(text, 0)
    return None if ms is None or end != len(text) else ms / 1000


def _classify(name: str, *, comma: bool = False) -> tuple[str, bool] | None:
    """(normalised speaker name, known?) or None if ``name`` is not a speaker label.

    ``comma`` also accepts "Smith, Anna" (how Teams shows many directory names); only
    for labels that carry a time, where a comma cannot be a sentence's.
    """
    name = _SPACES.sub(" ", name.strip())
    if not name or len(name) > _MAX_NAME:
        return None
    if _KNOWN.fullmatch(name):
        return name, True
    parts = name.split(", ") if comma else [name]
    words = [word for part in parts for word in part.split(" ")]
    if len(parts) > 2 or len(words) > 3 + (len(parts) - 1):
        return None
    for word in words:
        if not _NAME_WORD.fullmatch(word) or not word[0].isupper():
            return None
    return name, False


def _classify_tag(name: str) -> tuple[str, bool] | None:
    """Like ``_classify`` for a bracketed name ("[anna.smith] 00:01:02", Zoom's display
    names): the brackets and the time mark it, so any short name with a letter will do."""
    name = _SPACES.sub(" ", name.strip())
    if not name or len(name) > _MAX_NAME or len(name.split(" ")) > 5:
        return None
    if _KNOWN.fullmatch(name):
        return name, True
    if not any(ch.isalpha() for ch in name) or name.casefold() in _NOT_SPEAKERS:
        return None
    return name, False


def _name_then_time(line: str, pos: int) -> Label | None:
    """A label with its time after the name (see ``_NAME_THEN_TIME``), or None."""
    m = _NAME_THEN_TIME.match(line, pos)
    if not m:
        return None
    closes = sum(m.group(g) is not None for g in ("c1", "c2", "c3"))
    if closes != (1 if m.group("open") else 0):
        return None  # "**" must open and close once
    colon = m.group("colon") is not None
    if m.group("stamp") is not None:
        ms, _ = _bracketed(line, m.start("stamp"))
    elif colon:
        return None  # "Anna 10:30: ..." is not a form anyone writes
    else:
        ms = _clock_ms(m.group("bare"))
    if ms is None:
        return None
    tag = m.group("tag")
    found = _classify_tag(tag) if tag is not None else _classify(m.group("name"), comma=True)
    if found is None:
        return None
    speaker, known = found
    if not colon and len(speaker) == 1:
        known = False  # "A 10:30" alone on a line is no interview label unless it repeats
    return Label(speaker, _skip_spaces(line, m.end()), ms / 1000, known)


def parse_label(line: str) -> Label | None:
    """A candidate speaker label at the start of ``line``, or None.

    Free-form names come back with ``known=False``; whether they really are speakers
    depends on the rest of the document (see ``detect_labels``).
    """
    if ":" not in line:
        return None  # every label has a colon or a clock
    pos = _skip_spaces(line, 0)
    ms, pos = _timestamp(line, pos)
    if ms is None:
        after = _name_then_time(line, pos)
        if after is not None:
            return after
    m = _BOLD.match(line, pos) if line.startswith("**", pos) else _PLAIN.match(line, pos)
    if not m:
        return None
    end = m.end()
    if end < len(line) and line[end] not in " \t":
        return None  # "http://", "10:30", "Note:see" - a label is followed by a space
    found = _classify(m.group(1))
    if found is None:
        return None
    end = _skip_spaces(line, end)
    if ms is None and line.startswith("[", end):  # "Anna: [00:00:05] speech"
        stamp, stamp_end = _bracketed(line, end)
        if stamp is not None and (stamp_end == len(line) or line[stamp_end] in " \t"):
            ms, end = stamp, _skip_spaces(line, stamp_end)
    speaker, known = found
    return Label(speaker, end, None if ms is None else ms / 1000, known)


def detect_labels(lines: Sequence[str], speakers: Collection[str] = ()) -> list[Label | None]:
    """Labels for each line, keeping free-form names only if they start >= 2 lines.

    ``speakers`` are names the document's structure already marks as speakers (a speaker
    column in a table); a label with one of them counts even once.
    """
    candidates = [parse_label(line) for line in lines]
    counts = Counter(c.speaker for c in candidates if c is not None and not c.known)
    return [
        c
        if c is not None and (c.known or counts[c.speaker] >= 2 or c.speaker in speakers)
        else None
        for c in candidates
    ]


def _content(line: str, start: int) -> tuple[int, int] | None:
    """Span of ``line[start:]`` without surrounding whitespace, or None if blank."""
    end = len(line)
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _paragraph_turns(text: str) -> tuple[Turn, ...]:
    """No labels anywhere: every blank-line separated paragraph is its own turn."""
    turns: list[Turn] = []
    start: int | None = None
    end = 0
    offset = 0
    for line in text.split("\n"):
        span = _content(line, 0)
        if span is None:
            if start is not None:
                turns.append(Turn(start, end))
                start = None
        else:
            if start is None:
                start = offset + span[0]
            end = offset + span[1]
        offset += len(line) + 1
    if start is not None:
        turns.append(Turn(start, end))
    return tuple(turns)


def build_turns(text: str, speakers: Collection[str] = ()) -> tuple[Turn, ...]:
    """Turns of a normalised transcript text (lines separated by LF).

    A line starting with a label opens a turn for that speaker; lines without a label
    (including whole paragraphs) continue the current turn; text before the first label
    is a turn with speaker None. Without any label, each paragraph is a turn.
    ``speakers``: names known to be speakers from the document's structure (see
    ``detect_labels``).
    """
    lines = text.split("\n")
    labels = detect_labels(lines, speakers)
    if not any(labels):
        return _paragraph_turns(text)

    turns: list[Turn] = []
    speaker: str | None = None
    seconds: float | None = None
    start: int | None = None
    end = 0

    def close() -> None:
        if start is not None:
            turns.append(Turn(start, end, speaker, seconds))

    offset = 0
    for line, label in zip(lines, labels, strict=True):
        if label is not None:
            close()
            speaker, seconds, start = label.speaker, label.seconds, None
            span = _content(line, label.body)
        else:
            span = _content(line, 0)
        if span is not None:
            if start is None:
                start = offset + span[0]
            end = offset + span[1]
        offset += len(line) + 1
    close()
    return tuple(turns)
