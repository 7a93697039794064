"""SubRip transcripts (.srt).

Speakers come from a ``Name:`` prefix on a cue line. Formatting tags (``<i>``, ``<b>``,
``<font ...>``) and ``{\\an8}`` position codes are dropped. Both ``,`` and ``.`` are
accepted as the decimal separator; missing blank lines between cues and blank lines
inside a cue's text are tolerated, a malformed time line is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from workbench.core.errors import ImportFailed
from workbench.core.model import ParsedDocument
from workbench.io._common import make_document
from workbench.io.cues import (
    Cue,
    Segment,
    clean,
    format_time,
    parse_timing,
    render_cues,
    segments_to_cues,
)
from workbench.io.encoding import decode_text

__all__ = ["compose_srt", "parse_srt", "read_srt"]

_INDEX = re.compile(r"[ \t]*[0-9]+[ \t]*")
_FORMATTING = re.compile(r"</?(?:i|b|u|s|font)(?:[ \t][^<>\n]*)?>|\{\\[^{}\n]*\}", re.IGNORECASE)
_EXPECTED = "(expected '00:00:01,000 --> 00:00:04,000')"


def parse_srt(text: str, source: Path) -> list[Cue]:
    """Cues of a normalised SubRip text, speakers resolved per cue (no continuation)."""
    lines = text.split("\n")
    n = len(lines)

    def is_index(k: int) -> bool:
        return k < n and _INDEX.fullmatch(lines[k]) is not None

    def starts_cue(k: int) -> bool:
        return k < n and ("-->" in lines[k] or is_index(k))

    segments: list[Segment] = []
    i = 0
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        if is_index(i):
            i += 1
            if i >= n or not lines[i].strip():
                number = lines[i - 1].strip()
                raise ImportFailed(
                    source, f"subtitle {number} has no time line {_EXPECTED}", line=i
                )
            if "-->" not in lines[i]:
                raise ImportFailed(
                    source, f"malformed time line {lines[i].strip()!r} {_EXPECTED}", line=i + 1
                )
        elif "-->" not in lines[i]:
            raise ImportFailed(
                source, "not a SubRip file (expected a subtitle number or time line)", line=i + 1
            )
        times = parse_timing(lines[i])
        if times is None:
            raise ImportFailed(
                source, f"malformed time line {lines[i].strip()!r} {_EXPECTED}", line=i + 1
            )
        i += 1
        body: list[str] = []
        while i < n:
            line = lines[i]
            if "-->" in line or (is_index(i) and i + 1 < n and "-->" in lines[i + 1]):
                break  # the next cue, without a blank line before it
            if not line.strip():
                j = i
                while j < n and not lines[j].strip():
                    j += 1
                if j >= n or starts_cue(j):
                    i = j
                    break
                i = j  # a blank line inside the cue's text
                continue
            body.append(_FORMATTING.sub("", line))
            i += 1
        segments.append(Segment(times[0], times[1], None, body))
    return segments_to_cues(segments)


def read_srt(data: bytes, source: Path) -> ParsedDocument:
    """Read a .srt file's bytes into a transcript."""
    text, turns = render_cues(parse_srt(decode_text(data, source), source))
    return make_document(source, text, turns, "srt")


def compose_srt(cues: Iterable[Cue]) -> str:
    """A SubRip file for ``cues``; speakers written as a ``Name:`` prefix."""
    out: list[str] = []
    for number, cue in enumerate(cues, start=1):
        lines = [line for line in cue.text.split("\n") if line.strip()]
        if cue.speaker is not None and clean(cue.speaker):
            lines[0:1] = [f"{clean(cue.speaker)}: {lines[0] if lines else ''}".rstrip()]
        timing = f"{format_time(cue.start, ',')} --> {format_time(cue.end, ',')}"
        out += [str(number), timing, *lines, ""]
    return "\n".join(out)
