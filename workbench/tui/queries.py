"""Read-only views the TUI builds from the store API (no ORM, no Textual)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.core.model import Change, Coder, Document, ProjectInfo
from workbench.store.repos import SqlProject


@dataclass(frozen=True, slots=True)
class DocumentRow:
    document: Document
    # share of characters coded, one per coder in ``Overview.coders``; None: not read yet
    coded: tuple[float, ...] | None


@dataclass(frozen=True, slots=True)
class Overview:
    coders: tuple[Coder, ...]
    rows: tuple[DocumentRow, ...]
    info: ProjectInfo

    @property
    def summary(self) -> str:
        info = self.info
        coders = ", ".join(info.coders) if info.coders else "none yet"
        return (
            f"{_n(info.documents, 'document')} · {_n(info.codes, 'code')} · "
            f"{_n(info.codings, 'coding')} · {_n(info.cases, 'case')} · coders: {coders}"
        )


class ProjectStats:
    """Coverage per (document, coder) and codings per code: read once, then kept current.

    Reading them for a whole project takes seconds at a million codings
    (bench/bench_tui.py), so after each action the TUI re-reads only the documents and
    codes the action touched (``update``). Shared by every screen of the app.
    """

    def __init__(self, store: SqlProject) -> None:
        self._store = store
        self._coverage: dict[tuple[int, int], int] | None = None
        self._counts: dict[int | None, dict[int, int]] = {}  # by coder id; None: all coders
        self._reading = threading.Lock()  # a worker may read the coverage while a screen asks

    @property
    def has_coverage(self) -> bool:
        """True when ``coverage()`` returns at once (it takes seconds at a million codings)."""
        return self._coverage is not None

    def coverage(self) -> Mapping[tuple[int, int], int]:
        """Characters coded per (document id, coder id), overlaps counted once."""
        with self._reading:
            if self._coverage is None:
                self._coverage = self._store.coverage()
            return self._coverage

    def counts(self, coder_id: int | None = None) -> Mapping[int, int]:
        """Codings per code id: every coder's, or one coder's (blind mode)."""
        if coder_id not in self._counts:
            coders = None if coder_id is None else [coder_id]
            self._counts[coder_id] = self._store.coding_counts(coder_ids=coders)
        return self._counts[coder_id]

    def update(self, change: Change) -> None:
        """Re-read what ``change`` touched (everything when it does not say)."""
        if change.documents is None:
            self._coverage = None
        elif change.documents and self._coverage is not None:
            documents = sorted(change.documents)
            fresh = self._store.coverage(document_ids=documents)
            for key in [k for k in self._coverage if k[0] in change.documents]:
                del self._coverage[key]
            self._coverage.update(fresh)
        if change.codes is None:
            self._counts.clear()
        elif change.codes:
            codes = sorted(change.codes)
            for coder_id, counts in self._counts.items():
                coders = None if coder_id is None else [coder_id]
                fresh_counts = self._store.coding_counts(code_ids=codes, coder_ids=coders)
                for code_id in codes:
                    counts.pop(code_id, None)
                counts.update(fresh_counts)


def overview(
    store: SqlProject,
    stats: ProjectStats,
    only_coder: int | None = None,
    *,
    wait_below: int | None = None,
) -> Overview:
    """Documents with the share coded by each coder, plus the project counts.

    ``wait_below``: when the coverage has not been read yet and the project holds more
    codings than this, the rows come without it (``coded`` is None) instead of waiting
    for it; smaller projects read it at once (milliseconds).

    With ``only_coder`` (blind mode) only that coder's progress is shown, and the
    counts are that coder's, so double coding stays independent.
    """
    coders = tuple(c for c in store.coders() if only_coder is None or c.id == only_coder)
    info = store.info()
    wait = stats.has_coverage or wait_below is None or info.codings < wait_below
    coverage = stats.coverage() if wait else None
    rows = []
    for doc in store.documents():
        shares = None
        if coverage is not None:
            shares = tuple(
                (coverage.get((doc.id, c.id), 0) / doc.length) if doc.length else 0.0
                for c in coders
            )
        rows.append(DocumentRow(doc, shares))
    if only_coder is not None:
        own = sum(stats.counts(only_coder).values())
        info = ProjectInfo(
            info.documents, info.codes, own, tuple(c.name for c in coders), info.cases
        )
    return Overview(coders, tuple(rows), info)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
