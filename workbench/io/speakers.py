"""Speaker labels at the start of a paragraph, and the turns they make.

Pure functions, shared by every reader:

* ``parse_label(line)`` recognises one candidate label ("Interviewer:", "[00:01:02] P03:",
  "**Anna:**", ...);
* ``detect_labels(lines)`` applies the document-wide rule for free-form names (they count
  only when the same label starts at least two paragraphs);
* ``build_turns(text)`` splits normalised text into ``Turn``s.

A turn covers only the speech after the label; the label itself stays in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.model import Turn

__all__ = ["Label", "build_turns", "detect_labels", "parse_label", "parse_clock"]


@dataclass(frozen=True, slots=True)
class Label:
    """A speaker label found at the start of a line."""

    speaker: str
    body: int  # index in the line where the speech begins (after the label and its spaces)
    seconds: float | None = None  # a timestamp written before the label
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
_TS_BRACKETED = re.compile(rf"\[{_CLOCK}\]|\({_CLOCK}\)")
_TS_BARE = re.compile(r"(\d{1,3}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?(?=[ \t])")
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


def _timestamp(line: str, pos: int) -> tuple[int | None, int]:
    """A timestamp at ``pos``: (milliseconds or None, position after it and its spaces)."""
    m = _TS_BRACKETED.match(line, pos)
    if m:
        groups = m.groups()
        h, mi, s, f = groups[0:4] if m.group(2) is not None else groups[4:8]
        ms = parse_clock(h, mi, s, f)
        end = m.end()
    else:
        m = _TS_BARE.match(line, pos)
        if not m:
            return None, pos
        ms = parse_clock(*m.groups())
        end = m.end()
    if ms is None:
        return None, pos
    while end < len(line) and line[end] in " \t":
        end += 1
    return ms, end


def _classify(name: str) -> tuple[str, bool] | None:
    """(normalised speaker name, known?) or None if ``name`` is not a speaker label."""
    name = _SPACES.sub(" ", name.strip())
    if not name or len(name) > _MAX_NAME:
        return None
    if _KNOWN.fullmatch(name):
        return name, True
    words = name.split(" ")
    if len(words) > 3:
        return None
    for word in words:
        if not _NAME_WORD.fullmatch(word) or not word[0].isupper():
            return None
    return name, False


def parse_label(line: str) -> Label | None:
    """A candidate speaker label at the start of ``line``, or None.

    Free-form names come back with ``known=False``; whether they really are speakers
    depends on the rest of the document (see ``detect_labels``).
    """
    pos = 0
    while pos < len(line) and line[pos] in " \t":
        pos += 1
    ms, pos = _timestamp(line, pos)
    m = _BOLD.match(line, pos) if line.startswith("**", pos) else _PLAIN.match(line, pos)
    if not m:
        return None
    end = m.end()
    if end < len(line) and line[end] not in " \t":
        return None  # "http://", "10:30", "Note:see" - a label is followed by a space
    found = _classify(m.group(1))
    if found is None:
        return None
    while end < len(line) and line[end] in " \t":
        end += 1
    speaker, known = found
    return Label(speaker, end, None if ms is None else ms / 1000, known)


def detect_labels(lines: Sequence[str]) -> list[Label | None]:
    """Labels for each line, keeping free-form names only if they start >= 2 lines."""
    candidates = [parse_label(line) for line in lines]
    counts = Counter(c.speaker for c in candidates if c is not None and not c.known)
    return [
        c if c is not None and (c.known or counts[c.speaker] >= 2) else None for c in candidates
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


def build_turns(text: str) -> tuple[Turn, ...]:
    """Turns of a normalised transcript text (lines separated by LF).

    A line starting with a label opens a turn for that speaker; lines without a label
    (including whole paragraphs) continue the current turn; text before the first label
    is a turn with speaker None. Without any label, each paragraph is a turn.
    """
    lines = text.split("\n")
    labels = detect_labels(lines)
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
