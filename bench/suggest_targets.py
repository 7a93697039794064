"""The suggestion targets of the issue, measured directly (no timed assertions anywhere).

    .venv/bin/python -m bench.suggest_targets [--words 20000] [--copies 6]

1. Suggesting for one 20,000-word transcript once the pipeline and the model are
   loaded (target < 2 s): a synthetic transcript made of the sample study's sentences
   (interviewer and participant turns alternate), keyword + model + similar sources.
2. Training on about 2,000 coded sentences (target < 60 s on 2 cores): the sample study
   imported ``--copies`` times (each copy a distinct document with anna's codings),
   so the classifier sees ``copies`` x ~390 coded sentences among ~``copies`` x 1,800.

Prints wall seconds and sentences per second for each step.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path

from workbench.bootstrap import open_workbench
from workbench.core.model import ParsedDocument, Turn
from workbench.core.services.sentences import sentence_spans
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding, SqlProject
from workbench.workflows import suggestions as sg
from workbench.workflows.demo import load_demo, repo_root


def _parsed(name: str, text: str, turns: list[Turn]) -> ParsedDocument:
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument(name, text, tuple(turns), "txt", checksum)


def synthetic_transcript(store: SqlProject, words: int, seed: int = 7) -> ParsedDocument:
    """About ``words`` words of the sample study's participant sentences, in new turns."""
    pool = []
    for d in store.documents():
        text, turns = store.text(d.id), store.turns(d.id)
        pool += [text[a:b] for a, b in sentence_spans(text, turns)]
    rng = random.Random(seed)
    parts: list[str] = []
    turns: list[Turn] = []
    pos, count, turn = 0, 0, 0
    while count < words:
        speaker = "Interviewer" if turn % 2 == 0 else "P99"
        body = " ".join(rng.choice(pool) for _ in range(1 if turn % 2 == 0 else 6))
        label = f"{speaker}: "
        start = pos + len(label)
        parts.append(label + body)
        turns.append(Turn(start, start + len(body), speaker))
        pos += len(label) + len(body) + 2
        count += len(body.split())
        turn += 1
    return _parsed("synthetic-20k", "\n\n".join(parts), turns)


def copy_study(store: SqlProject, copies: int) -> None:
    """Add ``copies - 1`` more copies of every document, with anna's codings."""
    anna = store.coder("anna").id
    originals = store.documents()
    for k in range(2, copies + 1):
        new = []
        for d in originals:
            text, turns = store.text(d.id), store.turns(d.id)
            prefix = f"Copy {k}.\n\n"
            shifted = [Turn(t.start + len(prefix), t.end + len(prefix), t.speaker) for t in turns]
            doc = store.add_document(_parsed(f"{d.name}-copy{k}", prefix + text, shifted))
            new += [
                NewCoding(doc.id, c.code_id, anna, c.start + len(prefix), c.end + len(prefix))
                for c in store.codings(document_id=d.id, coder_ids=[anna])
            ]
        store.add_codings_bulk(new, "bench.codings", f"bench copy {k}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--copies", type=int, default=6)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-suggest-bench-"))
    try:
        wb = open_workbench(Settings(project=str(folder / "bench.sqlite")))
        for _ in load_demo(wb.store, repo_root()):
            pass
        store = wb.store
        anna = store.coder("anna").id

        t0 = time.perf_counter()
        report = None
        for step in sg.train(store, anna):
            if isinstance(step, sg.TrainReport):
                report = step
        first = time.perf_counter() - t0
        assert report is not None
        print(
            f"load pipeline + train on the sample study: {first:.2f} s "
            f"({report.sentences} sentences, {sum(report.labels.values())} coded)"
        )

        doc = store.add_document(synthetic_transcript(store, args.words))
        n_sentences = len(sentence_spans(store.text(doc.id), store.turns(doc.id)))
        sg.load_model(store)  # loaded once, like the TUI after its first use
        for sources in (("keyword", "model"), ("keyword", "model", "similar")):
            sg.clear_caches()
            sg.document_analysis(store, store.document("P01"), store.codes())  # warm pipeline
            sg.load_model(store)
            t0 = time.perf_counter()
            for _ in sg.generate(store, [doc.id], anna, sources):
                pass
            wall = time.perf_counter() - t0
            written = len(sg.pending(store, doc.id, anna))
            print(
                f"suggest for one {doc.words:,}-word transcript ({'+'.join(sources)}): "
                f"{wall:.2f} s, {n_sentences / wall:,.0f} sentences/s, {written} suggestions "
                f"for {n_sentences:,} sentences (target < 2 s)"
            )

        copy_study(store, args.copies)
        sg.clear_caches()
        t0 = time.perf_counter()
        for step in sg.train(store, anna):
            if isinstance(step, sg.TrainReport):
                report = step
        wall = time.perf_counter() - t0
        coded = sum(report.labels.values()) + sum(report.skipped.values())
        print(
            f"train on {coded:,} coded sentences ({report.sentences:,} sentences, "
            f"{report.documents} documents, parsing included): {wall:.2f} s, "
            f"{report.sentences / wall:,.0f} sentences/s (target < 60 s)"
        )
        wb.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
