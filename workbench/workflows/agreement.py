"""Inter-coder agreement on the project: per code, pooled, per document, with the
disagreements listed for a reconciliation meeting.

``run_agreement(store, AgreementRequest(("anna", "ben"), "sentence"), cancelled)`` is a
generator: it yields :class:`~workbench.core.model.Progress` while it reads and counts
and, last, the :class:`~workbench.core.agreement_report.AgreementReport` (nothing more
if ``cancelled`` is set). :func:`compute_agreement` runs it to the end.

How units are decided (see ``UNIT_MEANINGS``): sentences and turns come from
:mod:`workbench.core.services.sentences`, the definitions the coding screen uses; a coder
applied a code to a unit when one of their codings of the code overlaps the unit by at
least one character. With ``char`` every character is a unit.

Only documents coded by *every* selected coder are analysed: a document one coder never
opened is missing data, not a disagreement. The report names the documents left out.
Codes are compared as applied (a coding of a sub-code does not count for its parent).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, select

from workbench.agreement import interpret_alpha, interpret_kappa, unitized_alpha
from workbench.agreement.report import KRIPPENDORFF_2004, LANDIS_KOCH_1977
from workbench.core.agreement_report import (
    UNIT_NAMES,
    UNITS,
    AgreementReport,
    AgreementRow,
    CodeInfo,
    Disagreement,
    DocumentInfo,
    ExcludedDocument,
    Stat,
    Unit,
)
from workbench.core.errors import UnknownCoder, WorkbenchError
from workbench.core.model import Code, Coder, Document, Progress, Turn
from workbench.core.services.sentences import sentence_spans, turn_spans
from workbench.io.export import agreement as render
from workbench.io.export.write import write_atomic
from workbench.store.repos import SqlProject
from workbench.store.tables import CodingRow, TurnRow
from workbench.workflows._agreement_counts import (
    CodingArrays,
    IntArray,
    applied_bits,
    char_disagreements,
    char_segments,
    n_classes,
    pattern_class,
    statistics,
    unique_sorted,
    unit_patterns,
)
from workbench.workflows.themes import natural_key

CONSENSUS = "consensus"
FORMATS = ("md", "html", "csv", "json")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv",
            ".json": "json"}  # fmt: skip

KRIPPENDORFF_SOURCE = "Krippendorff (2004)"
LANDIS_KOCH_SOURCE = "Landis & Koch (1977)"
COHEN_1960 = (
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
    "Psychological Measurement, 20(1), 37-46."
)
FLEISS_1971 = (
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
    "Psychological Bulletin, 76(5), 378-382."
)
GWET_2008 = (
    "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence "
    "of high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), "
    "29-48."
)
KRIPPENDORFF_1995 = (
    "Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological "
    "Methodology, 25, 47-76."
)


@dataclass(frozen=True, slots=True)
class AgreementRequest:
    """Which coders, which unit, and optionally which codes (keys, names or paths; a code
    brings its sub-codes) and documents (names or ids)."""

    coders: tuple[str, ...]
    unit: str = "sentence"
    codes: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "coders", tuple(self.coders))
        if self.codes is not None:
            object.__setattr__(self, "codes", tuple(self.codes))
        if self.documents is not None:
            object.__setattr__(self, "documents", tuple(self.documents))


# -- reading the store ----------------------------------------------------------------------


def _fetch(store: SqlProject, query: Select[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``query`` as plain tuples, straight from the driver's cursor.

    A project may hold a million codings and the agreement needs five integers of each:
    SQLAlchemy rows or ``Coding`` objects cost several times the query itself. The
    statement is compiled with its (integer) parameters inlined, so it runs on SQLite and
    PostgreSQL alike.
    """
    with store.engine.connect() as conn:
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()


def _coded_pairs(store: SqlProject, coder_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(document id, coder id) for every document each coder has a coding in."""
    table = CodingRow.__table__  # type: ignore[attr-defined]
    query = (
        select(table.c.document_id, table.c.coder_id)
        .where(table.c.coder_id.in_([int(i) for i in coder_ids]))
        .distinct()
    )
    return [(int(d), int(c)) for d, c in _fetch(store, query)]


def _coding_table(
    store: SqlProject, coder_ids: Sequence[int], document_ids: Sequence[int] | None
) -> IntArray:
    """(document id, code id, coder id, start, end) of these coders' codings (in these
    documents), one row each."""
    table = CodingRow.__table__  # type: ignore[attr-defined]
    query = select(
        table.c.document_id, table.c.code_id, table.c.coder_id, table.c.start, table.c.end
    ).where(table.c.coder_id.in_([int(i) for i in coder_ids]))
    if document_ids is not None:
        query = query.where(table.c.document_id.in_([int(i) for i in document_ids]))
    rows = _fetch(store, query)
    if not rows:
        return np.zeros((0, 5), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


def _turns_by_document(store: SqlProject, document_ids: Sequence[int]) -> dict[int, list[Turn]]:
    """The turns of these documents in one query, sorted by position."""
    table = TurnRow.__table__  # type: ignore[attr-defined]
    query = select(table.c.document_id, table.c.start, table.c.end, table.c.speaker).where(
        table.c.document_id.in_([int(i) for i in document_ids])
    )
    out: dict[int, list[Turn]] = {int(i): [] for i in document_ids}
    for doc, start, end, speaker in _fetch(store, query):
        out[doc].append(Turn(start, end, speaker))
    for turns in out.values():
        turns.sort(key=lambda t: (t.start, t.end))
    return out


def coded_documents(store: SqlProject) -> dict[int, set[int]]:
    """Coder id -> ids of the documents the coder has at least one coding in."""
    table = CodingRow.__table__  # type: ignore[attr-defined]
    query = select(table.c.coder_id, table.c.document_id).distinct()
    out: dict[int, set[int]] = {}
    with store.engine.connect() as conn:
        for coder_id, document_id in conn.execute(query).all():
            out.setdefault(int(coder_id), set()).add(int(document_id))
    return out


def default_coders(store: SqlProject) -> tuple[str, ...]:
    """The two coders who share the most coded documents (``consensus`` only if needed);
    fewer than two names when the project has fewer coders with codings."""
    names = {c.id: c.name for c in store.coders()}
    docs = {cid: d for cid, d in coded_documents(store).items() if cid in names}
    ranked = sorted(docs, key=lambda cid: (names[cid] == CONSENSUS, names[cid].lower()))
    best: tuple[tuple[int, bool], tuple[str, ...]] | None = None
    for i, a in enumerate(ranked):
        for b in ranked[i + 1 :]:
            shared = len(docs[a] & docs[b])
            score = (shared, CONSENSUS not in (names[a], names[b]))
            if shared and (best is None or score > best[0]):
                best = (score, (names[a], names[b]))
    if best is not None:
        return best[1]
    return tuple(names[c] for c in ranked[:2])


def _resolve_coders(store: SqlProject, names: Sequence[str]) -> list[Coder]:
    names = [n.strip() for n in names if n.strip()]
    if len(names) < 2:
        raise WorkbenchError("agreement needs at least two coders (e.g. --coders anna,ben)")
    known = store.coders()
    out: list[Coder] = []
    for name in names:
        match = next((c for c in known if c.name == name), None) or next(
            (c for c in known if c.name.lower() == name.lower()), None
        )
        if match is None:
            err = UnknownCoder(name)
            err.args = (f"{err}; coders: {', '.join(c.name for c in known) or 'none yet'}",)
            raise err
        if match in out:
            raise WorkbenchError(f"coder {match.name!r} is listed twice; choose different coders")
        out.append(match)
    return out


def _resolve_codes(store: SqlProject, refs: Sequence[str] | None) -> tuple[list[Code], set[int]]:
    """All codes in tree order, and the ids selected (a code brings its sub-codes)."""
    codes = store.codes()
    if not refs:
        return codes, {c.id for c in codes}
    selected: set[int] = set()
    for ref in refs:
        selected.add(store.code(ref.strip()).id)
    for c in codes:  # tree order: parents first
        if c.parent_id in selected:
            selected.add(c.id)
    return codes, selected


def _units(unit: Unit, text: str, turns: Sequence[Turn]) -> list[tuple[int, int]]:
    if unit == "sentence":
        return sorted(sentence_spans(text, turns))
    if unit == "turn":
        return sorted(turn_spans(text, turns))
    return []


def _index_of(values: IntArray, ids: Sequence[int]) -> IntArray:
    """Position of each value in ``ids`` (-1 when absent)."""
    keys = np.asarray(ids, dtype=np.int64)
    if keys.size == 0:
        return np.full(values.shape, -1, dtype=np.int64)
    sorter = np.argsort(keys)
    pos = np.clip(np.searchsorted(keys, values, sorter=sorter), 0, keys.size - 1)
    found = keys[sorter[pos]] == values
    return np.where(found, sorter[pos], -1).astype(np.int64)


# -- statistics into report rows --------------------------------------------------------------


def _stat(value: float | None, reason: str | None, family: str) -> Stat:
    if value is None:
        return Stat(None, reason)
    if family == "alpha":
        return Stat(value, None, interpret_alpha(value), KRIPPENDORFF_SOURCE)
    if family == "kappa":
        return Stat(value, None, interpret_kappa(value), LANDIS_KOCH_SOURCE)
    return Stat(value, None, "not corrected for chance", "")


@dataclass
class _Counts:
    """Class counts and per-coder yes counts for the rows of one report."""

    q: IntArray  # (rows, classes)
    applied: IntArray  # (rows, coders)
    m: int
    stats: dict[str, list[tuple[float | None, str | None]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stats = statistics(self.q, self.m)

    def row(
        self,
        i: int,
        scope: str,
        label: str,
        code_id: int | None,
        document_id: int | None,
        u_alpha: Stat | None = None,
    ) -> AgreementRow:
        q = self.q[i]
        n = int(q.sum())
        full_class = 3 if self.m == 2 else self.m
        agreed = int(q[0] + q[full_class])
        kappa_key = "cohen_kappa" if self.m == 2 else "fleiss_kappa"
        return AgreementRow(
            scope=scope,  # type: ignore[arg-type]
            label=label,
            code_id=code_id,
            document_id=document_id,
            n_units=n,
            prevalence=(n - int(q[0])) / n if n else None,
            applied=tuple(int(a) for a in self.applied[i]),
            disagreements=n - agreed,
            percent_agreement=_stat(*self.stats["percent_agreement"][i], "percent"),
            kappa=_stat(*self.stats[kappa_key][i], "kappa"),
            alpha=_stat(*self.stats["krippendorff_alpha"][i], "alpha"),
            ac1=_stat(*self.stats["gwet_ac1"][i], "kappa"),
            u_alpha=u_alpha,
        )


# -- the workflow ---------------------------------------------------------------------------


def run_agreement(
    store: SqlProject,
    request: AgreementRequest,
    cancelled: threading.Event | None = None,
    *,
    project: str = "",
) -> Iterator[Progress | AgreementReport]:
    """Yield progress, then the report (nothing more once ``cancelled`` is set)."""
    cancelled = cancelled or threading.Event()
    unit = request.unit.strip().lower()
    if unit not in UNITS:
        raise WorkbenchError(f"unknown unit {request.unit!r}; choose one of: {', '.join(UNITS)}")
    coders = _resolve_coders(store, request.coders)
    m = len(coders)
    if m > 16:
        raise WorkbenchError("agreement compares at most 16 coders at once")
    all_codes, selected = _resolve_codes(store, request.codes)
    documents = store.documents()
    if request.documents:
        wanted = {store.document(ref.strip()).id for ref in request.documents}
        documents = [d for d in documents if d.id in wanted]
    names = ", ".join(c.name for c in coders)
    yield Progress(0, 1, "reading codings")

    doc_ids = [d.id for d in documents]
    coder_name = {c.id: c.name for c in coders}
    rank = {c.id: i for i, c in enumerate(coders)}
    by_doc: dict[int, list[str]] = {}
    for d, c in sorted(_coded_pairs(store, list(coder_name)), key=lambda p: (p[0], rank[p[1]])):
        by_doc.setdefault(d, []).append(coder_name[c])
    shared = sorted(
        (d for d in documents if len(by_doc.get(d.id, ())) == m), key=lambda d: natural_key(d.name)
    )
    excluded = tuple(
        ExcludedDocument(d.id, d.name, tuple(by_doc[d.id]))
        for d in sorted(documents, key=lambda d: natural_key(d.name))
        if 0 < len(by_doc.get(d.id, ())) < m
    )
    if not shared:
        scope = "the chosen documents" if request.documents else "the project"
        partly = f" ({len(excluded)} coded by only some of them)" if excluded else ""
        raise WorkbenchError(
            f"no document in {scope} was coded by all of {names}{partly}; agreement needs "
            "documents every coder coded"
        )
    table = _coding_table(
        store, list(coder_name), [d.id for d in shared] if len(shared) < len(by_doc) else None
    )
    if cancelled.is_set():
        return
    coder_idx = _index_of(table[:, 2], [c.id for c in coders])
    doc_index = _index_of(table[:, 0], [d.id for d in shared])
    code_of = _index_of(table[:, 1], sorted(selected))
    keep = (doc_index >= 0) & (code_of >= 0) & (table[:, 4] > table[:, 3])
    used_ids = set(unique_sorted(table[keep, 1]).tolist())
    codes = [c for c in all_codes if c.id in used_ids]
    unused = tuple(c.path for c in all_codes if request.codes and c.id in selected - used_ids)
    if not codes:
        raise WorkbenchError(
            f"{names} applied none of the selected codes in the {len(shared)} documents "
            "they all coded"
        )
    unit_t: Unit = unit  # type: ignore[assignment]

    # texts, turns and units, document by document
    total_steps = len(shared) + 4
    texts: list[str] = []
    turns: list[list[Turn]] = []
    unit_spans: list[list[tuple[int, int]]] = []
    all_turns = _turns_by_document(store, [d.id for d in shared])
    for i, doc in enumerate(shared):
        if cancelled.is_set():
            return
        yield Progress(i, total_steps, f"reading {doc.name}")
        text = store.text(doc.id)
        doc_turns = all_turns[doc.id]
        texts.append(text)
        turns.append(doc_turns)
        unit_spans.append(_units(unit_t, text, doc_turns))
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    n_docs, n_codes = len(shared), len(codes)
    code_index = _index_of(table[:, 1], [c.id for c in codes])
    rows = table[keep]
    d_i, c_i = doc_index[keep], code_index[keep]
    start = np.clip(rows[:, 3], 0, lengths[d_i]) + offsets[d_i]
    end = np.clip(rows[:, 4], 0, lengths[d_i]) + offsets[d_i]
    arrays = CodingArrays(d_i, c_i, coder_idx[keep], start, end)
    if cancelled.is_set():
        return
    yield Progress(n_docs, total_steps, "counting")

    k = n_classes(m)
    cell_key_size = n_codes * n_docs
    if unit_t == "char":
        seg = char_segments(offsets, arrays, n_codes, m)
        seg_doc = np.searchsorted(offsets, seg.start, side="right") - 1
        length = (seg.end - seg.start).astype(np.float64)
        cell = seg.code * n_docs + seg_doc
        q = np.rint(
            np.bincount(cell * k + pattern_class(seg.pattern, m), length, cell_key_size * k)
        )
        bits = applied_bits(seg.pattern, m)
        applied = np.stack(
            [np.rint(np.bincount(cell, length * bits[:, j], cell_key_size)) for j in range(m)],
            axis=1,
        )
        units_per_doc = lengths
    else:
        local = [np.asarray(s, dtype=np.int64).reshape(-1, 2) for s in unit_spans]
        units_per_doc = np.array([u.shape[0] for u in local], dtype=np.int64)
        ustart = np.concatenate([u[:, 0] + offsets[i] for i, u in enumerate(local)])
        uend = np.concatenate([u[:, 1] + offsets[i] for i, u in enumerate(local)])
        udoc = np.repeat(np.arange(n_docs, dtype=np.int64), units_per_doc)
        p_code, p_unit, p_pattern = unit_patterns(ustart, uend, arrays, m)
        cell = p_code * n_docs + udoc[p_unit]
        q = np.bincount(cell * k + pattern_class(p_pattern, m), minlength=cell_key_size * k)
        q = q.reshape(cell_key_size, k)
        q[:, 0] = np.tile(units_per_doc, n_codes) - q[:, 1:].sum(axis=1)
        bits = applied_bits(p_pattern, m)
        applied = np.stack([np.bincount(cell, bits[:, j], cell_key_size) for j in range(m)], axis=1)
    q = q.astype(np.int64).reshape(n_codes, n_docs, k)
    applied = applied.astype(np.int64).reshape(n_codes, n_docs, m)
    if cancelled.is_set():
        return
    yield Progress(n_docs + 1, total_steps, "statistics")

    u_alphas: list[Stat | None] = [None] * n_codes
    if unit_t == "char":
        order = np.lexsort((arrays.start, arrays.coder, arrays.code))
        group = arrays.code[order] * m + arrays.coder[order]
        bounds = np.searchsorted(group, np.arange(n_codes * m + 1))
        spans = np.column_stack((arrays.start[order], arrays.end[order]))
        for ci in range(n_codes):
            if cancelled.is_set():
                return
            per_coder = [spans[bounds[ci * m + j] : bounds[ci * m + j + 1]] for j in range(m)]
            result = unitized_alpha(int(offsets[-1]), per_coder)  # type: ignore[arg-type]
            u_alphas[ci] = _stat(result.value, result.reason, "alpha")

    counts = _Counts(
        np.concatenate(
            (q.sum(axis=1), q.sum(axis=0), q.sum(axis=(0, 1))[None, :], q.reshape(-1, k))
        ),
        np.concatenate(
            (
                applied.sum(axis=1),
                applied.sum(axis=0),
                applied.sum(axis=(0, 1))[None, :],
                applied.reshape(-1, m),
            )
        ),
        m,
    )
    code_rows = tuple(
        counts.row(i, "code", c.path, c.id, None, u_alphas[i]) for i, c in enumerate(codes)
    )
    doc_rows = tuple(
        counts.row(n_codes + j, "document", d.name, None, d.id) for j, d in enumerate(shared)
    )
    pooled_u = (
        Stat(None, "unitizing alpha is computed for one code at a time")
        if unit_t == "char"
        else None
    )
    pooled = counts.row(n_codes + n_docs, "pooled", "All codes (pooled)", None, None, pooled_u)
    base = n_codes + n_docs + 1
    cells = tuple(
        counts.row(base + i * n_docs + j, "cell", f"{c.key} in {d.name}", c.id, d.id)
        for i, c in enumerate(codes)
        for j, d in enumerate(shared)
    )
    if cancelled.is_set():
        return
    yield Progress(n_docs + 2, total_steps, "disagreements")

    if unit_t == "char":
        iv_start, iv_end, e_iv, e_code, e_pattern = char_disagreements(offsets, seg)
    else:
        full = (1 << m) - 1
        mixed_units = unique_sorted(p_unit[p_pattern != full])
        sel = np.isin(p_unit, mixed_units)
        iv_start, iv_end = ustart[mixed_units], uend[mixed_units]
        e_iv = np.searchsorted(mixed_units, p_unit[sel])
        e_code, e_pattern = p_code[sel], p_pattern[sel]
    disagreements = _disagreements(
        shared, texts, turns, offsets, codes, m, iv_start, iv_end, e_iv, e_code, e_pattern
    )
    yield Progress(n_docs + 3, total_steps, "report")

    report = AgreementReport(
        project=project,
        generated_at=datetime.now(UTC),
        coders=tuple(c.name for c in coders),
        unit=unit_t,
        codes=tuple(CodeInfo(c.id, c.key, c.name, c.path, c.depth) for c in codes),
        documents=tuple(
            DocumentInfo(d.id, d.name, int(lengths[j]), int(units_per_doc[j]))
            for j, d in enumerate(shared)
        ),
        excluded=excluded,
        unused_codes=unused,
        rows=code_rows,
        pooled=pooled,
        by_document=doc_rows,
        cells=cells,
        disagreements=disagreements,
        notes=_notes(unit_t, coders, shared, documents, excluded, unused, by_doc, doc_ids),
        references=_references(unit_t, m),
    )
    yield Progress(total_steps, total_steps, "done")
    yield report


def _disagreements(
    shared: Sequence[Document],
    texts: Sequence[str],
    turns: Sequence[Sequence[Turn]],
    offsets: IntArray,
    codes: Sequence[Code],
    m: int,
    iv_start: IntArray,
    iv_end: IntArray,
    e_iv: IntArray,
    e_code: IntArray,
    e_pattern: IntArray,
) -> tuple[Disagreement, ...]:
    """One :class:`Disagreement` per interval (global offsets, in document order); the
    entries are (interval, code index, pattern) for every code some coder applied there."""
    n = int(iv_start.size)
    if n == 0:
        return ()
    full = (1 << m) - 1
    order = np.lexsort((e_code, e_iv))
    e_iv, e_code, e_pattern = e_iv[order], e_code[order], e_pattern[order]
    code_ids = np.array([c.id for c in codes], dtype=np.int64)[e_code]
    steps = np.arange(n + 1)

    def per_interval(mask: npt.NDArray[np.bool_]) -> list[tuple[int, ...]]:
        ids = code_ids[mask].tolist()
        bounds = np.searchsorted(e_iv[mask], steps).tolist()
        return [tuple(ids[bounds[i] : bounds[i + 1]]) for i in range(n)]

    applied = list(zip(*(per_interval((e_pattern >> j) & 1 == 1) for j in range(m)), strict=True))
    disputed = per_interval(e_pattern != full)

    doc = np.searchsorted(offsets, iv_start, side="right") - 1
    start = (iv_start - offsets[doc]).tolist()
    end = (iv_end - offsets[doc]).tolist()
    doc_list = doc.tolist()
    # the speaker of the turn each interval starts in
    t_start = np.array([t.start + offsets[d] for d, ts in enumerate(turns) for t in ts], np.int64)
    t_end = np.array([t.end + offsets[d] for d, ts in enumerate(turns) for t in ts], np.int64)
    speakers = [t.speaker for ts in turns for t in ts]
    speaker: list[str | None] = [None] * n
    if t_start.size:
        t_at = np.searchsorted(t_start, iv_start, side="right") - 1
        inside = (t_at >= 0) & (iv_start < t_end[np.maximum(t_at, 0)])
        speaker = [
            speakers[t] if ok else None
            for t, ok in zip(t_at.tolist(), inside.tolist(), strict=True)
        ]
    doc_ids = [d.id for d in shared]
    doc_names = [d.name for d in shared]

    out: list[Disagreement] = []
    group = 0
    prev_doc, prev_end = -1, 0
    for i in range(n):
        d, s, e = doc_list[i], start[i], end[i]
        text = texts[d]
        if d != prev_doc or (s > prev_end and not text[prev_end:s].isspace()):
            group += 1
        prev_doc, prev_end = d, e
        out.append(
            Disagreement(
                i + 1,
                group,
                doc_ids[d],
                doc_names[d],
                s,
                e,
                text[s:e],
                applied[i],
                disputed[i],
                speaker[i],
            )  # fmt: skip
        )
    return tuple(out)


def _notes(
    unit: Unit,
    coders: Sequence[Coder],
    shared: Sequence[Document],
    documents: Sequence[Document],
    excluded: Sequence[ExcludedDocument],
    unused: Sequence[str],
    by_doc: dict[int, list[str]],
    doc_ids: Sequence[int],
) -> tuple[str, ...]:
    names = _and([c.name for c in coders])
    notes = [
        f"{len(shared)} of {len(documents)} documents were coded by {names} "
        f"({'both' if len(coders) == 2 else 'all'}) and are analysed."
    ]
    if excluded:
        listed = "; ".join(f"{d.name} (coded by {_and(list(d.coded_by))} only)" for d in excluded)
        notes.append(
            f"Left out because not every coder coded them: {listed}. A document a coder never "
            "coded is missing data, not a disagreement."
        )
    untouched = sum(1 for i in doc_ids if i not in by_doc)
    if untouched:
        notes.append(f"{untouched} document(s) were coded by none of {names}.")
    if unused:
        notes.append(f"Selected codes no coder applied in these documents: {'; '.join(unused)}.")
    notes.append(
        "Codes are compared as applied: a coding of a sub-code does not count for its parent."
    )
    notes.append(
        f"Each code is a two-category decision per {UNIT_NAMES[unit]} (applied / not applied). "
        "The pooled row stacks every code x unit decision; it is dominated by the many units "
        "no coder applied a code to, so read it next to the per-code rows."
    )
    kappa = "Cohen's kappa" if len(coders) == 2 else "Fleiss' kappa (three or more coders)"
    notes.append(
        f"Kappa is {kappa}; Krippendorff's alpha is at the nominal level; Gwet's AC1 uses "
        "q = 2 categories; percent agreement is not corrected for chance."
    )
    if unit == "char":
        notes.append(
            "Unitizing alpha (u-alpha, Krippendorff 1995/2004) treats the analysed documents, "
            "laid end to end, as one continuum of characters; each coder's overlapping codings "
            "of a code are merged into one segment."
        )
    return tuple(notes)


def _references(unit: Unit, m: int) -> tuple[str, ...]:
    refs = [COHEN_1960 if m == 2 else FLEISS_1971, GWET_2008]
    if unit == "char":
        refs.append(KRIPPENDORFF_1995)
    refs += [KRIPPENDORFF_2004, LANDIS_KOCH_1977]
    return tuple(sorted(refs))


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def compute_agreement(
    store: SqlProject, request: AgreementRequest, *, project: str = ""
) -> AgreementReport:
    """Run :func:`run_agreement` to the end and return the report."""
    report: AgreementReport | None = None
    for step in run_agreement(store, request, project=project):
        if isinstance(step, AgreementReport):
            report = step
    assert report is not None
    return report


# -- writing ---------------------------------------------------------------------------------


def resolve_format(output: Path | None, fmt: str | None) -> str:
    """``--format``, else the output's suffix, else Markdown."""
    if fmt is None:
        if output is None:
            return "md"
        suffix = output.suffix.lower()
        if not suffix:
            return "md"
        fmt = SUFFIXES.get(suffix, suffix.lstrip("."))
    fmt = fmt.strip().lower().lstrip(".")
    fmt = SUFFIXES.get("." + fmt, fmt)
    if fmt not in FORMATS:
        raise WorkbenchError(f"agreement reports are written as {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def disagreements_path(output: Path) -> Path:
    """Where the CSV export puts the disagreement list: ``<stem>-disagreements.csv``."""
    return output.with_name(f"{output.stem}-disagreements.csv")


def write_report(report: AgreementReport, output: Path, fmt: str | None = None) -> list[Path]:
    """Write the report (owner-only, atomically); returns the files written."""
    chosen = resolve_format(output, fmt)
    output = Path(output).expanduser()
    if chosen == "csv":
        table, disagreements = render.agreement_csv(report)
        second = disagreements_path(output)
        write_atomic(output, _writer(table))
        write_atomic(second, _writer(disagreements))
        return [output, second]
    write_atomic(output, _writer(render.render_agreement(report, chosen).encode("utf-8")))
    return [output]


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(out: BinaryIO) -> None:
        out.write(data)

    return write
