"""Read-only views the TUI builds from the store API (no ORM, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model import Coder, Document, ProjectInfo
from workbench.store.repos import SqlProject


@dataclass(frozen=True, slots=True)
class DocumentRow:
    document: Document
    coded: tuple[float, ...]  # share of characters coded, one per coder in ``Overview.coders``


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


def overview(store: SqlProject, only_coder: int | None = None) -> Overview:
    """Documents with the share coded by each coder, plus the project counts.

    With ``only_coder`` (blind mode) only that coder's progress is shown, and the
    counts are that coder's, so double coding stays independent.
    """
    coders = tuple(c for c in store.coders() if only_coder is None or c.id == only_coder)
    coverage = store.coverage()
    rows = []
    for doc in store.documents():
        shares = tuple(
            (coverage.get((doc.id, c.id), 0) / doc.length) if doc.length else 0.0 for c in coders
        )
        rows.append(DocumentRow(doc, shares))
    info = store.info()
    if only_coder is not None:
        own = len(store.codings(coder_ids=[only_coder]))
        info = ProjectInfo(
            info.documents, info.codes, own, tuple(c.name for c in coders), info.cases
        )
    return Overview(coders, tuple(rows), info)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
