"""Files the way other programs write them: each imports best effort, with a report.

The fixtures are small hand-built archives that mimic known habits of NVivo, ATLAS.ti,
MAXQDA, QualCoder and Taguette exports (see shared/refi-qda/README.md, "Deviations").
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from workbench.bootstrap import Workbench
from workbench.workflows.refi import import_refi

U1 = "AAAAAAAA-0000-0000-0000-000000000001"
U2 = "AAAAAAAA-0000-0000-0000-000000000002"
C1 = "{CCCCCCCC-0000-0000-0000-000000000001}"
C2 = "CCCCCCCC-0000-0000-0000-000000000002"
C3 = "CCCCCCCC-0000-0000-0000-000000000003"
S1 = "55555555-0000-0000-0000-000000000001"
S2 = "55555555-0000-0000-0000-000000000002"
N1 = "77777777-0000-0000-0000-000000000001"
N2 = "77777777-0000-0000-0000-000000000002"
V1 = "99999999-0000-0000-0000-000000000001"
K1 = "88888888-0000-0000-0000-000000000001"


def guid(n: int) -> str:
    return f"eeeeeeee-0000-0000-0000-{n:012d}"


def coded(wb: Workbench) -> list[tuple[str, str, str, str]]:
    """(document, coded text, code path, coder) for every coding."""
    s = wb.store
    docs = {d.id: d.name for d in s.documents()}
    codes = {c.id: c.path for c in s.codes()}
    coders = {c.id: c.name for c in s.coders()}
    texts = {d: s.text(d) for d in docs}
    return sorted(
        (
            docs[c.document_id],
            texts[c.document_id][c.start : c.end],
            codes[c.code_id],
            coders[c.coder_id],
        )
        for c in s.codings()
    )


# -- NVivo: qda: prefix, BOM + CRLF, positions counting CRLF as two, bare file names ---------

NVIVO_RAW = (
    "Interviewer: How did it start?\r\n"
    "R: A friend took me to a meeting.\r\n"
    "\r\n"
    "It felt like home, the first year.\r\n"
)


def nvivo_project(start: int, end: int, origin: str = "NVivo 14") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" name="NVivo study" origin="{origin}">
  <qda:Users><qda:User guid="{U1}" name="Kari Nordmann"/></qda:Users>
  <qda:CodeBook><qda:Codes>
    <qda:Code guid="{C1}" name="Belonging" isCodable="true" color="#FF8800">
      <qda:Description>Feeling at home in the fellowship.</qda:Description>
      <qda:Code guid="{C2}" name="First year" isCodable="true"/>
    </qda:Code>
  </qda:Codes></qda:CodeBook>
  <qda:Sources>
    <qda:TextSource guid="{S1}" name="Interview 1.docx" plainTextPath="{S1}.txt"
        richTextPath="internal://{S1}.docx">
      <qda:PlainTextSelection guid="{guid(1)}" startPosition="{start}" endPosition="{end}"
          creatingUser="{U1}">
        <qda:Coding guid="{guid(2)}" creatingUser="{U1}">
          <qda:CodeRef targetGUID="{C1.strip("{}").lower()}"/>
        </qda:Coding>
        <qda:Coding guid="{guid(3)}" creatingUser="{U1}">
          <qda:CodeRef targetGUID="{C2}"/>
        </qda:Coding>
      </qda:PlainTextSelection>
    </qda:TextSource>
    <qda:PDFSource guid="{S2}" name="Leaflet.pdf" path="internal://{S2}.pdf">
      <qda:PDFSelection guid="{guid(4)}" page="1" firstX="1" firstY="1" secondX="9" secondY="9">
        <qda:Coding guid="{guid(5)}"><qda:CodeRef targetGUID="{C1}"/></qda:Coding>
      </qda:PDFSelection>
    </qda:PDFSource>
  </qda:Sources>
  <qda:Sets/>
</qda:Project>"""


def test_nvivo_crlf_bom_prefix_and_pdf(wb: Workbench, make_qdpx) -> None:
    quote = "It felt like home, the first year."
    start = NVIVO_RAW.index(quote)  # counted on the raw text: CRLF = 2
    path = make_qdpx(
        nvivo_project(start, start + len(quote)),
        {f"sources/{S1}.txt": ("\ufeff" + NVIVO_RAW).encode("utf-8")},
    )
    report = import_refi(wb.store, path)
    doc = wb.store.document("Interview 1.docx")
    text = wb.store.text(doc.id)
    assert text == NVIVO_RAW.replace("\r\n", "\n")
    assert coded(wb) == [
        ("Interview 1.docx", quote, "Belonging", "Kari Nordmann"),
        ("Interview 1.docx", quote, "Belonging > First year", "Kari Nordmann"),
    ]
    belonging = wb.store.code("Belonging")
    assert belonging.definition == "Feeling at home in the fellowship."
    assert belonging.colour == "#ff8800"
    assert any(
        "Leaflet.pdf" in line and "PDF" in line and "1 coding not" in line
        for line in report.skipped
    )
    assert any("CRLF as two characters" in line for line in report.assumptions)
    assert report.codings_added == 2


def test_atlas_positions_count_a_line_break_once(wb: Workbench, make_qdpx) -> None:
    quote = "It felt like home, the first year."
    lf = NVIVO_RAW.replace("\r\n", "\n")
    start = lf.index(quote)
    path = make_qdpx(
        nvivo_project(start, start + len(quote), origin="ATLAS.ti Windows 23.2"),
        {f"sources/{S1}.txt": NVIVO_RAW.encode("utf-8")},
    )
    report = import_refi(wb.store, path)
    assert {t for _, t, _, _ in coded(wb)} == {quote}
    assert any("ATLAS.ti style" in line for line in report.assumptions)


def test_lf_positions_are_recognised_without_an_origin(wb: Workbench, make_qdpx) -> None:
    """A raw reading would cut between CR and LF; the importer reads them as LF positions."""
    lf = NVIVO_RAW.replace("\r\n", "\n")
    quote = "R: A friend took me to a meeting."
    start = lf.index(quote)
    path = make_qdpx(
        nvivo_project(start, start + len(quote), origin=""),
        {f"sources/{S1}.txt": NVIVO_RAW.encode("utf-8")},
    )
    report = import_refi(wb.store, path)
    assert {t for _, t, _, _ in coded(wb)} == {quote}
    assert any("one character" in line for line in report.assumptions)


# -- MAXQDA: inline text, nameless cases, source variables, annotations without codes -------

MAXQDA = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="MAXQDA study" origin="MAXQDA 2022">
  <Users><User guid="{U1}" name="mq"/></Users>
  <CodeBook><Codes>
    <Code guid="{C1}" name="Cage" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{V1}" name="Age" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{K1}">
      <VariableValue><VariableRef targetGUID="{V1}"/><IntegerValue>42</IntegerValue></VariableValue>
      <SourceRef targetGUID="{S1}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{S1}" name="Int 7">
      <PlainTextContent>I stayed because I had nowhere else. Later it felt like a cage.<!--
      --></PlainTextContent>
      <PlainTextSelection guid="{guid(1)}" startPosition="37" endPosition="63" creatingUser="{U1}">
        <Description>Strong image.</Description>
        <Coding guid="{guid(2)}"><CodeRef targetGUID="{C1}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(3)}" startPosition="0" endPosition="36">
        <Description>Check the timeline here.</Description>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="{V1}"/><IntegerValue>42</IntegerValue></VariableValue>
    </TextSource>
  </Sources>
</Project>"""


def test_maxqda_inline_text_and_document_variables(wb: Workbench, make_qdpx) -> None:
    report = import_refi(wb.store, make_qdpx(MAXQDA))
    assert coded(wb) == [("Int 7", "Later it felt like a cage.", "Cage", "mq")]
    assert [c.memo for c in wb.store.codings()] == ["Strong image."]
    cases = wb.store.cases()
    assert [(c.name, dict(c.attributes)) for c in cases] == [("Int 7", {"Age": "42"})]
    assert wb.store.document("Int 7").case_name == "Int 7"
    memos = wb.store.memos(kind="document")
    assert len(memos) == 1 and "Check the timeline here." in memos[0].text
    assert "I stayed because I had nowhere else" in memos[0].text
    assert report.skipped == []


# -- QualCoder: no namespace, Sources/ folder, unknown users and codes, notes and links ------

QUALCODER = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="QC" origin="QualCoder 3.5" creatingUserGUID="{U1}">
  <Users><User guid="{U1}" name="colin"/></Users>
  <CodeBook><Codes>
    <Code guid="{C1}" name="Safe place" isCodable="false">
      <Description>Category for the refuge side.</Description>
      <NoteRef targetGUID="{N1}"/>
      <Code guid="{C2}" name="Refuge" isCodable="true"/>
      <Code guid="{C3}" name="Refuge" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Cases><Case guid="{K1}" name="Anna"><SourceRef targetGUID="{S1}"/></Case></Cases>
  <Sources>
    <TextSource guid="{S1}" name="interview_a.txt" plainTextPath="internal://{S1}.txt">
      <PlainTextSelection guid="{guid(1)}" startPosition="0" endPosition="5">
        <Coding guid="{guid(2)}" creatingUser="{U2}"><CodeRef targetGUID="{C2}"/></Coding>
        <Coding guid="{guid(3)}"><CodeRef targetGUID="{C3}"/></Coding>
        <Coding guid="{guid(4)}"><CodeRef targetGUID="{guid(99)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(5)}" startPosition="6" endPosition="9999">
        <Coding guid="{guid(6)}"><CodeRef targetGUID="{C2}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="{S2}" name="drawing.png" path="internal://{S2}.png"/>
  </Sources>
  <Notes>
    <Note guid="{N1}" name="code memo"><PlainTextContent>Split later.</PlainTextContent></Note>
    <Note guid="{N2}" name="Journal">
      <PlainTextContent>Reflexive journal entry.</PlainTextContent>
    </Note>
    <Note guid="{guid(7)}" name="about Anna">
      <PlainTextContent>Anna asked for a copy.</PlainTextContent>
    </Note>
  </Notes>
  <Links><Link guid="{guid(8)}" originGUID="{guid(7)}" targetGUID="{K1}"/></Links>
  <Sets/>
</Project>"""


def test_qualcoder_no_namespace_and_broken_references(wb: Workbench, make_qdpx) -> None:
    path = make_qdpx(QUALCODER, {f"Sources/{S1}.txt": "Hello there, a short interview.\n"})
    report = import_refi(wb.store, path)
    assert coded(wb) == [
        ("interview_a.txt", "Hello", "Safe place > Refuge", "user-aaaaaaaa"),
        ("interview_a.txt", "Hello", "Safe place > Refuge (2)", "colin"),  # project's user
    ]
    assert wb.store.code("Safe place").memo == "Split later."
    assert wb.store.document("interview_a.txt").case_name == "Anna"
    lines = "\n".join(report.skipped)
    notes = "\n".join(report.assumptions)
    assert "coder 'user-aaaaaaaa' created" in notes  # unknown user -> coder created, reported
    assert "this one was named 'Refuge (2)'" in notes
    assert f"1 coding whose code {guid(99)} is not in the codebook" in lines
    assert "1 selection with positions outside the text" in lines and "6-9999" in lines
    assert "'drawing.png': picture sources are not supported" in lines
    memos = {(m.kind, m.text) for m in wb.store.memos()}
    assert ("project", "Reflexive journal entry.") in memos
    assert ("case", "Anna asked for a copy.") in memos
    assert report.coders_added == ["colin", "user-aaaaaaaa"]
    # a second import matches everything, including the renamed duplicate
    again = import_refi(wb.store, path)
    assert (again.codes_added, again.codings_added, again.memos_added) == (0, 0, 0)
    assert again.codes_matched == 3 and again.codings_existing == 2


# -- Taguette / QualCoder codebooks: other namespace versions, matching the sample ----------


def test_foreign_codebook_matches_by_name_and_adds_new_codes(
    sample_wb: Workbench, tmp_path: Path
) -> None:
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="Taguette 1.4">
  <Codes>
    <Code guid="{C1}" name="negative experiences spurred frustration" isCodable="true">
      <Code guid="{C2}" name="Gossip and broken confidentiality" isCodable="true"/>
      <Code guid="{C3}" name="Loneliness" isCodable="true">
        <Description>Feeling alone after leaving.
Exclude: missing specific people (use conflict).</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>""",
        encoding="utf-8",
    )
    before = {c.key: c for c in sample_wb.store.codes()}
    report = import_refi(sample_wb.store, qdc)
    assert (report.codes_matched, report.codes_added) == (2, 1)
    new = sample_wb.store.code("loneliness")
    assert new.path == "Negative experiences spurred frustration > Loneliness"
    assert new.definition == "Feeling alone after leaving."
    assert new.exclusion == "missing specific people (use conflict)."
    after = {c.key: c for c in sample_wb.store.codes() if c.key in before}
    assert after == before  # matched codes are left as they are


# -- paths outside the archive, binary and docx-only sources, audio/video ----------------------


def _source_project(*sources: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P">
  <CodeBook><Codes><Code guid="{C1}" name="C" isCodable="true"/></Codes></CodeBook>
  <Sources>{"".join(sources)}</Sources>
</Project>"""


def _text_source(n: int, attrs: str, selection: tuple[int, int] | None = (0, 4)) -> str:
    sel = ""
    if selection:
        sel = (
            f'<PlainTextSelection guid="{guid(100 + n)}" startPosition="{selection[0]}" '
            f'endPosition="{selection[1]}"><Coding guid="{guid(200 + n)}">'
            f'<CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection>'
        )
    return f'<TextSource guid="{guid(n)}" name="src{n}" {attrs}>{sel}</TextSource>'


def test_paths_resolve_only_inside_the_archive(wb: Workbench, make_qdpx, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret text from outside the archive.", encoding="utf-8")
    qde = _source_project(
        _text_source(1, f'plainTextPath="absolute://{outside}"'),
        _text_source(2, 'plainTextPath="relative://texts/two.txt"'),
        _text_source(3, 'plainTextPath="internal://../../../../etc/passwd"'),
        _text_source(4, 'plainTextPath="internal://four.txt"', selection=None),
        _text_source(5, 'plainTextPath="internal://five.txt"'),
        _text_source(6, ""),
        f'<AudioSource guid="{guid(7)}" name="rec.m4a"/>',
        f'<VideoSource guid="{guid(8)}" name="v.mp4"/>',
    )
    path = make_qdpx(
        qde,
        {
            "sources/two.txt": "Two: read from the archive copy.",
            "sources/four.txt": b"\x00\x01\x02binary",
            "sources/five.txt": "   \n",
        },
    )
    report = import_refi(wb.store, path)
    assert [d.name for d in wb.store.documents()] == ["src2"]
    assert coded(wb) == [("src2", "Two:", "C", "imported")]
    lines = "\n".join(report.skipped)
    assert "'src1': its file is outside the archive" in lines
    assert (
        "'src3': internal://../../../../etc/passwd is not in the archive (1 coding not imported)"
        in lines
    )
    assert "'src4': its text holds binary data" in lines
    assert "'src5': its plain text is empty" in lines
    assert "'src6': no plain text" in lines
    assert "'rec.m4a': audio" in lines and "'v.mp4': video" in lines
    assert any("without a user: assigned to coder 'imported'" in a for a in report.assumptions)
    assert any("relative://texts/two.txt read from the archive" in a for a in report.assumptions)
    assert all("Secret" not in wb.store.text(d.id) for d in wb.store.documents())


def test_docx_only_source_is_read_from_the_docx(wb: Workbench, make_qdpx) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: Tell me about the first meeting.")
    document.add_paragraph("P1: It was cold and bright.")
    buffer = io.BytesIO()
    document.save(buffer)
    qde = _source_project(
        _text_source(
            1, f'plainTextPath="internal://{guid(1)}.txt" richTextPath="internal://{guid(1)}.docx"'
        )
    )
    path = make_qdpx(
        qde, {f"sources/{guid(1)}.txt": "", f"sources/{guid(1)}.docx": buffer.getvalue()}
    )
    report = import_refi(wb.store, path)
    doc = wb.store.document("src1")
    assert "It was cold and bright." in wb.store.text(doc.id)
    assert wb.store.info().codings == 0
    assert any("src1" in line and "(1 coding)" in line for line in report.skipped)
    assert any("taken from its .docx" in line for line in report.assumptions)


@pytest.mark.parametrize(
    "raw",
    ["caf\u00e9 au lait\n".encode("utf-16"), "caf\u00e9 au lait\n".encode("cp1252")],
    ids=["utf16-bom", "cp1252"],
)
def test_non_utf8_source_files_are_read_best_effort(wb: Workbench, make_qdpx, raw: bytes) -> None:
    qde = _source_project(_text_source(1, 'plainTextPath="internal://one.txt"', selection=(0, 4)))
    report = import_refi(wb.store, make_qdpx(qde, {"sources/one.txt": raw}))
    assert coded(wb) == [("src1", "caf\u00e9", "C", "imported")]
    assert any("not UTF-8" in line for line in report.assumptions)
