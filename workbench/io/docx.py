"""Word transcripts (.docx).

The archive is checked before python-docx opens it: no zip bombs, no DTDs (Word never
writes one; a DTD is how entity expansion and external-entity attacks get in). Text is
the body's paragraphs in order, including paragraphs in tables (row by row, cell by cell)
and content controls, joined by blank lines; empty paragraphs are dropped. Tracked
insertions count as text, tracked deletions and text boxes do not.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from workbench.core.errors import ImportFailed, UnsafeArchive
from workbench.core.model import ParsedDocument
from workbench.io._common import make_document
from workbench.io.speakers import build_turns

__all__ = ["MAX_MEMBER_RATIO", "MAX_UNCOMPRESSED_BYTES", "check_archive", "docx_text", "read_docx"]

_MB = 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * _MB
MAX_MEMBER_RATIO = 200  # compression ratio above which a big member is refused ...
MAX_RATIO_EXEMPT_BYTES = 10 * _MB  # ... unless it is smaller than this

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!doctype", "<!entity")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)
_SCAN_CHUNK = 1 << 16

# Text-bearing elements inside a paragraph, and what they read as.
_CHARS = {
    f"{_W}tab": "\t",
    f"{_W}ptab": "\t",
    f"{_W}br": "\n",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "-",
}
# Subtrees that are not the paragraph's own running text.
_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_W}pPr", f"{_W}rPr"}
# Containers whose children are block content (paragraphs, tables, more containers).
_BLOCK_CONTAINERS = {f"{_W}body", f"{_W}tc", f"{_W}sdtContent", f"{_W}customXml"}


def _not_docx(source: Path, why: str) -> ImportFailed:
    return ImportFailed(source, f"not a valid .docx file ({why})")


def check_archive(archive: zipfile.ZipFile, source: Path) -> None:
    """Refuse hostile archives: zip bombs and XML parts carrying a DTD."""
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeArchive(
            source,
            f"archive would expand to {total / _MB:.0f} MB "
            f"(limit {MAX_UNCOMPRESSED_BYTES / _MB:.0f} MB); refusing to open it",
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_MEMBER_RATIO and info.file_size > MAX_RATIO_EXEMPT_BYTES:
            raise UnsafeArchive(
                source,
                f"archive member {info.filename!r} is compressed {ratio:.0f}:1 "
                "(a zip bomb?); refusing to open it",
            )
    for info in members:
        if info.filename.lower().endswith((".xml", ".rels")) and _has_dtd(archive, info):
            raise UnsafeArchive(
                source,
                f"{info.filename} declares a DTD (<!DOCTYPE>/<!ENTITY>), which Word never "
                "writes; refusing to read it",
            )


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Stream one member looking for DTD markers (ASCII/UTF-8 or UTF-16, any case)."""
    keep = max(len(m) for m in _DTD_MARKERS) - 1
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            window = (tail + chunk).lower()
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-keep:]
    return False


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag in _CHARS:
                parts.append(_CHARS[tag])
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _block_paragraphs(container: etree._Element) -> Iterator[str]:
    """Paragraph texts of a block container in document order."""
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph_text(child)
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                for cell in row.iterchildren(f"{_W}tc"):
                    yield from _block_paragraphs(cell)
        elif tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _block_paragraphs(content)
        elif tag in _BLOCK_CONTAINERS:
            yield from _block_paragraphs(child)


def docx_text(data: bytes, source: Path) -> str:
    """The text rendering of a .docx file: non-empty paragraphs joined by blank lines."""
    if data.startswith(_OLE_MAGIC):
        raise ImportFailed(
            source,
            "this is an old Word .doc or a password-protected document; "
            "save it as an unprotected .docx and import that",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _not_docx(source, "it is not a zip archive") from None
    except (ValueError, EOFError, NotImplementedError, OSError) as err:
        raise _not_docx(source, f"damaged zip archive: {str(err) or type(err).__name__}") from None

    import docx as python_docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError

    with archive:
        try:
            check_archive(archive, source)
            document = python_docx.Document(io.BytesIO(data))
            body = document.element.body
        except UnsafeArchive:
            raise
        except KeyError as err:
            raise _not_docx(source, f"missing part: {str(err).strip(chr(34) + chr(39))}") from None
        except etree.LxmlError as err:
            raise _not_docx(source, f"broken XML: {err}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
            why = str(err) or type(err).__name__
            raise _not_docx(source, f"damaged zip archive: {why}") from None
        except ValueError as err:
            why = "not a Word document" if "not a Word file" in str(err) else str(err)
            raise _not_docx(source, why or "unreadable package") from None
        except (OpcError, PythonDocxError) as err:
            raise _not_docx(source, str(err) or type(err).__name__) from None
        except (AttributeError, TypeError) as err:
            # python-docx trusts the package structure: well-formed XML with the wrong
            # elements (a root that is not w:document, a relationship without a target)
            # surfaces as these. Confined to opening the package, so our own bugs below
            # still show their traceback.
            raise _not_docx(source, f"unexpected package structure ({err})") from None
    if body is None:
        return ""
    paragraphs = (text for text in _block_paragraphs(body) if text.strip())
    return "\n\n".join(paragraphs)


def read_docx(data: bytes, source: Path) -> ParsedDocument:
    """Read a .docx file's bytes into a transcript."""
    text = docx_text(data, source)
    return make_document(source, text, build_turns(text), "docx")
