"""Word transcripts (.docx).

The archive is checked before python-docx opens it: no zip bombs, no DTDs (Word never
writes one; a DTD is how entity expansion and external-entity attacks get in). Text is
the body's paragraphs in order, including paragraphs in tables (row by row, cell by cell)
and content controls, joined by blank lines; empty paragraphs are dropped. Tracked
insertions count as text, tracked deletions and text boxes do not.

A transcript laid out as a table (two or three columns: a speaker column, a text column
and optionally a time column, as NVivo and transcription services export) reads as one
paragraph per row, "Speaker: text" or "[00:01:02] Speaker: text", so it keeps its
speakers like any other transcript; a header row ("Time | Speaker | Text") is left out.
A table counts as a transcript when every speaker cell is a speaker label, some speaker
has two rows or more, the text column holds more than names, and every time cell is a
time; other tables read cell by cell as before (a "Participant | P03" details table
stays as it is).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from workbench.core.errors import ImportFailed, UnsafeArchive
from workbench.core.model import ParsedDocument
from workbench.io._common import make_document
from workbench.io.speakers import build_turns, parse_label, parse_stamp

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


def _block_paragraphs(container: etree._Element, speakers: set[str]) -> Iterator[str]:
    """Paragraph texts of a block container in document order.

    Speakers named by transcript tables are added to ``speakers``.
    """
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph_text(child)
        elif tag == f"{_W}tbl":
            rows = [_Row.read(row, speakers) for row in child.iterchildren(f"{_W}tr")]
            transcript = _transcript_rows(rows, speakers)
            if transcript is not None:
                yield from transcript
            else:
                for row in rows:
                    for cell in row.cells:
                        yield from cell
        elif tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _block_paragraphs(content, speakers)
        elif tag in _BLOCK_CONTAINERS:
            yield from _block_paragraphs(child, speakers)


# Column headings of transcript tables: a first row is a header when its speaker cell is
# one of _SPEAKER_HEADINGS, or all its cells are headings.
_SPEAKER_HEADINGS = frozenset(
    "speaker speakers name who person role sprecher sprecherin intervenant "
    "locuteur hablante orador spreker taler talare".split()
    + ["speaker name", "speaker(s)"]
)
_HEADINGS = _SPEAKER_HEADINGS | frozenset(
    "time timestamp timecode timespan start tc # no no. text transcript transcription "
    "content utterance speech dialogue dialog words verbatim zeit zeitmarke transkript inhalt "
    "temps horodatage texte tiempo texto tijd tekst tid".split()
    + ["time code", "start time", "what was said"]
)
_CELL_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Row:
    """One table row: each cell's non-empty paragraphs, and Word's "header row" flag."""

    cells: list[list[str]]
    header: bool

    @classmethod
    def read(cls, row: etree._Element, speakers: set[str]) -> _Row:
        cells = [
            [text for text in _block_paragraphs(cell, speakers) if text.strip()]
            for cell in row.iterchildren(f"{_W}tc")
        ]
        flag = row.find(f"{_W}trPr/{_W}tblHeader")
        header = flag is not None and flag.get(f"{_W}val", "true") not in ("0", "false", "off")
        return cls(cells, header)


def _single_line(cell: list[str]) -> str | None:
    """The cell's text if it is one line (spaces collapsed), else None; "" if empty."""
    if not cell:
        return ""
    if len(cell) > 1 or "\n" in cell[0]:
        return None
    return _CELL_SPACES.sub(" ", cell[0]).strip()


def _speaker_cell(cell: list[str]) -> str | None:
    """The speaker a speaker cell names ("Interviewer", "Anna:"), "" if empty, else None."""
    text = _single_line(cell)
    if not text:
        return text
    name = text[:-1].rstrip() if text.endswith(":") else text
    label = parse_label(f"{name}: x")
    return (
        name
        if label is not None and label.speaker == name and label.body == len(name) + 2
        else None
    )


def _time_cell(cell: list[str]) -> str | None:
    """A time cell as a bracketed prefix ("[00:01:02]"), "" if empty, else None."""
    text = _single_line(cell)
    if not text:
        return text
    if parse_stamp(text) is None:
        return None
    return text if text[0] in "[(" else f"[{text}]"


def _columns(rows: list[_Row]) -> tuple[int | None, int, int] | None:
    """(time, speaker, text) column indexes if ``rows`` read as a transcript, else None."""
    width = len(rows[0].cells)

    def column(index: int) -> list[list[str]]:
        return [row.cells[index] for row in rows]

    used = [i for i in range(width) if any(column(i))]  # an empty column is no column
    times = [i for i in used if all(_time_cell(cell) is not None for cell in column(i))]
    rest = [i for i in used if i not in times]
    if len(times) > 1 or len(rest) != 2:
        return None
    for speaker, text in (rest, rest[::-1]):
        names = [_speaker_cell(cell) for cell in column(speaker)]
        if any(name is None for name in names):
            continue
        counts = Counter(name for name in names if name)
        if not counts or counts.most_common(1)[0][1] < 2:
            continue  # a details table ("Interviewer | Anna", "Date | 3 May") repeats no one
        if all(not cell or _speaker_cell(cell) is not None for cell in column(text)):
            continue  # names against names ("Anna | Nurse"): no speech anywhere
        return (times[0] if times else None), speaker, text
    return None


def _heading(cell: list[str]) -> str:
    return _CELL_SPACES.sub(" ", " ".join(cell)).strip().rstrip(":").strip().casefold()


def _is_header(row: _Row, columns: tuple[int | None, int, int]) -> bool:
    """Whether a transcript table's first row names its columns ("Time | Speaker | Text")."""
    if row.header:
        return True  # Word's "Repeat as header row"
    words = [_heading(cell) for cell in row.cells]
    if any(words) and all(word in _HEADINGS for word in words if word):
        return True
    text = _single_line(row.cells[columns[2]])
    return words[columns[1]] in _SPEAKER_HEADINGS and text is not None and len(text) <= 40


def _transcript_rows(rows: list[_Row], speakers: set[str]) -> list[str] | None:
    """The paragraphs of a transcript table, or None if it is not one.

    Each row reads "[time] Speaker: text" (further paragraphs of the text cell follow as
    paragraphs of their own; a row without a speaker continues the previous one). A header
    row is left out; a first row that fits neither the header nor the transcript reads cell
    by cell. The table's speakers are added to ``speakers``.
    """
    if len(rows) < 2 or len({len(row.cells) for row in rows}) != 1:
        return None
    if len(rows[0].cells) not in (2, 3):
        return None
    every = _columns(rows)
    after_first = _columns(rows[1:]) if len(rows) > 2 else None
    paragraphs: list[str] = []
    if after_first is not None and (every is None or _is_header(rows[0], after_first)):
        columns, body = after_first, rows[1:]
        if not _is_header(rows[0], columns):
            paragraphs.extend(text for cell in rows[0].cells for text in cell)
    elif every is not None:
        columns, body = every, rows
    else:
        return None
    time, speaker, text = columns
    for row in body:
        stamp = _time_cell(row.cells[time]) if time is not None else ""
        prefix = f"{stamp} " if stamp else ""
        name = _speaker_cell(row.cells[speaker])
        speech = row.cells[text]
        if name:
            speakers.add(name)
            paragraphs.append(f"{prefix}{name}: {speech[0]}" if speech else f"{prefix}{name}:")
        elif speech:
            paragraphs.append(f"{prefix}{speech[0]}")
        else:
            continue
        paragraphs.extend(speech[1:])
    return paragraphs


def docx_text(data: bytes, source: Path) -> str:
    """The text rendering of a .docx file: non-empty paragraphs joined by blank lines."""
    return _docx_text(data, source)[0]


def _docx_text(data: bytes, source: Path) -> tuple[str, frozenset[str]]:
    """The text rendering and the speakers named by transcript tables."""
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
        return "", frozenset()
    speakers: set[str] = set()
    paragraphs = [text for text in _block_paragraphs(body, speakers) if text.strip()]
    return "\n\n".join(paragraphs), frozenset(speakers)


def read_docx(data: bytes, source: Path) -> ParsedDocument:
    """Read a .docx file's bytes into a transcript."""
    text, speakers = _docx_text(data, source)
    return make_document(source, text, build_turns(text, speakers), "docx")
