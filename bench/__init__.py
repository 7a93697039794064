"""Benchmarks at research-project scale: ``python -m bench`` (``make bench``).

Each benchmark module (``bench_import``, ``bench_scale``, ``bench_agreement``,
``bench_search``, ``bench_suggest``, ``bench_tui``) has ``run(ctx) -> BenchResult``
and runs in its own process, so its peak memory is its own. Every figure is a ratio
against a baseline measured in the same run; :mod:`bench.report` writes
``docs/benchmarks.md`` and the SVG plots. Nothing here is imported by ``workbench``.
"""
