"""Plain-text and Markdown transcripts: encodings, newlines, labels, exact turn offsets."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from workbench.core.errors import BadEncoding, ImportFailed
from workbench.core.model import ParsedDocument
from workbench.io.transcripts import read_transcript


def spoken(doc: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


NORWEGIAN = (
    "Intervju med P03\n"
    "\n"
    "Interviewer: Hvordan kom du til NA første gang?\n"
    "\n"
    "P03: En venn tok meg med. Det var «trygt» – og “varmt”.\n"
    "Jeg ble der i to år, ære være det.\n"
    "\n"
    "Interviewer: Og så?\n"
)

NORWEGIAN_TURNS = [
    (None, "Intervju med P03"),
    ("Interviewer", "Hvordan kom du til NA første gang?"),
    (
        "P03",
        "En venn tok meg med. Det var «trygt» – og “varmt”.\nJeg ble der i to år, ære være det.",
    ),
    ("Interviewer", "Og så?"),
]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_txt_turns_and_metadata(tmp_path: Path) -> None:
    doc = read_transcript(write(tmp_path, "P03 interview.txt", NORWEGIAN.encode()))
    assert doc.text == NORWEGIAN
    assert spoken(doc) == NORWEGIAN_TURNS
    assert doc.name == "P03 interview"
    assert doc.source_format == "txt"
    assert doc.checksum == hashlib.sha256(NORWEGIAN.encode()).hexdigest()
    assert doc.source_path.endswith("P03 interview.txt")
    # the turn starts right after "Interviewer: "
    first = doc.turns[1]
    assert doc.text[first.start - len("Interviewer: ") : first.start] == "Interviewer: "


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_unicode_with_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    doc = read_transcript(write(tmp_path, "p03.txt", bom + NORWEGIAN.encode(encoding)))
    assert doc.text == NORWEGIAN  # BOM gone
    assert spoken(doc) == NORWEGIAN_TURNS


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path: Path, encoding: str) -> None:
    doc = read_transcript(write(tmp_path, "p03.txt", NORWEGIAN.encode(encoding)))
    assert doc.text == NORWEGIAN


def test_cp1252_with_norwegian_letters_and_curly_quotes(tmp_path: Path) -> None:
    text = "Interviewer: Hva betydde møtene?\n\nP03: “Æ, ø og å” – det var ‘hjem’ for meg…\n"
    doc = read_transcript(write(tmp_path, "p03.txt", text.encode("cp1252")))
    assert doc.text == text
    assert spoken(doc) == [
        ("Interviewer", "Hva betydde møtene?"),
        ("P03", "“Æ, ø og å” – det var ‘hjem’ for meg…"),
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_become_lf(tmp_path: Path, newline: str) -> None:
    data = NORWEGIAN.replace("\n", newline).encode()
    doc = read_transcript(write(tmp_path, "p03.txt", data))
    assert doc.text == NORWEGIAN
    assert spoken(doc) == NORWEGIAN_TURNS


def test_text_is_not_reflowed_or_stripped(tmp_path: Path) -> None:
    text = "  Interviewer:   Hello  there \t\n\n\tP03: yes\u00a0 \n\n\n"
    doc = read_transcript(write(tmp_path, "a.txt", text.encode()))
    assert doc.text == text
    assert spoken(doc) == [("Interviewer", "Hello  there"), ("P03", "yes")]


def test_markdown_bold_labels(tmp_path: Path) -> None:
    text = (
        "# Interview 7\n"
        "\n"
        "**Interviewer:** What did the group give you?\n"
        "\n"
        "**Kari Nordmann**: A place to be. *Really.*\n"
        "\n"
        "More of the same answer.\n"
        "\n"
        "**Interviewer:** Thanks.\n"
        "\n"
        "**Kari Nordmann:** Bye.\n"
    )
    doc = read_transcript(write(tmp_path, "i7.MD", text.encode()))
    assert doc.source_format == "md"
    assert doc.text == text
    assert spoken(doc) == [
        (None, "# Interview 7"),
        ("Interviewer", "What did the group give you?"),
        ("Kari Nordmann", "A place to be. *Really.*\n\nMore of the same answer."),
        ("Interviewer", "Thanks."),
        ("Kari Nordmann", "Bye."),
    ]


def test_timestamped_labels_set_media_start(tmp_path: Path) -> None:
    text = (
        "[00:01:02] Interviewer: First.\n"
        "(00:01:10) R: Second.\n"
        "[02:05] Q: Third.\n"
        "01:00:00 A: Fourth.\n"
    )
    doc = read_transcript(write(tmp_path, "t.txt", text.encode()))
    assert [(t.speaker, doc.text[t.start : t.end], t.media_start) for t in doc.turns] == [
        ("Interviewer", "First.", 62.0),
        ("R", "Second.", 70.0),
        ("Q", "Third.", 125.0),
        ("A", "Fourth.", 3600.0),
    ]


def test_free_form_names_need_two_paragraphs(tmp_path: Path) -> None:
    text = (
        "Anna: Did the meetings help?\n\n"
        "Dr. Berg: They did, at first.\n\n"
        "Well, the thing is: nobody asked.\n\n"
        "Note: the recorder stopped here.\n\n"
        "Anna: And later?\n\n"
        "Dr. Berg: Later, less so.\n"
    )
    doc = read_transcript(write(tmp_path, "t.txt", text.encode()))
    assert spoken(doc) == [
        ("Anna", "Did the meetings help?"),
        (
            "Dr. Berg",
            "They did, at first.\n\nWell, the thing is: nobody asked.\n\n"
            "Note: the recorder stopped here.",
        ),
        ("Anna", "And later?"),
        ("Dr. Berg", "Later, less so."),
    ]


def test_without_labels_each_paragraph_is_a_turn(tmp_path: Path) -> None:
    text = "First paragraph,\nwrapped.\n\n  Second one.  \n\n\n\nThird: a single colon line.\n"
    doc = read_transcript(write(tmp_path, "t.txt", text.encode()))
    assert spoken(doc) == [
        (None, "First paragraph,\nwrapped."),
        (None, "Second one."),
        (None, "Third: a single colon line."),
    ]


def test_label_on_its_own_line(tmp_path: Path) -> None:
    text = "INTERVIEWER:\nWhat happened next?\n\nRESPONDENT:\n\nI left.\n"
    doc = read_transcript(write(tmp_path, "t.txt", text.encode()))
    assert spoken(doc) == [("INTERVIEWER", "What happened next?"), ("RESPONDENT", "I left.")]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  "])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ImportFailed, match="file is empty"):
        read_transcript(write(tmp_path, "e.txt", data))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",  # an image
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),  # a zip
        bytes(range(1, 32)) * 20,  # control characters
        b"Interviewer: hello\x00there",  # a NUL
        b"\x81\x8d\x8f\x90\x9d",  # undefined in cp1252
    ],
)
def test_binary_data_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(BadEncoding) as err:
        read_transcript(write(tmp_path, "bin.txt", data))
    assert err.value.problem in {
        "not a text file (binary data)",
        "cannot decode as UTF-8, UTF-16 or Windows-1252",
    }
    assert str(err.value).startswith("bin.txt: ")


def test_damaged_utf8_names_the_line(tmp_path: Path) -> None:
    data = "Interviewer: første\nP03: blåbær\n".encode() + b"P03: \xff\xfe oops\n"
    with pytest.raises(BadEncoding, match=r"bad.txt:3: cannot decode as UTF-8"):
        read_transcript(write(tmp_path, "bad.txt", data))
