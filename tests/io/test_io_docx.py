"""Word transcripts: real files made with python-docx, damaged and hostile archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from workbench.core.errors import ImportFailed, UnsafeArchive
from workbench.core.model import ParsedDocument
from workbench.io import docx as docx_reader
from workbench.io.docx import read_docx
from workbench.io.transcripts import read_transcript


def spoken(doc: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


def labelled(document: docx.document.Document, label: str, speech: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(speech)


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Interview P03 – 12 March", level=1)
    document.add_paragraph("")  # empty paragraphs are dropped
    labelled(document, "Interviewer:", " How did you first come to NA?")
    labelled(document, "P03:", " A friend took me. It felt “safe”.")
    document.add_paragraph("   ")
    document.add_paragraph("Later it felt like a cage, to be honest.")
    paragraph = document.add_paragraph()
    paragraph.add_run("Interviewer").bold = True
    paragraph.add_run(": Can you say more?")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "P03: In a table cell."
    table.cell(0, 1).text = "Still P03."
    table.cell(1, 0).text = ""
    table.cell(1, 1).text = "Interviewer: Second row."
    paragraph = document.add_paragraph()
    paragraph.add_run("P03:").bold = True
    paragraph.add_run(" Line one")
    paragraph.add_run().add_break()
    paragraph.add_run("line two\twith a tab.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


EXPECTED_TEXT = (
    "Interview P03 – 12 March\n\n"
    "Interviewer: How did you first come to NA?\n\n"
    "P03: A friend took me. It felt “safe”.\n\n"
    "Later it felt like a cage, to be honest.\n\n"
    "Interviewer: Can you say more?\n\n"
    "P03: In a table cell.\n\n"
    "Still P03.\n\n"
    "Interviewer: Second row.\n\n"
    "P03: Line one\nline two\twith a tab."
)


def test_docx_paragraphs_tables_and_bold_labels(tmp_path: Path) -> None:
    path = tmp_path / "P03.docx"
    path.write_bytes(make_docx())
    doc = read_transcript(path)
    assert doc.text == EXPECTED_TEXT
    assert doc.source_format == "docx"
    assert doc.name == "P03"
    assert spoken(doc) == [
        (None, "Interview P03 – 12 March"),
        ("Interviewer", "How did you first come to NA?"),
        ("P03", "A friend took me. It felt “safe”.\n\nLater it felt like a cage, to be honest."),
        ("Interviewer", "Can you say more?"),
        ("P03", "In a table cell.\n\nStill P03."),
        ("Interviewer", "Second row."),
        ("P03", "Line one\nline two\twith a tab."),
    ]


def rezip(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, blob in (extra or {}).items():
            target.writestr(name, blob)
    return out.getvalue()


def test_tracked_insertions_count_deletions_do_not() -> None:
    data = make_docx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    w = 'w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"'
    inserted = f'<w:ins {w}><w:r><w:t xml:space="preserve"> (added)</w:t></w:r></w:ins>'
    deleted = f"<w:del {w}><w:r><w:delText>gone</w:delText></w:r></w:del>"
    marker = "<w:t>Later it felt like a cage, to be honest.</w:t></w:r>"
    assert marker in xml
    xml = xml.replace(marker, marker + inserted + deleted)
    doc = read_docx(rezip(data, {"word/document.xml": xml.encode()}), Path("t.docx"))
    assert "Later it felt like a cage, to be honest. (added)\n\n" in doc.text
    assert "gone" not in doc.text


def test_truncated_docx(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(make_docx()[:3000])
    with pytest.raises(ImportFailed, match=r"^cut.docx: not a valid \.docx file \("):
        read_transcript(path)


def test_txt_renamed_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("Interviewer: this is plain text\n")
    with pytest.raises(ImportFailed, match=r"not a valid \.docx file \(it is not a zip archive\)"):
        read_transcript(path)


def test_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFailed, match=r"not a valid \.docx file \(missing part"):
        read_docx(out.getvalue(), Path("x.docx"))


def test_missing_document_xml() -> None:
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name != "word/document.xml":
                target.writestr(name, source.read(name))
    with pytest.raises(ImportFailed, match=r"not a valid \.docx file \(missing part"):
        read_docx(out.getvalue(), Path("x.docx"))


def test_broken_xml() -> None:
    data = rezip(make_docx(), {"word/document.xml": b"<w:document><w:body><w:p>"})
    with pytest.raises(ImportFailed, match=r"not a valid \.docx file \(broken XML"):
        read_docx(data, Path("x.docx"))


def test_old_doc_format_gets_a_hint() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(ImportFailed, match=r"old Word \.doc or a password-protected"):
        read_docx(data, Path("old.docx"))


def test_docx_without_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("  ")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "blank.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ImportFailed, match="blank.docx: no transcript text found"):
        read_transcript(path)


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    # 11 MiB of zeros deflate to ~11 KiB: ratio ~1000:1, and over the 10 MiB floor.
    data = rezip(make_docx(), {}, {"word/media/padding.bin": bytes(11 * 1024 * 1024)})
    assert len(data) < 100_000
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    with pytest.raises(UnsafeArchive, match=r"compressed \d+:1"):
        read_transcript(path)


def test_total_uncompressed_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(UnsafeArchive, match="archive would expand to"):
        read_docx(make_docx(), Path("big.docx"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_doctype_with_entities_is_refused(encoding: str) -> None:
    data = make_docx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    head, sep, rest = xml.partition("?>")
    dtd = '<!DOCTYPE w:document [<!ENTITY boom "BOOM BOOM BOOM">]>'
    xml = (
        head.replace("UTF-8", encoding.upper())
        + sep
        + dtd
        + rest.replace("How did you first come to NA?", "&boom;")
    )
    hostile = rezip(data, {"word/document.xml": xml.encode(encoding)})
    with pytest.raises(UnsafeArchive, match=r"word/document.xml declares a DTD"):
        read_docx(hostile, Path("x.docx"))


def test_external_entity_in_relationships_is_refused() -> None:
    data = make_docx()
    rels = zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels").decode()
    head, sep, rest = rels.partition("?>")
    rels = head + sep + '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest
    with pytest.raises(UnsafeArchive, match=r"_rels/.rels declares a DTD"):
        read_docx(rezip(data, {"_rels/.rels": rels.encode()}), Path("x.docx"))


# Transcripts laid out as tables, and the name-and-time paragraphs of Otter and Teams.


def table_docx(
    rows: list[tuple[str, ...]],
    before: tuple[str, ...] = (),
    after: tuple[str, ...] = (),
    header_flag: bool = False,
) -> bytes:
    """A .docx with paragraphs ``before``, a table of ``rows`` (a cell's "\\n" starts a
    new paragraph in it), then paragraphs ``after``."""
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            first, *rest = value.split("\n")
            cell.text = first
            for extra in rest:
                cell.add_paragraph(extra)
    if header_flag:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(docx.oxml.ns.qn("w:tblHeader"), {}))
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed(doc: ParsedDocument) -> list[tuple[str | None, float | None, str]]:
    return [(t.speaker, t.media_start, doc.text[t.start : t.end]) for t in doc.turns]


def test_table_with_time_speaker_and_text_columns(tmp_path: Path) -> None:
    data = table_docx(
        [
            ("Time", "Speaker", "Text"),
            ("00:00:05", "Interviewer", "How did the group start?"),
            ("00:00:09", "P07", "A neighbour asked me along.\nI said no twice."),
            ("", "", "The third time I went."),
            ("00:01:10", "Interviewer", "And the first evening?"),
            ("00:01:15", "Kari Nordmann", "Sorry, wrong room!"),
            ("1:02:03", "P07:", "Long. Very long."),
        ],
        before=("Interview P07, 3 May",),
        after=("End of recording.",),
    )
    path = tmp_path / "P07.docx"
    path.write_bytes(data)
    doc = read_transcript(path)
    assert doc.text == (
        "Interview P07, 3 May\n\n"
        "[00:00:05] Interviewer: How did the group start?\n\n"
        "[00:00:09] P07: A neighbour asked me along.\n\n"
        "I said no twice.\n\n"
        "The third time I went.\n\n"
        "[00:01:10] Interviewer: And the first evening?\n\n"
        "[00:01:15] Kari Nordmann: Sorry, wrong room!\n\n"
        "[1:02:03] P07: Long. Very long.\n\n"
        "End of recording."
    )
    assert timed(doc) == [
        (None, None, "Interview P07, 3 May"),
        ("Interviewer", 5.0, "How did the group start?"),
        ("P07", 9.0, "A neighbour asked me along.\n\nI said no twice.\n\nThe third time I went."),
        ("Interviewer", 70.0, "And the first evening?"),
        # Once only, but the speaker column names her: her words are not given to P07.
        ("Kari Nordmann", 75.0, "Sorry, wrong room!"),
        ("P07", 3723.0, "Long. Very long.\n\nEnd of recording."),
    ]


def test_table_with_speaker_and_text_columns_only() -> None:
    data = table_docx(
        [
            ("Interviewer:", "What changed for you?"),
            ("Anna", "Mostly the mornings."),
            ("Interviewer:", "In what way?"),
            ("Anna", "I stopped dreading them."),
        ]
    )
    doc = read_docx(data, Path("a.docx"))
    assert doc.text == (
        "Interviewer: What changed for you?\n\n"
        "Anna: Mostly the mornings.\n\n"
        "Interviewer: In what way?\n\n"
        "Anna: I stopped dreading them."
    )
    assert spoken(doc) == [
        ("Interviewer", "What changed for you?"),
        ("Anna", "Mostly the mornings."),
        ("Interviewer", "In what way?"),
        ("Anna", "I stopped dreading them."),
    ]


def test_table_columns_found_by_content_nvivo_timespans() -> None:
    # Timespan | Content | Speaker, with Word's "repeat as header row" on a header that
    # uses none of the usual words.
    data = table_docx(
        [
            ("Tidsrom", "Innhold", "Hvem"),
            ("0:00.0 - 0:07.5", "Shall we begin?", "Interviewer"),
            ("0:07.5 - 0:15.0", "Whenever you like.", "Respondent"),
            ("0:15.0 - 0:21.0", "Then tell me about last winter.", "Interviewer"),
        ],
        header_flag=True,
    )
    doc = read_docx(data, Path("n.docx"))
    assert doc.text == (
        "[0:00.0 - 0:07.5] Interviewer: Shall we begin?\n\n"
        "[0:07.5 - 0:15.0] Respondent: Whenever you like.\n\n"
        "[0:15.0 - 0:21.0] Interviewer: Then tell me about last winter."
    )
    assert timed(doc) == [
        ("Interviewer", 0.0, "Shall we begin?"),
        ("Respondent", 7.5, "Whenever you like."),
        ("Interviewer", 15.0, "Then tell me about last winter."),
    ]


def test_table_first_row_that_is_neither_header_nor_speech_reads_cell_by_cell() -> None:
    data = table_docx(
        [
            ("Interview 7 (phone)", "Recorded by the second author"),
            ("Interviewer", "Can you hear me now?"),
            ("P07", "Yes."),
            ("Interviewer", "Good."),
        ]
    )
    doc = read_docx(data, Path("x.docx"))
    assert doc.text == (
        "Interview 7 (phone)\n\nRecorded by the second author\n\n"
        "Interviewer: Can you hear me now?\n\nP07: Yes.\n\nInterviewer: Good."
    )
    assert spoken(doc) == [
        (None, "Interview 7 (phone)\n\nRecorded by the second author"),
        ("Interviewer", "Can you hear me now?"),
        ("P07", "Yes."),
        ("Interviewer", "Good."),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # A details table above the transcript: no one repeats.
        [("Interviewer", "Anna Berg"), ("Participant", "P03"), ("Date", "3 May 2024")],
        # Names against names: no speech anywhere.
        [("Anna Berg", "Nurse"), ("Ola Nordmann", "Nurse"), ("Kari Berg", "Doctor")],
        [("Nurse", "Anna Berg"), ("Nurse", "Ola Nordmann"), ("Doctor", "Kari Berg")],
        # The "speaker" column holds sentences.
        [("We met at 10:30.", "Then lunch."), ("We met at 10:30.", "Then tea.")],
        # Two time columns, or a time column and no speaker.
        [("00:01", "00:02", "Hello there."), ("00:03", "00:04", "Hello again.")],
        [("00:01", "Interviewer: Hello there."), ("00:03", "P03: Hello again.")],
        # Four columns.
        [("1", "00:01", "Interviewer", "Hello."), ("2", "00:03", "Interviewer", "Hello?")],
    ],
)
def test_other_tables_read_cell_by_cell(rows: list[tuple[str, ...]]) -> None:
    data = table_docx(rows, after=("Interviewer: So, shall we start?",))
    doc = read_docx(data, Path("x.docx"))
    cells = [value for row in rows for value in row if value]
    assert doc.text == "\n\n".join([*cells, "Interviewer: So, shall we start?"])


def test_details_table_keeps_its_names_out_of_the_turns() -> None:
    rows = [("Interviewer", "Anna Berg"), ("Participant", "P03"), ("Date", "3 May 2024")]
    data = table_docx(rows, after=("Interviewer: Shall we start?", "P03: Yes."))
    doc = read_docx(data, Path("x.docx"))
    assert spoken(doc) == [
        (None, "Interviewer\n\nAnna Berg\n\nParticipant\n\nP03\n\nDate\n\n3 May 2024"),
        ("Interviewer", "Shall we start?"),
        ("P03", "Yes."),
    ]


def test_teams_and_otter_paragraphs_with_the_time_after_the_name() -> None:
    document = docx.Document()
    document.add_paragraph("Team check-in")
    # Teams: name and time, a line break, then the speech, all in one paragraph.
    for name, time, speech in [
        ("Berg, Anna", "0:03", "Can everyone hear me?"),
        ("Nordmann, Ola", "0:07", "Yes, fine."),
        ("Berg, Anna", "1:02:11", "Then let's begin."),
        ("Nordmann, Ola", "1:02:15", "Ready."),
    ]:
        paragraph = document.add_paragraph(f"{name}   {time}")
        paragraph.add_run().add_break()
        paragraph.add_run(speech)
    # Otter: the name-and-time line and the speech as paragraphs of their own.
    for line in ["Speaker 3  1:03:00", "One more thing.", "It was raining."]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_docx(buffer.getvalue(), Path("teams.docx"))
    assert doc.text.startswith("Team check-in\n\nBerg, Anna   0:03\nCan everyone hear me?\n\n")
    assert timed(doc) == [
        (None, None, "Team check-in"),
        ("Berg, Anna", 3.0, "Can everyone hear me?"),
        ("Nordmann, Ola", 7.0, "Yes, fine."),
        ("Berg, Anna", 3731.0, "Then let's begin."),
        ("Nordmann, Ola", 3735.0, "Ready."),
        ("Speaker 3", 3780.0, "One more thing.\n\nIt was raining."),
    ]
