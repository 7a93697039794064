"""The dispatcher, and fuzzing: any bytes give a sound transcript or an ImportFailed."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.errors import ImportFailed, UnsupportedFormat
from workbench.core.model import ParsedDocument
from workbench.io.attributes import read_attributes_csv
from workbench.io.docx import read_docx
from workbench.io.srt import read_srt
from workbench.io.transcripts import SUPPORTED_EXTENSIONS, read_transcript
from workbench.io.txt import read_md, read_txt
from workbench.io.vtt import read_vtt

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

READERS: dict[str, Callable[[bytes, Path], ParsedDocument]] = {
    "txt": read_txt,
    "md": read_md,
    "docx": read_docx,
    "vtt": read_vtt,
    "srt": read_srt,
}


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == (".docx", ".md", ".srt", ".txt", ".vtt")


@pytest.mark.parametrize("name", ["a.TXT", "b.Txt", "c.md", "d.MD"])
def test_extension_is_case_insensitive(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Interviewer: hi\n", encoding="utf-8")
    doc = read_transcript(path)
    assert doc.source_format == Path(name).suffix.lower().lstrip(".")
    assert doc.name == Path(name).stem


@pytest.mark.parametrize(
    "name, shown", [("a.pdf", "'.pdf'"), ("a.doc", "'.doc'"), ("README", "(no extension)")]
)
def test_unsupported_type(tmp_path: Path, name: str, shown: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(UnsupportedFormat) as err:
        read_transcript(path)
    assert str(err.value) == (
        f"{name}: unsupported file type {shown} (supported: .docx, .md, .srt, .txt, .vtt)"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"^gone.txt: file not found$"):
        read_transcript(tmp_path / "gone.txt")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ImportFailed, match="is a directory, not a file"):
        read_transcript(folder)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Interviewer: hi")
    path.chmod(0)
    with pytest.raises(ImportFailed, match="permission denied"):
        read_transcript(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_transcript(fifo)


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.io import _common

    monkeypatch.setattr(_common, "MAX_FILE_BYTES", 2 * 2**20)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Interviewer: hi\n" * 200_000)
    with pytest.raises(ImportFailed, match=r"file is too large \(the limit is 2 MB\)"):
        read_transcript(path)


def test_no_text_after_parsing(tmp_path: Path) -> None:
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i> </i>\n")
    with pytest.raises(ImportFailed, match=r"^empty.vtt: no transcript text found$"):
        read_transcript(path)


# --- fuzzing ------------------------------------------------------------------------


def assert_sound(doc: ParsedDocument) -> None:
    """Turns lie inside the text, hold no outer whitespace and do not overlap."""
    previous_end = 0
    assert doc.turns
    for turn in doc.turns:
        assert previous_end <= turn.start < turn.end <= len(doc.text)
        assert not doc.text[turn.start].isspace() and not doc.text[turn.end - 1].isspace()
        previous_end = turn.end
    assert "\r" not in doc.text and "\x00" not in doc.text


def read_or_fail(kind: str, data: bytes) -> None:
    try:
        doc = READERS[kind](data, Path(f"fuzz.{kind}"))
    except ImportFailed:
        return
    assert_sound(doc)


@FUZZ
@given(st.sampled_from(sorted(READERS)), st.binary(max_size=4096))
def test_every_reader_fails_cleanly_on_bytes(kind: str, data: bytes) -> None:
    read_or_fail(kind, data)


# Text made of the characters the parsers care about, to get past decoding.
SYNTAX = st.text(" \t\n\r:-><0123456789.,[]()*&;#vVIRQAPab WEBVTTNOTE\u00a0\ufeff", max_size=400)


@FUZZ
@given(
    st.sampled_from(sorted(set(READERS) - {"docx"})),
    st.sampled_from(["", "WEBVTT\n\n", "1\n00:00:01,000 --> 00:00:02,000\n"]),
    SYNTAX,
)
def test_every_text_reader_fails_cleanly_on_syntax(kind: str, prefix: str, text: str) -> None:
    read_or_fail(kind, (prefix + text).encode())


def _docx_bytes() -> bytes:
    document = docx.Document()
    for i in range(4):
        paragraph = document.add_paragraph()
        paragraph.add_run("Interviewer:" if i % 2 == 0 else "P03:").bold = True
        paragraph.add_run(f" answer {i}")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "P03: in a table"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX = _docx_bytes()
DOCX_PARTS = {
    name: zipfile.ZipFile(io.BytesIO(DOCX)).read(name)
    for name in zipfile.ZipFile(io.BytesIO(DOCX)).namelist()
}


@settings(FUZZ, max_examples=50)
@given(st.data())
def test_docx_reader_fails_cleanly_on_mutations(data: st.DataObject) -> None:
    """Byte edits to the archive and to the XML parts inside a well-formed zip."""
    if data.draw(st.booleans()):
        blob = bytearray(DOCX)
        for _ in range(data.draw(st.integers(1, 6))):
            blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
        if data.draw(st.booleans()):
            blob = blob[: data.draw(st.integers(0, len(blob)))]
        read_or_fail("docx", bytes(blob))
        return
    name = data.draw(
        st.sampled_from(sorted(n for n in DOCX_PARTS if n.endswith((".xml", ".rels"))))
    )
    part = bytearray(DOCX_PARTS[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(part)))
        cut = data.draw(st.integers(0, 20))
        part[at : at + cut] = data.draw(
            st.binary(max_size=8) | st.sampled_from([b"<", b"/>", b'"'])
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, blob in DOCX_PARTS.items():
            archive.writestr(member, bytes(part) if member == name else blob)
    read_or_fail("docx", out.getvalue())


@FUZZ
@given(st.binary(max_size=2048) | SYNTAX.map(str.encode))
def test_attributes_reader_fails_cleanly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            rows = read_attributes_csv(path)
        except ImportFailed:
            return
        ids = [case for case, _ in rows]
        assert len(ids) == len(set(ids)) and all(ids)
