"""Errors the user can fix. ``str(err)`` is the whole one-line message."""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """A problem the user can fix; str(self) is the whole message."""


class ImportFailed(WorkbenchError):
    """A file could not be imported. Names the file (and line when known)."""

    def __init__(self, source: Path | str, problem: str, line: int | None = None) -> None:
        name = Path(source).name if str(source) else "<input>"
        where = f"{name}:{line}" if line is not None else name
        super().__init__(f"{where}: {problem}")
        self.source = Path(source)
        self.problem = problem
        self.line = line


class UnsupportedFormat(ImportFailed):
    """The file's extension or content is not a format we read."""


class BadEncoding(ImportFailed):
    """The bytes could not be decoded as text."""


class UnsafeArchive(ImportFailed):
    """A zip/XML file tried something hostile (zip-slip, bombs, entities)."""


class CodebookError(WorkbenchError):
    """A codebook is malformed (cycle, duplicate, unknown parent...)."""


class UnknownCode(WorkbenchError):
    """A code name or id does not exist in the project."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown code: {code!r}")
        self.code = code


class UnknownCoder(WorkbenchError):
    """A coder name does not exist in the project."""

    def __init__(self, coder: str) -> None:
        super().__init__(f"unknown coder: {coder!r}")
        self.coder = coder


class UnknownDocument(WorkbenchError):
    """A document name or id does not exist in the project."""

    def __init__(self, document: str) -> None:
        super().__init__(f"unknown document: {document!r}")
        self.document = document


class ProjectError(WorkbenchError):
    """The project file or server cannot be opened or is not a workbench project."""


class NothingToUndo(WorkbenchError):
    """Undo/redo stack is empty for this coder."""
