"""Speaker labels as transcription tools export them: the time after the name.

Otter and Teams put "Name  0:03" on a line of its own above the speech, Zoom
"[Name] 11:02:09", Rev "Name (00:01):", Markdown "**Name** (00:00:05)", or a bracketed time
after the colon, "Name: [00:00:05] speech". The speech in these samples is invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.io.speakers import Label, build_turns, detect_labels, parse_label, parse_stamp
from workbench.io.transcripts import read_transcript

SETTINGS = settings(max_examples=150, deadline=None)

Spoken = list[tuple[str | None, float | None, str]]


def spoken(text: str, speakers: tuple[str, ...] = ()) -> Spoken:
    return [(t.speaker, t.media_start, text[t.start : t.end]) for t in build_turns(text, speakers)]


@pytest.mark.parametrize(
    "line, label",
    [
        # Otter .txt/.docx, Teams .docx: name, two or more spaces (or a tab), time; alone.
        ("Speaker 1  0:03", Label("Speaker 1", 15, 3.0)),
        ("Anna Berg  1:02:11  ", Label("Anna Berg", 20, 3731.0, known=False)),
        ("Anna Berg\t12:05", Label("Anna Berg", 15, 725.0, known=False)),
        ("Unknown Speaker  2:56", Label("Unknown Speaker", 21, 176.0, known=False)),
        ("Berg, Anna   0:03", Label("Berg, Anna", 17, 3.0, known=False)),
        ("Interviewer 00:00:12", Label("Interviewer", 20, 12.0)),
        # Zoom's saved transcript: the display name in brackets.
        ("[Anna Berg] 11:02:09", Label("Anna Berg", 20, 39729.0, known=False)),
        ("[ola.n] 00:01:02", Label("ola.n", 16, 62.0, known=False)),
        ("[Interviewer] 00:01:02", Label("Interviewer", 22, 62.0)),
        # Rev / Temi: the time in parentheses before the colon, speech on the next line or
        # on the same one.
        ("Speaker 2 (00:12):", Label("Speaker 2", 18, 12.0)),
        ("Anna Berg (01:02:03): So we moved.", Label("Anna Berg", 22, 3723.0, known=False)),
        ("Anna Berg [00:12]: So we moved.", Label("Anna Berg", 19, 12.0, known=False)),
        ("Anna Berg (00:12)", Label("Anna Berg", 17, 12.0, known=False)),
        # Markdown exports.
        ("**Anna Berg** (00:00:05)", Label("Anna Berg", 24, 5.0, known=False)),
        ("**Anna Berg (00:05)**", Label("Anna Berg", 21, 5.0, known=False)),
        ("**Speaker 1 (00:05):** Right.", Label("Speaker 1", 23, 5.0)),
        ("**Speaker 1 (00:05)**: Right.", Label("Speaker 1", 23, 5.0)),
        # The time right after the label's colon.
        ("Anna Berg: [00:00:05] So we moved.", Label("Anna Berg", 22, 5.0, known=False)),
        ("Interviewer: [01:02.5]", Label("Interviewer", 22, 62.5)),
        # Time spans count from their start (NVivo timespans, subtitle-like exports).
        ("[00:00:01 - 00:00:04] Interviewer: x", Label("Interviewer", 35, 1.0)),
        ("[00:01 --> 00:05] R: x", Label("R", 21, 1.0)),
        ("(0:00.0 \u2013 0:12.5) P03: x", Label("P03", 23, 0.0)),
        ("Anna Berg (0:10.0 - 0:12.5)", Label("Anna Berg", 27, 10.0, known=False)),
        # A single letter alone with a time is no well-known label: it has to repeat.
        ("A 10:30", Label("A", 7, 630.0, known=False)),
        ("Q (00:10): Why?", Label("Q", 11, 10.0)),
    ],
)
def test_time_after_name(line: str, label: Label) -> None:
    assert parse_label(line) == label


@pytest.mark.parametrize(
    "line",
    [
        "We met at 10:30 and it rained.",
        "we met 10:30",
        "Anna 10:30 we met",  # speech after a bare time: that is a sentence
        "Anna Berg 10:30: hello",  # a bare time before a colon is no form anyone writes
        "Anna10:30",
        "Anna Berg  10:30.",
        "Anna Berg  10:3",
        "Anna Berg  10:30:99",
        "Anna Berg (99:99)",
        "Anna Berg (00:01 - 99:99)",
        "Anna Berg (00:01):no space",
        "Kari Anne Berg Nordmann  0:03",  # four words
        "Berg, Anna, Kari  0:03",
        "**Anna Berg (00:05)",  # unbalanced bold
        "**Anna Berg** (00:05)**",
        "[inaudible] 00:12:03",
        "[Crosstalk] 00:12:03",
        "[] 00:12:03",
        "[12] 00:12:03",
        "Interviewer: (1:30) only square brackets after the colon",
        "See you at 9:30",
        "(00:01:02)",
        "00:01:02",
    ],
)
def test_not_labels(line: str) -> None:
    label = parse_label(line)
    if line.startswith("Interviewer:"):
        assert label == Label("Interviewer", 13)  # the label stands, the time is speech
    else:
        assert label is None


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("00:01:02", 62.0),
        ("1:02", 62.0),
        (" [01:02:03.5] ", 3723.5),
        ("(0:03)", 3.0),
        ("0:00.0 - 0:12.5", 0.0),
        ("00:00:01,250 --> 00:00:04,000", 1.25),
        ("10:30 am", None),
        ("1:99", None),
        ("", None),
        ("[00:01] x", None),
    ],
)
def test_parse_stamp(text: str, seconds: float | None) -> None:
    assert parse_stamp(text) == seconds


OTTER = """\
Kitchen table interview, March

Speaker 1  0:03
So, to start: how long have you lived here?

Anna Berg  0:09
Nearly eleven years. We came for my husband's work.
The winters were the hardest part.

The dark, mostly.

Speaker 1  1:02:11
And now?

Anna Berg  1:02:15
Now it feels like home.
"""


def test_otter_name_line_then_speech() -> None:
    assert spoken(OTTER) == [
        (None, None, "Kitchen table interview, March"),
        ("Speaker 1", 3.0, "So, to start: how long have you lived here?"),
        (
            "Anna Berg",
            9.0,
            "Nearly eleven years. We came for my husband's work.\n"
            "The winters were the hardest part.\n\nThe dark, mostly.",
        ),
        ("Speaker 1", 3731.0, "And now?"),
        ("Anna Berg", 3735.0, "Now it feels like home."),
    ]


def test_otter_txt_file_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "otter.txt"
    path.write_bytes(OTTER.replace("\n", "\r\n").encode("utf-8"))
    doc = read_transcript(path)
    assert doc.text == OTTER
    assert [(t.speaker, t.media_start) for t in doc.turns] == [
        (None, None),
        ("Speaker 1", 3.0),
        ("Anna Berg", 9.0),
        ("Speaker 1", 3731.0),
        ("Anna Berg", 3735.0),
    ]


TEAMS = """\
Berg, Anna   0:03
Shall we start? I have the list here.

Nordmann, Ola   0:15
Yes. I read it on the train.

Berg, Anna   0:21
Good.

Nordmann, Ola   0:24
Twice, in fact.
"""


def test_teams_last_first_names() -> None:
    assert spoken(TEAMS) == [
        ("Berg, Anna", 3.0, "Shall we start? I have the list here."),
        ("Nordmann, Ola", 15.0, "Yes. I read it on the train."),
        ("Berg, Anna", 21.0, "Good."),
        ("Nordmann, Ola", 24.0, "Twice, in fact."),
    ]


def test_rev_time_in_parentheses_before_the_colon() -> None:
    text = (
        "Speaker 1 (00:00):\nWelcome back. Tell me about the first meeting.\n\n"
        "Kari Nordmann (00:12):\nI sat by the door. Just in case.\n\n"
        "Speaker 1 (01:02:03): And the second?\n\n"
        "Kari Nordmann (01:02:09):\nCloser to the middle."
    )
    assert spoken(text) == [
        ("Speaker 1", 0.0, "Welcome back. Tell me about the first meeting."),
        ("Kari Nordmann", 12.0, "I sat by the door. Just in case."),
        ("Speaker 1", 3723.0, "And the second?"),
        ("Kari Nordmann", 3729.0, "Closer to the middle."),
    ]


def test_zoom_bracketed_names() -> None:
    text = (
        "[Anna Berg] 11:02:09\nCan you hear me?\n\n"
        "[ola.n] 11:02:12\nYes, loud and clear.\n\n"
        "[Anna Berg] 11:02:15\nGreat.\n\n"
        "[ola.n] 11:02:18\nShould I share my screen?"
    )
    assert spoken(text) == [
        ("Anna Berg", 39729.0, "Can you hear me?"),
        ("ola.n", 39732.0, "Yes, loud and clear."),
        ("Anna Berg", 39735.0, "Great."),
        ("ola.n", 39738.0, "Should I share my screen?"),
    ]


def test_markdown_bold_name_and_time() -> None:
    text = (
        "## Transcript\n\n"
        "**Anna Berg** (00:00:05)\nThanks for coming.\n\n"
        "**Ola** (00:00:09)\nHappy to.\n\n"
        "**Anna Berg (00:00:12):** First question.\n\n"
        "**Ola (00:00:15)**\nGo ahead."
    )
    assert spoken(text) == [
        (None, None, "## Transcript"),
        ("Anna Berg", 5.0, "Thanks for coming."),
        ("Ola", 9.0, "Happy to."),
        ("Anna Berg", 12.0, "First question."),
        ("Ola", 15.0, "Go ahead."),
    ]


def test_known_label_alone_with_a_time_counts_at_once() -> None:
    text = "Interviewer 00:00:12\nWhere were you born?\n\nBodø, in the north."
    assert spoken(text) == [("Interviewer", 12.0, "Where were you born?\n\nBodø, in the north.")]


def test_bracketed_time_after_the_colon() -> None:
    text = (
        "Anna Berg: [00:00:05] It began in May.\nOla: [00:00:09] Or June.\n"
        "Anna Berg: [00:00:12] May.\nOla: [00:00:14] Fine."
    )
    assert spoken(text) == [
        ("Anna Berg", 5.0, "It began in May."),
        ("Ola", 9.0, "Or June."),
        ("Anna Berg", 12.0, "May."),
        ("Ola", 14.0, "Fine."),
    ]


def test_free_form_name_with_time_still_needs_two_lines() -> None:
    lines = ["Anna Berg  0:03", "hello", "Ola Nordmann  0:09", "hi", "Anna Berg  0:12", "bye"]
    assert [label and label.speaker for label in detect_labels(lines)] == [
        "Anna Berg",
        None,
        None,  # once only: stays text, like "Note: ..." does
        None,
        "Anna Berg",
        None,
    ]
    # ... unless the document's structure names it as a speaker (a speaker column).
    confirmed = detect_labels(lines, speakers={"Ola Nordmann"})
    assert [label and label.speaker for label in confirmed][2] == "Ola Nordmann"


def test_times_in_prose_never_make_speakers() -> None:
    text = (
        "We met at 10:30 and it rained.\n\n"
        "Monday 9:30\n\n"
        "Tuesday 9:45\n\n"
        "At 10:30 we left.\n\n"
        "At 11:30 we were back.\n\n"
        "[inaudible] 00:12:03\n\n"
        "[inaudible] 00:12:09\n\n"
        "A 10:30\n\n"
        "Total time 1:02:03, roughly."
    )
    turns = build_turns(text)
    assert all(turn.speaker is None for turn in turns)
    assert [text[t.start : t.end] for t in turns] == text.split("\n\n")


NAMES = st.one_of(
    st.sampled_from(["Interviewer", "Respondent", "Speaker 1", "Participant 12", "P03"]),
    st.lists(
        st.from_regex(r"[A-ZÆØÅ][a-zæøå]{1,8}(-[A-Z][a-z]{1,5})?", fullmatch=True),
        min_size=1,
        max_size=3,
    ).map(" ".join),
)
# Speech on a line of its own: no colons, so it can never look like a label itself.
SPEECH = st.from_regex(r"[a-zA-Zæøå\"“][a-zA-Zæøå0-9 .,;!?'’\"“”\-]{0,40}", fullmatch=True).map(
    str.rstrip
)


def clock(seconds: int, hours: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if hours or h else f"{m}:{s:02d}"


@SETTINGS
@given(
    name=NAMES,
    form=st.sampled_from(["otter", "zoom", "rev", "rev-inline", "tldv", "bold-colon", "paren"]),
    seconds=st.integers(0, 10 * 3600),
    hours=st.booleans(),
    speech=SPEECH,
    lines=st.integers(1, 3),
)
def test_generated_time_after_name_labels(
    name: str, form: str, seconds: int, hours: bool, speech: str, lines: int
) -> None:
    t = clock(seconds, hours)
    head = {
        "otter": f"{name}  {t}\n",
        "zoom": f"[{name}] {t}\n",
        "rev": f"{name} ({t}):\n",
        "rev-inline": f"{name} ({t}): ",
        "tldv": f"**{name}** ({t})\n",
        "bold-colon": f"**{name} ({t}):** ",
        "paren": f"{name} ({t})\n",
    }[form]
    body = "\n".join([speech] * lines)
    block = head + body
    text = f"{block}\n\n{block}\n"  # twice, so free-form names count as well
    turns = build_turns(text)
    assert len(turns) == 2
    for turn in turns:
        assert turn.speaker == name
        assert turn.media_start == float(seconds)
        assert text[turn.start : turn.end] == body
