"""Small helpers shared by the transcript readers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from workbench.core.errors import ImportFailed
from workbench.core.model import ParsedDocument, Turn

MAX_FILE_BYTES = 200 * 1024 * 1024


def read_file_bytes(path: Path, limit: int | None = None) -> bytes:
    """Read a whole input file (at most ``MAX_FILE_BYTES``), OS errors as ``ImportFailed``."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        if path.is_dir():
            raise ImportFailed(path, "is a directory, not a file")
        if path.exists() and not path.is_file():
            raise ImportFailed(path, "not a regular file")  # a FIFO or device never ends
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise ImportFailed(path, "file not found") from None
    except PermissionError:
        raise ImportFailed(path, "cannot read file (permission denied)") from None
    except IsADirectoryError:
        raise ImportFailed(path, "is a directory, not a file") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot read file ({err.strerror or err})") from None
    if len(data) > limit:
        raise ImportFailed(path, f"file is too large (the limit is {limit // 2**20} MB)")
    return data


def checksum(text: str) -> str:
    """sha256 hex digest of the normalised text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_document(
    source: Path, text: str, turns: Sequence[Turn], source_format: str
) -> ParsedDocument:
    """Build the ``ParsedDocument``; refuse a document without any text."""
    if not text.strip() or not turns:
        raise ImportFailed(source, "no transcript text found")
    return ParsedDocument(
        name=source.stem,
        text=text,
        turns=tuple(turns),
        source_format=source_format,
        checksum=checksum(text),
        source_path=str(source),
    )
