"""Code suggestions: generate, review (accept/reject), train and evaluate.

Three sources, each stored with its provenance (source, version, score, why):
``keyword`` (codebook keywords and token patterns, weighed by how specific they are
to the project's sentences and to the code: :mod:`workbench.nlp.keywords`),
``model`` (a spaCy ``textcat_multilabel`` trained on this project's codings) and
``similar`` (sentences like passages already coded with the code). Backchannel
sentences ("Yes.", "Well.") are never suggested, and a sentence gets at most
:data:`MAX_PER_SENTENCE` suggestions, the best supported first. A suggestion
becomes a coding only when a coder accepts it; accept and reject are recorded,
undoable, and feed the next training run.

Long work (``generate``, ``train``, ``evaluate_steps``) is a generator that yields
:class:`~workbench.core.model.Progress` and takes a ``threading.Event`` to cancel,
so the TUI runs it in a worker and the CLI behind a progress line. The unit is the
sentence from ``core.services.sentences``. Interviewer turns are never suggested.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.core.model import Code, Coding, Document, Progress
from workbench.core.settings import data_dir
from workbench.core.suggestions import SOURCES, Candidate, Suggestion
from workbench.nlp.analysis import Analysis, Unit, analyse, codebook_fingerprint
from workbench.nlp.classifier import (
    Cancelled,
    Example,
    TextcatModel,
    TrainingSet,
    TrainParams,
    unit_features,
    unit_labels,
)
from workbench.nlp.keywords import MIN_SCORE, KeywordStats
from workbench.nlp.keywords import score as keyword_score
from workbench.store.repos import SqlProject
from workbench.store.suggestions import SuggestionRepo

MODEL_META_KEY = "suggest.model"
ORDERS = ("position", "uncertainty")
_PRIORITY = {"model": 0, "keyword": 1, "similar": 2}
#: Suggestions per sentence at most (codes of one sentence, the best supported first).
MAX_PER_SENTENCE = 2
#: Suggestions per code and document at most (like "more like this": the best five).
MAX_PER_CODE = 5
#: Keyword counts come from the project's documents up to about this many words.
STATS_WORDS = 200_000


# -- where models live -------------------------------------------------------------


def models_dir(store: SqlProject) -> Path:
    """``<project>.models/`` next to a SQLite file; under the data dir for server projects."""
    url = store.engine.url
    if store.engine.dialect.name == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return path.with_name(f"{path.stem}.models")
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return data_dir() / "models" / digest


def _model_key(coder_id: int | None) -> str:
    return MODEL_META_KEY if coder_id is None else f"{MODEL_META_KEY}.coder.{coder_id}"


def current_model_path(store: SqlProject, coder_id: int | None = None) -> Path | None:
    """The model that suggests for this coder: their own, else the one trained on everyone.

    A model trained on one coder's work never suggests to another coder, so blind
    double coding stays independent.
    """
    keys = [_model_key(coder_id)] if coder_id is None else [_model_key(coder_id), MODEL_META_KEY]
    for key in keys:
        version = store.get_meta(key)
        if not version:
            continue
        path = models_dir(store) / version
        if (path / "workbench.json").exists():
            return path
    return None


@functools.lru_cache(maxsize=4)
def _load_model(path: str, mtime: float) -> TextcatModel:
    return TextcatModel.load(Path(path))


def load_model(store: SqlProject, coder_id: int | None = None) -> TextcatModel | None:
    """The trained model for this coder (see :func:`current_model_path`), or None."""
    path = current_model_path(store, coder_id)
    if path is None:
        return None
    return _load_model(str(path), (path / "workbench.json").stat().st_mtime)


# -- analysing documents (cached) ---------------------------------------------------------

_CACHE: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def document_analysis(
    store: SqlProject,
    doc: Document,
    codes: Sequence[Code],
    spacy_model: str | None = None,
    vectors: bool = False,
) -> Analysis:
    """Sentence units of a document, cached by content, codebook and pipeline."""
    key = (doc.id, doc.checksum, codebook_fingerprint(codes), spacy_model, vectors)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    result = analyse(
        doc.id, doc.name, store.text(doc.id), store.turns(doc.id), codes, spacy_model, vectors
    )
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


_STATS: OrderedDict[tuple[Any, ...], KeywordStats] = OrderedDict()
_STATS_SIZE = 4096


def keyword_stats(
    store: SqlProject,
    codes: Sequence[Code],
    spacy_model: str | None = None,
    include: Sequence[int] = (),
    cancelled: threading.Event | None = None,
) -> KeywordStats:
    """How many of the project's codable sentences each keyword and pattern matches.

    Counted on every document, or, in a project of more than :data:`STATS_WORDS`
    words, on the documents ``include`` (up to half of that) and an even spread of the
    others: rates need a sample, not every sentence. Per-document counts are cached
    by content, codebook and pipeline.
    """
    fingerprint = codebook_fingerprint(codes)
    docs = store.documents()
    wanted = set(include)
    chosen: list[Document] = []
    budget = STATS_WORDS
    for d in docs:  # the documents asked for, up to half the words
        if d.id in wanted and d.words <= budget - STATS_WORDS // 2:
            chosen.append(d)
            budget -= d.words
    taken = {d.id for d in chosen}
    rest = [d for d in docs if d.id not in taken]
    total = sum(d.words for d in rest)
    if total > budget:  # an even spread of documents of about ``budget`` words
        keep = max(0, round(len(rest) * budget / total))
        rest = [rest[i * len(rest) // keep] for i in range(keep)] if keep else []
    parts = []
    for d in [*chosen, *rest]:
        _check(cancelled)
        key = (d.id, d.checksum, fingerprint, spacy_model)
        with _CACHE_LOCK:
            part = _STATS.get(key)
        if part is None:
            analysis = document_analysis(store, d, codes, spacy_model)
            part = document_keyword_stats(analysis)
            with _CACHE_LOCK:
                _STATS[key] = part
                while len(_STATS) > _STATS_SIZE:
                    _STATS.popitem(last=False)
        parts.append(part)
    return KeywordStats.merge(parts)


def document_keyword_stats(analysis: Analysis) -> KeywordStats:
    """Keyword counts over the codable sentences of one document."""
    found: dict[int, list[Any]] = defaultdict(list)
    for h in analysis.hits:
        found[h.sentence].extend(h.evidence)
    return KeywordStats.count(found.get(u.index, []) for u in analysis.units if u.codable)


def clear_caches() -> None:
    """Forget loaded pipelines, models and parsed documents (after a settings change)."""
    from workbench.nlp import analysis, pipeline

    with _CACHE_LOCK:
        _CACHE.clear()
        _STATS.clear()
    _load_model.cache_clear()
    analysis.clear_caches()
    pipeline.get_nlp.cache_clear()


def _check(cancelled: threading.Event | None) -> None:
    if cancelled is not None and cancelled.is_set():
        raise Cancelled()


def _codebook_version(codes: Sequence[Code]) -> str:
    blob = json.dumps(codebook_fingerprint(codes), ensure_ascii=False)
    return "codebook-" + hashlib.sha256(blob.encode()).hexdigest()[:8]


# -- generating suggestions -------------------------------------------------------------


def generate(
    store: SqlProject,
    document_ids: Sequence[int],
    coder_id: int | None,
    sources: Sequence[str] = SOURCES,
    cancelled: threading.Event | None = None,
    spacy_model: str | None = None,
) -> Iterator[Progress]:
    """Write pending suggestions for documents (one transaction per document).

    Replaces this coder's earlier pending suggestions from the same sources, never
    proposes a span this coder already coded with that code (any overlap), nor one
    that was rejected, nor a backchannel sentence. One suggestion per (passage,
    code): the model's if it has one, else the keyword's, else the similarity's; the
    others are named in its ``detail``. At most :data:`MAX_PER_SENTENCE` per
    sentence and :data:`MAX_PER_CODE` per code, the best first (see
    :func:`merge_candidates`). The last Progress label says how many were written.
    """
    bad = sorted(set(sources) - set(SOURCES))
    if bad:
        raise WorkbenchError(f"unknown suggestion source(s): {', '.join(bad)}")
    repo = SuggestionRepo(store)
    codes = store.codes()
    by_key = {c.key: c for c in codes}
    docs = [store.document(d) for d in document_ids]
    total = len(docs)
    yield Progress(0, total, "loading the language pipeline")
    model = load_model(store, coder_id) if "model" in sources else None
    notes = []
    if "model" in sources and model is None:
        notes.append("no trained model yet (train first)")
    refs_by_code = None
    stats = None
    written = 0
    try:
        if "keyword" in sources and docs:
            yield Progress(0, total, "counting keywords in the project")
            stats = keyword_stats(store, codes, spacy_model, [d.id for d in docs], cancelled)
        for n, doc in enumerate(docs):
            _check(cancelled)
            analysis = document_analysis(store, doc, codes, spacy_model)
            own = [
                c for c in store.codings(document_id=doc.id)
                if coder_id is None or c.coder_id == coder_id
            ]  # fmt: skip
            blocked = _blocked_units(analysis.units, own, codes)
            found: list[Candidate] = []
            if stats is not None:
                found += _keyword_candidates(
                    analysis, by_key, blocked, _codebook_version(codes), stats
                )
            if model is not None:
                found += _model_candidates(analysis, model, by_key, blocked)
            if "similar" in sources:
                if refs_by_code is None:
                    refs_by_code = _references(store, coder_id, codes, spacy_model)
                found += _similar_candidates(analysis, refs_by_code, by_key, blocked)
            merged = merge_candidates(found)
            written += repo.replace_pending(doc.id, coder_id, merged, sources)
            yield Progress(n + 1, total, f"suggested for {doc.name}")
    except Cancelled:
        yield Progress(written, total, "cancelled")
        return
    label = f"{written} suggestions written"
    if notes:
        label += "; " + "; ".join(notes)
    yield Progress(total, total, label)


def _blocked_units(
    units: Sequence[Unit], codings: Sequence[Coding], codes: Sequence[Code]
) -> dict[str, set[int]]:
    """Per code key: sentences that overlap a coding of that code (by this coder)."""
    key_of = {c.id: c.key for c in codes}
    blocked: dict[str, set[int]] = defaultdict(set)
    starts = [u.start for u in units]
    for c in codings:
        key = key_of.get(c.code_id)
        if key is None:
            continue
        i = max(bisect.bisect_right(starts, c.start) - 1, 0)
        while i < len(units) and units[i].start < c.end:
            if c.start < units[i].end:
                blocked[key].add(units[i].index)
            i += 1
    return blocked


def _keyword_candidates(
    analysis: Analysis,
    by_key: dict[str, Code],
    blocked: dict[str, set[int]],
    version: str,
    stats: KeywordStats | None = None,
) -> list[Candidate]:
    """Sentences whose keyword evidence for a code, weighed against ``stats``, is enough."""
    out = []
    for h in analysis.hits:
        unit = analysis.units[h.sentence]
        code = by_key.get(h.code)
        if code is None or not unit.suggestable or h.sentence in blocked.get(h.code, ()):
            continue
        scored = keyword_score(h.evidence, stats)
        if scored.score < MIN_SCORE:
            continue
        out.append(
            Candidate(analysis.document_id, code.id, h.start, h.end, "keyword", scored.score,
                      scored.detail, version)
        )  # fmt: skip
    return out


def _model_candidates(
    analysis: Analysis, model: TextcatModel, by_key: dict[str, Code], blocked: dict[str, set[int]]
) -> list[Candidate]:
    probs = model.predict(unit_features(analysis.units))
    out = []
    for unit, row in zip(analysis.units, probs, strict=True):
        if not unit.suggestable:
            continue
        for j, label in enumerate(model.labels):
            p = float(row[j])
            code = by_key.get(label)
            if p < model.threshold or code is None or unit.index in blocked.get(label, ()):
                continue
            detail = f"model p={p:.2f} (threshold {model.threshold:.2f})"
            out.append(
                Candidate(analysis.document_id, code.id, unit.start, unit.end, "model",
                          round(model.scaled(p), 4), detail, model.version)
            )  # fmt: skip
    return out


def _references(
    store: SqlProject, coder_id: int | None, codes: Sequence[Code], spacy_model: str | None
) -> list[Any]:
    from workbench.nlp.similar import references

    key_of = {c.id: c.key for c in codes}
    names = {d.id: d.name for d in store.documents()}
    texts: dict[int, str] = {}
    passages = []
    codings = store.codings(coder_ids=[coder_id] if coder_id is not None else None)
    for c in codings:
        if c.code_id not in key_of:
            continue
        text = texts.setdefault(c.document_id, store.text(c.document_id))
        passages.append((key_of[c.code_id], names.get(c.document_id, "?"), text[c.start : c.end]))
    return references(passages, spacy_model)


def _similar_candidates(
    analysis: Analysis, refs: list[Any], by_key: dict[str, Code], blocked: dict[str, set[int]]
) -> list[Candidate]:
    from workbench.nlp.similar import similar

    out = []
    for h in similar(analysis, refs, exclude=blocked):
        unit = analysis.units[h.unit]
        code = by_key.get(h.code)
        if code is None:
            continue
        out.append(
            Candidate(analysis.document_id, code.id, unit.start, unit.end, "similar", h.score,
                      h.detail, "rapidfuzz-token-set")
        )  # fmt: skip
    return out


def merge_candidates(
    found: Sequence[Candidate],
    per_sentence: int = MAX_PER_SENTENCE,
    per_code: int = MAX_PER_CODE,
) -> list[Candidate]:
    """One candidate per (document, code, span); the best ``per_sentence`` of a span and
    ``per_code`` of a code in a document (0: no limit).

    Of the candidates for one code and span, the highest-priority source's (model,
    keyword, similar) is kept and the others are named in its detail. "Best": supported
    by more sources, then by the model, then the higher score. Accepting or rejecting
    suggestions and generating again brings up the next ones.
    """
    groups: dict[tuple[int, int, int, int], list[Candidate]] = defaultdict(list)
    for c in found:
        groups[c.key].append(c)
    ranked: list[tuple[tuple[float, ...], Candidate]] = []
    for key in sorted(groups):
        cands = sorted(groups[key], key=lambda c: (_PRIORITY.get(c.source, 9), -c.score))
        first = cands[0]
        extra = [f"{c.source}: {c.detail}" for c in cands[1:]]
        detail = "; ".join([first.detail, *extra]) if extra else first.detail
        sources = {c.source for c in cands}
        rank = (-len(sources), float("model" not in sources), -max(c.score for c in cands))
        merged = Candidate(first.document_id, first.code_id, first.start, first.end,
                           first.source, first.score, detail, first.version)  # fmt: skip
        ranked.append((rank + (first.start, first.code_id), merged))
    ranked.sort(key=lambda rc: rc[0])
    spans: Counter[tuple[int, int, int]] = Counter()
    codes: Counter[tuple[int, int]] = Counter()
    out = []
    for _, c in ranked:
        span, code = (c.document_id, c.start, c.end), (c.document_id, c.code_id)
        if (per_sentence and spans[span] >= per_sentence) or (per_code and codes[code] >= per_code):
            continue
        spans[span] += 1
        codes[code] += 1
        out.append(c)
    out.sort(key=lambda c: c.key)
    return out


# -- reviewing ------------------------------------------------------------------------


def pending(
    store: SqlProject,
    document_id: int | None = None,
    coder_id: int | None = None,
    order: str = "position",
) -> list[Suggestion]:
    """Pending suggestions; ``uncertainty`` puts the model's coin flips first (active learning)."""
    if order not in ORDERS:
        raise WorkbenchError(f"unknown order {order!r} (use {' or '.join(ORDERS)})")
    items = SuggestionRepo(store).list(document_id=document_id, coder_id=coder_id)
    if order == "uncertainty":
        items.sort(
            key=lambda s: (s.source != "model", abs(s.score - 0.5), s.document_id, s.start, s.id)
        )
    return items


def accept(store: SqlProject, suggestion_id: int, coder_id: int) -> Coding:
    """Create the coding (undoable with the coder's undo) and mark the suggestion accepted."""
    return SuggestionRepo(store).accept(suggestion_id, coder_id)


def reject(store: SqlProject, suggestion_id: int, coder_id: int) -> Suggestion:
    """Record the rejection (undoable); the passage is not suggested for that code again."""
    return SuggestionRepo(store).reject(suggestion_id, coder_id)


# -- training --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainReport:
    version: str
    path: Path
    sentences: int
    documents: int
    labels: dict[str, int]  # code -> positive sentences
    skipped: dict[str, int]  # codes with too few positives
    threshold: float
    seconds: float


@dataclass
class _Corpus:
    analyses: dict[int, Analysis] = field(default_factory=dict)
    codings: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)


def _corpus(
    store: SqlProject,
    coder_id: int | None,
    codes: Sequence[Code],
    spacy_model: str | None,
    cancelled: threading.Event | None,
    include_documents: Sequence[int] | None = None,
) -> Iterator[Progress | _Corpus]:
    key_of = {c.id: c.key for c in codes}
    codings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for c in store.codings(coder_ids=[coder_id] if coder_id is not None else None):
        if c.code_id in key_of:
            codings[c.document_id].append((key_of[c.code_id], c.start, c.end))
    wanted = set(codings) | set(include_documents or ())
    docs = [d for d in store.documents() if d.id in wanted]
    corpus = _Corpus(codings=dict(codings))
    for i, doc in enumerate(docs):
        _check(cancelled)
        corpus.analyses[doc.id] = document_analysis(store, doc, codes, spacy_model)
        yield Progress(i + 1, len(docs), f"reading {doc.name}")
    yield corpus


def _examples(
    corpus: _Corpus,
    document_ids: Sequence[int],
    decisions: Sequence[Suggestion] = (),
    key_of: dict[int, str] | None = None,
) -> TrainingSet:
    """Sentences of coded documents (all labels known) + reviewed suggestions elsewhere."""
    data = TrainingSet()
    decided: dict[int, list[tuple[str, int, int, float]]] = defaultdict(list)
    for s in decisions:
        if key_of and s.code_id in key_of:
            value = 1.0 if s.status == "accepted" else 0.0
            decided[s.document_id].append((key_of[s.code_id], s.start, s.end, value))
    for doc_id in document_ids:
        analysis = corpus.analyses.get(doc_id)
        if analysis is None:
            continue
        coded = bool(corpus.codings.get(doc_id))
        labels = unit_labels(analysis.units, corpus.codings.get(doc_id, []))
        feats = unit_features(analysis.units)
        extra: dict[int, dict[str, float]] = defaultdict(dict)
        for code, a, b, value in decided.get(doc_id, []):
            for i, hit in enumerate(unit_labels(analysis.units, [(code, a, b)])):
                if hit:
                    extra[i][code] = value
        for u, f, pos in zip(analysis.units, feats, labels, strict=True):
            if not u.codable:
                continue
            targets = {k: 1.0 for k in pos}
            for code, value in extra.get(u.index, {}).items():
                targets[code] = max(targets.get(code, 0.0), value)
            if coded:
                data.examples.append(Example(f, targets, doc_id, complete=True))
            elif targets:
                data.examples.append(Example(f, targets, doc_id, complete=False))
    return data


def train(
    store: SqlProject,
    coder_id: int | None = None,
    cancelled: threading.Event | None = None,
    spacy_model: str | None = None,
    params: TrainParams | None = None,
) -> Iterator[Progress | TrainReport]:
    """Train the classifier on this coder's (or everyone's) codings and decisions; save it.

    The model becomes this coder's model (or the shared one when ``coder_id`` is None).
    Yields Progress, then a TrainReport. Nothing is saved when cancelled.
    """
    from workbench.nlp import classifier

    t0 = time.perf_counter()
    codes = store.codes()
    key_of = {c.id: c.key for c in codes}
    repo = SuggestionRepo(store)
    decisions = repo.list(status=("accepted", "rejected"), coder_id=coder_id)
    corpus: _Corpus | None = None
    try:
        yield Progress(0, 3, "loading the language pipeline")
        for step in _corpus(
            store, coder_id, codes, spacy_model, cancelled, [s.document_id for s in decisions]
        ):
            if isinstance(step, _Corpus):
                corpus = step
            else:
                yield Progress(1, 3, step.label)
        assert corpus is not None
        if not corpus.codings:
            raise WorkbenchError("nothing to learn from: no codings yet")
        data = _examples(corpus, sorted(corpus.analyses), decisions, key_of)
        yield Progress(2, 3, f"training on {len(data.examples)} sentences")
        model = classifier.train(data, params, cancelled)
    except Cancelled:
        yield Progress(0, 3, "cancelled")
        return
    model.meta["coder_id"] = coder_id
    model.meta["pipeline"] = spacy_model or "blank:en"
    base = "textcat-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    root = models_dir(store)
    root.mkdir(parents=True, exist_ok=True)
    version, n = base, 2
    while (root / version).exists():
        version, n = f"{base}-{n}", n + 1
    model.version = version
    model.save(root / version)
    store.set_meta(_model_key(coder_id), version)
    yield Progress(3, 3, f"saved {version}")
    yield TrainReport(
        version=version,
        path=root / version,
        sentences=int(model.meta["sentences"]),
        documents=int(model.meta["documents"]),
        labels=dict(model.meta["positives"]),
        skipped=dict(model.meta["skipped"]),
        threshold=model.threshold,
        seconds=round(time.perf_counter() - t0, 2),
    )


# -- evaluation --------------------------------------------------------------------


def evaluate_steps(
    store: SqlProject,
    folds: int = 5,
    coder_id: int | None = None,
    cancelled: threading.Event | None = None,
    spacy_model: str | None = None,
    params: TrainParams | None = None,
) -> Iterator[Progress | dict[str, Any]]:
    """K-fold cross-validation by document; yields Progress, then the result dict.

    Gold standard: this coder's codings (any coder's when None), sentence units,
    on the documents that coder coded. Each side predicts what :func:`generate`
    would suggest from its sources (interviewer and backchannel sentences never,
    at most :data:`MAX_PER_SENTENCE` codes a sentence): ``baseline`` the keyword
    suggester alone, ``model`` the classifier trained on the other folds alone,
    ``combined`` both (what a coder with a trained model is shown).
    """
    from workbench.nlp import classifier
    from workbench.nlp.evaluation import score_sets

    codes = store.codes()
    by_key = {c.key: c for c in codes}
    key_of = {c.id: c.key for c in codes}
    corpus: _Corpus | None = None
    for step in _corpus(store, coder_id, codes, spacy_model, cancelled):
        if isinstance(step, _Corpus):
            corpus = step
        else:
            yield Progress(0, folds, step.label)
    assert corpus is not None
    doc_ids = sorted(corpus.codings)
    if folds < 2:
        raise WorkbenchError("--folds must be at least 2")
    if len(doc_ids) < folds:
        raise WorkbenchError(
            f"{folds} folds need at least {folds} coded documents ({len(doc_ids)} coded)"
        )
    try:
        stats = keyword_stats(store, codes, spacy_model, doc_ids, cancelled)
    except Cancelled:
        return
    version = _codebook_version(codes)
    gold: list[set[str]] = []
    predicted: dict[str, list[set[str]]] = {"model": [], "baseline": [], "combined": []}
    for f in range(folds):
        test = [d for i, d in enumerate(doc_ids) if i % folds == f]
        train_ids = [d for d in doc_ids if d not in test]
        data = _examples(corpus, train_ids)
        try:
            model = classifier.train(data, params, cancelled)
        except Cancelled:
            return
        for doc_id in test:
            analysis = corpus.analyses[doc_id]
            gold += unit_labels(analysis.units, corpus.codings.get(doc_id, []))
            keyword = _keyword_candidates(analysis, by_key, {}, version, stats)
            learnt = _model_candidates(analysis, model, by_key, {})
            index = {(u.start, u.end): u.index for u in analysis.units}
            for side, found in (("baseline", keyword), ("model", learnt),
                                ("combined", keyword + learnt)):  # fmt: skip
                sets: list[set[str]] = [set() for _ in analysis.units]
                for c in merge_candidates(found):
                    sets[index[(c.start, c.end)]].add(key_of[c.code_id])
                predicted[side] += sets
        yield Progress(f + 1, folds, f"fold {f + 1} of {folds}")
    keys = [c.key for c in codes]
    yield {
        "unit": "sentence",
        "folds": folds,
        "model": score_sets(predicted["model"], gold, keys),
        "baseline": score_sets(predicted["baseline"], gold, keys),
        "combined": score_sets(predicted["combined"], gold, keys),
    }


def evaluate(
    store: SqlProject,
    folds: int = 5,
    coder_id: int | None = None,
    cancelled: threading.Event | None = None,
    spacy_model: str | None = None,
) -> dict[str, Any]:
    """The evaluation as a JSON-ready dict (see :func:`evaluate_steps`)."""
    result: dict[str, Any] | None = None
    for step in evaluate_steps(store, folds, coder_id, cancelled, spacy_model):
        if isinstance(step, dict):
            result = step
    if result is None:
        raise WorkbenchError("evaluation cancelled")
    return result
