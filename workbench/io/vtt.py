"""WebVTT transcripts (.vtt), e.g. from Teams, Zoom or a transcription service.

Speakers come from ``<v Name>`` voice tags or a ``Name:`` prefix on a cue line; other
markup (``<i>``, ``<c.x>``, ``<00:00:01.000>``) is dropped and character references
are unescaped. NOTE, STYLE and REGION blocks and cue settings are ignored.
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

__all__ = ["compose_vtt", "parse_vtt", "read_vtt"]

_TAG = re.compile(r"<([^<>\n]*)>")
_VOICE = re.compile(r"v(?:\.[^\s>]*)?(?:[ \t]+(.*))?", re.DOTALL)
_ENTITY = re.compile(
    r"&(?:(amp|lt|gt|nbsp|lrm|rlm|quot|apos);|#(\d{1,7});|#[xX]([0-9a-fA-F]{1,6});)"
)
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "nbsp": "\u00a0", "lrm": "\u200e", "rlm": "\u200f",
          "quot": '"', "apos": "'"}  # fmt: skip
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


def _unescape_ref(m: re.Match[str]) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "\ufffd"
    return chr(code)


def unescape(text: str) -> str:
    """Unescape WebVTT character references (``&amp;``, ``&lt;``, ``&nbsp;``, ``&#39;``...)."""
    return _ENTITY.sub(_unescape_ref, text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _is_block(line: str, keyword: str) -> bool:
    return line.startswith(keyword) and line[len(keyword) : len(keyword) + 1] in ("", " ", "\t")


def _payload_segments(start: float, end: float, payload: str) -> list[Segment]:
    """Split cue text at voice tags; drop other tags; unescape references."""
    segments = [Segment(start, end, None)]
    buffer: list[str] = []

    def flush() -> None:
        segments[-1].lines = "".join(buffer).split("\n")
        buffer.clear()

    pos = 0
    for m in _TAG.finditer(payload):
        buffer.append(unescape(payload[pos : m.start()]))
        pos = m.end()
        voice = _VOICE.fullmatch(m.group(1))
        if voice is not None:
            flush()
            name = clean(unescape(voice.group(1) or ""))
            segments.append(Segment(start, end, name or None))
    buffer.append(unescape(payload[pos:]))
    flush()
    return [seg for seg in segments if clean(" ".join(seg.lines))]


def parse_vtt(text: str, source: Path) -> list[Cue]:
    """Cues of a normalised WebVTT text, speakers resolved per cue (no continuation)."""
    lines = text.split("\n")
    if not _is_block(lines[0].rstrip(), "WEBVTT"):
        raise ImportFailed(source, "not a WebVTT file (missing WEBVTT header)", line=1)
    i, n = 1, len(lines)
    while i < n and lines[i].strip() and "-->" not in lines[i]:
        i += 1  # header lines ("Kind: captions") run up to the first blank line

    segments: list[Segment] = []
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        first = i  # a block runs to the next blank line
        while i < n and lines[i].strip():
            i += 1
        block = lines[first:i]
        if any(_is_block(block[0], keyword) for keyword in _SKIPPED_BLOCKS):
            continue
        if "-->" in block[0]:
            timing = 0
        elif len(block) > 1 and "-->" in block[1]:
            timing = 1  # block[0] is a cue identifier
        else:
            if segments:  # a cue's text interrupted by a blank line: keep it
                segments[-1].lines.extend(unescape(_TAG.sub("", line)) for line in block)
            continue
        k = timing
        while k < len(block):  # a cue may follow another without a blank line
            times = parse_timing(block[k])
            if times is None:
                raise ImportFailed(
                    source,
                    f"malformed cue timing {block[k].strip()!r} "
                    "(expected '00:00:01.000 --> 00:00:04.000')",
                    line=first + k + 1,
                )
            stop = k + 1
            while stop < len(block) and "-->" not in block[stop]:
                stop += 1
            segments.extend(_payload_segments(*times, "\n".join(block[k + 1 : stop])))
            k = stop
    return segments_to_cues(segments)


def read_vtt(data: bytes, source: Path) -> ParsedDocument:
    """Read a .vtt file's bytes into a transcript."""
    text, turns = render_cues(parse_vtt(decode_text(data, source), source))
    return make_document(source, text, turns, "vtt")


def compose_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file for ``cues``: one cue each, speakers as ``<v Name>`` voice tags."""
    out = ["WEBVTT", ""]
    for cue in cues:
        lines = [line for line in cue.text.split("\n") if line.strip()]
        body = "\n".join(_escape(line) for line in lines)
        if cue.speaker is not None and clean(cue.speaker):
            body = f"<v {_escape(clean(cue.speaker))}>{body}"
        out += [f"{format_time(cue.start)} --> {format_time(cue.end)}", body, ""]
    return "\n".join(out)
