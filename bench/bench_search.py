"""Fuzzy search: codes with ``rank_codes`` and passages over up to 1,000,000 segments.

- Code search is ``workbench.core.services.ranking.rank_codes``, the ranking behind the
  code picker, the palette and the CLI, re-run on every keystroke. Baseline: a plain
  Python loop keeping the codes whose name contains the query (no fuzziness) - the
  cheapest picker there is. The conventions give a keystroke 100 ms.
- Passage search ranks coded passages (segments) for a query with a typo, with the scorer
  the picker uses for paths and keywords (``fuzz.partial_ratio`` on
  ``utils.default_process``-ed text, cut-off 80, best 20). The workbench has no fuzzy
  passage search of its own yet (project search is exact), so "ours" is the batch call
  such a search would make, ``rapidfuzz.process.extract`` over the pre-processed
  segments (as ``workbench.nlp.similar`` batches with ``process.cdist``); the baseline
  is a plain Python loop calling the same scorer on every segment. Both return the same
  hits (checked).
"""

from __future__ import annotations

import heapq

import numpy as np
from rapidfuzz import fuzz, process, utils

from bench.corpus import DOMAIN_WORDS, make_codebook, make_segments, make_vocabulary
from bench.report import BenchResult, Row, Series
from bench.timing import Context, best_of, timed
from workbench.core.model import Code
from workbench.core.services.ranking import rank_codes

CUTOFF = 80
LIMIT = 20
KEYSTROKE_S = 0.1
QUERIES = ("sponsor meetng group", "preasure from members", "famly home church")
CODE_QUERIES = ("sponsr", "meeting", "presure grp")


def make_codes(n: int) -> list[Code]:
    rng = np.random.default_rng(7)
    vocab = make_vocabulary(4_000, rng)
    spec = make_codebook(n, rng, vocab)
    ids = {c.key: i + 1 for i, c in enumerate(spec.codes)}
    names = {c.key: c.name for c in spec.codes}
    codes = []
    for c in spec.codes:
        path = f"{names[c.parent]} > {c.name}" if c.parent else c.name
        codes.append(
            Code(
                id=ids[c.key],
                key=c.key,
                name=c.name,
                parent_id=ids.get(c.parent) if c.parent else None,
                path=path,
                depth=1 if c.parent else 0,
                definition=c.definition,
                keywords=c.keywords,
            )
        )
    return codes


def substring_filter(query: str, codes: list[Code]) -> list[Code]:
    q = query.lower()
    return [c for c in codes if q in c.name.lower()]


def python_loop(query: str, segments: list[str]) -> list[tuple[float, int]]:
    hits = []
    for i, s in enumerate(segments):
        score = fuzz.partial_ratio(query, s, processor=None, score_cutoff=CUTOFF)
        if score:
            hits.append((score, -i))
    return [(s, -i) for s, i in heapq.nlargest(LIMIT, hits)]


def batch(query: str, segments: list[str]) -> list[tuple[float, int]]:
    found = process.extract(
        query, segments, scorer=fuzz.partial_ratio, processor=None, limit=LIMIT,
        score_cutoff=CUTOFF,
    )  # fmt: skip
    return [(score, i) for _, score, i in found]


def batch_parallel(query: str, segments: list[str]) -> list[tuple[float, int]]:
    scores = process.cdist(
        [query], segments, scorer=fuzz.partial_ratio, processor=None, score_cutoff=CUTOFF,
        workers=-1, dtype=np.float32,
    )[0]  # fmt: skip
    idx = np.flatnonzero(scores)
    top = idx[np.lexsort((idx, -scores[idx]))][:LIMIT]
    return [(float(scores[i]), int(i)) for i in top]


def _scores(hits: list[list[tuple[float, int]]]) -> list[list[float]]:
    """The scores of each query's hits, rounded (cdist returns float32)."""
    return [[round(s, 2) for s, _ in h] for h in hits]


def run(ctx: Context) -> BenchResult:
    result = BenchResult("search", "Fuzzy search")
    code_sizes = [100, 1_000] if ctx.quick else [100, 1_000, 10_000]
    seg_sizes = [10_000, 50_000] if ctx.quick else [10_000, 100_000, 1_000_000]

    codes_plot = Series(
        "search-codes", "Code search per keystroke: time vs codebook size", "codes", "seconds"
    )
    codes_plot.hlines.append([KEYSTROKE_S, "100 ms per keystroke"])
    for n in code_sizes:
        codes = make_codes(n)

        def ours(codes: list[Code] = codes) -> int:
            return sum(len(rank_codes(q, codes, limit=30)) for q in CODE_QUERIES)

        def base(codes: list[Code] = codes) -> int:
            return sum(len(substring_filter(q, codes)) for q in CODE_QUERIES)

        clock, _ = best_of(ours, 3)
        base_clock, _ = best_of(base, 3)
        per_q, base_q = clock.wall / len(CODE_QUERIES), base_clock.wall / len(CODE_QUERIES)
        budget = n == 1_000
        result.rows.append(
            Row("rank_codes, one keystroke", f"{n:,} codes", per_q, base_q,
                "substring filter (plain loop)", limit=KEYSTROKE_S if budget else None,
                target="< 100 ms (keystroke budget)" if budget else "",
                cpu=clock.cpu / len(CODE_QUERIES))
        )  # fmt: skip
        codes_plot.add("rank_codes (ours)", n, per_q)
        codes_plot.add("substring filter (baseline)", n, base_q)

    seg_plot = Series(
        "search-passages",
        "Fuzzy passage search per query: time vs segments",
        "segments",
        "seconds",
    )
    segments_all = make_segments(max(seg_sizes), seed=11)
    queries = [utils.default_process(q) for q in QUERIES]
    for n in seg_sizes:
        with timed() as prep:
            segments = [utils.default_process(s) for s in segments_all[:n]]
        repeat = 1 if n >= 1_000_000 else 3

        def ours_b(segments: list[str] = segments) -> list[list[tuple[float, int]]]:
            return [batch(q, segments) for q in queries]

        def ours_p(segments: list[str] = segments) -> list[list[tuple[float, int]]]:
            return [batch_parallel(q, segments) for q in queries]

        def base_l(segments: list[str] = segments) -> list[list[tuple[float, int]]]:
            return [python_loop(q, segments) for q in queries]

        c_batch, hits_batch = best_of(ours_b, repeat)
        c_par, hits_par = best_of(ours_p, repeat)
        c_loop, hits_loop = best_of(base_l, repeat)
        same = _scores(hits_batch) == _scores(hits_loop)
        same_par = _scores(hits_par) == _scores(hits_loop)
        k = len(queries)
        size = f"{n:,} segments"
        result.rows.append(
            Row("passage search: rapidfuzz process.extract (1 thread)", size, c_batch.wall / k,
                c_loop.wall / k, "plain Python loop, same scorer", cpu=c_batch.cpu / k,
                note=("" if same else "HITS DIFFER from the loop! ")
                + (f"pre-processing the segments once: {prep.wall:.2f} s"
                   if n == max(seg_sizes) else ""))
        )  # fmt: skip
        result.rows.append(
            Row("passage search: rapidfuzz process.cdist (all cores)", size, c_par.wall / k,
                c_loop.wall / k, "plain Python loop, same scorer", cpu=c_par.cpu / k,
                note="" if same_par else "HITS DIFFER from the loop!")
        )  # fmt: skip
        seg_plot.add("process.extract (ours)", n, c_batch.wall / k)
        seg_plot.add("process.cdist, all cores", n, c_par.wall / k)
        seg_plot.add("plain Python loop (baseline)", n, c_loop.wall / k)
    result.series += [codes_plot, seg_plot]
    result.notes.append(
        f"Queries (each with a typo): {', '.join(repr(q) for q in QUERIES)} for passages;"
        f" {', '.join(repr(q) for q in CODE_QUERIES)} for codes. Segments are generated"
        f" sentences of 6-20 words; the codebook's names and keywords use domain words such as"
        f" {', '.join(DOMAIN_WORDS[:4])}. Times are per query (mean of the queries, best of 3"
        " runs; one run at 1,000,000 segments)."
    )
    return result
