"""Analysis exports: the code x participant matrix, code co-occurrence, the codebook
appendix, and the dispatch table the CLI uses (``EXPORTS``: kind -> builder + renderers).

To add an export kind (e.g. ``qdpx``), add an :class:`ExportKind` to ``EXPORTS`` whose
``build`` reads the store and whose ``renderers`` map a format name to a function that
writes the built object to a binary stream. :func:`run_export` does the rest: format
checks, owner-only atomic writing and the "nothing matched" message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from workbench.core.errors import WorkbenchError
from workbench.core.model import Coding
from workbench.core.summary import (
    CodebookEntry,
    CodebookTable,
    CodeRef,
    Cooccurrence,
    CooccurrenceTable,
    Filters,
    Matrix,
    QuoteTable,
    Summary,
)
from workbench.io.export import csv as csv_out
from workbench.io.export import docx as docx_out
from workbench.io.export import html as html_out
from workbench.io.export import markdown as md_out
from workbench.io.export import xlsx as xlsx_out
from workbench.io.export.write import write_atomic
from workbench.store.repos import SqlProject
from workbench.workflows.refi import RefiExport, build_refi_export, render_qdc, render_qdpx
from workbench.workflows.themes import (
    DEFAULT_QUOTES,
    Scope,
    build_quotes,
    build_summary,
    choose_quotes,
    resolve_scope,
)

# -- matrix ----------------------------------------------------------------------------


def _ref(scope: Scope, code_id: int) -> CodeRef:
    c = scope.all_codes[code_id]
    return CodeRef(key=c.key, name=c.name, path=c.path, depth=c.depth)


def build_matrix(store: SqlProject, filters: Filters, *, project: str = "") -> Matrix:
    """Codings per code (with its sub-codes) and participant; every selected code is a row."""
    scope = resolve_scope(store, filters, project)
    participants = scope.participants
    column = {p: j for j, p in enumerate(participants)}
    own: dict[int, list[Coding]] = defaultdict(list)
    for c in scope.codings:
        own[c.code_id].append(c)
    rows = []
    codes = scope.codes if participants else []  # nobody in scope: header-only table
    for code in codes:
        counts = [0] * len(participants)
        for code_id in scope.subtree(code):
            for c in own.get(code_id, []):
                counts[column[scope.participant[c.document_id]]] += 1
        rows.append(tuple(counts))
    return Matrix(
        project=project,
        generated_at=datetime.now(UTC),
        filters=filters,
        codes=tuple(_ref(scope, c.id) for c in codes),
        participants=participants,
        counts=tuple(rows),
    )


# -- co-occurrence ------------------------------------------------------------------------


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open spans as sorted, disjoint, non-touching stretches."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def intersect_spans(
    xs: Sequence[tuple[int, int]], ys: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Intersection of two merged span lists (merged again, so touching pieces join)."""
    out = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if a < b:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return merge_spans(out)


def build_cooccurrence(
    store: SqlProject, filters: Filters, *, project: str = ""
) -> CooccurrenceTable:
    """Pairs of codes whose codings overlap by at least one character in the same document."""
    scope = resolve_scope(store, filters, project)
    order = {c.id: i for i, c in enumerate(scope.codes)}
    by_doc: dict[int, list[Coding]] = defaultdict(list)
    per_code: dict[int, int] = defaultdict(int)
    for c in scope.codings:
        by_doc[c.document_id].append(c)
        per_code[c.code_id] += 1

    pairs: dict[tuple[int, int], int] = defaultdict(int)
    passages: dict[tuple[int, int], int] = defaultdict(int)
    docs: dict[tuple[int, int], set[int]] = defaultdict(set)
    people: dict[tuple[int, int], set[str]] = defaultdict(set)
    for doc_id, codings in by_doc.items():
        found: set[tuple[int, int]] = set()
        active: list[Coding] = []
        for c in sorted(codings, key=lambda c: (c.start, c.end, c.id)):
            active = [a for a in active if a.end > c.start]  # overlaps c by >= 1 char
            for a in active:
                if a.code_id != c.code_id:
                    key = _pair(a.code_id, c.code_id, order)
                    pairs[key] += 1
                    found.add(key)
            active.append(c)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for c in codings:
            spans[c.code_id].append((c.start, c.end))
        for key in found:
            shared = intersect_spans(merge_spans(spans[key[0]]), merge_spans(spans[key[1]]))
            passages[key] += len(shared)
            docs[key].add(doc_id)
            people[key].add(scope.participant[doc_id])

    coded = [c for c in scope.codes if per_code.get(c.id)]
    table = sorted(pairs, key=lambda k: (order[k[0]], order[k[1]]))
    return CooccurrenceTable(
        project=project,
        generated_at=datetime.now(UTC),
        filters=filters,
        codes=tuple(_ref(scope, c.id) for c in coded),
        codings=tuple(per_code[c.id] for c in coded),
        pairs=tuple(
            Cooccurrence(
                a=_ref(scope, a),
                b=_ref(scope, b),
                pairs=pairs[(a, b)],
                passages=passages[(a, b)],
                documents=len(docs[(a, b)]),
                participants=len(people[(a, b)]),
            )
            for a, b in table
        ),
    )


def _pair(x: int, y: int, order: Mapping[int, int]) -> tuple[int, int]:
    return (x, y) if order[x] < order[y] else (y, x)


# -- codebook appendix -----------------------------------------------------------------------


def build_codebook(
    store: SqlProject, filters: Filters, *, examples: int = 1, project: str = ""
) -> CodebookTable:
    """Definitions, inclusion/exclusion criteria and examples of the selected codes.

    Counts follow the summary rules; up to ``examples`` coded examples per code are
    chosen with the summary's quote rule (starred first).
    """
    scope = resolve_scope(store, filters, project)
    own: dict[int, list[Coding]] = defaultdict(list)
    for c in scope.codings:
        own[c.code_id].append(c)
    if examples > 0:
        scope.load(store, {c.document_id for c in scope.codings})
    entries = []
    for code in scope.codes:
        codings = [c for i in scope.subtree(code) for c in own.get(i, [])]
        chosen = choose_quotes(own.get(code.id, []), scope, examples)
        entries.append(
            CodebookEntry(
                key=code.key,
                name=code.name,
                path=code.path,
                depth=code.depth,
                parent_key=(
                    scope.all_codes[code.parent_id].key if code.parent_id is not None else None
                ),
                definition=code.definition,
                inclusion=code.inclusion,
                exclusion=code.exclusion,
                example=code.example,
                participants=len({scope.participant[c.document_id] for c in codings}),
                codings=len(codings),
                coded_examples=tuple(scope.quote(store, c) for c in chosen),
            )
        )
    return CodebookTable(
        project=project,
        generated_at=datetime.now(UTC),
        filters=filters,
        description=store.get_meta("description") or "",
        participants_in_scope=len(scope.participants),
        entries=tuple(entries),
    )


# -- dispatch -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportOptions:
    quotes: int = DEFAULT_QUOTES
    attributes: tuple[str, ...] = ()  # attributes for the spread (default: all)
    project: str = ""


Renderer = Callable[[Any, BinaryIO], None]


@dataclass(frozen=True, slots=True)
class ExportKind:
    name: str
    help: str
    build: Callable[[SqlProject, Filters, ExportOptions], Any]  # result has ``is_empty``
    renderers: Mapping[str, Renderer]  # format -> writer; the first is listed first
    noun: str = ""  # "quotes table" in "wrote an empty quotes table"; default: the name
    empty: str = "no codings match the filters"


EXPORTS: dict[str, ExportKind] = {
    "summary": ExportKind(
        "summary",
        "theme table with participant counts, attribute spread, memos and quotes",
        lambda s, f, o: build_summary(
            s, f, quotes=o.quotes, attributes=o.attributes, project=o.project
        ),
        {
            "md": md_out.render_summary,
            "html": html_out.render_summary,
            "docx": docx_out.render_summary,
        },
    ),
    "quotes": ExportKind(
        "quotes",
        "one row per coding with its exact text and location",
        lambda s, f, o: build_quotes(s, f, project=o.project),
        {"csv": csv_out.render_quotes, "xlsx": xlsx_out.render_quotes},
        noun="quotes table",
    ),
    "matrix": ExportKind(
        "matrix",
        "codes x participants: codings per cell (xlsx adds a presence 0/1 sheet)",
        lambda s, f, o: build_matrix(s, f, project=o.project),
        {"csv": csv_out.render_matrix, "xlsx": xlsx_out.render_matrix},
    ),
    "cooccurrence": ExportKind(
        "cooccurrence",
        "pairs of codes that overlap in the same passage",
        lambda s, f, o: build_cooccurrence(s, f, project=o.project),
        {
            "csv": csv_out.render_cooccurrence,
            "xlsx": xlsx_out.render_cooccurrence,
            "html": html_out.render_cooccurrence,
        },
        noun="co-occurrence table",
        empty="no overlapping codings of different codes match the filters",
    ),
    "codebook": ExportKind(
        "codebook",
        "definitions, inclusion/exclusion criteria and examples (publication appendix)",
        lambda s, f, o: build_codebook(s, f, examples=min(o.quotes, 1), project=o.project),
        {
            "md": md_out.render_codebook,
            "docx": docx_out.render_codebook,
            "csv": csv_out.render_codebook,
        },
        empty="no codes match the filters",
    ),
    "qdpx": ExportKind(
        "qdpx",
        "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder (the whole project)",
        lambda s, f, o: build_refi_export(s, "qdpx", o.project, filtered=f != Filters()),
        {"qdpx": render_qdpx},
    ),
    "qdc": ExportKind(
        "qdc",
        "REFI-QDA codebook (.qdc) for other QDA programs",
        lambda s, f, o: build_refi_export(s, "qdc", o.project, filtered=f != Filters()),
        {"qdc": render_qdc},
    ),
}

SUFFIXES = {".md": "md", ".markdown": "md", ".htm": "html", ".html": "html"}


def export_kind(kind: str) -> ExportKind:
    """The export called ``kind``, or a one-line error listing the supported kinds."""
    spec = EXPORTS.get(kind.strip().lower())
    if spec is None:
        raise WorkbenchError(f"unknown export {kind!r}; choose one of: {', '.join(EXPORTS)}")
    return spec


def resolve_format(spec: ExportKind, output: Path, fmt: str | None) -> str:
    """``--format`` or the output's suffix, checked against what ``spec`` can write."""
    supported = ", ".join(spec.renderers)
    if fmt is None:
        suffix = output.suffix.lower()
        fmt = SUFFIXES.get(suffix, suffix.lstrip("."))
        if not fmt:
            raise WorkbenchError(
                f"{output.name}: no file suffix; add one or use --format ({supported})"
            )
    fmt = fmt.strip().lower().lstrip(".")
    fmt = SUFFIXES.get("." + fmt, fmt)
    if fmt not in spec.renderers:
        raise WorkbenchError(f"{spec.name} exports as {supported}, not {fmt!r}")
    return fmt


@dataclass(frozen=True, slots=True)
class ExportResult:
    kind: str
    format: str
    output: Path
    data: Any
    empty: bool
    message: str  # what was written, or why it is empty


def run_export(
    store: SqlProject,
    kind: str,
    output: Path,
    *,
    fmt: str | None = None,
    filters: Filters | None = None,
    options: ExportOptions | None = None,
) -> ExportResult:
    """Build one export and write it owner-only and atomically to ``output``."""
    spec = export_kind(kind)
    chosen = resolve_format(spec, output, fmt)
    filters = filters or Filters()
    options = options or ExportOptions()
    if spec.name != "codebook":  # the codebook holds no transcript text
        from workbench.workflows.deidentify import check_export_allowed

        wanted = None
        if filters.documents:
            names = set(filters.documents)
            wanted = [d.id for d in store.documents() if d.name in names]
        check_export_allowed(store, wanted)
    data = spec.build(store, filters, options)
    write_atomic(output, lambda out: spec.renderers[chosen](data, out))
    empty = bool(getattr(data, "is_empty", False))
    if empty:
        noun = spec.noun or spec.name
        message = f"{spec.empty} ({filters.describe()}); wrote an empty {noun} to {output}"
    else:
        message = f"wrote {spec.name} ({chosen}) to {output}: {_describe(data)}"
    return ExportResult(spec.name, chosen, output, data, empty, message)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _describe(data: Any) -> str:
    if isinstance(data, Summary):
        return (
            f"{_n(len(data.rows), 'code')}, {_n(len(data.participants_in_scope), 'participant')}, "
            f"{_n(data.total_codings, 'coding')}"
        )
    if isinstance(data, QuoteTable):
        return _n(len(data.quotes), "coding")
    if isinstance(data, Matrix):
        return f"{_n(len(data.codes), 'code')} x {_n(len(data.participants), 'participant')}"
    if isinstance(data, CooccurrenceTable):
        return f"{_n(len(data.pairs), 'pair')} of codes over {_n(len(data.codes), 'code')}"
    if isinstance(data, RefiExport):
        return data.describe()
    if isinstance(data, CodebookTable):
        return _n(len(data.entries), "code")
    return "done"
