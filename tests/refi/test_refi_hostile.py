"""Hostile or broken files: one clear line naming the file, and an unchanged project."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.bootstrap import Workbench
from workbench.cli import app
from workbench.core.errors import ImportFailed, UnsafeArchive
from workbench.io.refi.reader import read_refi
from workbench.workflows.refi import import_refi

GOOD_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="ok">
  <CodeBook><Codes>
    <Code guid="cccccccc-0000-0000-0000-000000000001" name="C" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="55555555-0000-0000-0000-000000000001" name="doc"
        plainTextPath="internal://doc.txt"/>
  </Sources>
</Project>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol4;"/>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""

UTF16_DOCTYPE = BILLION_LAUGHS.replace('<?xml version="1.0"?>', "").encode("utf-16")
UTF16_NO_BOM_DOCTYPE = EXTERNAL_ENTITY.replace("1.0", '1.0" encoding="utf-16').encode("utf-16-le")
DECLARED_UTF16_DOCTYPE = EXTERNAL_ENTITY.replace("1.0", '1.0" encoding="utf-16').encode()

CODEBOOK_XXE = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="cccccccc-0000-0000-0000-000000000001" name="&xxe;" isCodable="true"/>
</Codes></CodeBook>"""


def _bomb(path: Path) -> Path:
    """A small archive whose source text would expand to 60 MB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("project.qde", GOOD_QDE)
        zf.writestr("sources/doc.txt", b"\0" * (60 * 1024 * 1024))
    return path


def _lying_sizes(path: Path) -> Path:
    """An archive whose member claims to be tiny but inflates to much more."""
    payload = b"a" * (8 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", GOOD_QDE)
        zf.writestr("sources/doc.txt", payload)
    data = bytearray(path.read_bytes())
    # Patch the uncompressed size (local header offset 22, central directory offset 24).
    local = data.index(b"sources/doc.txt") - 30
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, 100)
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"sources/doc.txt"))
    struct.pack_into("<I", data, central + 24, 100)
    path.write_bytes(bytes(data))
    return path


Builder = Callable[[Path, Callable[..., Path]], Path]

CASES: dict[str, tuple[Builder, type[ImportFailed], str]] = {
    "billion-laughs": (
        lambda tmp, make: make(BILLION_LAUGHS, {"sources/doc.txt": "x"}, name="lol.qdpx"),
        UnsafeArchive,
        "DTD",
    ),
    "external-entity": (
        lambda tmp, make: make(EXTERNAL_ENTITY, name="xxe.qdpx"),
        UnsafeArchive,
        "DTD",
    ),
    "utf16-doctype": (
        lambda tmp, make: make(UTF16_DOCTYPE, name="u16.qdpx"),
        UnsafeArchive,
        "DTD",
    ),
    "utf16-no-bom-doctype": (
        lambda tmp, make: make(UTF16_NO_BOM_DOCTYPE, name="u16le.qdpx"),
        UnsafeArchive,
        "DTD",
    ),
    "declared-utf16-doctype": (
        lambda tmp, make: make(DECLARED_UTF16_DOCTYPE, name="decl16.qdpx"),
        UnsafeArchive,
        "DTD",
    ),
    "odd-utf16": (
        lambda tmp, make: make(b"\xff\xfe<\x00P\x00>", name="odd.qdpx"),
        ImportFailed,
        "project.qde: not readable as text",
    ),
    "two-projects": (
        lambda tmp, make: make(
            None, {"a/project.qde": GOOD_QDE, "b/project.qde": GOOD_QDE}, name="two.qdpx"
        ),
        ImportFailed,
        "more than one .qde project inside",
    ),
    "codebook-entity": (
        lambda tmp, make: _write(tmp / "xxe.qdc", CODEBOOK_XXE.encode()),
        UnsafeArchive,
        "DTD",
    ),
    "zip-slip": (
        lambda tmp, make: make(
            GOOD_QDE, {"sources/doc.txt": "hi", "../evil.txt": "x"}, name="slip.qdpx"
        ),
        UnsafeArchive,
        "zip-slip",
    ),
    "absolute-member": (
        lambda tmp, make: make(GOOD_QDE, {"/etc/cron.d/evil": "x"}, name="abs.qdpx"),
        UnsafeArchive,
        "zip-slip",
    ),
    "zip-bomb": (lambda tmp, make: _bomb(tmp / "bomb.qdpx"), UnsafeArchive, "zip bomb"),
    "lying-sizes": (
        lambda tmp, make: _lying_sizes(tmp / "liar.qdpx"),
        ImportFailed,
        "damaged archive",
    ),
    "not-a-zip": (
        lambda tmp, make: _write(tmp / "notzip.qdpx", b"this is not a zip archive at all"),
        ImportFailed,
        "not a ZIP archive",
    ),
    "truncated-zip": (
        lambda tmp, make: _write(
            tmp / "cut.qdpx",
            make(GOOD_QDE, {"sources/doc.txt": "hello " * 500}, name="whole.qdpx").read_bytes()[
                :300
            ],
        ),
        ImportFailed,
        "ZIP",
    ),
    "no-project-qde": (
        lambda tmp, make: make(None, {"sources/doc.txt": "hi"}, name="noqde.qdpx"),
        ImportFailed,
        "no project.qde",
    ),
    "xml-syntax-error": (
        lambda tmp, make: make(GOOD_QDE.replace("</Sources>", "</Source>"), name="broken.qdpx"),
        ImportFailed,
        "not well-formed XML at line",
    ),
    "wrong-root": (
        lambda tmp, make: make("<Banana/>", name="banana.qdpx"),
        ImportFailed,
        "root element <Banana>",
    ),
    "empty-qdc": (lambda tmp, make: _write(tmp / "empty.qdc", b""), ImportFailed, "empty"),
    "missing-file": (lambda tmp, make: tmp / "missing.qdpx", ImportFailed, "file not found"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_and_project_unchanged(
    case: str, sample_wb: Workbench, make_qdpx, tmp_path: Path, state
) -> None:
    build, error, words = CASES[case]
    path = build(tmp_path, make_qdpx)
    before = state(sample_wb)
    with pytest.raises(error) as info:
        import_refi(sample_wb.store, path)
    message = str(info.value)
    assert message.startswith(f"{path.name}: ")
    assert "\n" not in message
    assert words in message
    assert "root:" not in message  # nothing from /etc/passwd leaked into the message
    assert state(sample_wb) == before


def test_cli_reports_one_line_and_exit_1(sample_path: Path, make_qdpx) -> None:
    path = make_qdpx(BILLION_LAUGHS, name="lol.qdpx")
    runner = CliRunner()
    before = runner.invoke(app, ["--project", str(sample_path), "info", "--json"]).stdout
    result = runner.invoke(app, ["--project", str(sample_path), "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("workbench: lol.qdpx: ")
    after = runner.invoke(app, ["--project", str(sample_path), "info", "--json"]).stdout
    assert json.loads(after) == json.loads(before)


def test_entities_are_never_expanded_in_sources(wb: Workbench, make_qdpx) -> None:
    """A DOCTYPE hidden in a Note's text file is only text, never parsed as XML."""
    qde = GOOD_QDE.replace("</Project>", "").replace(
        "</Sources>",
        '</Sources><Notes><Note guid="77777777-0000-0000-0000-000000000001" '
        'plainTextPath="internal://note.txt"/></Notes></Project>',
    )
    report = import_refi(
        wb.store,
        make_qdpx(qde, {"sources/doc.txt": "plain", "sources/note.txt": EXTERNAL_ENTITY}),
    )
    assert report.documents_added == 1
    assert [m.text for m in wb.store.memos()] == [EXTERNAL_ENTITY.strip("\n")]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".qdpx", ".qdc"]))
def test_any_bytes_fail_cleanly(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_refi(path)
    except ImportFailed as err:
        assert "\n" not in str(err)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(qde=st.binary(max_size=1024), text=st.binary(max_size=256))
def test_any_project_qde_fails_cleanly(tmp_path: Path, qde: bytes, text: bytes) -> None:
    path = tmp_path / "fuzz.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", GOOD_QDE.encode()[: len(qde)] + qde)
        zf.writestr("sources/doc.txt", text)
    try:
        read_refi(path)
    except ImportFailed as err:
        assert "\n" not in str(err)


def test_damaged_member_data_is_reported(make_qdpx, tmp_path: Path) -> None:
    path = make_qdpx(GOOD_QDE, {"sources/doc.txt": "hello world " * 200}, name="crc.qdpx")
    data = bytearray(path.read_bytes())
    start = data.index(b"sources/doc.txt") + len("sources/doc.txt") + 10
    data[start : start + 8] = zlib.compress(b"garbage!")[:8]
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFailed, match="crc.qdpx: damaged archive"):
        read_refi(path)


def test_hostile_docx_inside_fails_the_whole_import(
    wb: Workbench, make_qdpx, tmp_path: Path, state
) -> None:
    inner = tmp_path / "inner.docx"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("[Content_Types].xml", EXTERNAL_ENTITY)
        zf.writestr("word/document.xml", "<w:document/>")
    qde = GOOD_QDE.replace(
        'plainTextPath="internal://doc.txt"', 'richTextPath="internal://doc.docx"'
    )
    path = make_qdpx(qde, {"sources/doc.docx": inner.read_bytes()}, name="rich.qdpx")
    before = state(wb)
    with pytest.raises(UnsafeArchive, match=r"^rich\.qdpx: sources/doc\.docx: .*DTD"):
        import_refi(wb.store, path)
    assert state(wb) == before
