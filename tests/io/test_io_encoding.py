"""decode_text: declared and detected encodings round-trip; binary data is refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.core.errors import BadEncoding, ImportFailed
from workbench.io.encoding import decode_text, normalise_newlines

SETTINGS = settings(max_examples=150, deadline=None)
SOURCE = Path("t.txt")

# Any text except NUL and lone surrogates (which no encoding can carry).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
# The same without control characters other than tab and newlines: plain UTF-8 without a
# BOM that is mostly control characters is refused as binary data on purpose.
TEXT_LIKE = st.text(
    st.one_of(
        st.characters(exclude_categories=("Cs", "Cc")),
        st.sampled_from("\t\n\r"),
    )
)

WITH_BOM = {
    "utf-8-sig": lambda s: s.encode("utf-8-sig"),
    "utf-16": lambda s: s.encode("utf-16"),  # BOM in native order
    "utf-16-le+bom": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be+bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-32": lambda s: s.encode("utf-32"),
}


@SETTINGS
@given(ANY_TEXT, st.sampled_from(sorted(WITH_BOM)))
def test_text_with_a_bom_round_trips(text: str, encoding: str) -> None:
    assume(text.strip())
    assert decode_text(WITH_BOM[encoding](text), SOURCE) == normalise_newlines(text)


@SETTINGS
@given(TEXT_LIKE)
def test_plain_utf8_round_trips(text: str) -> None:
    assume(text.strip())
    assume(not text.startswith("\ufeff"))  # a leading ZWNBSP is indistinguishable from a BOM
    assert decode_text(text.encode("utf-8"), SOURCE) == normalise_newlines(text)


@SETTINGS
@given(ANY_TEXT)
def test_result_has_no_cr_and_no_nul(text: str) -> None:
    assume(text.strip())
    decoded = decode_text(text.encode("utf-16"), SOURCE)
    assert "\r" not in decoded and "\x00" not in decoded


WORDS = st.sampled_from(
    "jeg var på møtet og følte meg ikke hjemme der Ærlig talt søstre får gå til NA hver uke "
    "«trygt» “varmt” ‘sånn’ – … kaffé naïve Øystein Åse, blåbær. ja! nei?".split()
)
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\r\n", "\n\n", "\t"])


@SETTINGS
@given(st.lists(st.tuples(WORDS, SEPARATORS), min_size=1, max_size=120))
def test_western_text_in_cp1252_round_trips(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in pieces)
    data = text.encode("cp1252")
    assume(data != text.encode("utf-8"))  # pure ASCII is UTF-8 anyway
    assert decode_text(data, SOURCE) == normalise_newlines(text)


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Интервьюер: Как вы впервые пришли в АН? Участник: Друг привёл меня. " * 4, "cp1251"),
        ("Intervjuer: Hvordan kom du til NA første gang? Deltaker: En venn tok meg med. " * 4,
         "mac_roman"),
    ],
)  # fmt: skip
def test_other_legacy_encodings_are_not_read_as_cp1252(text: str, encoding: str) -> None:
    with pytest.raises(BadEncoding, match="cannot decode as UTF-8, UTF-16 or Windows-1252"):
        decode_text(text.encode(encoding), SOURCE)


def test_short_cp1252_snippets() -> None:
    assert decode_text("“hei” – å".encode("cp1252"), SOURCE) == "“hei” – å"
    with pytest.raises(BadEncoding):
        decode_text(bytes(range(0xA0, 0x100)), SOURCE)  # all high bytes: not prose


def test_a_few_control_characters_are_fine() -> None:
    text = "Interviewer: page one\x0c\nP03: done\x1a and\x07 more text in this file\n"
    assert decode_text(text.encode(), SOURCE) == text


def test_utf16_detection_needs_clear_evidence() -> None:
    assert decode_text("Interviewer: ja\r\n".encode("utf-16-le"), SOURCE) == "Interviewer: ja\n"
    with pytest.raises(BadEncoding, match="binary"):
        decode_text(b"a\x00b\x00\x00\x00c\x00" * 3 + b"\x00\x00", SOURCE)


@pytest.mark.parametrize(
    "data", [b"\xff\xfe\x00\xd8a\x00", b"\xfe\xff\xdc\x00", b"\xef\xbb\xbf\xff oops"]
)
def test_undecodable_despite_bom(data: bytes) -> None:
    with pytest.raises(BadEncoding, match="despite its byte-order mark"):
        decode_text(data, SOURCE)


def test_empty_after_bom() -> None:
    with pytest.raises(ImportFailed, match="file is empty"):
        decode_text(codecs.BOM_UTF8 + b"\r\n  ", SOURCE)
