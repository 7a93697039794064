"""Import throughput: transcripts through ``import_transcripts`` vs raw ``sqlite3`` executemany.

Ours is the path the CLI and the TUI take: read and parse every ``.txt`` file (encoding
check, speaker turns), then one ``add_document`` transaction per transcript. The
baseline writes the same rows (documents with their computed columns, then their
turns) into a fresh project with the same schema and PRAGMAs, with two ``executemany``
calls in one transaction - the floor any importer on SQLite pays. The import is also
split into its parse and store halves so the ratio says where the time goes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.corpus import CorpusSpec, generate
from bench.project import open_project
from bench.report import BenchResult, Row, Series
from bench.timing import Context, timed
from workbench.core.model import ParsedDocument
from workbench.io.transcripts import read_transcript
from workbench.store.engine import apply_sqlite_pragmas
from workbench.store.repos import count_words
from workbench.store.tables import utcnow
from workbench.workflows.importing import import_transcripts

TARGET_S = 60.0
TARGET_SIZE = (500, 10_000)


def sizes(quick: bool) -> tuple[list[int], int]:
    return ([5, 10], 2_000) if quick else ([50, 100, 250, 500], 10_000)


def raw_insert(path: Path, docs: list[ParsedDocument]) -> float:
    """Insert the rows ``add_document`` writes, with plain sqlite3; returns wall seconds."""
    import time

    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    doc_rows = [
        (i + 1, d.name, d.text, d.checksum, d.source_format, d.source_path, now, None,
         len(d.text), count_words(d.text), 0)
        for i, d in enumerate(docs)
    ]  # fmt: skip
    turn_rows = [
        (i + 1, k, t.start, t.end, t.speaker, t.media_start, t.media_end)
        for i, d in enumerate(docs)
        for k, t in enumerate(d.turns)
    ]
    con = sqlite3.connect(path)
    try:
        apply_sqlite_pragmas(con)  # the store's own settings: a like-for-like baseline
        start = time.perf_counter()
        with con:
            con.executemany(
                "INSERT INTO document (id, name, text, checksum, source_format, source_path, "
                "imported_at, case_id, length, words, deidentified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                doc_rows,
            )
            con.executemany(
                'INSERT INTO turn (document_id, idx, start, "end", speaker, media_start, '
                "media_end) VALUES (?, ?, ?, ?, ?, ?, ?)",
                turn_rows,
            )
        return time.perf_counter() - start
    finally:
        con.close()


def run(ctx: Context) -> BenchResult:
    counts, words = sizes(ctx.quick)
    result = BenchResult("import", "Import throughput")
    corpus = generate(CorpusSpec(transcripts=max(counts), words=words, codes=10, coders=1,
                                 codings=2))  # fmt: skip
    folder = ctx.scratch("import")
    paths = corpus.write_txt(folder / "txt")
    plot = Series(
        "import",
        f"Import: time vs transcripts ({words:,} words each)",
        "transcripts",
        "seconds",
    )
    if not ctx.quick:
        plot.hlines.append([TARGET_S, "target 60 s (500 transcripts)"])
    for n in counts:
        files = paths[:n]
        size = f"{n} x {words:,} words"
        mb = sum(len(t.text.encode()) for t in corpus.transcripts[:n]) / 2**20
        # ours: the whole import workflow on a fresh project
        wb = open_project(folder / f"ours-{n}.sqlite")
        try:
            with timed() as ours:
                outcomes = [o for _, o in import_transcripts(wb.store, files) if o is not None]
        finally:
            wb.close()
        imported = sum(o.status == "imported" for o in outcomes)
        if imported != n:
            raise RuntimeError(f"imported {imported} of {n} transcripts")
        # the two halves: parse only, and store only (add_document per parsed transcript)
        with timed() as parse:
            parsed = [read_transcript(p) for p in files]
        wb = open_project(folder / f"store-{n}.sqlite")
        try:
            with timed() as store:
                for doc in parsed:
                    wb.store.add_document(doc)
        finally:
            wb.close()
        # baseline: the same rows with sqlite3.executemany into the same schema
        base_path = folder / f"raw-{n}.sqlite"
        open_project(base_path).close()  # same schema, indexes and journal mode
        raw = raw_insert(base_path, parsed)
        target = (n, words) == TARGET_SIZE
        result.rows.append(
            Row(
                "import transcripts (parse + store)",
                size,
                ours.wall,
                raw,
                "sqlite3 executemany",
                limit=TARGET_S if target else None,
                target="< 60 s" if target else "",
                cpu=ours.cpu,
                note=(
                    f"{n / ours.wall:,.0f} transcripts/s, {mb / ours.wall:,.1f} MB/s of text"
                    if n == max(counts)
                    else ""
                ),
            )
        )
        if n == max(counts):
            result.rows.append(
                Row("parse only (read_transcript)", size, parse.wall, raw,
                    "sqlite3 executemany", cpu=parse.cpu)
            )  # fmt: skip
            result.rows.append(
                Row("store only (add_document)", size, store.wall, raw,
                    "sqlite3 executemany", cpu=store.cpu)
            )  # fmt: skip
        plot.add("import_transcripts (ours)", n, ours.wall)
        plot.add("add_document only", n, store.wall)
        plot.add("sqlite3 executemany (baseline)", n, raw)
        for f in folder.glob("*.sqlite*"):
            f.unlink()
    result.series.append(plot)
    result.notes.append(
        "Synthetic transcripts: alternating `Interviewer:` and participant turns, sentences of"
        " 6-20 words from a Zipf-weighted vocabulary; written as UTF-8 `.txt` files first"
        " (not timed)."
    )
    return result
