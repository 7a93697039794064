"""Quote-anchored codings: reading the YAML and finding quotes in a document's text."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import ImportFailed
from workbench.io.anchored_codings import (
    AnchoredCoding,
    dump_anchored_codings,
    load_anchored_codings,
    locate_quote,
    parse_anchored_codings,
)

REPO = Path(__file__).resolve().parents[2]
SRC = Path("codings.yaml")

GOOD = """\
# two codings
- document: P03
  coder: anna
  code: sponsorship
  quote: "She wanted a call every morning: at eight."
- document: P03
  coder: ben
  code: higher-power
  quote: >
    they said it could be
    anything you like
  memo: folded over two lines
  starred: true
  occurrence: 2
"""


def error_of(text: str) -> str:
    with pytest.raises(ImportFailed) as info:
        parse_anchored_codings(text, SRC)
    message = str(info.value)
    assert message.startswith("codings.yaml") and "\n" not in message
    return message


# --------------------------------------------------------------------------- reading


def test_reads_codings_with_defaults_and_lines() -> None:
    first, second = parse_anchored_codings(GOOD, SRC)
    assert first == AnchoredCoding(
        "P03", "anna", "sponsorship", "She wanted a call every morning: at eight."
    )
    assert (first.memo, first.starred, first.occurrence, first.line) == ("", False, 1, 2)
    assert second == AnchoredCoding(
        document="P03",
        coder="ben",
        code="higher-power",
        quote="they said it could be anything you like",
        memo="folded over two lines",
        starred=True,
        occurrence=2,
    )
    assert second.line == 6


def test_line_is_not_part_of_equality() -> None:
    a = AnchoredCoding("d", "c", "k", "q", line=3)
    assert a == AnchoredCoding("d", "c", "k", "q", line=90)
    with pytest.raises(AttributeError):
        a.quote = "other"  # type: ignore[misc]


def test_load_from_file_and_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert len(load_anchored_codings(path)) == 2
    path.write_text("[]\n", encoding="utf-8")
    assert load_anchored_codings(path) == []


def test_dump_round_trip() -> None:
    codings = parse_anchored_codings(GOOD, SRC)
    assert parse_anchored_codings(dump_anchored_codings(codings), SRC) == codings


@pytest.mark.parametrize("name", ["P01-P05.yaml", "P06-P10.yaml"])
def test_sample_coding_files_load(name: str) -> None:
    path = REPO / "sample_transcripts" / "codings" / name
    if not path.exists():
        pytest.skip("sample codings not written yet")
    codings = load_anchored_codings(path)
    assert codings and all(c.quote for c in codings)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "codings.yaml: the file is empty"),
        ("# nothing\n", "codings.yaml: the file is empty"),
        ("document: P01\n", "codings.yaml:1: expected a list of codings"),
        ("- just text\n", "coding #1 must be a mapping"),
        (
            "- document: P01\n  coder: anna\n  code: x\n",
            "codings.yaml:1: coding #1: 'quote' is missing",
        ),
        (
            "- {document: P01, coder: anna, code: x, quote: '  '}\n",
            "coding #1: 'quote' is missing",
        ),
        (
            "- document: P01\n  coder: anna\n  code: x\n  quote: q\n  qoute: q\n",
            "codings.yaml:5: coding #1: unknown field 'qoute' (did you mean 'quote'?)",
        ),
        (
            "- document: 3\n  coder: anna\n  code: x\n  quote: q\n",
            "codings.yaml:1: coding #1: 'document' must be text, not 3; put it in quotes",
        ),
        (
            "- {document: P01, coder: anna, code: x, quote: q, occurrence: 0}\n",
            "'occurrence' must be a whole number from 1 up, not 0",
        ),
        (
            "- {document: P01, coder: anna, code: x, quote: q, occurrence: true}\n",
            "'occurrence' must be a whole number",
        ),
        (
            "- {document: P01, coder: anna, code: x, quote: q, starred: maybe}\n",
            "'starred' must be true or false, not 'maybe'",
        ),
        ("- document: P01\n  quote: a: b\n", "codings.yaml:2: YAML syntax error"),
        (
            "- document: P01\n  document: P02\n",
            "codings.yaml:2: field 'document' appears twice",
        ),
        ("- !!python/name:os.system x\n", "unsupported YAML tag"),
    ],
)
def test_errors(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_errors_name_the_file_on_disk(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"^missing\.yaml: file not found$"):
        load_anchored_codings(tmp_path / "missing.yaml")
    path = tmp_path / "bad.yaml"
    path.write_text("- document: P01\n  coder: anna\n  code: x\n  quote: 7\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        load_anchored_codings(path)
    assert str(info.value) == "bad.yaml:4: coding #1: 'quote' must be text, not 7; put it in quotes"
    assert info.value.line == 4 and info.value.source == path


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_codings_or_import_failed(text: str) -> None:
    with contextlib.suppress(ImportFailed):
        parse_anchored_codings(text, SRC)


# --------------------------------------------------------------------------- locate_quote

TEXT = "I went to meetings.\nThen I went to  meetings\n  again, and I went to meetings."


def test_exact_match() -> None:
    assert locate_quote("say hello world", "hello") == (4, 9)


def test_nth_exact_occurrence() -> None:
    assert locate_quote(TEXT, "I went to meetings.", 1) == (0, 19)
    start, end = locate_quote(TEXT, "I went to meetings", 2)  # type: ignore[misc]
    assert TEXT[start:end] == "I went to meetings" and start > 40
    # only two exact matches: the third is counted whitespace-insensitively, over all matches
    assert locate_quote(TEXT, "I went to meetings", 3) == (start, end)
    assert locate_quote(TEXT, "I went to meetings", 4) is None


def test_occurrences_do_not_overlap() -> None:
    assert locate_quote("aaaa", "aa", 2) == (2, 4)
    assert locate_quote("aaaa", "aa", 3) is None


def test_whitespace_insensitive_match_returns_original_offsets() -> None:
    quote = "Then I went to meetings again"
    start, end = locate_quote(TEXT, quote)  # type: ignore[misc]
    assert TEXT[start:end] == "Then I went to  meetings\n  again"


def test_whitespace_in_quote_may_differ_too() -> None:
    text = "one two\nthree"
    assert locate_quote(text, "one\n two   three") == (0, len(text))


def test_exact_match_is_preferred_over_a_loose_one() -> None:
    text = "went to\nmeetings, then went to meetings"
    exact = (text.rindex("went"), len(text))
    assert locate_quote(text, "went to meetings") == exact
    # there is one exact match, so the 2nd is the 2nd whitespace-insensitive match
    assert locate_quote(text, "went to meetings", 2) == exact
    assert locate_quote(text, "went to meetings", 3) is None


def test_typographic_lookalikes() -> None:
    text = "He said “keep coming back” – and I didn’t."
    quote = '"keep coming back" - and I didn\'t.'
    start, end = locate_quote(text, quote)  # type: ignore[misc]
    assert text[start:end] == "“keep coming back” – and I didn’t."


def test_regex_characters_in_quotes_are_literal() -> None:
    text = "cost (about) $5.00? [yes] a+b*c"
    quote = "(about) $5.00?  [yes]\na+b*c"
    assert locate_quote(text, quote) == (5, len(text))


def test_not_found_and_edge_cases() -> None:
    assert locate_quote(TEXT, "never said") is None
    assert locate_quote(TEXT, "") is None
    assert locate_quote(TEXT, "   \n") is None
    assert locate_quote("", "x") is None
    assert locate_quote("  padded  ", "  padded\n") == (2, 8)
    with pytest.raises(ValueError):
        locate_quote(TEXT, "went", 0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.data())
def test_any_substring_is_found_at_its_first_occurrence(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    quote = text[i:j].strip()
    span = locate_quote(text, quote)
    if not quote:
        assert span is None
    else:
        assert span == (text.find(quote), text.find(quote) + len(quote))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abc'’-–", min_size=1, max_size=4), min_size=1, max_size=6),
    st.lists(st.sampled_from([" ", "\n", "  ", "\t", " \n "]), min_size=6, max_size=6),
)
def test_reflowed_quote_is_found_in_original_text(words: list[str], gaps: list[str]) -> None:
    text = "x " + "".join(w + g for w, g in zip(words, gaps, strict=False)) + "y"
    quote = " ".join(words)
    span = locate_quote(text, quote)
    assert span is not None
    found = text[span[0] : span[1]]
    assert re.sub(r"\s+", " ", found) == quote
