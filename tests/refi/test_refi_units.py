"""Pure pieces of the REFI-QDA reader/writer: descriptions, comments, GUIDs, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from workbench.io.refi.description import (
    compose_description,
    decode_comment,
    encode_comment,
    guid_for,
    norm_guid,
    parse_description,
)
from workbench.io.refi.model import RefiCode, RefiProject
from workbench.io.refi.text import choose_mode, normalise
from workbench.io.refi.writer import codebook_xml, project_xml

_LABELLED = ("definition", "include", "inclusion", "exclude", "exclusion", "example")


def _plain_value() -> st.SearchStrategy[str]:
    line = st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
        max_size=40,
    ).filter(lambda s: not s.strip().lower().startswith(_LABELLED))
    return st.lists(line, max_size=4).map("\n".join).map(str.strip)


@given(_plain_value(), _plain_value(), _plain_value(), _plain_value())
def test_description_round_trips(
    definition: str, inclusion: str, exclusion: str, example: str
) -> None:
    text = compose_description(definition, inclusion, exclusion, example)
    assert parse_description(text) == {
        "definition": definition,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "example": example,
    }


def test_foreign_descriptions() -> None:
    assert (
        parse_description("Just a memo.\nSecond line.")["definition"]
        == "Just a memo.\nSecond line."
    )
    fields = parse_description("Talk about X.\nInclusion criteria: any X\r\nExcludes: Y")
    assert fields == {
        "definition": "Talk about X.",
        "inclusion": "any X",
        "exclusion": "Y",
        "example": "",
    }
    assert parse_description("") == dict.fromkeys(
        ("definition", "inclusion", "exclusion", "example"), ""
    )


def test_comment_survives_double_dashes_and_xml() -> None:
    payload = {"key": "a--b", "memo": "ends with -", "patterns": ['[{"OP": "--"}]'], "n": -1}
    text = encode_comment("code", payload)
    assert "--" not in text and not text.endswith("-")
    el = etree.fromstring(b"<a/>")
    el.append(etree.Comment(text))
    again = etree.fromstring(etree.tostring(el))
    assert decode_comment(again[0].text, "code") == payload
    assert decode_comment("workbench:code {broken", "code") is None
    assert decode_comment("workbench:code [1]", "code") is None
    assert decode_comment(text, "coding") is None


def test_guids() -> None:
    assert guid_for("code", "gossip") == guid_for("code", "gossip")
    assert guid_for("code", "gossip") != guid_for("code", "gossip2")
    assert (
        norm_guid(" {ABCDEF01-2345-6789-ABCD-EF0123456789} ")
        == "abcdef01-2345-6789-abcd-ef0123456789"
    )
    assert norm_guid("not-a-guid") == "not-a-guid"
    assert norm_guid("") is None and norm_guid(None) is None


@given(
    st.lists(st.sampled_from(["a", "b", " ", "\r\n", "\n", "\r", "é", "😀"]), max_size=60),
    st.data(),
)
def test_raw_positions_map_onto_the_normalised_text(parts: list[str], data: st.DataObject) -> None:
    raw = "".join(parts)
    norm = normalise("\ufeff" + raw)
    assert norm.had_bom and norm.text == raw.replace("\r\n", "\n").replace("\r", "\n")
    cuts = [i for i in range(len(raw) + 1) if i not in norm.crlf_splits]
    start = data.draw(st.sampled_from(cuts))
    end = data.draw(st.sampled_from([c for c in cuts if c >= start]))
    expected = raw[start:end].replace("\r\n", "\n").replace("\r", "\n")
    assert norm.text[norm.from_raw(start) : norm.from_raw(end)] == expected


def test_choose_mode() -> None:
    raw = "one\r\ntwo\r\nthree"
    norm = normalise(raw)
    two_raw = (raw.index("two"), raw.index("two") + 3)
    two_lf = (norm.text.index("two"), norm.text.index("two") + 3)
    assert choose_mode(norm, [two_raw], "NVivo") == "raw"
    assert choose_mode(norm, [two_lf], "ATLAS.ti 9") == "lf"
    assert choose_mode(norm, [two_lf], "") == "lf"  # a raw reading would split CRLF
    assert choose_mode(norm, [(0, len(raw))], "ATLAS.ti") == "raw"  # only fits raw
    assert choose_mode(normalise("no breaks"), [(0, 2)], "") == "lf"


def test_writer_drops_invalid_colours_and_control_characters() -> None:
    code = RefiCode(
        guid=guid_for("code", "x"), name="bell\x07name", colour="red", description="tab\tok\x0c"
    )
    root = codebook_xml(RefiProject(name="p", codes=(code,)))
    el = root[0][0]
    assert el.get("color") is None and el.get("name") == "bell\ufffdname"
    xml = etree.tostring(project_xml(RefiProject(name="p", codes=(code,))))
    assert b"\x07" not in xml and b"\x0c" not in xml
    with pytest.raises(ValueError):
        codebook_xml(RefiProject(name="p"))


def test_refi_io_stays_pure() -> None:
    """The readers and writers import neither the store nor the UI nor spaCy."""
    import subprocess
    import sys

    code = (
        "import sys, workbench.io.refi.reader, workbench.io.refi.writer; "
        "print(sorted({'spacy', 'textual', 'sqlalchemy', 'sqlmodel'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
