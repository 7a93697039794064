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
