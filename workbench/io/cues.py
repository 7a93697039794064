"""Subtitle cues (shared by the WebVTT and SubRip readers) and how they become turns.

Rendering rules: consecutive cues of the same speaker merge into one paragraph joined
with a single space; a cue without a speaker continues the previous speaker; cues
before any speaker stay one paragraph each (so their media times stay useful); each
paragraph reads "Speaker: text" (or just "text") and paragraphs are separated by a
blank line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbench.core.model import Turn
from workbench.io.speakers import detect_labels, parse_clock

__all__ = [
    "Cue",
    "Segment",
    "clean",
    "format_time",
    "parse_time",
    "parse_timing",
    "render_cues",
    "segments_to_cues",
]


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle cue: times in seconds, an optional speaker, plain text."""

    start: float
    end: float
    speaker: str | None
    text: str


_TIME = re.compile(r"[ \t]*(?:(\d{1,6}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?[ \t]*")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def parse_time(value: str) -> float | None:
    """Seconds for "01:02:03.456", "01:02.5", "01:02:03,456"; None if malformed."""
    m = _TIME.fullmatch(value)
    if not m:
        return None
    ms = parse_clock(*m.groups())
    return None if ms is None else ms / 1000


def format_time(seconds: float, decimal: str = ".") -> str:
    """ "HH:MM:SS.mmm" (or with ``decimal=","`` the SubRip form)."""
    total = max(0, round(seconds * 1000))
    s, ms = divmod(total, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def parse_timing(line: str) -> tuple[float, float] | None:
    """(start, end) of a "start --> end [settings]" line, or None if malformed."""
    head, sep, tail = line.partition("-->")
    if not sep:
        return None
    start = parse_time(head)
    end_text = tail.strip().split(maxsplit=1)[0] if tail.strip() else ""
    end = parse_time(end_text)
    if start is None or end is None:
        return None
    return start, end


def clean(text: str) -> str:
    """Collapse runs of whitespace (including line breaks) to single spaces."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Segment:
    """A piece of a cue before speakers are resolved (a reader's working state)."""

    start: float
    end: float
    voice: str | None  # speaker given by markup (WebVTT <v Name>); None = look for "Name:"
    lines: list[str] = field(default_factory=list)


def segments_to_cues(segments: Sequence[Segment]) -> list[Cue]:
    """Resolve "Name:" prefixes on the lines of segments without a voice.

    The document-wide free-form rule applies: all such lines are judged together. A
    line with a label starts a new cue piece (same times) for that speaker.
    """
    plain = [line for seg in segments if seg.voice is None for line in seg.lines]
    labels = iter(detect_labels(plain))
    cues: list[Cue] = []
    for seg in segments:
        if seg.voice is not None:
            text = clean(" ".join(seg.lines))
            if text:
                cues.append(Cue(seg.start, seg.end, seg.voice, text))
            continue
        speaker: str | None = None
        parts: list[str] = []
        for line in seg.lines:
            label = next(labels)
            if label is not None:
                if clean(" ".join(parts)):
                    cues.append(Cue(seg.start, seg.end, speaker, clean(" ".join(parts))))
                speaker, parts = label.speaker, [line[label.body :]]
            else:
                parts.append(line)
        if clean(" ".join(parts)):
            cues.append(Cue(seg.start, seg.end, speaker, clean(" ".join(parts))))
    return cues


@dataclass(slots=True)
class _Paragraph:
    speaker: str | None
    texts: list[str]
    start: float
    end: float


def render_cues(cues: Iterable[Cue]) -> tuple[str, tuple[Turn, ...]]:
    """The plain-text rendering of ``cues`` and its turns (with media times)."""
    paragraphs: list[_Paragraph] = []
    current: str | None = None
    for cue in cues:
        text = clean(cue.text)
        if not text:
            continue
        named = clean(cue.speaker) if cue.speaker is not None else ""
        if named:
            current = named
        last = paragraphs[-1] if paragraphs else None
        if last is not None and current is not None and last.speaker == current:
            last.texts.append(text)
            last.end = cue.end
        else:
            paragraphs.append(_Paragraph(current, [text], cue.start, cue.end))

    chunks: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for para in paragraphs:
        prefix = f"{para.speaker}: " if para.speaker is not None else ""
        body = " ".join(para.texts)
        start = offset + len(prefix)
        turns.append(Turn(start, start + len(body), para.speaker, para.start, para.end))
        chunks.append(prefix + body)
        offset = start + len(body) + 2
    return "\n\n".join(chunks), tuple(turns)
