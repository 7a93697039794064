"""Suggestion rows: write proposals, list them, record accept/reject (undoable).

Accepting a suggestion writes the coding and the new status in one transaction
with one audit entry (action ``coding.add``), so Ctrl+Z removes the coding *and*
puts the suggestion back to pending. Rejecting is undoable the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, col

from workbench.core.errors import UnknownCode, UnknownDocument, WorkbenchError
from workbench.core.model import Coding
from workbench.core.suggestions import Candidate, Suggestion
from workbench.store import audit
from workbench.store.convert import to_coding
from workbench.store.repos import SqlProject
from workbench.store.tables import (
    CodeRow,
    CodingRow,
    DocumentRow,
    MetaRow,
    SuggestionRow,
    utcnow,
)

HIGH_ID_KEY = "suggestion.high_id"


def _is_coder(coder_id: int | None) -> Any:
    column = col(SuggestionRow.coder_id)
    return column.is_(None) if coder_id is None else column == coder_id


def to_suggestion(row: SuggestionRow) -> Suggestion:
    assert row.id is not None
    return Suggestion(
        id=row.id,
        document_id=row.document_id,
        code_id=row.code_id,
        start=row.start,
        end=row.end,
        source=row.source,
        detail=row.detail,
        version=row.version,
        score=row.score,
        status=row.status,
        coder_id=row.coder_id,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


class SuggestionRepo:
    """Queries and writes on the ``suggestion`` table, one short session each."""

    def __init__(self, project: SqlProject) -> None:
        self.project = project

    def session(self) -> Session:
        return self.project.session()

    # -- writing proposals ---------------------------------------------------
    def replace_pending(
        self,
        document_id: int,
        coder_id: int | None,
        candidates: Iterable[Candidate],
        sources: Sequence[str],
    ) -> int:
        """Swap this coder's pending suggestions from ``sources`` in a document for new ones.

        One transaction per document. A candidate is skipped when a suggestion for
        the same code and span is still there: rejected or accepted (so a rejected
        passage is never suggested again), or pending from another source or for
        another coder. Returns the number of rows written.
        """
        with self.session() as s, s.begin():
            s.execute(
                delete(SuggestionRow).where(
                    col(SuggestionRow.document_id) == document_id,
                    col(SuggestionRow.status) == "pending",
                    _is_coder(coder_id),
                    col(SuggestionRow.source).in_(list(sources)),
                )
            )
            taken = {
                (c, a, b)
                for c, a, b in s.execute(
                    select(
                        col(SuggestionRow.code_id), col(SuggestionRow.start), col(SuggestionRow.end)
                    ).where(col(SuggestionRow.document_id) == document_id)
                ).all()
            }
            now = utcnow()
            rows = []
            for cand in candidates:
                if cand.document_id != document_id:
                    raise WorkbenchError("candidate for another document")
                k = (cand.code_id, cand.start, cand.end)
                if k in taken:
                    continue
                taken.add(k)
                rows.append(
                    {
                        "document_id": document_id,
                        "code_id": cand.code_id,
                        "start": cand.start,
                        "end": cand.end,
                        "source": cand.source,
                        "detail": cand.detail,
                        "version": cand.version[:100],
                        "score": float(cand.score),
                        "status": "pending",
                        "coder_id": coder_id,
                        "created_at": now,
                        "decided_at": None,
                    }
                )
            if rows:
                # Ids are never handed out twice (undo/redo address suggestions by id, and
                # pending rows are deleted when suggestions are regenerated).
                high = s.execute(select(func.max(col(SuggestionRow.id)))).scalar() or 0
                meta = s.get(MetaRow, HIGH_ID_KEY)
                high = max(int(high), int(meta.value) if meta else 0)
                for i, row in enumerate(rows, start=1):
                    row["id"] = high + i
                s.execute(insert(SuggestionRow), rows)
                if meta is None:
                    s.add(MetaRow(key=HIGH_ID_KEY, value=str(high + len(rows))))
                else:
                    meta.value = str(high + len(rows))
            return len(rows)

    def clear_pending(self, document_id: int | None = None, coder_id: int | None = None) -> int:
        with self.session() as s, s.begin():
            q = delete(SuggestionRow).where(col(SuggestionRow.status) == "pending")
            if document_id is not None:
                q = q.where(col(SuggestionRow.document_id) == document_id)
            if coder_id is not None:
                q = q.where(col(SuggestionRow.coder_id) == coder_id)
            return int(s.execute(q).rowcount or 0)  # type: ignore[attr-defined]

    # -- reading -------------------------------------------------------------
    def get(self, suggestion_id: int) -> Suggestion:
        with self.session() as s:
            row = s.get(SuggestionRow, suggestion_id)
            if row is None:
                raise WorkbenchError(f"suggestion {suggestion_id} no longer exists")
            return to_suggestion(row)

    def list(
        self,
        document_id: int | None = None,
        coder_id: int | None = None,
        status: str | Sequence[str] | None = "pending",
        document_ids: Sequence[int] | None = None,
    ) -> list[Suggestion]:
        """Suggestions in document order (document, start, end, code, source)."""
        with self.session() as s:
            q = select(SuggestionRow)
            if document_id is not None:
                q = q.where(col(SuggestionRow.document_id) == document_id)
            if document_ids is not None:
                q = q.where(col(SuggestionRow.document_id).in_(list(document_ids)))
            if coder_id is not None:
                q = q.where(col(SuggestionRow.coder_id) == coder_id)
            if isinstance(status, str):
                q = q.where(col(SuggestionRow.status) == status)
            elif status is not None:
                q = q.where(col(SuggestionRow.status).in_(list(status)))
            q = q.order_by(
                col(SuggestionRow.document_id),
                col(SuggestionRow.start),
                col(SuggestionRow.end),
                col(SuggestionRow.code_id),
                col(SuggestionRow.source),
            )
            return [to_suggestion(r) for r in s.execute(q).scalars()]

    def counts(self) -> dict[str, int]:
        """Suggestions per status."""
        with self.session() as s:
            q = select(col(SuggestionRow.status), func.count()).group_by(col(SuggestionRow.status))
            return {status: int(n) for status, n in s.execute(q).all()}

    # -- decisions -------------------------------------------------------------
    def accept(self, suggestion_id: int, coder_id: int) -> Coding:
        """Turn a pending suggestion into this coder's coding; one undoable action."""
        with self.session() as s, s.begin():
            row = self._pending(s, suggestion_id)
            length = s.execute(
                select(col(DocumentRow.length)).where(col(DocumentRow.id) == row.document_id)
            ).scalar_one_or_none()
            if length is None:
                raise UnknownDocument(str(row.document_id))
            if not (0 <= row.start < row.end <= length):
                raise WorkbenchError(
                    f"suggested span {row.start}-{row.end} is outside the document"
                )
            code_name = s.execute(
                select(col(CodeRow.name)).where(col(CodeRow.id) == row.code_id)
            ).scalar_one_or_none()
            if code_name is None:
                raise UnknownCode(str(row.code_id))
            ops: list[audit.Op] = []
            coding = s.execute(
                select(CodingRow).where(
                    col(CodingRow.document_id) == row.document_id,
                    col(CodingRow.code_id) == row.code_id,
                    col(CodingRow.coder_id) == coder_id,
                    col(CodingRow.start) == row.start,
                    col(CodingRow.end) == row.end,
                )
            ).scalar_one_or_none()
            if coding is None:
                now = utcnow()
                coding = CodingRow(
                    document_id=row.document_id,
                    code_id=row.code_id,
                    coder_id=coder_id,
                    start=row.start,
                    end=row.end,
                    memo="",
                    created_at=now,
                    updated_at=now,
                )
                s.add(coding)
                s.flush()
                assert coding.id is not None
                values = audit.row_values(s, audit.table("coding"), coding.id) or {}
                ops.append(audit.op_insert("coding", values))
            ops.append(self._decide(s, row, "accepted", coder_id))
            audit.record(s, coder_id, "coding.add", f"code {code_name} (suggestion)", ops)
            return to_coding(coding)

    def reject(self, suggestion_id: int, coder_id: int) -> Suggestion:
        """Mark a pending suggestion rejected (undoable); it will not be suggested again."""
        with self.session() as s, s.begin():
            row = self._pending(s, suggestion_id)
            code_name = s.execute(
                select(col(CodeRow.name)).where(col(CodeRow.id) == row.code_id)
            ).scalar_one_or_none()
            op = self._decide(s, row, "rejected", coder_id)
            audit.record(
                s, coder_id, "coding.reject-suggestion", f"reject suggestion {code_name}", [op]
            )
            return to_suggestion(row)

    @staticmethod
    def _pending(s: Session, suggestion_id: int) -> SuggestionRow:
        row = s.get(SuggestionRow, suggestion_id)
        if row is None:
            raise WorkbenchError(f"suggestion {suggestion_id} no longer exists")
        if row.status != "pending":
            raise WorkbenchError(f"suggestion {suggestion_id} was already {row.status}")
        return row

    @staticmethod
    def _decide(s: Session, row: SuggestionRow, status: str, coder_id: int) -> audit.Op:
        assert row.id is not None
        before = {"status": row.status, "coder_id": row.coder_id, "decided_at": row.decided_at}
        after = {"status": status, "coder_id": coder_id, "decided_at": utcnow()}
        for k, v in after.items():
            setattr(row, k, v)
        s.flush()
        return audit.op_update("suggestion", row.id, before, after)
