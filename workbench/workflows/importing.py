"""Import transcripts, attributes and codebooks into a project.

Files are parsed first; if any fails nothing is written (the project stays
unchanged) unless the caller asks to skip bad files. Each document is then
committed on its own, so a cancel or a kill loses at most the one in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import ImportFailed, WorkbenchError
from workbench.core.model import Document, ParsedDocument, Progress
from workbench.io.transcripts import SUPPORTED_EXTENSIONS, read_transcript
from workbench.store.repos import SqlProject


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    path: Path
    status: str  # imported, duplicate, failed, skipped
    message: str = ""
    document: Document | None = None


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and supported transcripts found inside folders (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUPPORTED_EXTENSIONS
                )
            )
        else:
            out.append(p)
    return out


def parse_all(
    paths: Sequence[Path], cancelled: threading.Event | None = None
) -> Iterator[tuple[Progress, Path, ParsedDocument | ImportFailed]]:
    total = len(paths)
    for i, path in enumerate(paths):
        if cancelled is not None and cancelled.is_set():
            return
        try:
            result: ParsedDocument | ImportFailed = read_transcript(path)
        except ImportFailed as err:
            result = err
        yield Progress(i + 1, total, f"reading {path.name}"), path, result


def import_transcripts(
    store: SqlProject,
    paths: Sequence[Path],
    *,
    skip_errors: bool = False,
    cancelled: threading.Event | None = None,
) -> Iterator[tuple[Progress, ImportOutcome | None]]:
    """Yield progress while parsing, then one outcome per file while storing."""
    files = expand_paths(paths)
    if not files:
        raise WorkbenchError(
            "no transcript files found (supported: " + ", ".join(SUPPORTED_EXTENSIONS) + ")"
        )
    parsed: list[tuple[Path, ParsedDocument]] = []
    failures: list[ImportOutcome] = []
    for progress, path, result in parse_all(files, cancelled):
        yield progress, None
        if isinstance(result, ImportFailed):
            failures.append(ImportOutcome(path, "failed", str(result)))
        else:
            parsed.append((path, result))
    if failures and not skip_errors:
        for outcome in failures:
            yield Progress(len(files), len(files), "failed"), outcome
        return
    for outcome in failures:
        yield (
            Progress(len(files), len(files), "skipped"),
            ImportOutcome(outcome.path, "skipped", outcome.message),
        )
    seen: set[str] = set()
    for i, (path, doc) in enumerate(parsed):
        if cancelled is not None and cancelled.is_set():
            return
        step = Progress(i + 1, len(parsed), f"storing {path.name}")
        existing = store.document_by_checksum(doc.checksum)
        if existing is not None or doc.checksum in seen:
            name = existing.name if existing else doc.name
            yield (
                step,
                ImportOutcome(
                    path, "duplicate", f"{path.name}: already imported as {name}", existing
                ),
            )
            continue
        seen.add(doc.checksum)
        stored = store.add_document(doc)
        yield (
            step,
            ImportOutcome(
                path,
                "imported",
                f"{path.name}: {stored.words} words, {len(doc.turns)} turns",
                stored,
            ),
        )
