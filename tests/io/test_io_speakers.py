"""Speaker labels: every supported form parses back; free text never becomes a speaker."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.io.speakers import Label, build_turns, detect_labels, parse_label

SETTINGS = settings(max_examples=150, deadline=None)


@pytest.mark.parametrize(
    "line, label",
    [
        ("Interviewer: How?", Label("Interviewer", 13)),
        ("INTERVIEWER: How?", Label("INTERVIEWER", 13)),
        ("interviewee:  x", Label("interviewee", 14)),
        ("Respondent: x", Label("Respondent", 12)),
        ("Moderator: x", Label("Moderator", 11)),
        ("Facilitator: x", Label("Facilitator", 13)),
        ("I: x", Label("I", 3)),
        ("R: x", Label("R", 3)),
        ("Q: x", Label("Q", 3)),
        ("A: x", Label("A", 3)),
        ("P03: x", Label("P03", 5)),
        ("P3: x", Label("P3", 4)),
        ("Participant 3: x", Label("Participant 3", 15)),
        ("Speaker 1: x", Label("Speaker 1", 11)),
        ("**Interviewer:** x", Label("Interviewer", 17)),
        ("**P03**: x", Label("P03", 9)),
        ("[00:01:02] Interviewer: x", Label("Interviewer", 24, 62.0)),
        ("[01:02] R: x", Label("R", 11, 62.0)),
        ("(00:01:02) P03: x", Label("P03", 16, 62.0)),
        ("00:01:02 Q: x", Label("Q", 12, 62.0)),
        ("[00:01:02] **Interviewer:** x", Label("Interviewer", 28, 62.0)),
        ("Anna: x", Label("Anna", 6, known=False)),
        ("Dr. Berg: x", Label("Dr. Berg", 10, known=False)),
        ("Kari Nordmann: x", Label("Kari Nordmann", 15, known=False)),
        ("Interviewer:", Label("Interviewer", 12)),
    ],
)
def test_label_forms(line: str, label: Label) -> None:
    assert parse_label(line) == label


@pytest.mark.parametrize(
    "line",
    [
        "Well, the thing is: it helped.",
        "the meeting: yes",
        "Kari Anne Berg Nordmann: four words is not a name",
        "10:30 we met",
        "See http://example.org",
        "Interviewer:no space",
        "[99:99:99] Interviewer: bad clock",
        "",
        "   ",
        ": nothing before",
    ],
)
def test_not_labels(line: str) -> None:
    assert parse_label(line) is None


def test_free_form_needs_two_lines() -> None:
    lines = ["Note: once", "Anna: one", "Anna: two", "Interviewer: always"]
    assert [label and label.speaker for label in detect_labels(lines)] == [
        None,
        "Anna",
        "Anna",
        "Interviewer",
    ]


KNOWN_NAMES = st.one_of(
    st.sampled_from(
        ["Interviewer", "Interviewee", "Respondent", "Moderator", "Facilitator", "I", "R", "Q"]
        + ["A", "Participant", "Speaker"]
    ).flatmap(lambda w: st.sampled_from([w, w.upper(), w.lower()])),
    st.integers(1, 99).map(lambda n: f"P{n:02d}"),
    st.integers(1, 99).map(lambda n: f"P{n}"),
    st.integers(1, 20).map(lambda n: f"Participant {n}"),
    st.integers(1, 20).map(lambda n: f"Speaker {n}"),
)
NAME_WORD = st.from_regex(r"[A-ZÆØÅ][a-zæøå]{1,8}(-[A-Z][a-z]{1,5})?\.?", fullmatch=True)
FREE_NAMES = st.lists(NAME_WORD, min_size=1, max_size=3).map(" ".join)
SPEECH = st.from_regex(r"[a-zA-Zæøå0-9\"“][a-zA-Zæøå0-9 .,:;!?'’\"“”()\-]{0,40}", fullmatch=True)
SPEECH = SPEECH.map(str.rstrip)


def timestamp(seconds: int, form: str) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return {
        "none": "",
        "[hms]": f"[{h:02d}:{m:02d}:{s:02d}] ",
        "[ms]": f"[{h * 60 + m:02d}:{s:02d}] ",
        "(hms)": f"({h:02d}:{m:02d}:{s:02d}) ",
        "hms": f"{h:02d}:{m:02d}:{s:02d} ",
    }[form]


@SETTINGS
@given(
    name=st.one_of(KNOWN_NAMES, FREE_NAMES),
    style=st.sampled_from(["plain", "bold-inside", "bold-outside"]),
    form=st.sampled_from(["none", "[hms]", "[ms]", "(hms)", "hms"]),
    seconds=st.integers(0, 10 * 3600),  # "[mm:ss]" stays within three minute digits
    speech=SPEECH,
    spaces=st.sampled_from([" ", "  ", "\t"]),
)
def test_generated_labels_parse_back(
    name: str, style: str, form: str, seconds: int, speech: str, spaces: str
) -> None:
    label = {
        "plain": f"{name}:",
        "bold-inside": f"**{name}:**",
        "bold-outside": f"**{name}**:",
    }[style]
    line = f"{timestamp(seconds, form)}{label}{spaces}{speech}"
    text = f"{line}\n\n{line}\n"  # twice, so free-form names count as well
    turns = build_turns(text)
    assert len(turns) == 2
    for turn in turns:
        assert turn.speaker == name
        assert turn.media_start == (None if form == "none" else float(seconds))
        assert text[turn.start : turn.end] == speech


LOWER = "abcdefghijklmnopqrstuvwxyzæøå"
SENTENCE = st.text(LOWER + " ,.'!?", min_size=1, max_size=30).map(lambda s: "x" + s.rstrip() + "y")
LOWER_WORD = st.text(LOWER, min_size=2, max_size=8)
ROLE_WORDS = {"interviewer", "interviewee", "respondent", "moderator", "facilitator"}
ROLE_WORDS |= {"participant", "speaker"}
CAP_WORD = st.builds(
    str.__add__,
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ"),
    st.text(LOWER, min_size=3, max_size=8),
).filter(lambda w: w.lower() not in ROLE_WORDS)


CLOCK = st.builds("{}:{:02d}".format, st.integers(0, 99), st.integers(0, 59)) | st.builds(
    "{}:{:02d}:{:02d}".format, st.integers(0, 9), st.integers(0, 59), st.integers(0, 59)
)

KINDS = ["prose", "many-words", "comma", "lower", "once", "clock", "timed-once", "timed-speech"]


@st.composite
def unlabelled_paragraphs(draw: st.DrawFn) -> list[str]:
    """Paragraphs with colons and times that are not speaker labels, each name used at most
    once."""
    names = iter(draw(st.lists(CAP_WORD, min_size=8, max_size=8, unique=True)))
    paragraphs = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(KINDS))
        tail = draw(SENTENCE)
        time = draw(CLOCK)
        if kind == "prose":
            paragraphs.append(tail)
        elif kind == "many-words":  # four or more words before the colon
            words = draw(st.lists(LOWER_WORD, min_size=3, max_size=5))
            paragraphs.append(f"{next(names)} {' '.join(words)}: {tail}")
        elif kind == "comma":
            paragraphs.append(f"{next(names)}, {draw(LOWER_WORD)}: {tail}")
        elif kind == "lower":
            paragraphs.append(f"{draw(LOWER_WORD)} {draw(LOWER_WORD)}: {tail}")
        elif kind == "clock":  # "we met 10:30 and ..."
            paragraphs.append(f"{draw(LOWER_WORD)} {draw(LOWER_WORD)} {time} {tail}")
        elif kind == "timed-once":  # "Monday 9:30", "Anna (00:01):" once only
            form = draw(st.sampled_from(["{}  {}", "{} ({})", "{} ({}):", "[{}] {}"]))
            paragraphs.append(form.format(next(names), time))
        elif kind == "timed-speech":  # a bare time followed by more words is a sentence
            paragraphs.append(f"{next(names)} {time} {tail}")
        else:  # a capitalised name that starts only this one paragraph
            paragraphs.append(f"{next(names)}: {tail}")
    return paragraphs


@SETTINGS
@given(unlabelled_paragraphs(), st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
def test_free_text_never_yields_a_speaker(paragraphs: list[str], separator: str) -> None:
    text = separator.join(paragraphs)
    turns = build_turns(text)
    assert all(turn.speaker is None for turn in turns)
    assert [text[t.start : t.end] for t in turns] == paragraphs
