"""A small deterministic project for the coding-screen tests (store API only)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from workbench.bootstrap import open_workbench
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.settings import Settings

CODEBOOK = CodebookSpec(
    name="test",
    codes=(
        CodeSpec(
            key="fit",
            name="The model did not fit",
            colour="#c678dd",
            definition="The programme's format stopped matching what the person needed.",
        ),
        CodeSpec(
            key="format",
            name="Meeting format",
            parent="fit",
            colour="#61afef",
            definition="How meetings are run: readings, sharing, no cross-talk.",
            inclusion="Rituals, repetition, the structure of sharing.",
            exclusion="Content of the steps (use Working the steps).",
            example="every single meeting has the same readings",
            keywords=("readings", "script", "sharing"),
        ),
        CodeSpec(
            key="steps",
            name="Working the steps",
            parent="fit",
            colour="#98c379",
            definition="Experiences of the twelve steps and step work.",
        ),
        CodeSpec(
            key="neg",
            name="Negative experiences",
            colour="#e06c75",
            definition="Hurtful or harmful experiences in or around meetings.",
        ),
        CodeSpec(
            key="world",
            name="Group as the whole world",
            parent="neg",
            colour="#e5c07b",
            definition="The group becomes the person's only social world.",
        ),
        CodeSpec(
            key="sponsor",
            name="Sponsor",
            colour="#56b6c2",
            definition="Anything about sponsors and sponsorship.",
        ),
    ),
)

P01_TURNS = [
    (
        "Interviewer",
        "Thank you for taking the time to do this. Could you start by telling me "
        "how you first came to NA?",
    ),
    (
        "P01",
        "Yes. Okay. It must have been the autumn of 2017. I had been in treatment at a "
        "place outside the city, and towards the end they said you need something to go to. "
        "They drove us to a meeting on a Thursday evening.\n\nAnd I was so scared of coming "
        "home, honestly. I went four, five times a week that first year.",
    ),
    ("Interviewer", "When did you start to feel that something didn't fit?"),
    (
        "P01",
        "I kept going, but it felt like the same script every single week. Everyone said "
        "the same things. Every single meeting has the same readings at the start, and after the "
        "hundredth time I caught myself mouthing the words like a prayer.",
    ),
    ("Interviewer", "Did you talk to anyone about that?"),
    (
        "P01",
        "My sponsor. Which, well. That's another story. She said I should just keep "
        "coming back, and that the doubt was my disease talking.",
    ),
]

P03_TURNS = [
    ("Interviewer", 3.2, "Okay, I think it's recording now. Can you hear me okay?"),
    ("P03", 11.8, "Yeah, yeah. Loud and clear."),
    ("Interviewer", 192.0, "How did the meetings feel after the first year?"),
    (
        "P03",
        200.5,
        "I kept going, but it felt like the same script every single week. "
        "Everyone said the same thing, and the group was my whole world by then.",
    ),
]


def parsed(name: str, turns: list[tuple], media: bool = False, fmt: str = "txt") -> ParsedDocument:
    text, spans = "", []
    for t in turns:
        speaker, body = t[0], t[-1]
        if text:
            text += "\n\n"
        text += f"{speaker}: "
        start = len(text)
        text += body
        spans.append(Turn(start, len(text), speaker, t[1] if media else None, None))
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument(
        name=name, text=text, turns=tuple(spans), source_format=fmt, checksum=checksum
    )


def build_project(path: Path) -> Path:
    """Two interviews, a six-code codebook, coders anna and ben with a few codings each."""
    wb = open_workbench(Settings(project=str(path)))
    try:
        store = wb.store
        store.set_meta("name", "NA disengagement study")
        store.import_codebook(CODEBOOK)
        p01 = store.add_document(parsed("P01", P01_TURNS))
        store.add_document(parsed("P03", P03_TURNS, media=True, fmt="vtt"))
        anna = store.ensure_coder("anna")
        ben = store.ensure_coder("ben")
        codes = {c.key: c.id for c in store.codes()}
        text = store.text(p01.id)
        script = text.index("it felt like the same script")
        end = text.index("week.", script) + len("week")
        store.add_coding(p01.id, codes["format"], anna.id, script, end)
        store.add_coding(p01.id, codes["format"], ben.id, script - len("I kept going, but "), end)
        readings = text.index("Every single meeting has")
        store.add_coding(p01.id, codes["format"], ben.id, readings, text.index(".", readings))
        sponsor = text.index("My sponsor.")
        store.add_coding(p01.id, codes["sponsor"], ben.id, sponsor, sponsor + len("My sponsor"))
    finally:
        wb.close()
    return path


def sentence_text(words: int, i: int) -> str:
    base = (
        "the meetings felt like the same script every week and I kept going anyway "
        "because the group was my whole world"
    ).split()
    return " ".join(base[(i + k) % len(base)] for k in range(words)).capitalize() + "."


def big_parsed(n_words: int = 20_000) -> ParsedDocument:
    """About ``n_words`` words in 200 turns with media times (for speed tests)."""
    turns, text = [], ""
    i = 0
    per_turn = n_words // 200
    for t in range(200):
        speaker = "Interviewer" if t % 2 == 0 else "P99"
        if text:
            text += "\n\n"
        text += f"{speaker}: "
        start = len(text)
        words = 0
        parts = []
        while words < per_turn:
            n = 8 + i % 12
            parts.append(sentence_text(n, i))
            words += n
            i += 1
        text += " ".join(parts)
        turns.append(Turn(start, len(text), speaker, float(t * 30), None))
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument("BIG", text, tuple(turns), "vtt", checksum)
