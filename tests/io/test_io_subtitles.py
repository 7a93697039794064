"""WebVTT and SubRip transcripts: real files, malformed files, compose/parse round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.errors import ImportFailed
from workbench.core.model import ParsedDocument
from workbench.io.cues import Cue, format_time, parse_time
from workbench.io.srt import compose_srt, parse_srt, read_srt
from workbench.io.transcripts import read_transcript
from workbench.io.vtt import compose_vtt, parse_vtt, read_vtt

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def timed(doc: ParsedDocument) -> list[tuple[str | None, str, float | None, float | None]]:
    return [(t.speaker, doc.text[t.start : t.end], t.media_start, t.media_end) for t in doc.turns]


VTT = """WEBVTT - Interview P03
Kind: captions
Language: nb

NOTE transcribed by a service
over two lines

STYLE
::cue(v[voice="Interviewer"]) { color: yellow }

REGION
id:left width:40%

intro-1
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v Interviewer>How did you <i>first</i> come to NA?</v>

00:04.000 --> 00:06.500
<v.loud P03>A friend took me &amp; it felt
<b>safe</b>&nbsp;then.

00:00:06.500 --> 00:00:08.000
<00:00:06.600><c.yellow>Later</c> <00:00:07.000><c>less</c> so.   \t

00:00:09.000 --> 00:00:10.000
Interviewer: Why &lt;less&gt;?

00:00:10.000 --> 00:00:12.000
<v P03>Gossip.</v> <v Interviewer>I see.</v>"""


def test_vtt_voice_tags_and_blocks(tmp_path: Path) -> None:
    path = tmp_path / "P03.vtt"
    path.write_bytes(VTT.encode("utf-8-sig").replace(b"\n", b"\r\n"))  # BOM, CRLF, no final NL
    doc = read_transcript(path)
    assert doc.source_format == "vtt"
    assert doc.text == (
        "Interviewer: How did you first come to NA?\n\n"
        "P03: A friend took me & it felt safe\u00a0then. Later less so.\n\n"
        "Interviewer: Why <less>?\n\n"
        "P03: Gossip.\n\n"
        "Interviewer: I see."
    )
    assert timed(doc) == [
        ("Interviewer", "How did you first come to NA?", 1.0, 4.0),
        ("P03", "A friend took me & it felt safe\u00a0then. Later less so.", 4.0, 8.0),
        ("Interviewer", "Why <less>?", 9.0, 10.0),
        ("P03", "Gossip.", 10.0, 12.0),
        ("Interviewer", "I see.", 10.0, 12.0),
    ]


def test_vtt_without_speakers_keeps_one_paragraph_per_cue() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nfirst\n\n\n\n00:02.000 --> 00:03.000\nsecond\n"
    doc = read_vtt(text.encode(), Path("a.vtt"))
    assert doc.text == "first\n\nsecond"
    assert timed(doc) == [(None, "first", 1.0, 2.0), (None, "second", 2.0, 3.0)]


def test_vtt_text_split_by_a_blank_line_stays_with_its_cue() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Anna>first\n\nstill Anna\n\n"
        "STYLE\n::cue { color: red }\n\n00:02.000 --> 00:03.000\nthen more\n"
    )
    doc = read_vtt(text.encode(), Path("a.vtt"))
    assert timed(doc) == [("Anna", "first still Anna then more", 1.0, 3.0)]


def test_vtt_missing_header() -> None:
    with pytest.raises(ImportFailed) as err:
        read_vtt(b"00:00:01.000 --> 00:00:02.000\nhello\n", Path("a.vtt"))
    assert str(err.value) == "a.vtt:1: not a WebVTT file (missing WEBVTT header)"
    assert err.value.line == 1


def test_vtt_malformed_timing_names_the_line() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n2\n00:00:03.000 --> 00:0x:04.000\nbad\n"
    with pytest.raises(ImportFailed, match="malformed cue timing") as err:
        read_vtt(text.encode(), Path("a.vtt"))
    assert err.value.line == 7


def test_vtt_with_only_a_header() -> None:
    with pytest.raises(ImportFailed, match="no transcript text found"):
        read_vtt(b"WEBVTT\n\nNOTE nothing here\n", Path("a.vtt"))


SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: What did the meetings
give you?

2
00:00:03,000 --> 00:00:05,500
Kari Nordmann: <i>A place</i> to be.

3
00:00:05.500 --> 00:00:07.000 X1:100 X2:200
{\\an8}Every week.
4
00:00:08,000 --> 00:00:09,000
Interviewer: And the steps?


5
00:00:09,000 --> 00:00:10,000
Kari Nordmann: Not for me.
Interviewer: Why not?
"""


def test_srt_name_prefixes_and_leniency(tmp_path: Path) -> None:
    path = tmp_path / "P07.SRT"
    path.write_bytes(SRT.replace("\n", "  \n").encode("cp1252"))  # trailing spaces, cp1252
    doc = read_transcript(path)
    assert doc.source_format == "srt"
    assert timed(doc) == [
        ("Interviewer", "What did the meetings give you?", 1.0, 3.0),
        ("Kari Nordmann", "A place to be. Every week.", 3.0, 7.0),
        ("Interviewer", "And the steps?", 8.0, 9.0),
        ("Kari Nordmann", "Not for me.", 9.0, 10.0),
        ("Interviewer", "Why not?", 9.0, 10.0),
    ]
    assert doc.text.startswith("Interviewer: What did the meetings give you?\n\nKari Nordmann: ")


def test_srt_blank_line_inside_a_cue_is_kept() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nR: first part\n\nsecond part\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nI: next\n"
    )
    doc = read_srt(text.encode(), Path("a.srt"))
    assert timed(doc) == [("R", "first part second part", 1.0, 2.0), ("I", "next", 2.0, 3.0)]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("1\n00:00:01,000 -> 00:00:02,000\nhello\n", 2, "malformed time line"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03 - 00:00:04\nbye\n", 6, "malformed"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 --> 00:00:61,000\n",
            6,
            "malformed",
        ),
        ("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\n", 5, "subtitle 2 has no time line"),
    ],
)
def test_srt_malformed_time_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(ImportFailed, match=problem) as err:
        read_srt(text.encode(), Path("a.srt"))
    assert err.value.line == line
    assert str(err.value).startswith(f"a.srt:{line}: ")


def test_srt_that_is_prose() -> None:
    with pytest.raises(ImportFailed, match="not a SubRip file") as err:
        read_srt(b"Dear diary,\ntoday\n", Path("a.srt"))
    assert err.value.line == 1


def test_time_formats() -> None:
    assert parse_time("01:02:03.456") == 3723.456
    assert parse_time("01:02:03,456") == 3723.456
    assert parse_time("02:03.5") == 123.5
    assert parse_time("100:00:00.000") == 360000.0
    assert parse_time("00:61.000") is None
    assert parse_time("1:2") is None
    assert format_time(3723.456) == "01:02:03.456"
    assert format_time(3723.456, ",") == "01:02:03,456"


# --- compose, then parse ---------------------------------------------------------------

KNOWN = ["Interviewer", "P03", "Participant 2", "R", "MODERATOR"]
FREE = ["Anna", "Kari Nordmann", "Dr. Berg", "Øystein"]
# Cue text without ':' '<' '>' '&' so the oracle needs no label or markup rules;
# every line starts with a lower-case letter or a digit.
LINE = st.from_regex(r"[a-zæøå0-9][a-zæøå0-9 .,!?'()\-]{0,24}", fullmatch=True)
TEXT = st.lists(LINE, min_size=1, max_size=3).map("\n".join)
MS = st.integers(min_value=0, max_value=30 * 3600 * 1000)


@st.composite
def cues(draw: st.DrawFn) -> list[Cue]:
    result = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        start, length = draw(MS), draw(st.integers(min_value=0, max_value=20_000))
        speaker = draw(st.one_of(st.none(), st.sampled_from(KNOWN + FREE)))
        result.append(Cue(start / 1000, (start + length) / 1000, speaker, draw(TEXT)))
    return result


def expected_turns(
    cue_list: list[Cue], recognised: set[str | None]
) -> list[tuple[str | None, str, float, float]]:
    """The documented rendering rules, written out independently."""
    paragraphs: list[list] = []
    current = None
    for cue in cue_list:
        text = " ".join(cue.text.split())
        if cue.speaker is not None and cue.speaker not in recognised:
            text = f"{cue.speaker}: {text}"  # an unrecognised prefix stays text
        elif cue.speaker is not None:
            current = cue.speaker
        if paragraphs and current is not None and paragraphs[-1][0] == current:
            paragraphs[-1][1] += " " + text
            paragraphs[-1][3] = cue.end
        else:
            paragraphs.append([current, text, cue.start, cue.end])
    return [tuple(p) for p in paragraphs]


@SETTINGS
@given(cues())
def test_vtt_round_trip(cue_list: list[Cue]) -> None:
    composed = compose_vtt(cue_list)
    parsed = parse_vtt(composed, Path("rt.vtt"))
    assert parsed == [Cue(c.start, c.end, c.speaker, " ".join(c.text.split())) for c in cue_list]
    doc = read_vtt(composed.encode(), Path("rt.vtt"))
    speakers = {c.speaker for c in cue_list}
    assert timed(doc) == expected_turns(cue_list, speakers)


@SETTINGS
@given(cues())
def test_srt_round_trip(cue_list: list[Cue]) -> None:
    composed = compose_srt(cue_list)
    counts: dict[str, int] = {}
    for cue in cue_list:
        if cue.speaker is not None:
            counts[cue.speaker] = counts.get(cue.speaker, 0) + 1
    # known labels always count; a free-form name only when it starts >= 2 cues
    recognised = {s for s, n in counts.items() if s in KNOWN or n >= 2}
    doc = read_srt(composed.encode(), Path("rt.srt"))
    assert timed(doc) == expected_turns(cue_list, recognised)
    parsed = parse_srt(composed, Path("rt.srt"))
    assert [(c.start, c.end) for c in parsed] == [(c.start, c.end) for c in cue_list]


@SETTINGS
@given(cues(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_srt_round_trip_survives_file_variations(
    cue_list: list[Cue], newline: str, final_newline: bool
) -> None:
    composed = "\n".join(  # '.' as the decimal separator
        line.replace(",", ".") if "-->" in line else line
        for line in compose_srt(cue_list).split("\n")
    )
    composed = composed.replace("\n\n", "\n \t\n\n")  # blank-line variations
    composed = composed if final_newline else composed.rstrip("\n")
    plain = read_srt(compose_srt(cue_list).encode(), Path("a.srt"))
    varied = read_srt(composed.replace("\n", newline).encode(), Path("a.srt"))
    assert timed(varied) == timed(plain)
