"""SqlProject: every query and write the services need, one short session each.

Returns frozen domain objects; no ORM row leaves this module.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from workbench.core.errors import (
    CodebookError,
    UnknownCode,
    UnknownCoder,
    UnknownDocument,
    WorkbenchError,
)
from workbench.core.model import (
    Case,
    Change,
    Code,
    CodebookSpec,
    Coder,
    Coding,
    Document,
    Memo,
    ParsedDocument,
    ProjectInfo,
    Turn,
)
from workbench.store import audit
from workbench.store.convert import (
    to_case,
    to_code,
    to_coder,
    to_coding,
    to_document,
    to_memo,
    to_turn,
)
from workbench.store.tables import (
    AuditRow,
    CaseAttributeRow,
    CaseRow,
    CodeRow,
    CoderRow,
    CodingRow,
    DocumentRow,
    MemoRow,
    MetaRow,
    TurnRow,
    utcnow,
)

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


@dataclass(frozen=True, slots=True)
class NewCoding:
    """A coding to add in bulk (sample data, merges, imports)."""

    document_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str = ""
    starred: bool = False


class SqlProject:
    """The project store over one SQLAlchemy engine (SQLite file or server)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- meta -------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        for attempt in (1, 2):
            try:
                with self.session() as s, s.begin():
                    row = s.get(MetaRow, key)
                    if row:
                        row.value = value
                    else:
                        s.add(MetaRow(key=key, value=value))
                return
            except IntegrityError:  # another process inserted the key first: update it
                if attempt == 2:
                    raise

    # -- info -------------------------------------------------------------
    def info(self) -> ProjectInfo:
        with self.session() as s:

            def n(model: Any) -> int:
                return int(s.execute(select(func.count()).select_from(model)).scalar_one())

            coders = (
                s.execute(select(col(CoderRow.name)).order_by(col(CoderRow.name))).scalars().all()
            )
            return ProjectInfo(
                documents=n(DocumentRow),
                codes=n(CodeRow),
                codings=n(CodingRow),
                coders=tuple(coders),
                cases=n(CaseRow),
            )

    # -- coders -----------------------------------------------------------
    def ensure_coder(self, name: str) -> Coder:
        name = name.strip()
        if not name or len(name) > 100:
            raise WorkbenchError(f"invalid coder name: {name!r}")
        with self.session() as s, s.begin():
            row = s.execute(select(CoderRow).where(col(CoderRow.name) == name)).scalar_one_or_none()
            if row is None:
                row = CoderRow(name=name)
                s.add(row)
                s.flush()
            return to_coder(row)

    def coders(self) -> list[Coder]:
        with self.session() as s:
            rows = s.execute(select(CoderRow).order_by(col(CoderRow.name))).scalars()
            return [to_coder(r) for r in rows]

    def coder(self, name: str) -> Coder:
        with self.session() as s:
            row = s.execute(select(CoderRow).where(col(CoderRow.name) == name)).scalar_one_or_none()
            if row is None:
                raise UnknownCoder(name)
            return to_coder(row)

    # -- cases ------------------------------------------------------------
    def upsert_cases(self, cases: Sequence[tuple[str, dict[str, str]]]) -> int:
        """Create or update cases with their attributes; link documents by name. One transaction."""
        with self.session() as s, s.begin():
            for name, attrs in cases:
                row = s.execute(
                    select(CaseRow).where(col(CaseRow.name) == name)
                ).scalar_one_or_none()
                if row is None:
                    row = CaseRow(name=name)
                    s.add(row)
                    s.flush()
                for key, value in attrs.items():
                    attr = s.get(CaseAttributeRow, (row.id, key))
                    if attr:
                        attr.value = value
                    else:
                        assert row.id is not None
                        s.add(CaseAttributeRow(case_id=row.id, name=key, value=value))
            s.flush()
            self._link_documents(s)
        return len(cases)

    def _link_documents(self, s: Session) -> None:
        cases = {r.name.lower(): r.id for r in s.execute(select(CaseRow)).scalars()}
        for doc in s.execute(
            select(DocumentRow).where(col(DocumentRow.case_id).is_(None))
        ).scalars():  # type: ignore[union-attr]
            case_id = match_case(doc.name, cases)
            if case_id is not None:
                doc.case_id = case_id

    def set_document_case(self, document_id: int, case_id: int | None) -> None:
        """Link a document to a case explicitly (REFI-QDA SourceRef), or unlink it."""
        with self.session() as s, s.begin():
            doc = s.get(DocumentRow, document_id)
            if doc is None:
                raise UnknownDocument(str(document_id))
            if case_id is not None and s.get(CaseRow, case_id) is None:
                raise WorkbenchError(f"unknown case id {case_id}")
            doc.case_id = case_id

    def cases(self) -> list[Case]:
        with self.session() as s:
            attrs: dict[int, dict[str, str]] = defaultdict(dict)
            for a in s.execute(select(CaseAttributeRow)).scalars():
                attrs[a.case_id][a.name] = a.value
            rows = s.execute(select(CaseRow).order_by(col(CaseRow.name))).scalars()
            return [to_case(r, attrs[r.id or 0]) for r in rows]

    # -- documents --------------------------------------------------------
    def document_by_checksum(self, checksum: str) -> Document | None:
        with self.session() as s:
            row = s.execute(
                select(DocumentRow).where(col(DocumentRow.checksum) == checksum)
            ).scalar_one_or_none()
            return to_document(row) if row else None

    def add_document(self, parsed: ParsedDocument, name: str | None = None) -> Document:
        """Store one parsed transcript and its turns in one transaction."""
        with self.session() as s, s.begin():
            cases = {r.name.lower(): r.id for r in s.execute(select(CaseRow)).scalars()}
            doc_name = name or parsed.name
            taken = set(s.execute(select(col(DocumentRow.name))).scalars())
            base, n = doc_name, 2
            while doc_name in taken:
                doc_name, n = f"{base} ({n})", n + 1
            row = DocumentRow(
                name=doc_name,
                text=parsed.text,
                checksum=parsed.checksum,
                source_format=parsed.source_format,
                source_path=parsed.source_path,
                imported_at=utcnow(),
                case_id=match_case(doc_name, cases),
                length=len(parsed.text),
                words=count_words(parsed.text),
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError as err:
                raise WorkbenchError(f"{doc_name}: already in the project (same text)") from err
            if parsed.turns:
                s.execute(
                    insert(TurnRow),
                    [
                        {
                            "document_id": row.id,
                            "idx": i,
                            "start": t.start,
                            "end": t.end,
                            "speaker": t.speaker,
                            "media_start": t.media_start,
                            "media_end": t.media_end,
                        }
                        for i, t in enumerate(parsed.turns)
                    ],
                )
            return to_document(row)

    def documents(self) -> list[Document]:
        with self.session() as s:
            case_names = {r.id: r.name for r in s.execute(select(CaseRow)).scalars()}
            cols = [c for c in DocumentRow.__table__.c if c.name != "text"]  # type: ignore[attr-defined]
            rows = s.execute(select(*cols).order_by(col(DocumentRow.name))).mappings()
            return [
                Document(
                    id=r["id"],
                    name=r["name"],
                    checksum=r["checksum"],
                    source_format=r["source_format"],
                    imported_at=r["imported_at"],
                    case_id=r["case_id"],
                    length=r["length"],
                    words=r["words"],
                    case_name=case_names.get(r["case_id"]),
                )
                for r in rows
            ]

    def document(self, ref: str | int) -> Document:
        """A document by id or by name (exact, then case-insensitive)."""
        for doc in self.documents():
            if doc.id == ref or doc.name == ref:
                return doc
        if isinstance(ref, str):
            for doc in self.documents():
                if doc.name.lower() == ref.lower() or str(doc.id) == ref:
                    return doc
        raise UnknownDocument(str(ref))

    def text(self, document_id: int) -> str:
        with self.session() as s:
            text = s.execute(
                select(col(DocumentRow.text)).where(col(DocumentRow.id) == document_id)
            ).scalar_one_or_none()
            if text is None:
                raise UnknownDocument(str(document_id))
            return text

    def turns(self, document_id: int) -> list[Turn]:
        with self.session() as s:
            rows = s.execute(
                select(TurnRow)
                .where(col(TurnRow.document_id) == document_id)
                .order_by(col(TurnRow.idx))
            ).scalars()
            return [to_turn(r) for r in rows]

    # -- codebook ---------------------------------------------------------
    def codes(self) -> list[Code]:
        """All codes in tree order (depth-first, by position then name)."""
        with self.session() as s:
            rows = list(s.execute(select(CodeRow)).scalars())
            return tree_order(rows)

    def code(self, ref: str | int) -> Code:
        codes = self.codes()
        for c in codes:
            if c.id == ref or c.key == ref:
                return c
        if isinstance(ref, str):
            low = ref.strip().lower()
            for c in codes:
                if c.name.lower() == low or c.path.lower() == low:
                    return c
        raise UnknownCode(str(ref))

    def import_codebook(self, spec: CodebookSpec) -> tuple[int, int]:
        """Add new codes and update existing ones (matched by key). Returns (added, updated)."""
        added = updated = 0
        with self.session() as s, s.begin():
            by_key = {r.key: r for r in s.execute(select(CodeRow)).scalars()}
            for pos, c in enumerate(spec.codes):
                parent_id = None
                if c.parent is not None:
                    parent = by_key.get(c.parent)
                    if parent is None:
                        raise CodebookError(
                            f"{spec.name}: code {c.key!r} has unknown parent {c.parent!r}"
                        )
                    parent_id = parent.id
                values: dict[str, Any] = {
                    "name": c.name,
                    "parent_id": parent_id,
                    "position": pos,
                    "definition": c.definition,
                    "inclusion": c.inclusion,
                    "exclusion": c.exclusion,
                    "example": c.example,
                    "colour": c.colour,
                    "keywords": json.dumps(list(c.keywords), ensure_ascii=False),
                    "patterns": json.dumps(list(c.patterns), ensure_ascii=False),
                    "memo": c.memo,
                }
                row = by_key.get(c.key)
                if row is None:
                    row = CodeRow(key=c.key, **values)
                    s.add(row)
                    s.flush()
                    by_key[c.key] = row
                    added += 1
                else:
                    changed = False
                    for k, v in values.items():
                        if getattr(row, k) != v:
                            setattr(row, k, v)
                            changed = True
                    updated += int(changed)
            s.flush()
            _check_sibling_names(list(by_key.values()))
            audit.record(s, None, "codebook.import", f"imported codebook {spec.name}", [])
        return added, updated

    def add_code(
        self, name: str, coder_id: int | None, parent_id: int | None = None, **fields: Any
    ) -> Code:
        name = name.strip()
        if not name:
            raise WorkbenchError("a code needs a name")
        with self.session() as s, s.begin():
            rows = list(s.execute(select(CodeRow)).scalars())
            if any(r.parent_id == parent_id and r.name.lower() == name.lower() for r in rows):
                raise CodebookError(f"a code named {name!r} already exists there")
            keys = {r.key for r in rows}
            key = base = fields.pop("key", None) or slugify(name)
            n = 2
            while key in keys:
                key, n = f"{base}-{n}", n + 1
            position = 1 + max((r.position for r in rows if r.parent_id == parent_id), default=-1)
            for list_field in ("keywords", "patterns"):
                if list_field in fields:
                    fields[list_field] = json.dumps(list(fields[list_field]), ensure_ascii=False)
            row = CodeRow(key=key, name=name, parent_id=parent_id, position=position, **fields)
            s.add(row)
            s.flush()
            assert row.id is not None
            audit.record(
                s,
                coder_id,
                "code.add",
                f"add code {name}",
                [audit.op_insert("code", audit.row_values(s, audit.table("code"), row.id) or {})],
            )
            rows.append(row)
            return tree_order(rows, only=row.id)[0]

    def update_code(self, code_id: int, coder_id: int | None, **changes: Any) -> Code:
        """Rename, recolour, edit text fields or move (parent_id/position), with undo."""
        allowed = {
            "name", "parent_id", "position", "definition", "inclusion", "exclusion",
            "example", "colour", "keywords", "patterns", "memo",
        }  # fmt: skip
        bad = set(changes) - allowed
        if bad:
            raise WorkbenchError(f"cannot change {', '.join(sorted(bad))} of a code")
        for list_field in ("keywords", "patterns"):
            if list_field in changes:
                changes[list_field] = json.dumps(list(changes[list_field]), ensure_ascii=False)
        with self.session() as s, s.begin():
            rows = {r.id: r for r in s.execute(select(CodeRow)).scalars()}
            row = rows.get(code_id)
            if row is None:
                raise UnknownCode(str(code_id))
            if "parent_id" in changes:
                _check_no_cycle(rows, code_id, changes["parent_id"])
            before = {k: getattr(row, k) for k in changes}
            if before == changes:
                return tree_order(list(rows.values()), only=code_id)[0]
            for k, v in changes.items():
                setattr(row, k, v)
            s.flush()
            _check_sibling_names(list(rows.values()))
            audit.record(
                s,
                coder_id,
                "code.update",
                f"edit code {row.name}",
                [audit.op_update("code", code_id, before, changes)],
            )
            return tree_order(list(rows.values()), only=code_id)[0]

    def delete_code(self, code_id: int, coder_id: int | None) -> int:
        """Delete a code (and its codings) that has no children. Undoable."""
        with self.session() as s, s.begin():
            row = s.get(CodeRow, code_id)
            if row is None:
                raise UnknownCode(str(code_id))
            if s.execute(select(col(CodeRow.id)).where(col(CodeRow.parent_id) == code_id)).first():
                raise CodebookError(f"{row.name}: move or delete its sub-codes first")
            ops = audit.delete_rows(
                s, "coding", select(col(CodingRow.id)).where(col(CodingRow.code_id) == code_id)
            )
            values = audit.row_values(s, audit.table("code"), code_id) or {}
            s.delete(row)
            ops.append(audit.op_delete("code", values))
            audit.record(s, coder_id, "code.delete", f"delete code {row.name}", ops)
            return len(ops) - 1

    def merge_codes(self, source_id: int, target_id: int, coder_id: int | None) -> int:
        """Move every coding and sub-code of ``source`` to ``target`` and delete ``source``.

        Codings that would duplicate one already on the target are dropped (and
        restored on undo). Returns the number of codings moved.
        """
        if source_id == target_id:
            raise CodebookError("cannot merge a code into itself")
        with self.session() as s, s.begin():
            rows = {r.id: r for r in s.execute(select(CodeRow)).scalars()}
            src, dst = rows.get(source_id), rows.get(target_id)
            if src is None:
                raise UnknownCode(str(source_id))
            if dst is None:
                raise UnknownCode(str(target_id))
            parent = dst.parent_id
            while parent is not None:
                if parent == source_id:
                    raise CodebookError(f"cannot merge {src.name} into its own sub-code {dst.name}")
                parent = rows[parent].parent_id
            ops: list[audit.Op] = []
            existing = {
                (c.document_id, c.coder_id, c.start, c.end)
                for c in s.execute(
                    select(CodingRow).where(col(CodingRow.code_id) == target_id)
                ).scalars()
            }
            moved = 0
            for c in list(
                s.execute(select(CodingRow).where(col(CodingRow.code_id) == source_id)).scalars()
            ):
                assert c.id is not None
                if (c.document_id, c.coder_id, c.start, c.end) in existing:
                    ops.append(
                        audit.op_delete(
                            "coding", audit.row_values(s, audit.table("coding"), c.id) or {}
                        )
                    )
                    s.delete(c)
                else:
                    ops.append(
                        audit.op_update(
                            "coding", c.id, {"code_id": source_id}, {"code_id": target_id}
                        )
                    )
                    c.code_id = target_id
                    moved += 1
            for child in rows.values():
                if child.parent_id == source_id:
                    assert child.id is not None
                    ops.append(
                        audit.op_update(
                            "code", child.id, {"parent_id": source_id}, {"parent_id": target_id}
                        )
                    )
                    child.parent_id = target_id
            s.flush()
            ops.append(
                audit.op_delete("code", audit.row_values(s, audit.table("code"), source_id) or {})
            )
            s.delete(src)
            s.flush()
            _check_sibling_names([r for r in rows.values() if r.id != source_id])
            audit.record(s, coder_id, "code.merge", f"merge {src.name} into {dst.name}", ops)
            return moved

    # -- codings ----------------------------------------------------------
    def add_coding(
        self,
        document_id: int,
        code_id: int,
        coder_id: int,
        start: int,
        end: int,
        memo: str = "",
    ) -> Coding:
        with self.session() as s, s.begin():
            doc_len = s.execute(
                select(col(DocumentRow.length)).where(col(DocumentRow.id) == document_id)
            ).scalar_one_or_none()
            if doc_len is None:
                raise UnknownDocument(str(document_id))
            if not (0 <= start < end <= doc_len):
                raise WorkbenchError(f"span {start}-{end} is outside the document (0-{doc_len})")
            if s.get(CodeRow, code_id) is None:
                raise UnknownCode(str(code_id))
            dup = s.execute(
                select(CodingRow).where(
                    col(CodingRow.document_id) == document_id,
                    col(CodingRow.code_id) == code_id,
                    col(CodingRow.coder_id) == coder_id,
                    col(CodingRow.start) == start,
                    col(CodingRow.end) == end,
                )
            ).scalar_one_or_none()
            if dup is not None:
                return to_coding(dup)
            now = utcnow()
            row = CodingRow(
                document_id=document_id,
                code_id=code_id,
                coder_id=coder_id,
                start=start,
                end=end,
                memo=memo,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            values = audit.row_values(s, audit.table("coding"), row.id) or {}
            code_name = s.execute(
                select(col(CodeRow.name)).where(col(CodeRow.id) == code_id)
            ).scalar_one()
            audit.record(
                s, coder_id, "coding.add", f"code {code_name}", [audit.op_insert("coding", values)]
            )
            return to_coding(row)

    def update_coding(self, coding_id: int, coder_id: int, **changes: Any) -> Coding:
        """Resize (start/end), memo, star or recode a coding, with undo."""
        allowed = {"start", "end", "memo", "starred", "code_id", "needs_review"}
        if set(changes) - allowed:
            raise WorkbenchError(f"cannot change {sorted(set(changes) - allowed)} of a coding")
        with self.session() as s, s.begin():
            row = s.get(CodingRow, coding_id)
            if row is None:
                raise WorkbenchError(f"coding {coding_id} no longer exists")
            start, end = changes.get("start", row.start), changes.get("end", row.end)
            length = s.execute(
                select(col(DocumentRow.length)).where(col(DocumentRow.id) == row.document_id)
            ).scalar_one()
            if not (0 <= start < end <= length):
                raise WorkbenchError(f"span {start}-{end} is outside the document (0-{length})")
            before = {k: getattr(row, k) for k in changes}
            after = dict(changes)
            before["updated_at"], after["updated_at"] = row.updated_at, utcnow()
            for k, v in after.items():
                setattr(row, k, v)
            s.flush()
            what = "memo" if "memo" in changes else "star" if "starred" in changes else "resize"
            audit.record(
                s, coder_id, "coding.update", f"{what} coding",
                [audit.op_update("coding", coding_id, before, after)],
            )  # fmt: skip
            return to_coding(row)

    def delete_coding(self, coding_id: int, coder_id: int) -> None:
        with self.session() as s, s.begin():
            ops = audit.delete_rows(
                s, "coding", select(col(CodingRow.id)).where(col(CodingRow.id) == coding_id)
            )
            if not ops:
                raise WorkbenchError(f"coding {coding_id} no longer exists")
            audit.record(s, coder_id, "coding.delete", "remove coding", ops)

    def add_codings_bulk(self, codings: Iterable[NewCoding], action: str, summary: str) -> int:
        """Insert many codings in one transaction (one audit entry, not undoable)."""
        rows = []
        now = utcnow()
        for c in codings:
            rows.append(
                {
                    "document_id": c.document_id,
                    "code_id": c.code_id,
                    "coder_id": c.coder_id,
                    "start": c.start,
                    "end": c.end,
                    "memo": c.memo,
                    "starred": c.starred,
                    "needs_review": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if not rows:
            return 0
        with self.session() as s, s.begin():
            s.execute(insert(CodingRow), rows)
            audit.record(s, None, action, summary, [])
        return len(rows)

    def codings(
        self,
        document_id: int | None = None,
        coder_ids: Sequence[int] | None = None,
        code_ids: Sequence[int] | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[Coding]:
        """Codings in document order, narrowed to a document, coders, codes or coding ids."""
        # plain columns, not ORM rows: 2.5x less CPU for the 250,000 codings of one coder
        # in a project of 1,000,000 (bench/bench_scale.py)
        t = CodingRow.__table__  # type: ignore[attr-defined]
        q = select(
            t.c.id, t.c.document_id, t.c.code_id, t.c.coder_id, t.c.start, t.c.end,
            t.c.memo, t.c.starred, t.c.created_at, t.c.updated_at,
        )  # fmt: skip
        if document_id is not None:
            q = q.where(t.c.document_id == document_id)
        if coder_ids is not None:
            q = q.where(t.c.coder_id.in_(list(coder_ids)))
        if code_ids is not None:
            q = q.where(t.c.code_id.in_(list(code_ids)))
        if ids is not None:
            q = q.where(t.c.id.in_(list(ids)))
        q = q.order_by(t.c.document_id, t.c.start, t.c.end, t.c.id)
        with self.engine.connect() as conn:
            return [
                Coding(id=i, document_id=d, code_id=c, coder_id=k, start=a, end=b, memo=m,
                       starred=bool(st), created_at=ca, updated_at=ua)
                for i, d, c, k, a, b, m, st, ca, ua in conn.execute(q)
            ]  # fmt: skip

    def coding_counts(
        self, code_ids: Sequence[int] | None = None, coder_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """Codings per code id, optionally of some codes or some coders only."""
        with self.session() as s:
            q = select(col(CodingRow.code_id), func.count())
            if code_ids is not None:
                q = q.where(col(CodingRow.code_id).in_(list(code_ids)))
            if coder_ids is not None:
                q = q.where(col(CodingRow.coder_id).in_(list(coder_ids)))
            q = q.group_by(col(CodingRow.code_id))
            return {cid: int(n) for cid, n in s.execute(q).all()}

    def coverage(
        self,
        coder_ids: Sequence[int] | None = None,
        document_ids: Sequence[int] | None = None,
    ) -> dict[tuple[int, int], int]:
        """Characters coded per (document id, coder id), overlaps counted once.

        Summed in SQL, so no span leaves the database: with one coder's codings of a
        document in start order, each adds what it reaches beyond the furthest end of the
        codings before it (a window ``max``). Equal to ``union_length`` of the spans.
        Narrow it to some coders or documents where the whole project is not needed.
        """
        t = CodingRow.__table__  # type: ignore[attr-defined]
        reach = func.max(t.c.end).over(
            partition_by=(t.c.document_id, t.c.coder_id),
            order_by=(t.c.start, t.c.end),
            rows=(None, -1),
        )
        spans = select(t.c.document_id, t.c.coder_id, t.c.start, t.c.end, reach.label("reach"))
        if coder_ids is not None:
            spans = spans.where(t.c.coder_id.in_(list(coder_ids)))
        if document_ids is not None:
            spans = spans.where(t.c.document_id.in_(list(document_ids)))
        r = spans.subquery()
        # reach is NULL for a first coding: the comparison is then not true, so start
        lo = case((r.c.reach > r.c.start, r.c.reach), else_=r.c.start)
        gain = case((r.c.end > lo, r.c.end - lo), else_=0)
        q = select(r.c.document_id, r.c.coder_id, func.sum(gain)).group_by(
            r.c.document_id, r.c.coder_id
        )
        with self.engine.connect() as conn:
            return {(d, c): int(n) for d, c, n in conn.execute(q)}

    # -- memos ------------------------------------------------------------
    def add_memo(self, kind: str, target_id: int | None, text: str, coder_id: int | None) -> Memo:
        with self.session() as s, s.begin():
            now = utcnow()
            row = MemoRow(kind=kind, target_id=target_id, text=text, coder_id=coder_id,
                          created_at=now, updated_at=now)  # fmt: skip
            s.add(row)
            s.flush()
            assert row.id is not None
            audit.record(
                s, coder_id, "memo.add", f"memo on {kind}",
                [audit.op_insert("memo", audit.row_values(s, audit.table("memo"), row.id) or {})],
            )  # fmt: skip
            return to_memo(row)

    def memos(self, kind: str | None = None, target_id: int | None = None) -> list[Memo]:
        with self.session() as s:
            q = select(MemoRow)
            if kind is not None:
                q = q.where(col(MemoRow.kind) == kind)
            if target_id is not None:
                q = q.where(col(MemoRow.target_id) == target_id)
            return [to_memo(r) for r in s.execute(q.order_by(col(MemoRow.id))).scalars()]

    # -- undo / redo --------------------------------------------------------
    def undo(self, coder_id: int | None) -> str | None:
        """Undo this coder's latest action; its summary, or None if there is nothing to undo."""
        done = self.undo_change(coder_id)
        return done[0] if done else None

    def redo(self, coder_id: int | None) -> str | None:
        """Redo this coder's latest undone action; its summary, or None."""
        done = self.redo_change(coder_id)
        return done[0] if done else None

    def undo_change(self, coder_id: int | None) -> tuple[str, Change] | None:
        """Like ``undo``, with what the undo changed (for views that refresh only that)."""
        with self.session() as s, s.begin():
            return audit.undo(s, coder_id)

    def redo_change(self, coder_id: int | None) -> tuple[str, Change] | None:
        """Like ``redo``, with what the redo changed."""
        with self.session() as s, s.begin():
            return audit.redo(s, coder_id)

    def history(
        self, coder_id: int | None = None, limit: int = 50
    ) -> list[tuple[int, str, str, str]]:
        """Recent audit entries: (id, action, summary, state)."""
        with self.session() as s:
            q = select(
                col(AuditRow.id), col(AuditRow.action), col(AuditRow.summary), col(AuditRow.state)
            )
            if coder_id is not None:
                q = q.where(col(AuditRow.coder_id) == coder_id)
            q = q.order_by(col(AuditRow.id).desc()).limit(limit)  # type: ignore[union-attr]
            return [tuple(r) for r in s.execute(q).all()]  # type: ignore[misc]

    def mark_review(self, coding_ids: Sequence[int], flag: bool = True) -> None:
        with self.session() as s, s.begin():
            s.execute(
                update(CodingRow)
                .where(col(CodingRow.id).in_(list(coding_ids)))
                .values(needs_review=flag)  # type: ignore[attr-defined]
            )


# -- pure helpers ------------------------------------------------------------


def slugify(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "code"


def match_case(doc_name: str, cases: dict[str, int | None]) -> int | None:
    """Link a document to a case: same name, or the name starts with the case id + a separator."""
    low = doc_name.lower()
    if low in cases:
        return cases[low]
    for name, cid in sorted(cases.items(), key=lambda kv: -len(kv[0])):
        if low.startswith(name) and not low[len(name) : len(name) + 1].isalnum():
            return cid
    m = re.match(r"^(?:interview[-_ ]?)?(p\d+)", low)
    if m:
        return cases.get(m.group(1))
    return None


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    total, cur_start, cur_end = 0, None, None
    for a, b in sorted(spans):
        if cur_end is None or a > cur_end:
            if cur_end is not None and cur_start is not None:
                total += cur_end - cur_start
            cur_start, cur_end = a, b
        else:
            cur_end = max(cur_end, b)
    if cur_end is not None and cur_start is not None:
        total += cur_end - cur_start
    return total


def tree_order(rows: Sequence[CodeRow], only: int | None = None) -> list[Code]:
    """Codes depth-first with their paths; with ``only``, just that code."""
    children: dict[int | None, list[CodeRow]] = defaultdict(list)
    for r in rows:
        children[r.parent_id].append(r)
    for kids in children.values():
        kids.sort(key=lambda r: (r.position, r.name.lower()))
    out: list[Code] = []
    stack: list[tuple[CodeRow, str, int]] = [(r, r.name, 0) for r in reversed(children[None])]
    while stack:
        row, path, depth = stack.pop()
        if only is None or row.id == only:
            out.append(to_code(row, path, depth))
        for kid in reversed(children[row.id]):
            stack.append((kid, f"{path} > {kid.name}", depth + 1))
    return out


def _check_no_cycle(rows: dict[int | None, CodeRow], code_id: int, new_parent: int | None) -> None:
    seen = set()
    parent = new_parent
    while parent is not None:
        if parent == code_id:
            raise CodebookError("a code cannot be moved under itself or its own sub-code")
        if parent in seen or parent not in rows:
            raise CodebookError(f"unknown parent code {parent}")
        seen.add(parent)
        parent = rows[parent].parent_id


def _check_sibling_names(rows: Sequence[CodeRow]) -> None:
    seen: dict[tuple[int | None, str], str] = {}
    for r in rows:
        key = (r.parent_id, r.name.strip().lower())
        if key in seen:
            raise CodebookError(f"two codes named {r.name!r} under the same parent")
        seen[key] = r.name
