"""The sentence splitter was sped up for project-scale agreement (a bounded look-back for
the word before a full stop, ``str.strip`` for trimming). Its spans must stay exactly
those of the straightforward version kept here as the reference."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.services import sentences
from workbench.core.services.sentences import sentence_spans

REPO = Path(__file__).resolve().parents[2]


def reference_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The splitter as first written (whole-sentence look-back, char-by-char trimming)."""
    spans = []
    cur = start
    for m in sentences._END.finditer(text, start, end):
        stop = m.end() if not m.group().startswith("\n") else m.start()
        if not m.group().startswith("\n"):
            before = sentences._WORD_BEFORE.search(text, cur, m.start() + 1)
            word = before.group(1).lower().rstrip(".") if before else ""
            if m.group()[0] == "." and (
                word in sentences._ABBREV or (len(word) == 1 and word.isalpha())
            ):
                continue
        spans.append((cur, stop))
        cur = m.end()
    spans.append((cur, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


PIECES = st.sampled_from(
    [
        "a",
        "b",
        "I",
        "é",
        "x1",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\u00a0",
        "\u2003",
        ".",
        "..",
        "...",
        "!",
        "?",
        "…",
        '"',
        "'",
        "”",
        ")",
        "]",
        "e.g.",
        "Dr.",
        "etc.",
        "approx.",
        "A.",
        "word",
        "sentence",
        "abbreviation",
        "aaaaaaaaaaaaaaaaaaaaa.",
    ]  # fmt: skip
)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=40), st.data())
def test_agreement_project_sentence_splitter_is_unchanged(
    pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentences._split_block(text, start, end) == reference_split(text, start, end)


def test_agreement_project_sentence_splitter_on_the_sample_transcripts() -> None:
    for path in sorted((REPO / "sample_transcripts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert sentence_spans(text) == reference_split(text, 0, len(text)), path.name
