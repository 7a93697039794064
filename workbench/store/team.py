"""Team work in the store: text changes that carry codings along, merges, reconciliation.

Each public write is one transaction, so a kill or an error leaves the project as it
was. Workflows (``workbench.workflows.revisions``, ``deidentify``, ``merge``,
``reconcile``) decide *what* to write; this module writes it and records it in the
audit log. No ORM row leaves this module.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from workbench.core.errors import UnknownDocument, WorkbenchError
from workbench.core.model import Coding, ParsedDocument, Turn
from workbench.store import audit
from workbench.store.convert import to_coding
from workbench.store.repos import SqlProject, count_words, match_case
from workbench.store.tables import (
    AuditRow,
    CaseAttributeRow,
    CaseRow,
    CodeRow,
    CoderRow,
    CodingRow,
    DocumentRevisionRow,
    DocumentRow,
    MemoRow,
    ReconcileDecisionRow,
    SuggestionRow,
    TurnRow,
    utcnow,
)

EXPORTS_DEIDENTIFIED_ONLY = "exports.deidentified_only"  # meta key: "1" restricts exports

# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    id: int
    name: str
    checksum: str
    deidentified: bool
    length: int
    case_id: int | None
    source_format: str = ""
    source_path: str = ""


def document_records(store: SqlProject) -> list[DocumentRecord]:
    with store.session() as s:
        q = select(
            col(DocumentRow.id), col(DocumentRow.name), col(DocumentRow.checksum),
            col(DocumentRow.deidentified), col(DocumentRow.length), col(DocumentRow.case_id),
            col(DocumentRow.source_format), col(DocumentRow.source_path),
        ).order_by(col(DocumentRow.name))  # fmt: skip
        return [DocumentRecord(*row) for row in s.execute(q).all()]


def revision_checksums(store: SqlProject) -> dict[str, int]:
    """Every earlier checksum of a document -> that document's id (for merges)."""
    with store.session() as s:
        q = select(col(DocumentRevisionRow.old_checksum), col(DocumentRevisionRow.document_id))
        return {c: d for c, d in s.execute(q).all()}


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    id: int
    document_id: int
    at: datetime
    kind: str
    summary: str
    detail: tuple[dict[str, Any], ...]


def revisions(store: SqlProject, document_id: int | None = None) -> list[RevisionInfo]:
    with store.session() as s:
        q = select(DocumentRevisionRow).order_by(col(DocumentRevisionRow.id))
        if document_id is not None:
            q = q.where(col(DocumentRevisionRow.document_id) == document_id)
        return [
            RevisionInfo(
                r.id or 0, r.document_id, r.at, r.kind, r.summary, tuple(json.loads(r.detail))
            )
            for r in s.execute(q).scalars()
        ]


@dataclass(frozen=True, slots=True)
class CodingState:
    """A coding with the fields the domain object leaves out."""

    coding: Coding
    needs_review: bool


def coding_states(
    store: SqlProject, document_id: int | None = None, coder_ids: Sequence[int] | None = None
) -> list[CodingState]:
    with store.session() as s:
        q = select(CodingRow)
        if document_id is not None:
            q = q.where(col(CodingRow.document_id) == document_id)
        if coder_ids is not None:
            q = q.where(col(CodingRow.coder_id).in_(list(coder_ids)))  # type: ignore[attr-defined]
        q = q.order_by(col(CodingRow.document_id), col(CodingRow.start), col(CodingRow.id))
        return [CodingState(to_coding(r), r.needs_review) for r in s.execute(q).scalars()]


# -- text changes (revise, deidentify) -----------------------------------------------------

#: remap(start, end) -> (new start, new end, status); status "review" flags the coding.
Remap = Callable[[int, int], tuple[int, int, str]]
#: remap a suggestion's or a reconcile decision's span, or None to drop it.
RemapSpan = Callable[[int, int], tuple[int, int] | None]


@dataclass(frozen=True)
class TextChange:
    """Replace one document's text; codings, turns and suggestions follow ``remap``.

    ``expected_checksum`` is the text the remap was computed from: if the document
    changed meanwhile, nothing is written.
    """

    document_id: int
    expected_checksum: str
    text: str
    checksum: str
    turns: Sequence[Turn]
    remap: Remap
    remap_suggestion: RemapSpan
    name: str | None = None
    source_format: str | None = None
    source_path: str | None = None
    deidentified: bool | None = None


@dataclass
class ChangeResult:
    document_id: int
    statuses: Counter[str] = field(default_factory=Counter)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    suggestions_dropped: int = 0
    decisions_dropped: int = 0


def apply_text_changes(
    store: SqlProject,
    changes: Sequence[TextChange],
    *,
    kind: str,
    coder_id: int | None,
    summary: str,
    keep_quotes: bool = True,
    scrub: Callable[[str], str] | None = None,
) -> list[ChangeResult]:
    """Write text changes in one transaction, with one audit entry and revision rows.

    Earlier undo/redo entries that touch these documents' codings are retired (state
    ``dead``): their offsets belong to the old text. With ``scrub``, every free text in
    the project (memos, coding memos, code texts, audit payloads, revision details,
    suggestion details) is passed through it, so no identifier survives elsewhere.
    """
    results: list[ChangeResult] = []
    with store.session() as s, s.begin():
        ops: list[audit.Op] = []
        touched_codings: set[int] = set()
        for change in changes:
            result, change_ops, coding_ids = _apply_one(s, change, kind, coder_id, keep_quotes)
            results.append(result)
            ops.extend(change_ops)
            touched_codings |= coding_ids
        _retire_history(s, {c.document_id for c in changes}, touched_codings)
        if scrub is not None:
            _scrub_project(s, scrub)
        audit.record(s, coder_id, f"document.{kind}", summary, ops)
    return results


def _lock_document(s: Session, document_id: int) -> DocumentRow:
    # take the write lock first (SQLite) and the row lock (PostgreSQL), then read
    s.execute(
        update(DocumentRow).where(col(DocumentRow.id) == document_id).values(id=col(DocumentRow.id))
    )
    row = s.execute(
        select(DocumentRow).where(col(DocumentRow.id) == document_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise UnknownDocument(str(document_id))
    return row


def _apply_one(
    s: Session, change: TextChange, kind: str, coder_id: int | None, keep_quotes: bool
) -> tuple[ChangeResult, list[audit.Op], set[int]]:
    doc = _lock_document(s, change.document_id)
    assert doc.id is not None
    if doc.checksum != change.expected_checksum:
        raise WorkbenchError(f"{doc.name}: the transcript changed meanwhile; run the command again")
    old_text = doc.text
    new_len = len(change.text)
    if change.checksum != doc.checksum:
        clash = s.execute(
            select(col(DocumentRow.name)).where(
                col(DocumentRow.checksum) == change.checksum, col(DocumentRow.id) != doc.id
            )
        ).scalar_one_or_none()
        if clash is not None:
            raise WorkbenchError(f"{doc.name}: the new text is the same as document {clash}")
    result = ChangeResult(change.document_id)
    ops: list[audit.Op] = []
    coding_ids: set[int] = set()
    now = utcnow()
    codings = list(
        s.execute(select(CodingRow).where(col(CodingRow.document_id) == doc.id)).scalars()
    )
    for c in codings:
        assert c.id is not None
        coding_ids.add(c.id)
        start, end, status = change.remap(c.start, c.end)
        start = max(0, min(start, new_len))
        end = max(0, min(end, new_len))
        if end <= start:  # never an empty or inverted span: one character, flagged
            start = min(start, max(new_len - 1, 0))
            end, status = start + 1, "review"
        result.statuses[status] += 1
        review = c.needs_review or status == "review"
        if status != "kept":
            info: dict[str, Any] = {
                "coding": c.id, "coder_id": c.coder_id, "code_id": c.code_id,
                "old": [c.start, c.end], "new": [start, end], "status": status,
            }  # fmt: skip
            if keep_quotes:
                info["quote"] = old_text[c.start : c.end][:300]
            result.flagged.append(info)
        if (start, end, review) != (c.start, c.end, c.needs_review):
            before = {"start": c.start, "end": c.end, "needs_review": c.needs_review}
            after = {"start": start, "end": end, "needs_review": review}
            ops.append(audit.op_update("coding", c.id, before, after))
            c.start, c.end, c.needs_review = start, end, review
    s.flush()
    result.suggestions_dropped = _remap_suggestions(s, doc.id, change.remap_suggestion)
    result.decisions_dropped = _remap_decisions(s, doc.id, change.remap_suggestion)
    s.execute(delete(TurnRow).where(col(TurnRow.document_id) == doc.id))
    if change.turns:
        s.execute(
            insert(TurnRow),
            [
                {
                    "document_id": doc.id, "idx": i, "start": t.start, "end": t.end,
                    "speaker": t.speaker, "media_start": t.media_start, "media_end": t.media_end,
                }
                for i, t in enumerate(change.turns)
            ],
        )  # fmt: skip
    old_checksum = doc.checksum
    doc.text = change.text
    doc.checksum = change.checksum
    doc.length = new_len
    doc.words = count_words(change.text)
    if change.name is not None:
        doc.name = change.name
    if change.source_format is not None:
        doc.source_format = change.source_format
    if change.source_path is not None:
        doc.source_path = change.source_path
    if change.deidentified is not None:
        doc.deidentified = change.deidentified
    s.flush()
    counts = ", ".join(f"{n} {k}" for k, n in sorted(result.statuses.items())) or "no codings"
    s.add(
        DocumentRevisionRow(
            document_id=doc.id,
            at=now,
            coder_id=coder_id,
            kind=kind,
            old_checksum=old_checksum,
            new_checksum=change.checksum,
            summary=f"{kind}: {counts}",
            detail=json.dumps(result.flagged, ensure_ascii=False),
        )
    )
    return result, ops, coding_ids


def _remap_suggestions(s: Session, document_id: int, remap: RemapSpan) -> int:
    rows = s.execute(
        select(SuggestionRow)
        .where(col(SuggestionRow.document_id) == document_id)
        .order_by(col(SuggestionRow.id))
    ).scalars()
    return _remap_rows(s, list(rows), lambda r: (r.code_id, r.source), remap)


def _remap_decisions(s: Session, document_id: int, remap: RemapSpan) -> int:
    rows = s.execute(
        select(ReconcileDecisionRow)
        .where(col(ReconcileDecisionRow.document_id) == document_id)
        .order_by(col(ReconcileDecisionRow.id))
    ).scalars()
    return _remap_rows(s, list(rows), lambda r: (r.coder_a_id, r.coder_b_id), remap)


def _remap_rows(
    s: Session, rows: list[Any], key: Callable[[Any], tuple[Any, ...]], remap: RemapSpan
) -> int:
    """Move rows with (start, end) through ``remap``; drop the lost and the collapsed."""
    dropped = 0
    seen: set[tuple[Any, ...]] = set()
    moves: list[tuple[Any, int, int]] = []
    for row in rows:
        span = remap(row.start, row.end)
        if span is None or span[1] <= span[0] or (*key(row), *span) in seen:
            s.delete(row)
            dropped += 1
            continue
        seen.add((*key(row), *span))
        moves.append((row, span[0], span[1]))
    s.flush()
    # two steps, so a moved row never collides (unique spans) with one not moved yet
    for row, _a, _b in moves:
        row.start, row.end = -1 - (row.id or 0), -(row.id or 0)
    s.flush()
    for row, a, b in moves:
        row.start, row.end = a, b
    s.flush()
    return dropped


def _touches(op: audit.Op, documents: set[int], codings: set[int]) -> bool:
    if op.get("table") != "coding":
        return False
    if op.get("op") == "update":
        return op.get("id") in codings
    return op.get("row", {}).get("document_id") in documents


def _retire_history(s: Session, documents: set[int], codings: set[int]) -> int:
    """Mark undo/redo entries that would write old offsets into the new text as dead."""
    retired = 0
    for entry in s.execute(
        select(AuditRow).where(col(AuditRow.state).in_(["done", "undone"]))  # type: ignore[attr-defined]
    ).scalars():
        if not entry.action.startswith(audit.UNDOABLE_PREFIXES):
            continue
        if any(_touches(op, documents, codings) for op in json.loads(entry.payload)):
            entry.state = "dead"
            retired += 1
    return retired


def _scrub_value(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(v, scrub) for v in value]
    if isinstance(value, dict):
        return {k: v if k in _NOT_TEXT else _scrub_value(v, scrub) for k, v in value.items()}
    return value


_NOT_TEXT = {"table", "op", "key", "colour", "kind", "state", "checksum", "source_format",
             "created_at", "updated_at", "imported_at", "at", "decided_at", "status", "source",
             "keywords", "patterns"}  # fmt: skip


def _scrub_project(s: Session, scrub: Callable[[str], str]) -> None:
    for memo in s.execute(select(MemoRow)).scalars():
        memo.text = scrub(memo.text)
    for coding in s.execute(select(CodingRow).where(col(CodingRow.memo) != "")).scalars():
        coding.memo = scrub(coding.memo)
    for code in s.execute(select(CodeRow)).scalars():
        for name in ("definition", "inclusion", "exclusion", "example", "memo"):
            setattr(code, name, scrub(getattr(code, name)))
    for doc in s.execute(select(DocumentRow)).scalars():
        doc.name = scrub(doc.name)
        doc.source_path = scrub(doc.source_path)
    for sug in s.execute(select(SuggestionRow).where(col(SuggestionRow.detail) != "")).scalars():
        sug.detail = scrub(sug.detail)
    for entry in s.execute(select(AuditRow)).scalars():
        entry.summary = scrub(entry.summary)
        entry.payload = json.dumps(_scrub_value(json.loads(entry.payload), scrub))
    for rev in s.execute(select(DocumentRevisionRow)).scalars():
        rev.summary = scrub(rev.summary)
        rev.detail = json.dumps(_scrub_value(json.loads(rev.detail), scrub), ensure_ascii=False)
    s.flush()


def purge_free_space(engine: Engine) -> None:
    """SQLite: rewrite the file so replaced text is not left in free pages or the WAL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def set_exports_deidentified_only(store: SqlProject, on: bool) -> None:
    store.set_meta(EXPORTS_DEIDENTIFIED_ONLY, "1" if on else "0")


def exports_deidentified_only(store: SqlProject) -> bool:
    return store.get_meta(EXPORTS_DEIDENTIFIED_ONLY) == "1"


# -- merge --------------------------------------------------------------------------------
# New rows in a merge refer to each other by negative temporary ids, resolved here.


@dataclass
class MergeWrite:
    coders: list[tuple[int, str]] = field(default_factory=list)  # (temp id, name)
    cases: list[tuple[int, str]] = field(default_factory=list)  # (temp id, name)
    case_attributes: list[tuple[int, str, str]] = field(default_factory=list)  # case, name, value
    codes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # temp id, values
    documents: list[tuple[int, ParsedDocument, int | None]] = field(default_factory=list)
    codings: list[dict[str, Any]] = field(default_factory=list)
    coding_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)
    memo_updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(
            (self.coders, self.cases, self.case_attributes, self.codes, self.documents,
             self.codings, self.coding_updates, self.memos, self.memo_updates, self.decisions)
        )  # fmt: skip


def apply_merge(store: SqlProject, plan: MergeWrite, summary: str) -> None:
    """Write a merge plan in one transaction (one audit entry; the backup is the undo)."""
    with store.session() as s, s.begin():
        coders = _resolve_coders(s, plan.coders)
        cases: dict[int, int] = {}
        for temp, name in plan.cases:
            row = CaseRow(name=name)
            s.add(row)
            s.flush()
            assert row.id is not None
            cases[temp] = row.id

        def case_id(ref: int | None) -> int | None:
            return cases[ref] if ref is not None and ref < 0 else ref

        for ref, name, value in plan.case_attributes:
            cid = case_id(ref)
            assert cid is not None
            s.add(CaseAttributeRow(case_id=cid, name=name, value=value))
        codes: dict[int, int] = {}
        for temp, values in plan.codes:
            values = dict(values)
            parent = values.get("parent_id")
            if parent is not None and parent < 0:
                values["parent_id"] = codes[parent]
            code_row = CodeRow(**values)
            s.add(code_row)
            s.flush()
            assert code_row.id is not None
            codes[temp] = code_row.id
        docs: dict[int, int] = {}
        names = set(s.execute(select(col(DocumentRow.name))).scalars())
        case_names = {r.name.lower(): r.id for r in s.execute(select(CaseRow)).scalars()}
        for temp, parsed, case_ref in plan.documents:
            name, n = parsed.name, 2
            while name in names:
                name, n = f"{parsed.name} ({n})", n + 1
            names.add(name)
            drow = DocumentRow(
                name=name, text=parsed.text, checksum=parsed.checksum,
                source_format=parsed.source_format, source_path=parsed.source_path,
                imported_at=utcnow(),
                case_id=case_id(case_ref) if case_ref is not None else match_case(name, case_names),
                length=len(parsed.text), words=count_words(parsed.text),
            )  # fmt: skip
            s.add(drow)
            s.flush()
            assert drow.id is not None
            docs[temp] = drow.id
            if parsed.turns:
                s.execute(
                    insert(TurnRow),
                    [
                        {"document_id": drow.id, "idx": i, "start": t.start, "end": t.end,
                         "speaker": t.speaker, "media_start": t.media_start,
                         "media_end": t.media_end}
                        for i, t in enumerate(parsed.turns)
                    ],
                )  # fmt: skip

        def res(value: int | None, table: Mapping[int, int]) -> int | None:
            return table[value] if value is not None and value < 0 else value

        if plan.codings:
            rows = []
            for c in plan.codings:
                c = dict(c)
                c["document_id"] = res(c["document_id"], docs)
                c["code_id"] = res(c["code_id"], codes)
                c["coder_id"] = res(c["coder_id"], coders)
                rows.append(c)
            s.execute(insert(CodingRow), rows)
        for coding_id, values in plan.coding_updates:
            values = dict(values)
            if "code_id" in values:
                values["code_id"] = res(values["code_id"], codes)
            s.execute(update(CodingRow).where(col(CodingRow.id) == coding_id).values(**values))
        targets = {"document": docs, "code": codes, "case": cases}
        for m in plan.memos:
            m = dict(m)
            m["coder_id"] = res(m.get("coder_id"), coders)
            m["target_id"] = res(m.get("target_id"), targets.get(m["kind"], {}))
            s.add(MemoRow(**m))
        for memo_id, values in plan.memo_updates:
            s.execute(update(MemoRow).where(col(MemoRow.id) == memo_id).values(**values))
        for d in plan.decisions:
            d = dict(d)
            d["document_id"] = res(d["document_id"], docs)
            for k in ("coder_a_id", "coder_b_id", "decided_by_id"):
                d[k] = res(d.get(k), coders)
            if d["coder_a_id"] > d["coder_b_id"]:
                d["coder_a_id"], d["coder_b_id"] = d["coder_b_id"], d["coder_a_id"]
                d["decision"] = {"a": "b", "b": "a"}.get(d["decision"], d["decision"])
            s.add(ReconcileDecisionRow(**d))
        s.flush()
        audit.record(s, None, "merge", summary, [])


def _resolve_coders(s: Session, new: Iterable[tuple[int, str]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for temp, name in new:
        row = s.execute(select(CoderRow).where(col(CoderRow.name) == name)).scalar_one_or_none()
        if row is None:
            row = CoderRow(name=name)
            s.add(row)
            s.flush()
        assert row.id is not None
        out[temp] = row.id
    return out


# -- reconciliation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    document_id: int
    start: int
    end: int
    coder_a_id: int
    coder_b_id: int
    decision: str
    decided_by_id: int | None
    at: datetime


def decisions(store: SqlProject, coder_a_id: int, coder_b_id: int) -> list[Decision]:
    """Recorded decisions for this pair, in either order (``decision`` as stored)."""
    a, b = sorted((coder_a_id, coder_b_id))
    with store.session() as s:
        q = select(ReconcileDecisionRow).where(
            col(ReconcileDecisionRow.coder_a_id) == a, col(ReconcileDecisionRow.coder_b_id) == b
        )
        return [
            Decision(r.document_id, r.start, r.end, r.coder_a_id, r.coder_b_id, r.decision,
                     r.decided_by_id, r.at)
            for r in s.execute(q).scalars()
        ]  # fmt: skip


def write_decision(
    store: SqlProject,
    *,
    document_id: int,
    start: int,
    end: int,
    coder_a_id: int,
    coder_b_id: int,
    decision: str,
    decided_by_id: int | None,
    consensus_id: int,
    codings: Sequence[tuple[int, int, int, str]],
    summary: str,
) -> list[Coding]:
    """Settle one passage: replace the consensus codings overlapping ``[start, end)``
    with ``codings`` (code id, start, end, memo) and record the decision; one audit
    entry of the consensus coder, so undo takes the whole decision back."""
    a, b = coder_a_id, coder_b_id
    if a > b:
        a, b = b, a
        decision = {"a": "b", "b": "a"}.get(decision, decision)
    with store.session() as s, s.begin():
        length = s.execute(
            select(col(DocumentRow.length)).where(col(DocumentRow.id) == document_id)
        ).scalar_one_or_none()
        if length is None:
            raise UnknownDocument(str(document_id))
        for _code, cs, ce, _memo in codings:
            if not (0 <= cs < ce <= length):
                raise WorkbenchError(f"span {cs}-{ce} is outside the document (0-{length})")
        ops: list[audit.Op] = audit.delete_rows(
            s,
            "coding",
            select(col(CodingRow.id)).where(
                col(CodingRow.document_id) == document_id,
                col(CodingRow.coder_id) == consensus_id,
                col(CodingRow.start) < end,
                col(CodingRow.end) > start,
            ),
        )
        tbl = audit.table("coding")
        dtbl = audit.table("reconcile_decision")
        ops += audit.delete_rows(  # deciding a passage again replaces the earlier decision
            s,
            "reconcile_decision",
            select(col(ReconcileDecisionRow.id)).where(
                col(ReconcileDecisionRow.document_id) == document_id,
                col(ReconcileDecisionRow.start) == start,
                col(ReconcileDecisionRow.end) == end,
                col(ReconcileDecisionRow.coder_a_id) == a,
                col(ReconcileDecisionRow.coder_b_id) == b,
            ),
        )
        now = utcnow()
        made: list[Coding] = []
        seen: set[tuple[int, int, int]] = set()
        for code_id, cs, ce, memo in codings:
            if (code_id, cs, ce) in seen:
                continue
            seen.add((code_id, cs, ce))
            row = CodingRow(
                document_id=document_id, code_id=code_id, coder_id=consensus_id, start=cs,
                end=ce, memo=memo, created_at=now, updated_at=now,
            )  # fmt: skip
            s.add(row)
            s.flush()
            assert row.id is not None
            ops.append(audit.op_insert("coding", audit.row_values(s, tbl, row.id) or {}))
            made.append(to_coding(row))
        drow = ReconcileDecisionRow(
            document_id=document_id, start=start, end=end, coder_a_id=a, coder_b_id=b,
            decision=decision, decided_by_id=decided_by_id, at=now,
        )  # fmt: skip
        s.add(drow)
        s.flush()
        assert drow.id is not None
        ops.append(audit.op_insert("reconcile_decision", audit.row_values(s, dtbl, drow.id) or {}))
        audit.record(s, consensus_id, "coding.reconcile", summary, ops)
        return made


# -- whole-project snapshots (merge) ----------------------------------------------------------


@dataclass
class ProjectSnapshot:
    """Every row a merge needs, as plain dicts (datetimes tz-aware, booleans as bool)."""

    coders: dict[int, str]
    codes: list[dict[str, Any]]  # parents before children
    cases: dict[int, str]
    case_attributes: dict[int, dict[str, str]]
    documents: list[dict[str, Any]]  # with "text" and "turns" (tuple[Turn, ...])
    revisions: dict[str, int]  # earlier checksum -> document id
    codings: list[dict[str, Any]]
    memos: list[dict[str, Any]]
    decisions: list[dict[str, Any]]


def read_snapshot(engine: Engine) -> ProjectSnapshot:
    """Read a whole project (ours or another copy) in one transaction."""
    with Session(engine) as s:

        def rows(model: Any, *order: Any) -> list[dict[str, Any]]:
            tbl = model.__table__
            q = select(tbl).order_by(*(order or (tbl.c.id,)))
            return [dict(r) for r in s.execute(q).mappings()]

        codes_by_parent: dict[int | None, list[dict[str, Any]]] = {}
        for c in rows(CodeRow):
            codes_by_parent.setdefault(c["parent_id"], []).append(c)
        ordered: list[dict[str, Any]] = []
        stack = sorted(codes_by_parent.get(None, []), key=lambda c: (c["position"], c["id"]))[::-1]
        while stack:
            c = stack.pop()
            ordered.append(c)
            kids = sorted(codes_by_parent.get(c["id"], []), key=lambda k: (k["position"], k["id"]))
            stack.extend(reversed(kids))
        turns: dict[int, list[Turn]] = {}
        for t in rows(TurnRow, col(TurnRow.document_id), col(TurnRow.idx)):
            turns.setdefault(t["document_id"], []).append(
                Turn(t["start"], t["end"], t["speaker"], t["media_start"], t["media_end"])
            )
        documents = rows(DocumentRow)
        for d in documents:
            d["turns"] = tuple(turns.get(d["id"], ()))
        attrs: dict[int, dict[str, str]] = {}
        for a in rows(CaseAttributeRow, col(CaseAttributeRow.case_id)):
            attrs.setdefault(a["case_id"], {})[a["name"]] = a["value"]
        return ProjectSnapshot(
            coders={r["id"]: r["name"] for r in rows(CoderRow)},
            codes=ordered,
            cases={r["id"]: r["name"] for r in rows(CaseRow)},
            case_attributes=attrs,
            documents=documents,
            revisions={r["old_checksum"]: r["document_id"] for r in rows(DocumentRevisionRow)},
            codings=rows(CodingRow),
            memos=rows(MemoRow),
            decisions=rows(ReconcileDecisionRow),
        )
