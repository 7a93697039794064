"""``python -m bench [--quick] [--only NAME[,NAME]]``: run the benchmarks, write the report.

Each benchmark runs in its own process (``--worker NAME``), so its peak memory and its
imports are its own; the scale project (1,000,000 codings) is built once per run by a
``setup-scale`` process and shared by ``scale``, ``agreement`` and ``tui``. Everything
is written under a temporary folder that is removed at the end (``--keep`` keeps it).

The full run writes ``docs/benchmarks.md`` and ``docs/benchmarks/*.svg``; ``--quick``
and ``--only`` write to ``bench/out/`` unless ``--out`` says otherwise, so a smoke run
never replaces the published numbers.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.report import (
    BenchResult,
    Row,
    fmt_value,
    load_average,
    machine_facts,
    result_from_json,
    result_to_json,
    write_report,
)
from bench.timing import Context, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = {
    "import": "bench.bench_import",
    "scale": "bench.bench_scale",
    "agreement": "bench.bench_agreement",
    "search": "bench.bench_search",
    "suggest": "bench.bench_suggest",
    "tui": "bench.bench_tui",
}
NEEDS_SCALE = {"scale", "agreement"}  # tui uses the scale project only when it is there
MEMORY_LIMIT_MB = 1024.0
INTRO = (
    "Run with `make bench` (this file; about ten minutes on two cores), `python -m bench"
    " --quick` (a smoke run in under two minutes, written to `bench/out/`) or `python -m bench"
    " --only NAME[,NAME]` (import, scale, agreement, search, suggest, tui). Every benchmark"
    " runs in its own process on a seeded synthetic corpus (`bench/corpus.py`: transcripts"
    " with speaker turns, a codebook, coders who agree with a generated truth at a set rate)"
    " in a temporary folder that is removed afterwards."
)
TIMEOUT_S = {True: 600, False: 3600}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these ({', '.join(BENCHMARKS)}); repeat or separate with commas",
    )
    parser.add_argument("--out", type=Path, help="where benchmarks.md and the SVGs go")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def selected(only: list[str]) -> list[str]:
    names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; choose from "
                         f"{', '.join(BENCHMARKS)}")  # fmt: skip
    return [n for n in BENCHMARKS if not names or n in names]


# -- worker: one benchmark in this process -------------------------------------------------


def worker(name: str, ctx: Context) -> int:
    out = ctx.workdir / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if name == "setup-scale":
        from bench import bench_scale

        result = bench_scale.setup(ctx)
        result.seconds = time.perf_counter() - start
        result.peak_rss_mb = peak_rss_mb()
        bench_scale.save_setup(ctx, result)
        out.write_text(result_to_json(result))
        return 0
    if name == "bare":
        import numpy  # noqa: F401

        import workbench.bootstrap  # noqa: F401

        result = BenchResult("bare", "bare interpreter", peak_rss_mb=peak_rss_mb())
        out.write_text(result_to_json(result))
        return 0
    module = importlib.import_module(BENCHMARKS[name])
    result = module.run(ctx)
    result.seconds = time.perf_counter() - start
    result.peak_rss_mb = peak_rss_mb()
    out.write_text(result_to_json(result))
    return 0


def run_worker(name: str, ctx: Context, env: dict[str, str]) -> BenchResult:
    """Run one benchmark in a child process; a crash becomes a skipped result with the error."""
    cmd = [sys.executable, "-m", "bench", "--worker", name, "--workdir", str(ctx.workdir)]
    if ctx.quick:
        cmd.append("--quick")
    out = ctx.workdir / "results" / f"{name}.json"
    start = time.perf_counter()
    print(f"bench: {name} ...", flush=True)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=TIMEOUT_S[ctx.quick])
        failed = proc.returncode != 0
        reason = f"the benchmark process failed (exit code {proc.returncode}); see its output"
    except subprocess.TimeoutExpired:
        failed = True
        reason = f"timed out after {TIMEOUT_S[ctx.quick]} s"
    elapsed = time.perf_counter() - start
    if failed or not out.exists():
        print(f"bench: {name} FAILED: {reason}", flush=True)
        return BenchResult(name, name, skipped=reason, seconds=elapsed)
    result = result_from_json(out.read_text())
    print(f"bench: {name} done in {elapsed:.1f} s (peak RSS {result.peak_rss_mb:.0f} MB)")
    return result


def memory_result(results: list[BenchResult], bare: BenchResult | None) -> BenchResult:
    res = BenchResult("memory", "Peak memory per benchmark process")
    base = bare.peak_rss_mb if bare else None
    for r in results:
        if r.peak_rss_mb is None:
            continue
        ran = f"process ran {r.seconds:.0f} s" if r.seconds is not None else ""
        res.rows.append(
            Row(
                f"peak RSS: {r.name}",
                ran,
                r.peak_rss_mb,
                base,
                "python + workbench.bootstrap + numpy",
                unit="MB",
                limit=MEMORY_LIMIT_MB,
                target="< 1 GiB",
            )
        )
    res.notes.append(
        "Peak resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`) of each"
        " benchmark's own process; `setup` includes generating the synthetic corpus, which is"
        " not workbench code."
    )
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        assert args.workdir is not None
        ctx = Context(args.workdir, args.quick)
        try:
            return worker(args.worker, ctx)
        except Exception:  # noqa: BLE001 - report any failure and exit non-zero
            traceback.print_exc()
            return 1

    names = selected(args.only)
    full = not args.quick and not args.only
    out_dir = args.out or (ROOT / "docs" if full else ROOT / "bench" / "out")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = Context(workdir, args.quick)
    env = dict(os.environ)
    env["WORKBENCH_DATA_DIR"] = str(workdir / "data")  # keymaps, models: never the user's
    env.pop("WORKBENCH_PROJECT", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = load_average()
    t0 = time.perf_counter()
    results: list[BenchResult] = []
    try:
        bare = run_worker("bare", ctx, env)
        setup: BenchResult | None = None
        for name in names:
            if name in NEEDS_SCALE and setup is None:
                setup = run_worker("setup-scale", ctx, env)
                if setup.skipped:
                    results.append(setup)
            results.append(run_worker(name, ctx, env))
        ordered = list(results)
        measured = list(results)
        if setup is not None and not setup.skipped:
            measured.append(setup)
            if "scale" not in names:  # else its rows are in the scale section
                ordered.append(setup)
        ordered.append(memory_result(measured, bare if not bare.skipped else None))
        command = (
            "python -m bench"
            + (" --quick" if args.quick else "")
            + "".join(f" --only {n}" for n in args.only)
        )
        md = write_report(
            ordered,
            out_dir,
            facts=machine_facts(),
            started=started,
            loads=(load_start, load_average()),
            command=command,
            intro=INTRO,
        )
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nbench: wrote {md.relative_to(ROOT) if md.is_relative_to(ROOT) else md} "
          f"in {time.perf_counter() - t0:.0f} s")  # fmt: skip
    for res in ordered:
        for row in res.rows:
            if row.limit is not None:
                print(f"  {row.status:>10}  {res.name}: {row.what} ({row.size}) = "
                      f"{fmt_value(row.ours, row.unit)}  target {row.target}")  # fmt: skip
        if res.skipped:
            print(f"  {'skipped':>10}  {res.name}: {res.skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
