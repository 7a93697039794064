"""What NVivo, ATLAS.ti, MAXQDA, QualCoder and Transana really write, one habit per test.

Every archive is built by hand in tmp_path with invented text; each test checks that the
coded text lands on the right words after import and that the report says what was
assumed or left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.bootstrap import Workbench
from workbench.cli import app
from workbench.io.refi.text import Choice, choose_reading, normalise
from workbench.workflows.refi import import_refi

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
U1 = "a1a1a1a1-0000-0000-0000-000000000001"
U2 = "b2b2b2b2-0000-0000-0000-000000000002"
C1 = "c1c1c1c1-0000-0000-0000-000000000001"
C2 = "c2c2c2c2-0000-0000-0000-000000000002"
S1 = "51515151-0000-0000-0000-000000000001"
S2 = "52525252-0000-0000-0000-000000000002"

TEXT = "Interviewer: Where did you go after?\nR: Back to the café on Mill Street, every day."
QUOTE = "the café on Mill Street"


def g(n: int) -> str:
    return f"e0e0e0e0-0000-0000-0000-{n:012d}"


def coded(wb: Workbench) -> list[tuple[str, str, str, str]]:
    """(document, coded text, code path, coder) for every coding."""
    s = wb.store
    docs = {d.id: d.name for d in s.documents()}
    codes = {c.id: c.path for c in s.codes()}
    coders = {c.id: c.name for c in s.coders()}
    return sorted(
        (
            docs[c.document_id],
            s.text(c.document_id)[c.start : c.end],
            codes[c.code_id],
            coders[c.coder_id],
        )
        for c in s.codings()
    )


def selection(n: int, start: int, end: int, code: str = C1, user: str | None = U1, name="") -> str:
    who = f' creatingUser="{user}"' if user else ""
    label = f' name="{name}"' if name else ""
    return (
        f'<PlainTextSelection guid="{g(n)}" startPosition="{start}" endPosition="{end}"{label}>'
        f'<Coding guid="{g(1000 + n)}"{who}><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def project(
    sources: str,
    *,
    codes: str = f'<Code guid="{C1}" name="Places" isCodable="true"/>',
    users: str | None = f'<User guid="{U1}" name="Ines"/>',
    extra: str = "",
    origin: str = "",
    ns: str = f'xmlns="{PROJECT_NS}"',
    declaration: str = '<?xml version="1.0" encoding="utf-8"?>',
) -> str:
    users_xml = f"<Users>{users}</Users>" if users else ""
    return (
        f'{declaration}\n<Project {ns} name="Étude" origin="{origin}">'
        f"{users_xml}<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f"<Sources>{sources}</Sources>{extra}</Project>"
    )


def text_source(guid: str = S1, name: str = "Int 1", path: str | None = None, body="") -> str:
    attr = f' plainTextPath="{path if path is not None else f"internal://{guid}.txt"}"'
    return f'<TextSource guid="{guid}" name="{name}"{attr}>{body}</TextSource>'


def prefixed(xml: str, prefix: str = "qda") -> str:
    """Every element in the ``prefix:`` namespace instead of the default one."""
    xml = re.sub(r"<(/?)([A-Za-z]+)", rf"<\1{prefix}:\2", xml)
    return xml.replace('xmlns="', f'xmlns:{prefix}="')


def make(tmp_path: Path, members: dict[str, str | bytes], name: str = "in.qdpx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data.encode("utf-8") if isinstance(data, str) else data)
    return path


START = TEXT.index(QUOTE)
ONE_CODING = text_source(body=selection(1, START, START + len(QUOTE)))


# -- XML namespaces and encodings ---------------------------------------------------------

BASE = project(ONE_CODING)
VARIANTS: dict[str, bytes] = {
    "default-namespace": BASE.encode(),
    "prefixed-namespace": prefixed(BASE).encode(),
    "no-namespace": BASE.replace(f' xmlns="{PROJECT_NS}"', "").encode(),
    "old-namespace": BASE.replace(PROJECT_NS, "urn:QDA-XML:project:1:0").encode(),
    "utf8-bom": b"\xef\xbb\xbf" + BASE.encode(),
    "utf16-bom": BASE.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
    "utf16-be-bom": b"\xfe\xff" + BASE.replace("utf-8", "UTF-16").encode("utf-16-be"),
    "utf16-no-bom": BASE.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-le"),
    "no-declaration": BASE.split("\n", 1)[1].encode(),
    "blank-line-first": b"\r\n" + BASE.encode(),
}
NOTED: dict[str, tuple[bytes, str]] = {
    # .NET's StringWriter: the declaration says UTF-16, the file is UTF-8
    "utf16-declared-utf8-stored": (
        BASE.replace('encoding="utf-8"', 'encoding="utf-16"').encode(),
        "declares encoding 'utf-16' but is stored as 8-bit text",
    ),
    "windows-1252-bytes": (BASE.encode("cp1252"), "not valid UTF-8; read as Windows-1252"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS) + sorted(NOTED))
def test_namespace_and_encoding_variants(wb: Workbench, tmp_path: Path, variant: str) -> None:
    qde, note = NOTED.get(variant, (VARIANTS.get(variant, b""), ""))
    path = make(tmp_path, {"project.qde": qde, f"sources/{S1}.txt": TEXT})
    report = import_refi(wb.store, path)
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]
    assert wb.store.get_meta("name") == "Étude"
    if note:
        assert any(line.startswith("project.qde: ") and note in line for line in report.assumptions)
    else:
        assert not report.skipped


@pytest.mark.parametrize(
    "encode",
    [
        lambda x: x.encode("utf-8"),
        lambda x: b"\xef\xbb\xbf" + x.encode("utf-8"),
        lambda x: x.replace("utf-8", "utf-16").encode("utf-16"),
        lambda x: prefixed(x, "cb").replace(PROJECT_NS, CODEBOOK_NS).encode("utf-8"),
    ],
    ids=["codebook-ns", "bom", "utf16", "prefixed"],
)
def test_codebook_namespace_variants(wb: Workbench, tmp_path: Path, encode) -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CodeBook xmlns="{PROJECT_NS}" origin="MAXQDA 24"><Codes>'
        f'<Code guid="{C1}" name="Places" isCodable="true" color="#3366CC">'
        f"<Description>Where people go.</Description>"
        f'<Code guid="{C2}" name="Cafés" isCodable="true"/></Code>'
        "</Codes></CodeBook>"
    ).replace(PROJECT_NS, CODEBOOK_NS)
    path = tmp_path / "book.qdc"
    path.write_bytes(encode(xml))
    report = import_refi(wb.store, path)
    assert report.codes_added == 2
    assert [c.path for c in wb.store.codes()] == ["Places", "Places > Cafés"]
    assert wb.store.code("Places").colour == "#3366cc"
    assert wb.store.code("Places").definition == "Where people go."


# -- where the project file and the sources are ----------------------------------------------


@pytest.mark.parametrize(
    ("qde_name", "text_name", "where"),
    [
        ("project.qde", f"Sources/{S1}.txt", None),
        ("MyStudy.qde", f"sources/{S1}.txt", "MyStudy.qde"),
        ("MyStudy/project.qde", f"MyStudy/sources/{S1}.txt", "MyStudy/project.qde"),
        ("MyStudy/MyStudy.qde", f"MyStudy/Sources/{S1}.txt", "MyStudy/MyStudy.qde"),
    ],
)
def test_project_file_names_and_folders(
    wb: Workbench, tmp_path: Path, qde_name: str, text_name: str, where: str | None
) -> None:
    members: dict[str, str | bytes] = {
        qde_name: project(ONE_CODING),
        text_name: TEXT,
        # what macOS Finder adds when it zips a folder: never project data
        f"__MACOSX/{qde_name.rsplit('/', 1)[0]}/._{qde_name.rsplit('/', 1)[-1]}": b"\0\5\26\7",
        f"__MACOSX/sources/._{S1}.txt": b"\0\5\26\7",
    }
    report = import_refi(wb.store, make(tmp_path, members))
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]
    assert not report.skipped
    read_from = [a for a in report.assumptions if "the project was read from" in a]
    assert read_from == ([f"the project was read from {where}"] if where else [])


def test_sources_next_to_the_project_file_win(wb: Workbench, tmp_path: Path) -> None:
    members = {
        "Study/project.qde": project(ONE_CODING),
        f"Study/sources/{S1}.txt": TEXT,
        f"Old/sources/{S1}.txt": "An older copy of the interview that must not be read.",
    }
    import_refi(wb.store, make(tmp_path, members))
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]


# -- source paths ----------------------------------------------------------------------------


def test_relative_and_absolute_paths(wb: Workbench, tmp_path: Path) -> None:
    """Files in the archive are found whatever the path says; missing ones are named."""
    sources = "".join(
        [
            text_source(S1, "Int 1", "relative://Interviews/Int%201.txt", selection(1, 0, 11)),
            text_source(
                S2, "Int 2", r"absolute://C:\Users\ines\Study\int2.txt", selection(2, 0, 11)
            ),
            text_source(
                g(3), "Int 3", "absolute:///home/ines/Study/missing.txt", selection(3, 0, 11)
            ),
        ]
    )
    path = make(
        tmp_path,
        {
            "project.qde": project(sources),
            "sources/Int 1.txt": TEXT,
            "sources/int2.txt": "Interviewer: And the second time?",
        },
    )
    report = import_refi(wb.store, path)
    assert coded(wb) == [
        ("Int 1", "Interviewer", "Places", "Ines"),
        ("Int 2", "Interviewer", "Places", "Ines"),
    ]
    assert report.skipped == [
        "source 'Int 3': its file is outside the archive "
        "(absolute:///home/ines/Study/missing.txt) and files outside the archive are not "
        "read (1 coding not imported)"
    ]
    assert any(
        "int2.txt read from the archive copy sources/int2.txt" in a for a in report.assumptions
    )


def test_missing_file_is_one_skipped_line_on_the_command_line(
    tmp_path: Path, project_path: Path
) -> None:
    sources = text_source(S1, "Int 1", r"absolute://D:\Data\Int 1.txt", selection(1, 0, 4))
    sources += text_source(S2, "Int 2", body=selection(2, START, START + len(QUOTE)))
    path = make(tmp_path, {"project.qde": project(sources), f"sources/{S2}.txt": TEXT})
    result = CliRunner().invoke(app, ["--project", str(project_path), "import", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("in.qdpx: imported 1 document, 1 code, 1 coding")
    assert "skipped: source 'Int 1': its file is outside the archive" in result.stdout
    assert r"D:\Data\Int 1.txt" in result.stdout


def test_rich_text_only_source_is_read_from_its_docx(wb: Workbench, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: What did the meetings give you?")
    document.add_paragraph("R: A place to sit with people who understood.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = (
        f'<TextSource guid="{S1}" name="Int 1" richTextPath="internal://{S1}.docx">'
        f"{selection(1, 3, 9)}</TextSource>"
    )
    path = make(tmp_path, {"project.qde": project(source), f"sources/{S1}.docx": buffer.getvalue()})
    report = import_refi(wb.store, path)
    doc = wb.store.document("Int 1")
    assert "A place to sit with people who understood." in wb.store.text(doc.id)
    assert wb.store.info().codings == 0
    assert any("'Int 1': 1 selection (1 coding)" in line for line in report.skipped)


# -- text files: UTF-16, BOM, CRLF, and how positions were counted ---------------------------

CRLF_TEXT = (
    "Interviewer: How long did you go?\r\n"
    "R: Nine years, on and off.\r\n"
    "\r\n"
    "Interviewer: And then?\r\n"
    "R: Then the group changed and I stopped going.\r\n"
)
LF_TEXT = CRLF_TEXT.replace("\r\n", "\n")
CRLF_QUOTES = ["Nine years, on and off.", "the group changed", "I stopped going"]


def _spans(text: str) -> list[tuple[int, int]]:
    return [(text.index(q), text.index(q) + len(q)) for q in CRLF_QUOTES]


@pytest.mark.parametrize(
    ("encoding", "counted_on", "origin"),
    [
        ("utf-8-sig", CRLF_TEXT, "NVivo 14"),  # BOM; CRLF counted as two
        ("utf-16", CRLF_TEXT, "MAXQDA 2022"),  # UTF-16 with BOM
        ("utf-16-le", CRLF_TEXT, ""),  # UTF-16 without a BOM
        ("utf-8", LF_TEXT, "ATLAS.ti 23"),  # a line break counted once
        ("utf-8-sig", LF_TEXT, "MAXQDA 2022"),  # counted once, though not ATLAS.ti
        ("utf-8", LF_TEXT, ""),
    ],
    ids=[
        "nvivo-bom-crlf2",
        "maxqda-utf16",
        "utf16-no-bom",
        "atlas-crlf1",
        "maxqda-crlf1",
        "no-origin",
    ],
)
def test_crlf_and_encodings_put_codings_on_the_right_words(
    wb: Workbench, tmp_path: Path, encoding: str, counted_on: str, origin: str
) -> None:
    body = "".join(selection(i, s, e) for i, (s, e) in enumerate(_spans(counted_on)))
    path = make(
        tmp_path,
        {
            "project.qde": project(text_source(body=body), origin=origin),
            f"sources/{S1}.txt": CRLF_TEXT.encode(encoding),
        },
    )
    report = import_refi(wb.store, path)
    assert wb.store.text(wb.store.document("Int 1").id) == LF_TEXT
    assert [t for _, t, _, _ in coded(wb)] == sorted(CRLF_QUOTES)
    assert report.skipped == []
    how = "two characters" if counted_on is CRLF_TEXT else "one character"
    assert any(
        "CRLF line endings; positions read as counting" in a and how in a
        for a in report.assumptions
    )


def test_selection_names_decide_how_line_breaks_were_counted(wb: Workbench, tmp_path: Path) -> None:
    """One short selection at a word boundary either way: its name tells."""
    text = "R: ok\r\nI: so\r\nR: so so\r\n"
    lf = text.replace("\r\n", "\n")
    start = lf.index("so so")  # counted once; read as raw it would be "o so "
    body = selection(1, start, start + 5, name="so so")
    path = make(
        tmp_path,
        {
            "project.qde": project(text_source(body=body), origin="MAXQDA 2022"),
            f"sources/{S1}.txt": text,
        },
    )
    report = import_refi(wb.store, path)
    assert [t for _, t, _, _ in coded(wb)] == ["so so"]
    assert any("names quote the text" in a for a in report.assumptions)


def test_undecided_sources_follow_the_decided_ones(wb: Workbench, tmp_path: Path) -> None:
    clear = "".join(selection(i, s, e) for i, (s, e) in enumerate(_spans(LF_TEXT)))
    # "No." read with CRLF counted twice is " No": no word cut either way, so Int 2
    # alone cannot tell; Int 1 can, and Int 2 follows it.
    vague_text = "Interviewer: Go on.\r\nR: No.\r\n"
    v = vague_text.replace("\r\n", "\n").index("No.")
    sources = text_source(S1, "Int 1", body=clear) + text_source(
        S2, "Int 2", body=selection(9, v, v + len("No."))
    )
    path = make(
        tmp_path,
        {
            "project.qde": project(sources, origin="MAXQDA 2022"),
            f"sources/{S1}.txt": CRLF_TEXT,
            f"sources/{S2}.txt": vague_text,
        },
    )
    report = import_refi(wb.store, path)
    assert ("Int 2", "No.", "Places", "Ines") in coded(wb)
    assert any("like the other sources" in a and "Int 2" in a for a in report.assumptions)


def test_positions_in_utf16_units_are_recognised(wb: Workbench, tmp_path: Path) -> None:
    """A .NET program counts an emoji as two: the words after it still line up."""
    text = "R: The group 😀 felt warm 😀 at first, then cold.\n"

    def units(i: int) -> int:
        return len(text[:i].encode("utf-16-le")) // 2

    quotes = ["felt warm", "at first", "then cold"]
    body = "".join(
        selection(i, units(text.index(q)), units(text.index(q) + len(q)))
        for i, q in enumerate(quotes)
    )
    path = make(
        tmp_path,
        {"project.qde": project(text_source(body=body)), f"sources/{S1}.txt": text},
    )
    report = import_refi(wb.store, path)
    assert [t for _, t, _, _ in coded(wb)] == sorted(quotes)
    assert any("UTF-16 code units" in a for a in report.assumptions)


def test_choose_reading_on_its_own() -> None:
    norm = normalise(CRLF_TEXT)
    raw, lf = _spans(CRLF_TEXT), _spans(LF_TEXT)
    assert choose_reading(norm, raw, "lf").reading == "raw"  # only fits counting CRLF twice
    assert choose_reading(norm, lf, "raw").reading == "lf"  # word boundaries
    first_line = [(0, 11)]  # "Interviewer" is the same either way: the prior stays
    assert choose_reading(norm, first_line, "raw") == Choice("raw", None)
    assert choose_reading(norm, first_line, "lf") == Choice("lf", None)
    assert choose_reading(normalise("no breaks"), [(0, 2)], "raw") == Choice("lf", None)


@given(
    st.lists(st.sampled_from(["a", "b", " ", ".", "\r\n", "\n", "\r", "é", "😀"]), max_size=50),
    st.booleans(),
    st.booleans(),
    st.data(),
)
def test_every_reading_maps_back_onto_the_same_text(
    parts: list[str], crlf_twice: bool, utf16: bool, data: st.DataObject
) -> None:
    """Positions counted any of the four ways land on the text they were counted on."""
    raw = "".join(parts)
    norm = normalise("\ufeff" + raw)
    counted_on = raw if crlf_twice else norm.text
    reading = ("raw" if crlf_twice else "lf") + ("-utf16" if utf16 else "")
    pieces = re.findall(r"\r\n|.", counted_on, flags=re.DOTALL)  # never split a CRLF

    def pos(i: int) -> int:
        before = "".join(pieces[:i])
        return len(before.encode("utf-16-le")) // 2 if utf16 else len(before)

    i = data.draw(st.integers(0, len(pieces)))
    j = data.draw(st.integers(i, len(pieces)))
    expected = "".join(pieces[i:j]).replace("\r\n", "\n").replace("\r", "\n")
    span = norm.span(reading, pos(i), pos(j))
    if i == j:
        assert span is None
    else:
        assert span is not None and norm.text[span[0] : span[1]] == expected


# -- codes -----------------------------------------------------------------------------------

CODEBOOK = f"""
<Code guid="{g(501)}" name="Leaving" isCodable="false" color="#AA0000">
  <Description>Why people stop going.
Include: any reason given.</Description>
  <Code guid="{g(502)}" name="Conflict" isCodable="true" color="33AA00">
    <Code guid="{g(503)}" name="With sponsor" isCodable="true"/>
  </Code>
  <Code guid="{g(504)}" name="Other" isCodable="true" color="blue"/>
</Code>
<Code guid="{g(505)}" name="Staying" isCodable="false">
  <Code guid="{g(506)}" name="Other" isCodable="true"/>
</Code>"""


def test_code_tree_colours_and_broken_references(wb: Workbench, tmp_path: Path) -> None:
    other_leaving = TEXT.index("Back")
    body = (
        selection(1, START, START + len(QUOTE), code=g(503))
        + selection(2, other_leaving, other_leaving + 4, code=g(504))
        + selection(3, 0, 11, code=g(506))
        + selection(4, 0, 11, code=g(999))  # not in the codebook
    )
    path = make(
        tmp_path,
        {
            "project.qde": project(text_source(body=body), codes=CODEBOOK),
            f"sources/{S1}.txt": TEXT,
        },
    )
    report = import_refi(wb.store, path)
    codes = {c.path: c for c in wb.store.codes()}
    assert sorted(codes) == [
        "Leaving",
        "Leaving > Conflict",
        "Leaving > Conflict > With sponsor",
        "Leaving > Other",
        "Staying",
        "Staying > Other",
    ]
    assert codes["Leaving"].colour == "#aa0000"
    assert codes["Leaving > Conflict"].colour == "#33aa00"
    assert codes["Leaving > Other"].colour == "" and codes["Staying"].colour == ""
    assert codes["Leaving"].definition == "Why people stop going."
    assert codes["Leaving"].inclusion == "any reason given."
    assert coded(wb) == [
        ("Int 1", "Back", "Leaving > Other", "Ines"),
        ("Int 1", "Interviewer", "Staying > Other", "Ines"),
        ("Int 1", QUOTE, "Leaving > Conflict > With sponsor", "Ines"),
    ]
    assert f"1 coding whose code {g(999)} is not in the codebook" in report.skipped
    notes = "\n".join(report.assumptions)
    assert '2 codes marked isCodable="false"' in notes
    assert "1 code colour not in #RRGGBB form left out: Leaving > Other (blue)" in notes
    again = import_refi(wb.store, path.rename(tmp_path / "again.qdpx"))
    assert (again.codes_added, again.codings_added) == (0, 0)


def test_nvivo_case_codes_link_documents_to_cases(wb: Workbench, tmp_path: Path) -> None:
    case = "ca5eca5e-0000-0000-0000-000000000001"
    codes = (
        f'<Code guid="{C1}" name="Places" isCodable="true"/>'
        f'<Code guid="{g(600)}" name="Cases" isCodable="false">'
        f'<Code guid="{case}" name="Ines R." isCodable="true"/></Code>'
    )
    body = selection(1, START, START + len(QUOTE)) + selection(2, 0, len(TEXT), code=case)
    age = g(700)
    extra = (
        f'<Variables><Variable guid="{age}" name="Age" typeOfVariable="Integer"/></Variables>'
        f'<Cases><Case guid="{case}" name="Ines R."><VariableValue>'
        f'<VariableRef targetGUID="{age}"/><IntegerValue>34</IntegerValue>'
        "</VariableValue></Case></Cases>"
    )
    qde = project(text_source(body=body), codes=codes).replace("<Sources>", extra + "<Sources>")
    path = make(tmp_path, {"project.qde": qde, f"sources/{S1}.txt": TEXT})
    report = import_refi(wb.store, path)
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]
    assert sorted(c.path for c in wb.store.codes()) == ["Cases", "Places"]
    assert wb.store.document("Int 1").case_name == "Ines R."
    assert [(c.name, dict(c.attributes)) for c in wb.store.cases()] == [("Ines R.", {"Age": "34"})]
    assert any("GUID of a case" in a and "1 coding link" in a for a in report.assumptions)


# -- users -----------------------------------------------------------------------------------


def test_unknown_users_and_no_users_element(wb: Workbench, tmp_path: Path) -> None:
    twin = "a1a1a1a1-9999-0000-0000-000000000009"  # same first 8 hex digits as U1
    body = (
        selection(1, 0, 11, user=U1)
        + selection(2, 0, 11, user=twin)
        + selection(3, START, START + len(QUOTE), user=None)
    )
    qde = project(text_source(body=body), users=None)
    report = import_refi(wb.store, make(tmp_path, {"project.qde": qde, f"sources/{S1}.txt": TEXT}))
    assert coded(wb) == [
        ("Int 1", "Interviewer", "Places", "user-a1a1a1a1"),
        ("Int 1", "Interviewer", "Places", "user-a1a1a1a19999"),
        ("Int 1", QUOTE, "Places", "imported"),
    ]
    notes = "\n".join(report.assumptions)
    assert f"user {U1} is not listed in the project: coder 'user-a1a1a1a1' created" in notes
    assert "the project lists no users (no <Users>)" in notes
    assert "1 coding without a user: assigned to coder 'imported'" in notes


def test_users_sharing_a_name_are_reported(wb: Workbench, tmp_path: Path) -> None:
    users = f'<User guid="{U1}" name="Ines"/><User guid="{U2}" name="Ines"/>'
    body = selection(1, 0, 11, user=U1) + selection(2, START, START + len(QUOTE), user=U2)
    qde = project(text_source(body=body), users=users)
    report = import_refi(wb.store, make(tmp_path, {"project.qde": qde, f"sources/{S1}.txt": TEXT}))
    assert {c for _, _, _, c in coded(wb)} == {"Ines"}
    assert any("'Ines' (2 users)" in a for a in report.assumptions)


# -- media sources and other selections ---------------------------------------------------------


def test_media_sources_and_other_selections_are_counted(wb: Workbench, tmp_path: Path) -> None:
    coding = f'<Coding guid="{g(800)}"><CodeRef targetGUID="{C1}"/></Coding>'
    media = f"""
<PDFSource guid="{g(801)}" name="Leaflet.pdf" path="internal://{g(801)}.pdf">
  <PDFSelection guid="{g(802)}" page="1" firstX="1" firstY="1" secondX="5" secondY="5">{coding}
  </PDFSelection>
  <Representation guid="{g(803)}" plainTextPath="internal://{g(803)}.txt"/>
</PDFSource>
<PictureSource guid="{g(804)}" name="Drawing.png" path="internal://{g(804)}.png">
  <PictureSelection guid="{g(805)}" firstX="1" firstY="1" secondX="5" secondY="5"/>
</PictureSource>
<AudioSource guid="{g(806)}" name="Int 2.m4a" path="relative://Int 2.m4a">
  <Transcript guid="{g(807)}" name="Int 2" plainTextPath="internal://{g(807)}.txt"/>
  <AudioSelection guid="{g(808)}" begin="0" end="900">{coding.replace("800", "809")}
  </AudioSelection>
</AudioSource>
<VideoSource guid="{g(810)}" name="Walk.mp4" path="absolute://D:/Walk.mp4">
  <VideoSelection guid="{g(811)}" begin="5" end="10"/>
</VideoSource>"""
    stray = (
        f'<PDFSelection guid="{g(812)}" page="1" firstX="1" firstY="1" secondX="2" secondY="2"/>'
    )
    sources = text_source(body=selection(1, START, START + len(QUOTE)) + stray) + media
    path = make(tmp_path, {"project.qde": project(sources), f"sources/{S1}.txt": TEXT})
    report = import_refi(wb.store, path)
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]
    assert report.skipped == [
        "source 'Int 1': 1 PDFSelection in a text source",
        "source 'Leaflet.pdf': PDF sources are not supported "
        "(1 selection, 1 coding, its text layer not imported)",
        "source 'Drawing.png': picture sources are not supported (1 selection not imported)",
        "source 'Int 2.m4a': audio sources are not supported "
        "(1 selection, 1 coding, its text transcript not imported)",
        "source 'Walk.mp4': video sources are not supported (1 selection not imported)",
    ]


# -- sets, cases, notes, graphs, links -----------------------------------------------------------


def test_sets_cases_notes_graphs_and_links(wb: Workbench, tmp_path: Path) -> None:
    n = {k: g(900 + k) for k in range(10)}
    codes = (
        f'<Code guid="{C1}" name="Places" isCodable="true"><NoteRef targetGUID="{n[1]}"/></Code>'
        f'<Code guid="{C2}" name="People" isCodable="true"/>'
    )
    body = (
        f'<PlainTextSelection guid="{g(1)}" startPosition="{START}" '
        f'endPosition="{START + len(QUOTE)}"><Coding guid="{g(2)}" creatingUser="{U1}">'
        f'<CodeRef targetGUID="{C1}"/><NoteRef targetGUID="{n[2]}"/></Coding>'
        f"</PlainTextSelection>"
        f'<NoteRef targetGUID="{n[3]}"/>'
    )
    extra_before = f"""
<Variables>
  <Variable guid="{n[5]}" name="Age" typeOfVariable="Integer"/>
  <Variable guid="{n[6]}" name="Still attends" typeOfVariable="Boolean"/>
</Variables>
<Cases>
  <Case guid="{n[7]}" name="P01">
    <Description>Recruited through the clinic.</Description>
    <VariableValue><VariableRef targetGUID="{n[5]}"/><IntegerValue>41</IntegerValue></VariableValue>
    <VariableValue><VariableRef targetGUID="{n[6]}"/>
      <BooleanValue>false</BooleanValue></VariableValue>
    <SourceRef targetGUID="{S1}"/>
  </Case>
</Cases>"""
    extra_after = f"""
<Notes>
  <Note guid="{n[1]}" name="code memo"><PlainTextContent>Places matter.</PlainTextContent></Note>
  <Note guid="{n[2]}" name="coding memo" plainTextPath="internal://{n[2]}.txt"/>
  <Note guid="{n[3]}" name="doc memo"><PlainTextContent>Long pauses.</PlainTextContent></Note>
  <Note guid="{n[4]}" name="Journal"><PlainTextContent>Day one.</PlainTextContent></Note>
</Notes>
<Links>
  <Link guid="{n[8]}" name="is near" originGUID="{C1}" targetGUID="{C2}"/>
</Links>
<Sets>
  <Set guid="{n[9]}" name="First wave"><MemberSource targetGUID="{S1}"/></Set>
</Sets>
<Graphs><Graph guid="{n[0]}" name="Map"/></Graphs>
<NoteRef targetGUID="{n[4]}"/>"""
    qde = project(text_source(body=body), codes=codes, extra=extra_after)
    qde = qde.replace("<Sources>", extra_before + "<Sources>")
    path = make(
        tmp_path,
        {
            "project.qde": qde,
            f"sources/{S1}.txt": TEXT,
            f"sources/{n[2]}.txt": "\ufeffCheck this with Ines.\r\n",
        },
    )
    report = import_refi(wb.store, path)
    assert report.summary() == (
        "in.qdpx: imported 1 document, 2 codes, 1 coding, 1 case, 3 memos, new coders: Ines"
    )
    assert [c.memo for c in wb.store.codings()] == ["Check this with Ines."]
    assert wb.store.code("Places").memo == "Places matter."
    memos = {(m.kind, m.text) for m in wb.store.memos()}
    assert memos == {
        ("document", "Long pauses."),
        ("project", "Day one."),
        ("case", "Recruited through the clinic."),
    }
    assert [(c.name, dict(c.attributes)) for c in wb.store.cases()] == [
        ("P01", {"Age": "41", "Still attends": "false"})
    ]
    assert wb.store.document("Int 1").case_name == "P01"
    assert report.skipped == [
        "1 set (the workbench has no sets)",
        "1 graph (the workbench has no graphs)",
        "1 link between codes, sources or selections (the workbench has no links)",
    ]


def test_note_text_from_its_docx_and_whole_number_floats(wb: Workbench, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Follow up on the café.")
    buffer = io.BytesIO()
    document.save(buffer)
    note = g(950)
    body = selection(1, START, START + len(QUOTE)).replace(
        f'startPosition="{START}"', f'startPosition="{START}.0"'
    )
    extra = (
        f'<Notes><Note guid="{note}" name="Memo" richTextPath="internal://{note}.docx" '
        f'plainTextPath="internal://{note}.txt"/></Notes><NoteRef targetGUID="{note}"/>'
    )
    path = make(
        tmp_path,
        {
            "project.qde": project(text_source(body=body), extra=extra),
            f"sources/{S1}.txt": TEXT,
            f"sources/{note}.txt": "",
            f"sources/{note}.docx": buffer.getvalue(),
        },
    )
    report = import_refi(wb.store, path)
    assert coded(wb) == [("Int 1", QUOTE, "Places", "Ines")]
    assert [(m.kind, m.text) for m in wb.store.memos()] == [("project", "Follow up on the café.")]
    assert report.skipped == []
