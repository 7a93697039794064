"""Owner-only, atomic file writing, and text cleaning shared by the renderers."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from workbench.core.errors import WorkbenchError

# Characters XML 1.0 (docx, xlsx) cannot hold: C0 controls except tab, newline, return.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop control characters that Word and Excel files cannot contain."""
    return _XML_ILLEGAL.sub("", text)


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` (mode 0600) via a temporary file in the same folder and ``os.replace``.

    If ``write`` fails, the temporary file is removed and an existing ``path`` is untouched.
    """
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbenchError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise WorkbenchError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise WorkbenchError(f"cannot write {path}: {err.strerror or err}") from err
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # mkstemp already uses 0600; be explicit
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WorkbenchError(f"cannot write {path}: {err.strerror or err}") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
