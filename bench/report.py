"""Results of a run and how they are written: ``docs/benchmarks.md`` and hand-made SVG plots.

A benchmark returns a :class:`BenchResult`: table rows (ours vs a baseline measured in
the same run, with an optional target), plot series (time vs size) and notes. Results
travel between processes as JSON (:func:`result_to_json` / :func:`result_from_json`).
"""

from __future__ import annotations

import html
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "workbench", "sqlalchemy", "sqlmodel", "alembic", "numpy", "rapidfuzz", "textual",
    "spacy", "krippendorff",
)  # fmt: skip
UNITS = ("s", "MB", "B", "/s", "x")


@dataclass
class Row:
    """One measurement: ours against a baseline of the same work, and maybe a target.

    ``unit`` is ``s`` (seconds, lower is better), ``/s`` (a rate, higher is better),
    ``MB`` or ``B`` (sizes, lower is better). ``limit`` is the target in ``unit``;
    ``cpu`` is ours in CPU seconds (for ``s`` rows), shown because the machine may be
    shared while the benchmark runs.
    """

    what: str
    size: str
    ours: float
    baseline: float | None = None
    baseline_name: str = ""
    unit: str = "s"
    limit: float | None = None
    target: str = ""
    cpu: float | None = None
    note: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.unit == "/s"

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0 or math.isnan(self.baseline):
            return None
        return self.ours / self.baseline

    @property
    def status(self) -> str:
        """``pass``, ``miss``, ``pass (CPU)`` (wall clock missed, CPU time within) or ``-``."""
        if self.limit is None:
            return "-"
        if self.higher_is_better:
            return "pass" if self.ours >= self.limit else "miss"
        if self.ours <= self.limit:
            return "pass"
        if self.unit == "s" and self.cpu is not None and self.cpu <= self.limit:
            return "pass (CPU)"
        return "miss"


@dataclass
class Series:
    """Lines of one plot: ``lines[name] = [[x, y], ...]``; ``hlines`` are target lines."""

    id: str
    title: str
    x_label: str
    y_label: str
    lines: dict[str, list[list[float]]] = field(default_factory=dict)
    x_kind: str = "count"  # count, plain
    y_kind: str = "seconds"  # seconds, bytes, rate, plain
    hlines: list[list[Any]] = field(default_factory=list)  # [y, label]
    log_x: bool = True

    def add(self, line: str, x: float, y: float) -> None:
        self.lines.setdefault(line, []).append([float(x), float(y)])


@dataclass
class BenchResult:
    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None
    peak_rss_mb: float | None = None
    seconds: float | None = None


def result_to_json(result: BenchResult) -> str:
    return json.dumps(asdict(result), indent=1)


def result_from_json(text: str) -> BenchResult:
    data = json.loads(text)
    data["rows"] = [Row(**r) for r in data.get("rows", [])]
    data["series"] = [Series(**s) for s in data.get("series", [])]
    return BenchResult(**data)


# -- numbers ----------------------------------------------------------------------------


def fmt_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "s":
        return fmt_seconds(value)
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 100 else f"{value:,.1f} MB"
    if unit == "B":
        return fmt_bytes(value)
    if unit == "/s":
        return f"{value:,.0f}/s" if value >= 100 else f"{value:,.1f}/s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.3g}"


def fmt_seconds(s: float) -> str:
    if s >= 100:
        return f"{s:,.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.001:
        return f"{s * 1000:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def fmt_bytes(b: float) -> str:
    for unit, size in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if b >= size:
            return f"{b / size:,.1f} {unit}"
    return f"{b:,.0f} B"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if ratio >= 10:
        return f"{ratio:,.0f}x"
    if ratio < 0.1 and ratio > 0:
        return f"1/{1 / ratio:,.0f}x"
    return f"{ratio:.2f}x"


# -- machine ----------------------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    facts = {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} ({usable} usable)",
        "memory": mem or "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }
    for name in PACKAGES:
        try:
            facts[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            facts[name] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        facts["commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return facts


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# -- markdown ----------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(rows: Sequence[Row]) -> str:
    """The results table: what, size, ours, CPU, baseline, ratio, target, result."""
    head = (
        "| what | size | ours | ours (CPU) | baseline | baseline | ratio | target | result |\n"
        "|---|---|---:|---:|---|---:|---:|---|---|\n"
    )
    lines = []
    for r in rows:
        cpu = fmt_seconds(r.cpu) if (r.cpu is not None and r.unit == "s") else "-"
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    r.what,
                    r.size,
                    fmt_value(r.ours, r.unit),
                    cpu,
                    r.baseline_name or "-",
                    fmt_value(r.baseline, r.unit),
                    fmt_ratio(r.ratio),
                    r.target or "-",
                    f"**{r.status}**" if r.status in ("pass", "miss") else r.status,
                )
            )
            + " |"
        )
    return head + "\n".join(lines) + "\n"


def render_markdown(
    results: Sequence[BenchResult],
    facts: dict[str, str],
    *,
    plots: dict[str, str] | None = None,
    intro: str = "",
    started: str = "",
    loads: tuple[str, str] = ("", ""),
    command: str = "python -m bench",
) -> str:
    """The whole ``benchmarks.md``: summary of targets, one section per benchmark, machine."""
    plots = plots or {}
    out = ["# Benchmarks at research-project scale", ""]
    out.append(
        f"Written by `{command}` ({started or datetime.now(UTC).isoformat(timespec='seconds')})."
        " Every figure is compared with a baseline measured in the same run; **ratio** is ours"
        " divided by the baseline (for times, below 1x means faster than the baseline). "
        "Times are wall clock, best of a few runs where a run is short; *ours (CPU)* is the CPU"
        " time of the benchmark process for the same work. *pass (CPU)* means the wall clock"
        " missed the target while the machine was shared but the CPU time is within it."
    )
    out.append("")
    if intro:
        out += [intro, ""]
    targets = [(res, r) for res in results for r in res.rows if r.limit is not None]
    if targets:
        out += ["## Targets", "", "| benchmark | what | size | ours | target | result |"]
        out.append("|---|---|---|---:|---|---|")
        for res, r in targets:
            out.append(
                f"| {res.name} | {_cell(r.what)} | {_cell(r.size)} | {fmt_value(r.ours, r.unit)}"
                f" | {_cell(r.target)} | **{r.status}** |"
            )
        out.append("")
    for res in results:
        out += [f"## {res.title}", ""]
        if res.skipped:
            out += [f"Skipped: {res.skipped}", ""]
            continue
        if res.rows:
            out.append(render_table(res.rows))
        for s in res.series:
            if s.id in plots:
                out += [f"![{s.title}]({plots[s.id]})", ""]
        for note in res.notes:
            out.append(f"- {note}")
        if res.notes:
            out.append("")
        for r in res.rows:
            if r.note:
                out.append(f"- *{r.what}*: {r.note}")
        if any(r.note for r in res.rows):
            out.append("")
    out += ["## Machine", "", "| | |", "|---|---|"]
    for k, v in facts.items():
        out.append(f"| {_cell(k)} | {_cell(v)} |")
    if loads[0] or loads[1]:
        out.append(f"| load average (1/5/15 min) at start | {loads[0]} |")
        out.append(f"| load average (1/5/15 min) at end | {loads[1]} |")
    out.append("")
    return "\n".join(out)


# -- SVG ---------------------------------------------------------------------------------

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 44, 56


def _nice_count(x: float) -> str:
    for suffix, size in (("M", 1e6), ("k", 1e3)):
        if abs(x) >= size:
            v = x / size
            return f"{v:g}{suffix}"
    return f"{x:g}"


def _tick_label(value: float, kind: str) -> str:
    if kind == "seconds":
        for unit, size in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
            if value >= size * 0.999:
                return f"{value / size:.3g} {unit}"
        return f"{value * 1e9:.3g} ns"
    if kind == "bytes":
        return fmt_bytes(value)
    if kind in ("count", "rate"):
        return _nice_count(value)
    if kind == "MB":
        return f"{value:g} MB"
    return f"{value:g}"


def _log_ticks(lo: float, hi: float) -> list[float]:
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    steps = (1, 2, 5) if b - a <= 3 else (1,)
    ticks = [m * 10.0**e for e in range(a, b + 1) for m in steps]
    return [t for t in ticks if lo * 0.999 <= t <= hi * 1.001]


def _linear_ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = 10 ** math.floor(math.log10(span / 5)) if span > 0 else 1.0
    for m in (1, 2, 5, 10):
        if span / (step * m) <= 8:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def svg_plot(series: Series) -> str:
    """A line plot of ``series`` (log y; log or linear x) as a standalone SVG document."""
    if series.y_kind == "bytes":  # ticks at round megabytes, not powers of ten of bytes
        mb = 2.0**20
        series = Series(
            series.id, series.title, series.x_label, "MB",
            {k: [[x, y / mb] for x, y in v] for k, v in series.lines.items()},
            series.x_kind, "MB", [[float(y) / mb, label] for y, label in series.hlines],
            series.log_x,
        )  # fmt: skip
    points = [p for line in series.lines.values() for p in line if p[0] > 0 and p[1] > 0]
    ys = [p[1] for p in points] + [float(h[0]) for h in series.hlines if float(h[0]) > 0]
    if not points:
        xs_lo = xs_hi = 1.0
        ys_lo = ys_hi = 1.0
    else:
        xs_lo, xs_hi = min(p[0] for p in points), max(p[0] for p in points)
        ys_lo, ys_hi = min(ys), max(ys)
    if series.log_x:
        x_lo, x_hi = 10 ** math.floor(math.log10(xs_lo)), 10 ** math.ceil(math.log10(xs_hi))
    else:
        x_lo, x_hi = 0.0, xs_hi
    y_lo, y_hi = 10 ** math.floor(math.log10(ys_lo)), 10 ** math.ceil(math.log10(ys_hi))
    if x_hi <= x_lo:
        x_hi = x_lo * 10 if series.log_x else x_lo + 1
    if y_hi <= y_lo:
        y_hi = y_lo * 10
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x: float) -> float:
        if not series.log_x:
            return LEFT + pw * (x - x_lo) / (x_hi - x_lo)
        return LEFT + pw * (math.log10(x) - math.log10(x_lo)) / (math.log10(x_hi / x_lo))

    def py(y: float) -> float:
        return TOP + ph * (1 - (math.log10(y) - math.log10(y_lo)) / (math.log10(y_hi / y_lo)))

    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{esc(series.title)}</text>',
    ]
    for t in _log_ticks(x_lo, x_hi) if series.log_x else _linear_ticks(x_lo, x_hi):
        x = px(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + ph}" stroke="#e5e5e5"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + ph + 16}" text-anchor="middle">'
            f"{esc(_tick_label(t, series.x_kind))}</text>"
        )
    for t in _log_ticks(y_lo, y_hi):
        y = py(t)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{esc(_tick_label(t, series.y_kind))}</text>"
        )
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>'
    )
    parts.append(
        f'<text x="{LEFT + pw / 2}" y="{H - 14}" text-anchor="middle">{esc(series.x_label)}</text>'
    )
    parts.append(
        f'<text x="16" y="{TOP + ph / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + ph / 2})">{esc(series.y_label)}</text>'
    )
    for value, label in series.hlines:
        value = float(value)
        if value <= 0:
            continue
        y = py(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" stroke="#888" '
            'stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{LEFT + pw - 4}" y="{y - 4:.1f}" text-anchor="end" fill="#555">'
            f"{esc(str(label))}</text>"
        )
    for i, (name, line) in enumerate(series.lines.items()):
        colour = PALETTE[i % len(PALETTE)]
        pts = sorted((p for p in line if p[0] > 0 and p[1] > 0), key=lambda p: p[0])
        if len(pts) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y in pts:
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>')
        ly = TOP + 14 + 18 * i
        parts.append(
            f'<line x1="{LEFT + 10}" y1="{ly - 4}" x2="{LEFT + 30}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{LEFT + 36}" y="{ly}">{esc(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_report(
    results: Sequence[BenchResult],
    out_dir: Path,
    *,
    facts: dict[str, str] | None = None,
    started: str = "",
    loads: tuple[str, str] = ("", ""),
    command: str = "python -m bench",
    intro: str = "",
) -> Path:
    """Write ``<out_dir>/benchmarks.md`` and ``<out_dir>/benchmarks/*.svg``; returns the md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    svg_dir = out_dir / "benchmarks"
    plots: dict[str, str] = {}
    series = [s for res in results for s in res.series if s.lines]
    if series:
        svg_dir.mkdir(exist_ok=True)
        for old in svg_dir.glob("*.svg"):
            old.unlink()
    for s in series:
        (svg_dir / f"{s.id}.svg").write_text(svg_plot(s), encoding="utf-8")
        plots[s.id] = f"benchmarks/{s.id}.svg"
    text = render_markdown(
        results,
        facts if facts is not None else machine_facts(),
        plots=plots,
        started=started,
        loads=loads,
        command=command,
        intro=intro,
    )
    md = out_dir / "benchmarks.md"
    md.write_text(text, encoding="utf-8")
    return md


def rows_of(results: Iterable[BenchResult]) -> list[Row]:
    return [r for res in results for r in res.rows]


if __name__ == "__main__":  # pragma: no cover - render saved results again
    paths = [Path(p) for p in sys.argv[1:]]
    loaded = [result_from_json(p.read_text()) for p in paths]
    print(render_markdown(loaded, machine_facts()))
