"""Agreement for every code: the project workflow and the engine vs the ``krippendorff`` package.

Two measurements per project size (the largest is the scale project with 1,000,000
codings; the smaller ones are built from the same generator):

1. ``workbench.workflows.agreement.compute_agreement`` with every coder and sentence
   units: reading the codings, the units, the per-code statistics, the disagreement
   list - what ``workbench agreement`` and the agreement screen run. Its progress
   steps are timed, so the table shows where the time goes.
2. The agreement engine on per-code presence matrices (units = sentences of all
   documents laid end to end, built with the engine's ``presence_matrix``):
   ``workbench.agreement.krippendorff_alpha`` against ``krippendorff.alpha`` on the
   very same matrices, one code at a time. Their values are compared too, and with
   the workflow's.

``bench/bench_alpha.py`` (engine vs package on a random units x coders matrix) is run
as well, at its default size, so its number sits next to these.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path

import numpy as np

from bench.bench_scale import ensure_project, load_meta, project_path
from bench.bench_scale import spec as scale_spec
from bench.corpus import generate
from bench.project import build_project, open_project
from bench.report import BenchResult, Row, Series
from bench.timing import Context, best_of, peak_rss_mb, timed
from workbench.agreement import krippendorff_alpha, presence_matrix
from workbench.core.services.sentences import sentence_spans

TARGET_S = 10.0


def small_sizes(quick: bool) -> list[int]:
    """Transcript counts of the smaller projects (same spec as the scale project)."""
    return [2] if quick else [5, 50]


def coding_table(path: Path) -> np.ndarray:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            'SELECT document_id, code_id, coder_id, start, "end" FROM coding'
        ).fetchall()
    finally:
        con.close()
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


def per_code_matrices(wb: object, path: Path) -> tuple[list[int], object]:
    """Code ids and a generator of (code id, units x coders presence matrix)."""
    store = wb.store  # type: ignore[attr-defined]
    table = coding_table(path)
    docs = store.documents()
    offsets = np.cumsum([0] + [d.length for d in docs])
    units = []
    for d, off in zip(docs, offsets[:-1], strict=False):
        turns = sorted(store.turns(d.id), key=lambda t: (t.start, t.end))
        spans = sorted(sentence_spans(store.text(d.id), turns))
        units.append(np.asarray(spans, dtype=np.int64).reshape(-1, 2) + off)
    unit_spans = np.vstack(units)
    doc_offset = np.zeros(max(d.id for d in docs) + 1, dtype=np.int64)
    for d, off in zip(docs, offsets[:-1], strict=False):
        doc_offset[d.id] = off
    start = table[:, 3] + doc_offset[table[:, 0]]
    end = table[:, 4] + doc_offset[table[:, 0]]
    coders = sorted(set(table[:, 2].tolist()))
    codes = sorted(set(table[:, 1].tolist()))
    order = np.lexsort((table[:, 2], table[:, 1]))
    keys = table[order, 1] * (max(coders) + 1) + table[order, 2]
    total = int(offsets[-1])

    def matrices():  # type: ignore[no-untyped-def]
        for code in codes:
            columns = []
            for coder in coders:
                key = code * (max(coders) + 1) + coder
                lo, hi = np.searchsorted(keys, [key, key + 1])
                sel = order[lo:hi]
                columns.append(np.column_stack((start[sel], end[sel])))
            yield code, presence_matrix(total, unit_spans, columns)

    return codes, matrices()


def engine_vs_package(wb: object, path: Path) -> dict[str, float]:
    import krippendorff

    ours = theirs = build = 0.0
    ours_cpu = 0.0
    diff = 0.0
    values: dict[int, float] = {}
    with timed() as prep:
        codes, mats = per_code_matrices(wb, path)
    n_units = 0
    while True:
        t0 = time.perf_counter()
        try:
            code, m = next(mats)  # type: ignore[call-overload]
        except StopIteration:
            break
        build += time.perf_counter() - t0
        n_units = m.shape[0]
        with timed() as a:
            value = krippendorff_alpha(m, "nominal").value
        with timed() as b:
            other = float(krippendorff.alpha(reliability_data=m.T, level_of_measurement="nominal"))
        ours += a.wall
        ours_cpu += a.cpu
        theirs += b.wall
        if value is not None:
            values[code] = value
            diff = max(diff, abs(value - other))
        del m
    return {
        "ours": ours,
        "ours_cpu": ours_cpu,
        "theirs": theirs,
        "build": build + prep.wall,
        "diff": diff,
        "codes": len(codes),
        "units": n_units,
        "values": values,  # type: ignore[dict-item]
    }


def run_workflow(wb: object) -> tuple[float, float, dict[str, float], object]:
    """compute_agreement through its generator, timing each progress phase."""
    from workbench.core.agreement_report import AgreementReport
    from workbench.workflows.agreement import AgreementRequest, run_agreement

    store = wb.store  # type: ignore[attr-defined]
    coders = tuple(c.name for c in store.coders())
    phases: dict[str, float] = {}
    report = None
    with timed() as clock:
        last = time.perf_counter()
        phase = "start"
        for step in run_agreement(store, AgreementRequest(coders, "sentence")):
            now = time.perf_counter()
            phases[phase] = phases.get(phase, 0.0) + now - last
            last = now
            if isinstance(step, AgreementReport):
                report = step
                continue
            label = step.label
            phase = (
                "reading documents"
                if label.startswith("reading ") and label != ("reading codings")
                else label
            )
    assert report is not None
    return clock.wall, clock.cpu, phases, report


def run(ctx: Context) -> BenchResult:
    result = BenchResult("agreement", "Agreement for every code")
    try:
        import krippendorff  # noqa: F401
    except ImportError:
        result.skipped = "the `krippendorff` package (a dev dependency) is not installed"
        return result
    ensure_project(ctx)
    meta = load_meta(ctx)
    sp = scale_spec(ctx.quick)
    projects: list[tuple[int, Path]] = []
    for n in small_sizes(ctx.quick):
        path = ctx.scratch("agreement") / f"project-{n}.sqlite"
        small = generate(dataclasses.replace(sp, transcripts=n))
        build_project(small, path)
        projects.append((len(small.codings), path))
    projects.append((int(meta["codings"]), project_path(ctx)))  # type: ignore[call-overload]

    wf_plot = Series(
        "agreement-workflow",
        "Agreement for every code: time vs codings",
        "codings in the project",
        "seconds",
    )
    alpha_plot = Series(
        "agreement-alpha",
        "Krippendorff's alpha, all codes: engine vs krippendorff package",
        "codings in the project",
        "seconds",
    )
    top = max(n for n, _ in projects)
    if not ctx.quick:
        wf_plot.hlines.append([TARGET_S, "target 10 s (1,000,000 codings)"])
    for n_codings, path in projects:
        size = f"{n_codings:,} codings"
        wb = open_project(path)
        try:
            wf_wall, wf_cpu, phases, report = run_workflow(wb)
            workflow_alpha = {r.code_id: r.alpha.value for r in report.rows}  # type: ignore[attr-defined]
            n_disagreements = len(report.disagreements)  # type: ignore[attr-defined]
            del report
            wf_rss = peak_rss_mb()
            ev = engine_vs_package(wb, path)
        finally:
            wb.close()
        values: dict[int, float] = ev["values"]  # type: ignore[assignment]
        wf_diff = max(
            (abs(v - workflow_alpha[c]) for c, v in values.items() if workflow_alpha.get(c)),
            default=0.0,
        )
        is_top = n_codings == top
        target = is_top and not ctx.quick
        result.rows.append(
            Row(
                "agreement workflow, every code (4 statistics + disagreement list)"
                if not ctx.quick
                else "agreement workflow, every code",
                f"{size}, {ev['codes']:.0f} codes, {ev['units']:,.0f} sentences",
                wf_wall,
                ev["theirs"],
                "krippendorff pkg, alpha only",
                limit=TARGET_S if target else None,
                target="< 10 s" if target else "",
                cpu=wf_cpu,
                note=(
                    "phases: "
                    + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items() if v >= 0.005)
                    + f"; {n_disagreements:,} disagreements listed; peak RSS of the process"
                    f" after the workflow {wf_rss:,.0f} MB"
                    if is_top
                    else ""
                ),
            )
        )
        result.rows.append(
            Row(
                "alpha, every code: engine (krippendorff_alpha)",
                f"{size}, {ev['codes']:.0f} matrices of {ev['units']:,.0f} x {len(meta['coders'])}",  # type: ignore[arg-type]
                ev["ours"],
                ev["theirs"],
                "krippendorff pkg, same matrices",
                cpu=ev["ours_cpu"],
                note=(
                    f"largest |difference| engine vs package {ev['diff']:.1e}, engine vs"
                    f" workflow {wf_diff:.1e}; building the matrices with presence_matrix took"
                    f" {ev['build']:.2f} s (not in either figure)"
                    if is_top
                    else ""
                ),
            )
        )
        wf_plot.add("compute_agreement (ours)", n_codings, wf_wall)
        wf_plot.add("krippendorff pkg, alpha only (baseline)", n_codings, ev["theirs"])
        alpha_plot.add("engine krippendorff_alpha (ours)", n_codings, ev["ours"])
        alpha_plot.add("krippendorff.alpha (baseline)", n_codings, ev["theirs"])
    result.series += [wf_plot, alpha_plot]

    # bench_alpha.py: one random units x coders matrix (its own data, its own defaults)
    try:
        from bench.bench_alpha import make_data

        units = 20_000 if ctx.quick else 100_000
        data = make_data(units, 5)
        ours_clock, _ = best_of(lambda: krippendorff_alpha(data, "nominal").value, 3)
        theirs_clock, _ = best_of(
            lambda: krippendorff.alpha(
                reliability_data=data.T.copy(), level_of_measurement="nominal"
            ),
            3,
        )
        result.rows.append(
            Row(
                "alpha, one matrix of 10 categories, 10% missing (bench_alpha.py data)",
                f"{units:,} units x 5 coders",
                ours_clock.wall,
                theirs_clock.wall,
                "krippendorff pkg",
                cpu=ours_clock.cpu,
            )
        )
    except ImportError:
        result.notes.append("bench/bench_alpha.py is not there; its row is left out.")
    result.notes.append(
        "Units are sentences (core's `sentence_spans` within turns). Presence data: a coder"
        " applied a code to a sentence when one of their codings of it overlaps the sentence."
        " The workflow also computes percent agreement, Fleiss' kappa and Gwet's AC1 for every"
        " code, document and code x document cell and lists every disagreement; the"
        " baseline computes alpha only, so the ratio is what the whole report costs per unit"
        " of the package's alpha."
    )
    return result
