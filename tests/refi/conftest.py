"""Helpers for the REFI-QDA tests: the XSDs, hand-built .qdpx archives, project state."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from lxml import etree

from workbench.bootstrap import Workbench

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="session")
def project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Project-mrt2019.xsd")))


@pytest.fixture(scope="session")
def codebook_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook-mrt2019.xsd")))


MakeQdpx = Callable[..., Path]


@pytest.fixture
def make_qdpx(tmp_path: Path) -> MakeQdpx:
    """Write a .qdpx from a project.qde text and {member name: text or bytes}."""

    def make(
        qde: str | bytes | None,
        files: Mapping[str, str | bytes] | None = None,
        name: str = "in.qdpx",
        qde_name: str = "project.qde",
    ) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            if qde is not None:
                zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
            for member, data in (files or {}).items():
                zf.writestr(member, data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return make


def project_state(wb: Workbench) -> tuple[object, ...]:
    """Everything an import could change, for 'the project is unchanged' checks."""
    store = wb.store
    return (
        store.info().as_json(),
        [(d.name, d.checksum, d.case_id) for d in store.documents()],
        [(c.key, c.path, c.definition, c.memo) for c in store.codes()],
        [(c.document_id, c.code_id, c.coder_id, c.start, c.end, c.memo) for c in store.codings()],
        [(c.name, dict(c.attributes)) for c in store.cases()],
        [(m.kind, m.target_id, m.text) for m in store.memos()],
        len(store.history(limit=100000)),
    )


@pytest.fixture
def state() -> Callable[[Workbench], tuple[object, ...]]:
    return project_state
