"""Row -> frozen domain object conversions. Called inside the session."""

from __future__ import annotations

import json
from collections.abc import Mapping

from workbench.core.model import Case, Code, Coder, Coding, Document, Memo, Turn
from workbench.store.tables import (
    CaseRow,
    CodeRow,
    CoderRow,
    CodingRow,
    DocumentRow,
    MemoRow,
    TurnRow,
)


def to_document(row: DocumentRow, case_name: str | None = None) -> Document:
    assert row.id is not None
    return Document(
        id=row.id,
        name=row.name,
        checksum=row.checksum,
        source_format=row.source_format,
        imported_at=row.imported_at,
        case_id=row.case_id,
        length=row.length,
        words=row.words,
        case_name=case_name,
    )


def to_turn(row: TurnRow) -> Turn:
    return Turn(
        start=row.start,
        end=row.end,
        speaker=row.speaker,
        media_start=row.media_start,
        media_end=row.media_end,
    )


def to_case(row: CaseRow, attributes: Mapping[str, str]) -> Case:
    assert row.id is not None
    return Case(id=row.id, name=row.name, attributes=dict(attributes))


def to_coder(row: CoderRow) -> Coder:
    assert row.id is not None
    return Coder(id=row.id, name=row.name)


def to_code(row: CodeRow, path: str, depth: int) -> Code:
    assert row.id is not None
    return Code(
        id=row.id,
        key=row.key,
        name=row.name,
        parent_id=row.parent_id,
        path=path,
        depth=depth,
        order=row.position,
        definition=row.definition,
        inclusion=row.inclusion,
        exclusion=row.exclusion,
        example=row.example,
        colour=row.colour,
        keywords=tuple(json.loads(row.keywords or "[]")),
        patterns=tuple(json.loads(row.patterns or "[]")),
        memo=row.memo,
    )


def to_coding(row: CodingRow) -> Coding:
    assert row.id is not None
    return Coding(
        id=row.id,
        document_id=row.document_id,
        code_id=row.code_id,
        coder_id=row.coder_id,
        start=row.start,
        end=row.end,
        memo=row.memo,
        starred=row.starred,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_memo(row: MemoRow) -> Memo:
    assert row.id is not None
    return Memo(
        id=row.id, kind=row.kind, target_id=row.target_id, text=row.text, coder_id=row.coder_id
    )
