"""A project at research scale: 500 transcripts x 10,000 words and 1,000,000 codings.

``setup`` (its own process) generates the corpus and builds the project through the
store API: documents with ``add_document``, codings with ``add_codings_bulk`` in
batches, timed against ``sqlite3.executemany`` of the same rows into a copy; after
each batch it records how long ``info`` takes and how big the file is. ``run`` then
opens the finished project and measures what a user meets: ``workbench info`` from the
shell, the file size against the raw text, and the store reads the TUI and the
workflows make at this size, each against plain ``sqlite3`` doing the same read.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.corpus import Corpus, CorpusSpec, generate
from bench.project import (
    ProjectIds,
    add_codebook_and_coders,
    add_documents,
    new_codings,
    open_project,
)
from bench.report import BenchResult, Row, Series, result_from_json, result_to_json
from bench.timing import Context, best_of, current_rss_mb, timed
from workbench.store.engine import apply_sqlite_pragmas
from workbench.store.tables import utcnow

INFO_TARGET_S = 2.0
BYTES_PER_CODING = 200


def spec(quick: bool) -> CorpusSpec:
    if quick:
        return CorpusSpec(transcripts=20, words=2_000, codes=20, coders=3, codings=50)
    return CorpusSpec(transcripts=500, words=10_000, codes=50, coders=4, codings=500)


def checkpoints(total: int) -> list[int]:
    """Cumulative coding counts at which info and size are recorded (1-3-10 steps)."""
    marks = [total // 100, total * 3 // 100, total // 10, total * 3 // 10, total]
    return sorted({m for m in marks if m > 0})


def project_path(ctx: Context) -> Path:
    return ctx.workdir / "scale" / "project.sqlite"


def meta_path(ctx: Context) -> Path:
    return ctx.workdir / "scale" / "meta.json"


def load_meta(ctx: Context) -> dict[str, object]:
    return dict(json.loads(meta_path(ctx).read_text()))


def file_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def checkpoint(wb_engine: object) -> None:
    """Move the WAL into the main file, so the file size is the project size."""
    with wb_engine.connect() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def raw_insert_codings(path: Path, corpus: Corpus, ids: ProjectIds) -> float:
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = [
        (c.document_id, c.code_id, c.coder_id, c.start, c.end, "", 0, 0, now, now)
        for c in new_codings(corpus.codings, ids)
    ]
    con = sqlite3.connect(path)
    try:
        apply_sqlite_pragmas(con)  # the store's own settings: a like-for-like baseline
        start = time.perf_counter()
        with con:
            con.executemany(
                'INSERT INTO coding (document_id, code_id, coder_id, start, "end", memo, '
                "starred, needs_review, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        return time.perf_counter() - start
    finally:
        con.close()


def raw_info(path: Path) -> tuple[int, ...]:
    con = sqlite3.connect(path)
    try:
        counts = tuple(
            int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in ("document", "code", "coding", "case")
        )
        con.execute("SELECT name FROM coder ORDER BY name").fetchall()
        return counts
    finally:
        con.close()


# -- setup: build the project (own process) ---------------------------------------------


def setup(ctx: Context) -> BenchResult:
    sp = spec(ctx.quick)
    result = BenchResult("setup", "Building the project (setup for scale and agreement)")
    with timed() as gen:
        corpus = generate(sp)
    path = project_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = open_project(path)
    try:
        codes, coders = add_codebook_and_coders(wb, corpus)
        with timed() as docs_clock:
            ids = ProjectIds(add_documents(wb, corpus), codes, coders)
        checkpoint(wb.engine)
        docs_only = path.with_name("documents-only.sqlite")
        shutil.copyfile(path, docs_only)
        size_plot = Series(
            "scale-size",
            "Project file size vs codings",
            "codings",
            "bytes",
            y_kind="bytes",
        )
        info_plot = Series("scale-info", "info vs codings", "codings", "seconds")
        insert_plot = Series(
            "scale-insert", "Adding codings: time vs codings", "codings", "seconds"
        )
        total = len(corpus.codings)
        done = 0
        insert_wall = insert_cpu = 0.0
        for mark in checkpoints(total):
            rows = corpus.codings[done:mark]
            with timed() as clock:
                for i in range(0, len(rows), 50_000):
                    batch = rows[i : i + 50_000]
                    wb.store.add_codings_bulk(new_codings(batch, ids), "bench.codings", "bench")
            insert_wall += clock.wall
            insert_cpu += clock.cpu
            done = mark
            insert_plot.add("add_codings_bulk (ours)", done, insert_wall)
            info_clock, _ = best_of(wb.store.info, 3)
            raw_clock, _ = best_of(lambda: raw_info(path), 3)
            info_plot.add("store.info() (ours)", done, info_clock.wall)
            info_plot.add("sqlite3 count(*) (baseline)", done, raw_clock.wall)
            checkpoint(wb.engine)
            size_plot.add("project file (ours)", done, file_bytes(path))
            size_plot.add(
                "limit: 2 x raw text + 200 B/coding",
                done,
                2 * corpus.raw_bytes + BYTES_PER_CODING * done,
            )
        info_plot.hlines.append([INFO_TARGET_S, "target 2 s"])
    finally:
        wb.close()
    raw = raw_insert_codings(docs_only, corpus, ids)
    docs_only.unlink()
    for extra in docs_only.parent.glob("documents-only.sqlite-*"):
        extra.unlink()
    result.rows.append(
        Row(
            "add codings (add_codings_bulk, 50,000 per call)",
            f"{total:,} codings",
            insert_wall,
            raw,
            "sqlite3 executemany",
            cpu=insert_cpu,
            note=f"{total / insert_wall:,.0f} codings/s",
        )
    )
    result.rows.append(
        Row(
            "add documents (add_document each)",
            f"{sp.transcripts} x {sp.words:,} words",
            docs_clock.wall,
            cpu=docs_clock.cpu,
        )
    )
    result.series += [insert_plot, info_plot, size_plot]
    meta = {
        "spec": asdict(sp),
        "raw_bytes": corpus.raw_bytes,
        "words": corpus.words,
        "codings": total,
        "coders": list(corpus.coder_names),
        "documents": [t.name for t in corpus.transcripts],
        "sentences": int(sum(len(t.sentences) for t in corpus.transcripts)),
        "observed_agreement": corpus.observed_agreement(),
        "generate_s": gen.wall,
    }
    meta_path(ctx).write_text(json.dumps(meta))
    result.notes.append(
        f"Corpus: {sp.transcripts} transcripts x ~{sp.words:,} words ({corpus.words:,} words,"
        f" {corpus.raw_bytes / 2**20:,.1f} MB of text), {sp.codes} codes, {sp.coders} coders x"
        f" {sp.codings} codings per transcript = {total:,} codings; each coder agrees with the"
        f" generated truth on {corpus.observed_agreement():.0%} of codings (asked:"
        f" {sp.agreement:.0%}). Generated in {gen.wall:.1f} s (not part of any figure)."
    )
    return result


def setup_result_path(ctx: Context) -> Path:
    return ctx.workdir / "scale" / "setup.json"


def ensure_project(ctx: Context) -> None:
    """Build the scale project in a separate process unless this run already has it."""
    if project_path(ctx).exists() and meta_path(ctx).exists():
        return
    cmd = [sys.executable, "-m", "bench", "--worker", "setup-scale", "--workdir", str(ctx.workdir)]
    if ctx.quick:
        cmd.append("--quick")
    subprocess.run(cmd, check=True)


# -- run: what a user meets at this size --------------------------------------------------


def cli_info(path: Path) -> list[str]:
    script = Path(sys.executable).with_name("workbench")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "workbench.cli"]
    return [*base, "--project", str(path), "info"]


def raw_info_cmd(path: Path) -> list[str]:
    code = (
        "import sqlite3,sys; con=sqlite3.connect(sys.argv[1]);"
        "print([con.execute(f'SELECT count(*) FROM \"{t}\"').fetchone()[0] "
        "for t in ('document','code','coding','case')]);"
        "print(con.execute('SELECT name FROM coder ORDER BY name').fetchall())"
    )
    return [sys.executable, "-c", code, str(path)]


def run_cmd(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def run(ctx: Context) -> BenchResult:
    ensure_project(ctx)
    meta = load_meta(ctx)
    path = project_path(ctx)
    n_codings = int(meta["codings"])  # type: ignore[call-overload]
    raw_bytes = int(meta["raw_bytes"])  # type: ignore[call-overload]
    size = f"{n_codings:,} codings"
    result = BenchResult("scale", "A project at research scale")
    setup_file = setup_result_path(ctx)
    if setup_file.exists():
        setup_res = result_from_json(setup_file.read_text())
        result.rows += setup_res.rows
        result.series += setup_res.series
        result.notes += setup_res.notes

    # workbench info from the shell (interpreter start-up included) vs sqlite3 from the shell
    runs = 3
    ours_cli = min(run_cmd(cli_info(path)) for _ in range(runs))
    base_cli = min(run_cmd(raw_info_cmd(path)) for _ in range(runs))
    result.rows.append(
        Row(
            "`workbench info` (new process)",
            size,
            ours_cli,
            base_cli,
            "python -c sqlite3 counts",
            limit=INFO_TARGET_S if not ctx.quick else None,
            target="< 2 s" if not ctx.quick else "",
            note="wall clock of the whole command, best of 3: interpreter start-up, imports,"
            " opening the project (migration check) and the counts",
        )
    )
    wb = open_project(path)
    try:
        info_clock, info = best_of(wb.store.info, 3)
        raw_clock, _ = best_of(lambda: raw_info(path), 3)
        assert info.codings == n_codings
        result.rows.append(
            Row("store.info() (open project)", size, info_clock.wall, raw_clock.wall,
                "sqlite3 count(*)", cpu=info_clock.cpu)
        )  # fmt: skip

        # the size of the project file
        checkpoint(wb.engine)
        nbytes = file_bytes(path)
        limit = 2 * raw_bytes + BYTES_PER_CODING * n_codings
        result.rows.append(
            Row(
                "project file size",
                f"{raw_bytes / 2**20:,.1f} MB text, {size}",
                nbytes,
                raw_bytes,
                "raw transcript text (UTF-8)",
                unit="B",
                limit=limit,
                target=f"<= 2 x text + 200 B/coding ({limit / 2**20:,.0f} MB)",
                note=(
                    f"{(nbytes - raw_bytes) / n_codings:,.0f} bytes per coding beyond the raw"
                    " text (rows, indexes, turns, free pages)"
                ),
            )
        )

        # store reads the TUI and workflows make at this size
        coder_id = wb.store.coders()[0].id
        rss0 = current_rss_mb()
        with timed() as mine:
            one = wb.store.codings(coder_ids=[coder_id])
        rss1 = current_rss_mb()
        n_one = len(one)
        del one
        raw_one, _ = best_of(lambda: raw_codings(path, coder_id), 1)
        result.rows.append(
            Row(
                "store.codings() of one coder",
                f"{n_one:,} codings",
                mine.wall,
                raw_one.wall,
                "sqlite3 fetchall",
                cpu=mine.cpu,
                note=(
                    f"about {max(rss1 - rss0, 0):,.0f} MB more resident memory while the"
                    " list is alive; used by training suggestions, theme summaries and blind"
                    " mode"
                ),
            )
        )
        with timed() as cov:
            coverage = wb.store.coverage()
        raw_cov, _ = best_of(lambda: raw_coverage(path), 1)
        result.rows.append(
            Row(
                "store.coverage() (whole project)",
                size,
                cov.wall,
                raw_cov.wall,
                "sqlite3 fetchall + same union",
                cpu=cov.cpu,
                note="the coding screen calls it when it opens and after every change"
                f" ({len(coverage):,} document x coder pairs)",
            )
        )
        doc = wb.store.documents()[0]
        clock, turns = best_of(lambda: wb.store.turns(doc.id), 5)
        raw_turns, _ = best_of(lambda: raw_turn_rows(path, doc.id), 5)
        result.rows.append(
            Row("store.turns() of one transcript", f"{len(turns)} turns", clock.wall,
                raw_turns.wall, "sqlite3 fetchall", cpu=clock.cpu)
        )  # fmt: skip
    finally:
        wb.close()
    return result


def raw_codings(path: Path, coder_id: int) -> int:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            'SELECT * FROM coding WHERE coder_id = ? ORDER BY document_id, start, "end", id',
            (coder_id,),
        ).fetchall()
        return len(rows)
    finally:
        con.close()


def raw_coverage(path: Path) -> int:
    from workbench.store.repos import union_length

    con = sqlite3.connect(path)
    try:
        spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for d, c, a, b in con.execute('SELECT document_id, coder_id, start, "end" FROM coding'):
            spans.setdefault((d, c), []).append((a, b))
        return len({k: union_length(v) for k, v in spans.items()})
    finally:
        con.close()


def raw_turn_rows(path: Path, document_id: int) -> int:
    con = sqlite3.connect(path)
    try:
        return len(
            con.execute(
                "SELECT * FROM turn WHERE document_id = ? ORDER BY idx", (document_id,)
            ).fetchall()
        )
    finally:
        con.close()


def save_setup(ctx: Context, result: BenchResult) -> None:
    setup_result_path(ctx).write_text(result_to_json(result))
