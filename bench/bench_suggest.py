"""Code suggestions: training and prediction, in sentences per second.

Uses the suggestions workflow (``workbench.workflows.suggestions``): ``train`` fits the
project's text classifier on one coder's codings (spaCy pipeline pass, features,
classifier with threshold tuning, saved next to the project) and ``generate`` writes
pending suggestions. Two parts:

1. The suggestion issue's own targets, with the data ``bench/suggest_targets.py``
   (written for that issue) builds from the sample study: suggesting for one
   20,000-word transcript (keyword + model + similar) once the pipeline and the model
   are loaded, target < 2 s; training on about 2,000 coded sentences (the study
   imported six times), target < 60 s.
2. Scaling on the synthetic corpus: train, then generate per source - ``keyword`` and
   ``model`` together, ``similar`` alone, because they scale differently - for
   growing projects. The analysis cache is cleared before every timed step.

Baseline: spaCy's tokenizer alone (``spacy.blank("en")``) over the same texts, the floor
of any spaCy-based step. Rates count every sentence of the documents involved (core's
sentence units, interviewer questions included).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.corpus import CorpusSpec, generate
from bench.project import build_project, open_project
from bench.report import BenchResult, Row, Series
from bench.timing import Context, timed
from workbench.core.services.sentences import sentence_spans

SUGGEST_TARGET_S = 2.0
TRAIN_TARGET_S = 60.0


def sizes(quick: bool) -> tuple[list[int], int]:
    return ([2, 4], 2_000) if quick else ([2, 4, 8], 5_000)


def tokenizer_seconds(texts: Sequence[str]) -> float:
    """One pass of a fresh ``spacy.blank("en")`` tokenizer (cold cache, like a first parse)."""
    import spacy

    tokenizer: Any = spacy.blank("en").tokenizer
    with timed() as clock:
        for doc in tokenizer.pipe(texts):
            len(doc)
    return clock.wall


def train(sug: Any, store: Any, coder: int) -> tuple[float, float, Any]:
    report = None
    with timed() as clock:
        for step in sug.train(store, coder):
            if isinstance(step, sug.TrainReport):
                report = step
    return clock.wall, clock.cpu, report


def suggest(sug: Any, store: Any, docs: list[int], coder: int, sources: Sequence[str]) -> float:
    with timed() as clock:
        for _ in sug.generate(store, docs, coder, tuple(sources)):
            pass
    return clock.wall


def issue_targets(ctx: Context, sug: Any, result: BenchResult) -> None:
    """The suggestion issue's targets, on the data bench/suggest_targets.py builds."""
    try:
        from bench import suggest_targets as st
        from workbench.workflows.demo import load_demo, repo_root

        synthetic: Callable[..., Any] = st.synthetic_transcript
        copy_study: Callable[..., Any] = st.copy_study
    except (ImportError, AttributeError) as err:
        result.notes.append(f"bench/suggest_targets.py is not usable here ({err}); skipped.")
        return
    words, copies = (5_000, 2) if ctx.quick else (20_000, 6)
    wb = open_project(ctx.scratch("suggest") / "study.sqlite")
    try:
        store = wb.store
        for _ in load_demo(store, repo_root()):
            pass
        anna = store.coder("anna").id
        first, _, _ = train(sug, store, anna)  # loads the pipeline: not a target
        doc = store.add_document(synthetic(store, words))
        text, turns = store.text(doc.id), store.turns(doc.id)
        n_sent = len(sentence_spans(text, turns))
        sug.load_model(store)
        sug.clear_caches()
        sug.document_analysis(store, store.document("P01"), store.codes())  # warm pipeline
        sug.load_model(store)
        wall = suggest(sug, store, [doc.id], anna, ("keyword", "model", "similar"))
        written = len(sug.pending(store, doc.id, anna))
        base = tokenizer_seconds([text])
        size = f"one {doc.words:,}-word transcript, {n_sent:,} sentences"
        result.rows.append(
            Row("suggest for one transcript (keyword + model + similar)", size, n_sent / wall,
                n_sent / base, "spaCy tokenizer only", unit="/s",
                limit=None if ctx.quick else n_sent / SUGGEST_TARGET_S,
                target="" if ctx.quick else "< 2 s (as sentences/s)",
                note=f"{wall:.2f} s, {written:,} suggestions; pipeline and model already loaded"
                f" (the first training, which loads the pipeline, took {first:.2f} s)")
        )  # fmt: skip
        copy_study(store, copies)
        sug.clear_caches()
        wall, cpu, report = train(sug, store, anna)
        texts = [store.text(d.id) for d in store.documents()]
        base = tokenizer_seconds(texts)
        n_all = sum(len(sentence_spans(store.text(d.id), store.turns(d.id)))
                    for d in store.documents())  # fmt: skip
        coded = sum(report.labels.values()) + sum(report.skipped.values()) if report else 0
        result.rows.append(
            Row("train on the sample study x copies", f"{coded:,} coded sentences of"
                f" {n_all:,} ({copies} copies)", n_all / wall, n_all / base,
                "spaCy tokenizer only", unit="/s",
                limit=None if ctx.quick else n_all / TRAIN_TARGET_S,
                target="" if ctx.quick else "< 60 s (as sentences/s)",
                note=f"{wall:.2f} s ({cpu:.2f} s CPU), parsing included")
        )  # fmt: skip
    finally:
        wb.close()


def run(ctx: Context) -> BenchResult:
    result = BenchResult("suggest", "Code suggestions (training and prediction)")
    try:
        from workbench.workflows import suggestions as sug
    except ImportError as err:
        result.skipped = f"the suggestions workflow is not importable yet ({err})"
        return result
    missing = [n for n in ("train", "generate", "clear_caches") if not hasattr(sug, n)]
    if missing:
        result.skipped = f"workbench.workflows.suggestions has no {', '.join(missing)} yet"
        return result
    import spacy  # noqa: F401 - its import installs warning filters; ours must come after

    warnings.filterwarnings("ignore", message=r"\[W036\]")  # empty matcher: no patterns
    issue_targets(ctx, sug, result)

    counts, words = sizes(ctx.quick)
    plot = Series(
        "suggest", "Suggestions: time vs sentences", "sentences in the documents", "seconds"
    )
    folder = ctx.scratch("suggest")
    for n in counts:
        corpus = generate(
            CorpusSpec(transcripts=n, words=words, codes=20, coders=1, codings=60, seed=n)
        )
        path: Path = folder / f"project-{n}.sqlite"
        build_project(corpus, path)
        texts = [t.text for t in corpus.transcripts]
        sentences = sum(len(t.sentences) for t in corpus.transcripts)
        size = f"{n} x {words:,} words, {sentences:,} sentences"
        base = tokenizer_seconds(texts)
        base_rate = sentences / base
        wb = open_project(path)
        try:
            coder = wb.store.coders()[0].id
            doc_ids = [d.id for d in wb.store.documents()]
            sug.clear_caches()
            train_wall, train_cpu, report = train(sug, wb.store, coder)
            sug.clear_caches()
            predict = suggest(sug, wb.store, doc_ids, coder, ("keyword", "model"))
            sug.clear_caches()
            similar = suggest(sug, wb.store, doc_ids, coder, ("similar",))
        finally:
            wb.close()
        examples = getattr(report, "sentences", "?")
        result.rows.append(
            Row("train the classifier", size, sentences / train_wall, base_rate,
                "spaCy tokenizer only", unit="/s",
                note=f"{train_wall:.2f} s ({train_cpu:.2f} s CPU); {examples} training sentences")
        )  # fmt: skip
        result.rows.append(
            Row("suggest: keyword + model", size, sentences / predict, base_rate,
                "spaCy tokenizer only", unit="/s", note=f"{predict:.2f} s")
        )  # fmt: skip
        result.rows.append(
            Row("suggest: similar passages", size, sentences / similar, base_rate,
                "spaCy tokenizer only", unit="/s", note=f"{similar:.2f} s")
        )  # fmt: skip
        plot.add("train (ours)", sentences, train_wall)
        plot.add("suggest keyword + model (ours)", sentences, predict)
        plot.add("suggest similar (ours)", sentences, similar)
        plot.add("spaCy tokenizer (baseline)", sentences, base)
    result.series.append(plot)
    result.notes.append(
        "Scaling rows: one coder's codings (60 per transcript, 20 codes with keywords) on the"
        " synthetic corpus are the training data; generation proposes codes for every"
        " sentence of every transcript. Ratios are rates, ours / baseline (below 1x = fewer"
        " sentences per second than tokenizing). Targets in seconds are shown as the rate they"
        " imply for the same sentences."
    )
    return result
