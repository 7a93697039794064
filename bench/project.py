"""Build workbench projects from a synthetic corpus through the public store API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.corpus import Corpus, IntArray
from workbench.bootstrap import Workbench, open_workbench
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding

CODING_BATCH = 50_000  # codings per add_codings_bulk call (one transaction each)


@dataclass(frozen=True)
class ProjectIds:
    """Store ids for the corpus indices: documents[i], codes[i], coders[i]."""

    documents: tuple[int, ...]
    codes: tuple[int, ...]
    coders: tuple[int, ...]


def open_project(path: Path, coder: str | None = None) -> Workbench:
    return open_workbench(Settings(project=str(path), coder=coder))


def add_codebook_and_coders(wb: Workbench, corpus: Corpus) -> tuple[tuple[int, ...], ...]:
    wb.store.import_codebook(corpus.codebook)
    by_key = {c.key: c.id for c in wb.store.codes()}
    codes = tuple(by_key[c.key] for c in corpus.codebook.codes)
    coders = tuple(wb.store.ensure_coder(name).id for name in corpus.coder_names)
    return codes, coders


def add_documents(wb: Workbench, corpus: Corpus) -> tuple[int, ...]:
    """Every transcript through ``add_document`` (the per-document import path)."""
    return tuple(wb.store.add_document(t.parsed()).id for t in corpus.transcripts)


def new_codings(rows: IntArray, ids: ProjectIds) -> Iterator[NewCoding]:
    docs = np.asarray(ids.documents, dtype=np.int64)[rows[:, 0]]
    codes = np.asarray(ids.codes, dtype=np.int64)[rows[:, 1]]
    coders = np.asarray(ids.coders, dtype=np.int64)[rows[:, 2]]
    for d, c, k, a, b in zip(
        docs.tolist(),
        codes.tolist(),
        coders.tolist(),
        rows[:, 3].tolist(),
        rows[:, 4].tolist(),
        strict=True,
    ):
        yield NewCoding(d, c, k, a, b)


def add_codings(wb: Workbench, corpus: Corpus, ids: ProjectIds, batch: int = CODING_BATCH) -> int:
    """All coder codings through ``add_codings_bulk``, ``batch`` per transaction."""
    total = 0
    for i in range(0, len(corpus.codings), batch):
        rows = corpus.codings[i : i + batch]
        total += wb.store.add_codings_bulk(new_codings(rows, ids), "bench.codings", "benchmark")
    return total


def build_project(corpus: Corpus, path: Path, *, codings: bool = True) -> ProjectIds:
    """A project file with the corpus's transcripts, codebook, coders and (optionally) codings."""
    wb = open_project(path)
    try:
        codes, coders = add_codebook_and_coders(wb, corpus)
        ids = ProjectIds(add_documents(wb, corpus), codes, coders)
        if codings:
            add_codings(wb, corpus, ids)
    finally:
        wb.close()
    return ids


def project_ids(wb: Workbench, corpus: Corpus) -> ProjectIds:
    """Ids of a project built from ``corpus`` (documents matched by name)."""
    docs = {d.name: d.id for d in wb.store.documents()}
    codes = {c.key: c.id for c in wb.store.codes()}
    coders = {c.name: c.id for c in wb.store.coders()}
    return ProjectIds(
        tuple(docs[t.name] for t in corpus.transcripts),
        tuple(codes[c.key] for c in corpus.codebook.codes),
        tuple(coders[n] for n in corpus.coder_names),
    )
