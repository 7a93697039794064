"""The project's codebook as a CodebookSpec (for YAML/REFI export)."""

from __future__ import annotations

from workbench.core.model import CodebookSpec, CodeSpec
from workbench.store.repos import SqlProject


def project_codebook(store: SqlProject, name: str) -> CodebookSpec:
    codes = store.codes()
    by_id = {c.id: c for c in codes}
    specs = tuple(
        CodeSpec(
            key=c.key,
            name=c.name,
            parent=by_id[c.parent_id].key if c.parent_id is not None else None,
            definition=c.definition,
            inclusion=c.inclusion,
            exclusion=c.exclusion,
            example=c.example,
            colour=c.colour,
            keywords=c.keywords,
            patterns=c.patterns,
            memo=c.memo,
        )
        for c in codes
    )
    return CodebookSpec(name=name, codes=specs, description=store.get_meta("description") or "")
