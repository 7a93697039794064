"""Read any supported transcript file: the one entry point the services use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from workbench.core.errors import UnsupportedFormat
from workbench.core.model import ParsedDocument
from workbench.io._common import read_file_bytes
from workbench.io.docx import read_docx
from workbench.io.srt import read_srt
from workbench.io.txt import read_md, read_txt
from workbench.io.vtt import read_vtt

__all__ = ["SUPPORTED_EXTENSIONS", "read_transcript", "reader_for"]

Reader = Callable[[bytes, Path], ParsedDocument]

_READERS: dict[str, Reader] = {
    ".docx": read_docx,
    ".md": read_md,
    ".srt": read_srt,
    ".txt": read_txt,
    ".vtt": read_vtt,
}

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_READERS))


def reader_for(path: Path) -> Reader:
    """The reader for ``path``'s extension (case-insensitive), or ``UnsupportedFormat``."""
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        shown = f"'{path.suffix}'" if path.suffix else "(no extension)"
        raise UnsupportedFormat(
            path, f"unsupported file type {shown} (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
        )
    return reader


def read_transcript(path: Path) -> ParsedDocument:
    """Read a transcript file into normalised text and turns.

    Raises ``ImportFailed`` (or a subclass) with a one-line reason for anything the
    user can fix: missing file, unsupported type, bad encoding, damaged or hostile file,
    no text.
    """
    path = Path(path)
    data = read_file_bytes(path)
    return reader_for(path)(data, path)
