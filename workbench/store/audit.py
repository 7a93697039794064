"""The audit log as reversible row operations.

Every user action is recorded as a list of row operations (insert, delete,
update with before/after values). Undo applies the inverse operations in
reverse order; redo applies them again. Rows keep their ids, so a redone
coding is the same coding.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change
from workbench.store.tables import AuditRow, UTCDateTime, utcnow

Op = dict[str, Any]


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode(tbl: Table, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        col = tbl.c[key]
        if isinstance(col.type, UTCDateTime) and isinstance(value, str):
            out[key] = datetime.fromisoformat(value)
        else:
            out[key] = value
    return out


def row_values(s: Session, tbl: Table, row_id: int) -> dict[str, Any] | None:
    found = s.execute(select(tbl).where(tbl.c.id == row_id)).mappings().first()
    return {k: _encode(v) for k, v in found.items()} if found else None


def op_insert(tbl: str, row: dict[str, Any]) -> Op:
    return {"table": tbl, "op": "insert", "row": {k: _encode(v) for k, v in row.items()}}


def op_delete(tbl: str, row: dict[str, Any]) -> Op:
    return {"table": tbl, "op": "delete", "row": {k: _encode(v) for k, v in row.items()}}


def op_update(tbl: str, row_id: int, before: dict[str, Any], after: dict[str, Any]) -> Op:
    return {
        "table": tbl,
        "op": "update",
        "id": row_id,
        "before": {k: _encode(v) for k, v in before.items()},
        "after": {k: _encode(v) for k, v in after.items()},
    }


def delete_rows(s: Session, table_name: str, ids_query: Any) -> list[Op]:
    """Delete the rows whose ids ``ids_query`` selects; return the ops that undo can replay."""
    tbl = table(table_name)
    ops: list[Op] = []
    for row_id in list(s.execute(ids_query).scalars()):
        values = row_values(s, tbl, row_id)
        if values:
            ops.append(op_delete(table_name, values))
            s.execute(tbl.delete().where(tbl.c.id == row_id))
    return ops


def _apply(s: Session, op: Op, forward: bool) -> None:
    tbl = table(op["table"])
    kind = op["op"]
    if kind == "update":
        values = op["after"] if forward else op["before"]
        res = s.execute(update(tbl).where(tbl.c.id == op["id"]).values(**_decode(tbl, values)))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise WorkbenchError(
                f"cannot {'redo' if forward else 'undo'}: that item no longer exists"
            )
        return
    row = op["row"]
    do_insert = (kind == "insert") == forward
    if do_insert:
        if s.execute(select(tbl.c.id).where(tbl.c.id == row["id"])).first() is not None:
            raise WorkbenchError("cannot restore: the item was re-created since")
        s.execute(insert(tbl).values(**_decode(tbl, row)))
    else:
        res = s.execute(delete(tbl).where(tbl.c.id == row["id"]))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise WorkbenchError(
                f"cannot {'redo' if forward else 'undo'}: that item no longer exists"
            )


def record(s: Session, coder_id: int | None, action: str, summary: str, ops: list[Op]) -> int:
    """Log an action; a new action clears this coder's redo stack."""
    s.execute(
        update(AuditRow)
        .where(col(AuditRow.coder_id) == coder_id, col(AuditRow.state) == "undone")  # type: ignore[arg-type]
        .values(state="dead")
    )
    entry = AuditRow(
        at=utcnow(), coder_id=coder_id, action=action, summary=summary, payload=json.dumps(ops)
    )
    s.add(entry)
    s.flush()
    assert entry.id is not None
    return entry.id


UNDOABLE_PREFIXES = ("coding.", "code.", "memo.")


def _undoable(action: str) -> bool:
    return action.startswith(UNDOABLE_PREFIXES)


def change_of(s: Session, ops: list[Op], what: str) -> Change:
    """The documents and codes that replaying ``ops`` touched (read after replaying them).

    Codings name their document and code; a code row marks the codebook changed; memos
    change no counts; any other table (documents, turns) could change anything.
    """
    documents: set[int] = set()
    codes: set[int] = set()
    codings: set[int] = set()
    codebook = False
    coding = table("coding")
    for op in ops:
        name = op["table"]
        if name == "memo":
            continue
        if name == "code":
            codebook = True
            if op["op"] != "update":
                codes.add(int(op["row"]["id"]))
            continue
        if name != "coding":
            return Change(what)
        codings.add(int(op["row"]["id"] if op["op"] != "update" else op["id"]))
        if op["op"] != "update":
            documents.add(int(op["row"]["document_id"]))
            codes.add(int(op["row"]["code_id"]))
            continue
        for side in (op["before"], op["after"]):
            if "code_id" in side:
                codes.add(int(side["code_id"]))
            if "document_id" in side:
                documents.add(int(side["document_id"]))
        found = s.execute(
            select(coding.c.document_id, coding.c.code_id).where(coding.c.id == op["id"])
        ).first()
        if found is not None:
            documents.add(int(found[0]))
            codes.add(int(found[1]))
    return Change(what, frozenset(documents), frozenset(codes), codebook, frozenset(codings))


def undo(s: Session, coder_id: int | None) -> tuple[str, Change] | None:
    """Reverse this coder's latest action: its summary and what it changed, or None."""
    rows = s.execute(
        select(AuditRow)
        .where(col(AuditRow.coder_id) == coder_id, col(AuditRow.state) == "done")  # type: ignore[arg-type]
        .order_by(col(AuditRow.id).desc())  # type: ignore[union-attr]
    ).scalars()
    for entry in rows:
        if not _undoable(entry.action):
            continue
        ops = json.loads(entry.payload)
        for op in reversed(ops):
            _apply(s, op, forward=False)
        entry.state = "undone"
        return entry.summary, change_of(s, ops, "undo")
    return None


def redo(s: Session, coder_id: int | None) -> tuple[str, Change] | None:
    """Re-apply this coder's most recently undone action: its summary and what it changed."""
    entry = (
        s.execute(
            select(AuditRow)
            .where(col(AuditRow.coder_id) == coder_id, col(AuditRow.state) == "undone")  # type: ignore[arg-type]
            .order_by(col(AuditRow.id).asc())  # type: ignore[union-attr]
        )
        .scalars()
        .first()
    )
    if entry is None:
        return None
    ops = json.loads(entry.payload)
    for op in ops:
        _apply(s, op, forward=True)
    entry.state = "done"
    return entry.summary, change_of(s, ops, "redo")
