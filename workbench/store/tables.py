"""SQLModel tables. Every schema change goes through an Alembic migration.

Offsets (``start``/``end``) are 0-based code points into ``DocumentRow.text``,
end-exclusive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _ts(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable)


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class CaseRow(SQLModel, table=True):
    __tablename__ = "case"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class CaseAttributeRow(SQLModel, table=True):
    __tablename__ = "case_attribute"
    case_id: int = Field(foreign_key="case.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_column=Column(Text, nullable=False))


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    checksum: str = Field(max_length=64, unique=True)
    source_format: str = Field(max_length=16)
    source_path: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    imported_at: datetime = Field(sa_column=_ts())
    case_id: int | None = Field(default=None, foreign_key="case.id", ondelete="SET NULL")
    length: int = 0
    words: int = 0
    deidentified: bool = False


class TurnRow(SQLModel, table=True):
    __tablename__ = "turn"
    __table_args__ = (Index("ix_turn_document_start", "document_id", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    idx: int
    start: int
    end: int
    speaker: str | None = Field(default=None, max_length=200)
    media_start: float | None = None
    media_end: float | None = None


class CodeRow(SQLModel, table=True):
    __tablename__ = "code"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    name: str = Field(max_length=300)
    parent_id: int | None = Field(default=None, foreign_key="code.id", ondelete="RESTRICT")
    position: int = 0
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    inclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    exclusion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    example: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    colour: str = Field(default="", max_length=16)
    keywords: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    patterns: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    memo: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class CoderRow(SQLModel, table=True):
    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)


class CodingRow(SQLModel, table=True):
    __tablename__ = "coding"
    __table_args__ = (
        Index("ix_coding_document_coder", "document_id", "coder_id", "start"),
        Index("ix_coding_code", "code_id"),
        # ids are never reused on SQLite either: undo re-inserts a deleted coding with its
        # old id, which another coder's new coding must not have taken meanwhile (0002)
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    coder_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    start: int
    end: int
    memo: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    starred: bool = False
    needs_review: bool = False
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())


class MemoRow(SQLModel, table=True):
    __tablename__ = "memo"
    __table_args__ = (Index("ix_memo_target", "kind", "target_id"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # project, document, code, case
    target_id: int | None = None
    coder_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())


class AuditRow(SQLModel, table=True):
    """One user action, with what is needed to reverse it (undo) and replay it (redo).

    ``state`` is ``done``, ``undone`` (on the redo stack) or ``dead`` (redo
    stack cleared by a newer action).
    """

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_coder_state", "coder_id", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts())
    coder_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    action: str = Field(max_length=40)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    state: str = Field(default="done", max_length=10)


class SuggestionRow(SQLModel, table=True):
    __tablename__ = "suggestion"
    __table_args__ = (
        Index("ix_suggestion_document_status", "document_id", "status"),
        UniqueConstraint("document_id", "code_id", "start", "end", "source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    code_id: int = Field(foreign_key="code.id", ondelete="CASCADE")
    start: int
    end: int
    source: str = Field(max_length=20)  # keyword, model, similar
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: str = Field(default="", max_length=100)
    score: float = 0.0
    status: str = Field(default="pending", max_length=10)  # pending, accepted, rejected
    coder_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=_ts())
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


# -- team work: transcript revisions and reconciliation (migration 0002) -------------


class DocumentRevisionRow(SQLModel, table=True):
    """One change of a document's text (``revise``, ``deidentify``) and what it did.

    ``old_checksum`` lets a merge recognise the same transcript in a copy that has not
    been revised yet. ``detail`` is JSON: the codings that moved or need review (never
    the replaced identifiers, for de-identification).
    """

    __tablename__ = "document_revision"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE", index=True)
    at: datetime = Field(sa_column=_ts())
    coder_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    kind: str = Field(max_length=20)  # revise, deidentify
    old_checksum: str = Field(max_length=64, index=True)
    new_checksum: str = Field(max_length=64)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    detail: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class ReconcileDecisionRow(SQLModel, table=True):
    """How a disagreement between two coders on one passage was settled.

    ``coder_a_id < coder_b_id``; ``decision`` is ``a``, ``b``, ``both``, ``neither`` or
    ``edit``. The consensus codings it produced belong to the ``consensus`` coder; both
    are written in one audit entry, so undo removes them together.
    """

    __tablename__ = "reconcile_decision"
    __table_args__ = (
        UniqueConstraint("document_id", "start", "end", "coder_a_id", "coder_b_id"),
        {"sqlite_autoincrement": True},  # undo restores ids; never hand one out twice
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    start: int
    end: int
    coder_a_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    coder_b_id: int = Field(foreign_key="coder.id", ondelete="CASCADE")
    decision: str = Field(max_length=10)
    decided_by_id: int | None = Field(default=None, foreign_key="coder.id", ondelete="SET NULL")
    at: datetime = Field(sa_column=_ts())
