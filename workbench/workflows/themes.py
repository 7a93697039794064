"""Theme summaries and quote tables, computed from the store.

:func:`resolve_scope` turns :class:`~workbench.core.summary.Filters` into the set of
documents, participants, codes and codings an export covers; :func:`build_summary`
and :func:`build_quotes` turn that scope into frozen results for the renderers in
``workbench.io.export``. The counting rules are in ``workbench.core.summary``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from workbench.core.errors import UnknownCoder, WorkbenchError
from workbench.core.model import Code, Coding, Document, Turn
from workbench.core.summary import (
    ALL_CODERS,
    CONSENSUS_CODER,
    NOT_RECORDED,
    AttributeSpread,
    Condition,
    Filters,
    Quote,
    QuoteTable,
    Summary,
    ThemeMemo,
    ThemeRow,
    ValueCount,
)
from workbench.store.repos import SqlProject

DEFAULT_QUOTES = 3
MAX_BINS = 5  # numeric attributes with more distinct values than this are grouped
IDEAL_WORDS = (15, 70)  # quotes of this length are preferred


# -- parsing the --where option --------------------------------------------------------

_CONDITION = re.compile(r"^\s*([^=!<>]+?)\s*(!=|>=|<=|=|>|<)\s*(.*?)\s*$")


def parse_condition(text: str) -> Condition:
    """``gender=woman``, ``region!=Oslo``, ``years_in_na>=5`` -> Condition."""
    m = _CONDITION.match(text)
    if not m or not m.group(1) or m.group(3) == "":
        raise WorkbenchError(
            f"--where {text!r}: expected ATTRIBUTE=VALUE (or !=, >=, <=, >, < for numbers)"
        )
    attr, op, value = m.groups()
    if op in (">=", "<=", ">", "<") and _number(value) is None:
        raise WorkbenchError(f"--where {text!r}: {op} needs a number, not {value!r}")
    return Condition(attr, op, value)


def _number(value: str) -> float | None:
    try:
        n = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return n if math.isfinite(n) else None


def _matches(cond: Condition, attrs: Mapping[str, str]) -> bool:
    value = attrs.get(cond.attribute)
    if value is None:
        return False  # no value recorded matches no condition, not even !=
    if cond.op == "=":
        return value.strip().casefold() == cond.value.casefold()
    if cond.op == "!=":
        return value.strip().casefold() != cond.value.casefold()
    have, want = _number(value), _number(cond.value)
    if have is None or want is None:
        return False
    return {
        ">=": have >= want,
        "<=": have <= want,
        ">": have > want,
        "<": have < want,
    }[cond.op]


# -- scope ---------------------------------------------------------------------------------


@dataclass
class Scope:
    """What an export covers after the filters are applied."""

    project: str
    filters: Filters
    codes: list[Code]  # selected codes (whole subtrees), tree order
    all_codes: dict[int, Code]
    coders: dict[int, str]  # coder id -> name, the coders in the filter
    documents: dict[int, Document]  # documents in scope
    participant: dict[int, str]  # document id -> participant label
    attributes: dict[str, Mapping[str, str]]  # participant label -> attributes
    attribute_names: tuple[str, ...]
    codings: list[Coding]  # codings in scope (coder, code, document filters applied)
    _texts: dict[int, str] = field(default_factory=dict)
    _turns: dict[int, tuple[list[int], list[Turn]]] = field(default_factory=dict)

    @property
    def participants(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.participant.values()), key=natural_key))

    def subtree(self, code: Code) -> set[int]:
        ids = {code.id}
        for c in self.codes:  # tree order: parents come before children
            if c.parent_id in ids:
                ids.add(c.id)
        return ids

    def load(self, store: SqlProject, doc_ids: Iterable[int]) -> None:
        """Read the text and turns of these documents (once)."""
        for doc_id in doc_ids:
            if doc_id not in self._texts:
                self._texts[doc_id] = store.text(doc_id)
                turns = sorted(store.turns(doc_id), key=lambda t: (t.start, t.end))
                self._turns[doc_id] = ([t.start for t in turns], turns)

    def quote(self, store: SqlProject, coding: Coding) -> Quote:
        """The coding's exact text and location."""
        doc = self.documents[coding.document_id]
        self.load(store, [doc.id])
        starts, turns = self._turns[doc.id]
        number = speaker = media = None
        i = bisect.bisect_right(starts, coding.start) - 1
        if i >= 0 and turns[i].start <= coding.start < max(turns[i].end, turns[i].start + 1):
            number, speaker, media = i + 1, turns[i].speaker, turns[i].media_start
        code = self.all_codes[coding.code_id]
        who = self.participant[doc.id]
        return Quote(
            coding_id=coding.id,
            code_key=code.key,
            code_path=code.path,
            document=doc.name,
            participant=who,
            case=doc.case_name or "",
            attributes=dict(self.attributes.get(who, {})),
            coder=self.coders.get(coding.coder_id, str(coding.coder_id)),
            text=self._texts[doc.id][coding.start : coding.end],
            start=coding.start,
            end=coding.end,
            turn=number,
            speaker=speaker,
            media_start=media,
            memo=coding.memo,
            starred=coding.starred,
        )


def resolve_coders(store: SqlProject, name: str) -> dict[int, str]:
    coders = store.coders()
    if name.strip().lower() == ALL_CODERS:
        return {c.id: c.name for c in coders}
    for c in coders:
        if c.name == name:
            return {c.id: c.name}
    for c in coders:
        if c.name.lower() == name.strip().lower():
            return {c.id: c.name}
    err = UnknownCoder(name)
    known = ", ".join(c.name for c in coders) or "none yet"
    hint = " (no reconciled codings yet)" if name == CONSENSUS_CODER else ""
    err.args = (f"{err}{hint}; coders: {known}, or 'all'",)
    raise err


def resolve_scope(store: SqlProject, filters: Filters, project: str = "") -> Scope:
    """Apply the filters; unknown coders, codes, documents or attributes raise one-line errors."""
    coders = resolve_coders(store, filters.coder)
    all_codes = store.codes()
    by_id = {c.id: c for c in all_codes}
    if filters.codes:
        selected: set[int] = set()
        for ref in filters.codes:
            selected.add(store.code(ref).id)
        for c in all_codes:  # tree order: a selected code brings its subtree
            if c.parent_id in selected:
                selected.add(c.id)
        codes = [c for c in all_codes if c.id in selected]
    else:
        codes = list(all_codes)

    documents = {d.id: d for d in store.documents()}
    if filters.documents:
        wanted = {store.document(ref).id for ref in filters.documents}
        documents = {i: d for i, d in documents.items() if i in wanted}

    cases = {c.id: c for c in store.cases()}
    known_attrs = sorted({a for c in cases.values() for a in c.attributes}, key=natural_key)
    conditions = [_known_attribute(cond, known_attrs) for cond in filters.where]
    if conditions:
        by_attr: dict[str, list[Condition]] = defaultdict(list)
        for cond in conditions:
            by_attr[cond.attribute].append(cond)

        def keep(doc: Document) -> bool:
            attrs = cases[doc.case_id].attributes if doc.case_id in cases else {}
            return all(any(_matches(c, attrs) for c in group) for group in by_attr.values())

        documents = {i: d for i, d in documents.items() if keep(d)}

    coded_by_coders = store.codings(coder_ids=list(coders))
    coded_docs = {c.document_id for c in coded_by_coders}
    documents = {i: d for i, d in documents.items() if i in coded_docs}

    participant: dict[int, str] = {}
    attributes: dict[str, Mapping[str, str]] = {}
    case_names = {c.name for c in cases.values()}
    for doc in sorted(documents.values(), key=lambda d: natural_key(d.name)):
        if doc.case_id in cases:
            label = cases[doc.case_id].name
            attributes[label] = cases[doc.case_id].attributes
        else:
            label = doc.name if doc.name not in case_names else f"{doc.name} (document)"
            attributes.setdefault(label, {})
        participant[doc.id] = label

    code_ids = {c.id for c in codes}
    codings = [c for c in coded_by_coders if c.document_id in documents and c.code_id in code_ids]
    names = sorted({a for attrs in attributes.values() for a in attrs}, key=natural_key)
    return Scope(
        project=project,
        filters=filters,
        codes=codes,
        all_codes=by_id,
        coders=coders,
        documents=documents,
        participant=participant,
        attributes=attributes,
        attribute_names=tuple(names),
        codings=codings,
    )


def _known_attribute(cond: Condition, known: Sequence[str]) -> Condition:
    if cond.attribute in known:
        return cond
    for name in known:
        if name.lower() == cond.attribute.strip().lower():
            return Condition(name, cond.op, cond.value)
    listed = ", ".join(known) or "none - import participant attributes first"
    raise WorkbenchError(f"unknown attribute {cond.attribute!r} in --where; attributes: {listed}")


# -- attribute spread ---------------------------------------------------------------------------


def natural_key(text: str) -> tuple[tuple[int, float | str], ...]:
    """Sort "P2" before "P10" and "5-9" before "10-14"; text after numbers."""
    out: list[tuple[int, float | str]] = []
    for part in re.split(r"(\d+(?:\.\d+)?)", text):
        if not part:
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", part):
            out.append((0, float(part)))
        else:
            out.append((1, part.casefold()))
    return tuple(out)


def value_labeller(values: Iterable[str]) -> tuple[dict[str, str], bool]:
    """Map raw attribute values to display values; whole numbers with many values are binned."""
    distinct = {v.strip() for v in values if v.strip()}
    ints = [int(v) for v in distinct if re.fullmatch(r"-?\d+", v)]
    if len(ints) != len(distinct) or len(distinct) <= MAX_BINS:
        return {v: v.strip() or NOT_RECORDED for v in values}, False
    low, high = min(ints), max(ints)
    width = 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000):
        width = step
        if (high // step) - (low // step) + 1 <= MAX_BINS:
            break
    else:
        width = 10 ** math.ceil(math.log10(max(high - low, 1)))
    labels = {}
    for v in distinct:
        first = int(v) // width * width
        labels[v] = f"{first}-{first + width - 1}" if width > 1 else str(first)
    return labels, True


def spread(
    attribute_names: Sequence[str],
    attributes: Mapping[str, Mapping[str, str]],
    population: Sequence[str],
    members: Iterable[str],
) -> tuple[AttributeSpread, ...]:
    """Participants per attribute value: how many of ``members`` out of ``population``."""
    members = set(members)
    out = []
    for name in attribute_names:
        raw = {p: attributes.get(p, {}).get(name, "") for p in population}
        labels, binned = value_labeller(raw.values())
        total: dict[str, int] = defaultdict(int)
        count: dict[str, int] = defaultdict(int)
        for p, v in raw.items():
            label = labels.get(v.strip(), v.strip()) or NOT_RECORDED
            total[label] += 1
            if p in members:
                count[label] += 1
        order = sorted(total, key=lambda v: (v == NOT_RECORDED, natural_key(v)))
        out.append(
            AttributeSpread(
                attribute=name,
                values=tuple(ValueCount(v, count[v], total[v]) for v in order),
                binned=binned,
            )
        )
    return tuple(out)


# -- quote choice -----------------------------------------------------------------------------


def _length_penalty(text: str) -> int:
    words = len(text.split())
    low, high = IDEAL_WORDS
    if words < low:
        return (low - words) * 3  # very short quotes illustrate little
    if words > high:
        return words - high
    return 0


def choose_quotes(codings: Sequence[Coding], scope: Scope, n: int) -> list[Coding]:
    """Up to ``n`` illustrative codings.

    Starred codings first; then codings from participants not quoted yet; within each
    group medium-length quotes (15-70 words) first, then document and position order.
    A coding overlapping one already chosen (e.g. the same passage by another coder)
    is skipped. Call ``scope.load`` for the documents first (the length rule reads text).
    """
    if n <= 0:
        return []
    ranked = sorted(
        codings,
        key=lambda c: (
            not c.starred,
            _length_penalty(scope._texts.get(c.document_id, "")[c.start : c.end]),
            natural_key(scope.documents[c.document_id].name),
            c.start,
            c.id,
        ),
    )
    chosen: list[Coding] = []
    quoted: set[str] = set()
    passes = ((True, True), (True, False), (False, True), (False, False))
    for starred_only, new_participant_only in passes:
        for c in ranked:
            if len(chosen) >= n:
                return chosen
            if starred_only and not c.starred:
                continue
            who = scope.participant[c.document_id]
            if new_participant_only and who in quoted:
                continue
            if any(
                o.document_id == c.document_id and o.start < c.end and c.start < o.end
                for o in chosen
            ):
                continue
            chosen.append(c)
            quoted.add(who)
    return chosen


# -- the summary ------------------------------------------------------------------------------


def build_summary(
    store: SqlProject,
    filters: Filters,
    *,
    quotes: int = DEFAULT_QUOTES,
    attributes: Sequence[str] | None = None,
    project: str = "",
) -> Summary:
    """Counts, spread, memos and quotes for every selected theme, subtheme and code."""
    scope = resolve_scope(store, filters, project)
    attr_names = _pick_attributes(scope, attributes)
    population = scope.participants
    own: dict[int, list[Coding]] = defaultdict(list)
    for c in scope.codings:
        own[c.code_id].append(c)
    scope.load(store, {c.document_id for c in scope.codings})  # texts for the length rule
    memos = _code_memos(store, scope)

    rows = []
    for code in scope.codes:
        ids = scope.subtree(code)
        codings = [c for i in ids for c in own.get(i, [])]
        who = {scope.participant[c.document_id] for c in codings}
        chosen = choose_quotes(own.get(code.id, []), scope, quotes)
        parent = scope.all_codes.get(code.parent_id) if code.parent_id is not None else None
        rows.append(
            ThemeRow(
                key=code.key,
                name=code.name,
                path=code.path,
                depth=code.depth,
                parent_key=parent.key if parent else None,
                definition=code.definition,
                participants=len(who),
                documents=len({c.document_id for c in codings}),
                codings=len(codings),
                own_codings=len(own.get(code.id, [])),
                participant_labels=tuple(sorted(who, key=natural_key)),
                spread=spread(attr_names, scope.attributes, population, who),
                memos=memos.get(code.id, ()),
                quotes=tuple(scope.quote(store, c) for c in chosen),
            )
        )
    return Summary(
        project=project,
        generated_at=datetime.now(UTC),
        filters=filters,
        coders=tuple(sorted(scope.coders.values(), key=str.casefold)),
        participants_in_scope=population,
        documents_in_scope=len(scope.documents),
        total_codings=len(scope.codings),
        population=spread(attr_names, scope.attributes, population, population),
        rows=tuple(rows),
        quotes_per_code=quotes,
    )


def _pick_attributes(scope: Scope, wanted: Sequence[str] | None) -> tuple[str, ...]:
    if not wanted:
        return scope.attribute_names
    out = []
    for name in wanted:
        cond = _known_attribute(Condition(name, "=", ""), scope.attribute_names)
        out.append(cond.attribute)
    return tuple(out)


def _code_memos(store: SqlProject, scope: Scope) -> dict[int, tuple[ThemeMemo, ...]]:
    """The codebook memo of each code, then memos written on the code by the selected coders."""
    all_coders = {c.id: c.name for c in store.coders()}
    out: dict[int, list[ThemeMemo]] = defaultdict(list)
    for code in scope.codes:
        if code.memo.strip():
            out[code.id].append(ThemeMemo(code.memo.strip(), "codebook"))
    selected = {c.id for c in scope.codes}
    for memo in store.memos(kind="code"):
        if memo.target_id not in selected:
            continue
        if memo.coder_id is not None and memo.coder_id not in scope.coders:
            continue
        if memo.text.strip():
            author = all_coders.get(memo.coder_id, "") if memo.coder_id is not None else ""
            out[memo.target_id].append(ThemeMemo(memo.text.strip(), author))  # type: ignore[index]
    return {k: tuple(v) for k, v in out.items()}


# -- the quote table ----------------------------------------------------------------------------


def build_quotes(store: SqlProject, filters: Filters, *, project: str = "") -> QuoteTable:
    """One row per coding in scope, ordered by participant, document, position, code."""
    scope = resolve_scope(store, filters, project)
    order = {c.id: i for i, c in enumerate(scope.codes)}
    codings = sorted(
        scope.codings,
        key=lambda c: (
            natural_key(scope.participant[c.document_id]),
            natural_key(scope.documents[c.document_id].name),
            c.start,
            c.end,
            order.get(c.code_id, 0),
            scope.coders.get(c.coder_id, ""),
            c.id,
        ),
    )
    return QuoteTable(
        project=project,
        generated_at=datetime.now(UTC),
        filters=filters,
        attributes=scope.attribute_names,
        quotes=tuple(scope.quote(store, c) for c in codings),
    )
