"""Self-contained HTML: the theme summary (with inline SVG bar charts) and the
co-occurrence heatmap. One file, inline CSS and SVG, no scripts, no external URLs.

Quote text sits in ``<p class="quote-text">`` with ``white-space: pre-wrap``, so the
element's text is exactly the transcript text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import BinaryIO

from workbench.core.summary import (
    AttributeSpread,
    CooccurrenceTable,
    Quote,
    Summary,
    ThemeRow,
)
from workbench.io.export._text import (
    SUBTREE_NOTE,
    counts_line,
    outline_numbers,
    quote_source,
    relative_depths,
    scope_line,
    stamp,
    title,
)

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --accent: #2f6690;
        --accent-soft: #dbe7f1; --paper: #ffffff; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 36px 60px; background: var(--paper);
       min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 34px 0 8px; padding-top: 10px; border-top: 2px solid var(--line); }
h3 { font-size: 18px; margin: 26px 0 6px; }
h4, h5, h6 { font-size: 16px; margin: 22px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
.notes { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
         padding: 8px 14px; margin: 14px 0; font-size: 14px; }
.notes ul { margin: 4px 0; padding-left: 20px; }
.empty { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 6px; padding: 10px 14px;
         font-weight: 600; }
table { border-collapse: collapse; margin: 10px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left;
         vertical-align: top; }
th { background: var(--accent-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.theme td { font-weight: 600; }
.overview a { color: inherit; text-decoration: none; }
.overview a:hover { text-decoration: underline; }
.definition { font-style: italic; color: var(--muted); margin: 4px 0; }
.counts { font-weight: 600; margin: 6px 0; }
.people { color: var(--muted); font-size: 14px; }
.spread td { padding: 2px 10px; }
.spread .bar { display: inline-block; vertical-align: middle; }
.spread .v { white-space: nowrap; display: inline-block; margin: 0 14px 2px 0; }
figure { margin: 8px 0 18px; }
figcaption { color: var(--muted); font-size: 13px; }
blockquote { margin: 12px 0 14px; padding: 8px 16px; border-left: 4px solid var(--accent);
             background: #f8fafc; border-radius: 0 6px 6px 0; }
blockquote .quote-text { white-space: pre-wrap; margin: 0 0 6px; font-family: Georgia, serif;
                         font-size: 15.5px; }
blockquote footer { color: var(--muted); font-size: 13px; }
.memo { font-size: 13px; color: var(--muted); margin-top: 4px; }
.star { color: #c98a00; }
.muted { color: var(--muted); font-style: italic; }
svg text { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
"""


def page(heading: str, body: list[str], css: str = CSS) -> str:
    """One self-contained HTML page: inline ``css``, no scripts, no external references."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{escape(heading)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body><main>",
            *body,
            "</main></body>",
            "</html>",
            "",
        ]
    )


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# -- charts -------------------------------------------------------------------------------


def ticks(total: int) -> list[int]:
    """0, step, 2*step ... up to ``total``, with a 1-2-5 step giving at most 6 ticks."""
    step = 1
    for base in (1, 10, 100, 1000, 10000):
        for m in (1, 2, 5):
            if total / (m * base) <= 5:
                step = m * base
                return list(range(0, total + 1, step))
    return [0, total]


def bar_chart(labels: Sequence[str], values: Sequence[int], total: int, *,
              indents: Sequence[int] = (), bold: Sequence[bool] = (),
              tooltips: Sequence[str] = (), width: int = 900) -> str:  # fmt: skip
    """Horizontal bars, one per label, scaled to ``total``; value shown as "n of total"."""
    row_h, label_w, pad = 24, 360, 8
    bar_w = width - label_w - 90
    height = row_h * len(labels) + pad * 2 + 18
    scale = bar_w / total if total else 0
    out = [
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="bar chart">'
    ]
    x0 = label_w
    for tick in ticks(total):  # grid lines at whole numbers
        x = x0 + tick * scale
        out.append(
            f'<line x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{height - 18}" stroke="#e4e8ee"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{height - 4}" font-size="11" fill="#5f6b7a" '
            f'text-anchor="middle">{tick}</text>'
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * row_h
        indent = indents[i] if indents else 0
        weight = "600" if bold and bold[i] else "400"
        tip = tooltips[i] if tooltips else label
        out.append(f"<g><title>{escape(tip)}: {value} of {total}</title>")
        out.append(
            f'<text x="{4 + indent * 16}" y="{y + 16}" font-size="13" font-weight="{weight}" '
            f'fill="#1f2933">{escape(_short(label, 44 - indent * 2))}</text>'
        )
        w = value * scale
        out.append(
            f'<rect x="{x0}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="3" '
            f'fill="{"#2f6690" if weight == "600" else "#5b8db8"}"/>'
        )
        out.append(
            f'<text x="{x0 + w + 6:.1f}" y="{y + 16}" font-size="12" fill="#1f2933">'
            f"{value} of {total}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def mini_bar(count: int, total: int, width: int = 90) -> str:
    w = width * count / total if total else 0
    return (
        f'<svg class="bar" width="{width}" height="10" '
        f'viewBox="0 0 {width} 10" aria-hidden="true">'
        f'<rect x="0" y="1" width="{width}" height="8" rx="2" fill="#e4e8ee"/>'
        f'<rect x="0" y="1" width="{w:.1f}" height="8" rx="2" fill="#2f6690"/></svg>'
    )


def _blend(t: float) -> str:
    """White to the accent blue, t in [0, 1]."""
    lo, hi = (255, 255, 255), (0x1D, 0x4E, 0x7A)
    r, g, b = (round(a + (z - a) * t) for a, z in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(keys: Sequence[str], tooltips: Sequence[str],
            grid: Sequence[Sequence[int]]) -> str:  # fmt: skip
    """Square code x code heatmap; the diagonal is drawn grey (a code's own codings)."""
    n = len(keys)
    cell, label_w = 26, 210
    top = 150
    width, height = label_w + n * cell + 120, top + n * cell + 20
    peak = max((grid[i][j] for i in range(n) for j in range(n) if i != j), default=0)
    out = [
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="co-occurrence heatmap">'
    ]
    for i, key in enumerate(keys):
        y = top + i * cell
        out.append(
            f'<text x="{label_w - 6}" y="{y + cell * 0.66:.1f}" font-size="12" '
            f'text-anchor="end" fill="#1f2933"><title>{escape(tooltips[i])}</title>'
            f"{escape(_short(key, 28))}</text>"
        )
        x = label_w + i * cell + cell * 0.6
        out.append(
            f'<text x="{x:.1f}" y="{top - 6}" font-size="12" fill="#1f2933" '
            f'transform="rotate(-55 {x:.1f} {top - 6})"><title>{escape(tooltips[i])}</title>'
            f"{escape(_short(key, 22))}</text>"
        )
    for i in range(n):
        for j in range(n):
            x, y, v = label_w + j * cell, top + i * cell, grid[i][j]
            if i == j:
                fill, ink = "#eceff3", "#5f6b7a"
            else:
                t = v / peak if peak else 0
                fill, ink = _blend(t), "#ffffff" if t > 0.55 else "#1f2933"
            what = "codings" if i == j else "passages"
            out.append(
                f"<g><title>{escape(keys[i])} × {escape(keys[j])}: {v} {what}</title>"
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" '
                f'stroke="#ffffff"/>'
            )
            if v:
                out.append(
                    f'<text x="{x + cell / 2:.1f}" y="{y + cell * 0.66:.1f}" font-size="11" '
                    f'text-anchor="middle" fill="{ink}">{v}</text>'
                )
            out.append("</g>")
    out.append("</svg>")
    return "".join(out)


# -- summary ----------------------------------------------------------------------------------


def _quote(q: Quote) -> str:
    star = ' <span class="star" title="starred as exemplary">★</span>' if q.starred else ""
    memo = (
        f'<div class="memo">Coding memo: {escape(" ".join(q.memo.split()))}</div>'
        if q.memo.strip()
        else ""
    )
    return (
        f'<blockquote data-coding="{q.coding_id}"><p class="quote-text">{escape(q.text)}</p>'
        f"<footer>— {escape(quote_source(q))}{star}</footer>{memo}</blockquote>"
    )


def _spread(spread: Sequence[AttributeSpread]) -> str:
    rows = []
    for s in spread:
        cells = []
        for v in s.values:
            cells.append(
                f'<span class="v">{escape(v.value)} {mini_bar(v.count, v.total, 50)} '
                f"{v.count}/{v.total}</span>"
            )
        grouped = " <span class='muted'>(ranges)</span>" if s.binned else ""
        rows.append(f"<tr><th>{escape(s.attribute)}{grouped}</th><td>{''.join(cells)}</td></tr>")
    return f'<table class="spread">{"".join(rows)}</table>'


def _section(row: ThemeRow, depth: int, number: str, n: int) -> list[str]:
    level = min(2 + depth, 6)
    out = [f'<section id="code-{escape(row.key)}">',
           f"<h{level}>{escape(number)} {escape(row.name)}</h{level}>"]  # fmt: skip
    if row.definition.strip():
        out.append(f'<p class="definition">{escape(" ".join(row.definition.split()))}</p>')
    out.append(f'<p class="counts">{escape(counts_line(row, n))}</p>')
    if row.participant_labels:
        people = escape(", ".join(row.participant_labels))
        out.append(f'<p class="people">Participants: {people}</p>')
    if row.spread and row.participants:
        out.append(_spread(row.spread))
    if row.memos:
        out.append("<ul>")
        for memo in row.memos:
            who = f"<strong>Memo ({escape(memo.author)}):</strong> " if memo.author else "Memo: "
            out.append(f"<li>{who}{escape(' '.join(memo.text.split()))}</li>")
        out.append("</ul>")
    out += [_quote(q) for q in row.quotes]
    if not row.quotes and row.codings == 0:
        out.append('<p class="muted">No codings.</p>')
    elif not row.quotes and row.own_codings == 0:
        out.append('<p class="muted">Quotes: see the sub-codes below.</p>')
    out.append("</section>")
    return out


def summary_html(summary: Summary) -> str:
    n = len(summary.participants_in_scope)
    heading = title("Theme summary", summary.project)
    body = [
        f"<h1>{escape(heading)}</h1>",
        f'<p class="meta">Generated {escape(stamp(summary))} · Filters: '
        f"{escape(summary.filters.describe())}</p>",
        f'<p class="meta">{escape(scope_line(summary))}</p>',
        '<div class="notes"><strong>How to read the counts</strong><ul>',
        *[f"<li>{escape(note)}</li>" for note in summary.notes],
        "</ul></div>",
    ]
    if summary.is_empty:
        body.append('<p class="empty">No codings match the filters. The tables are empty.</p>')
    depths = relative_depths(summary.rows)
    numbers = outline_numbers(depths)
    rows = [] if summary.is_empty else list(zip(summary.rows, depths, numbers, strict=True))
    body.append("<h2>Overview</h2>")
    if rows:
        body.append("<figure>")
        body.append(
            bar_chart(
                [f"{num} {r.name}" for r, _, num in rows],
                [r.participants for r, _, _ in rows],
                n,
                indents=[d for _, d, _ in rows],
                bold=[d == 0 for _, d, _ in rows],
                tooltips=[r.path for r, _, _ in rows],
            )
        )
        body.append(f"<figcaption>Participants per code, of {n} in scope "
                    f"({escape(SUBTREE_NOTE)}).</figcaption></figure>")  # fmt: skip
    body.append(
        f'<table class="overview"><thead><tr><th>Theme / code</th>'
        f'<th class="num">Participants (of {n})</th><th class="num">Documents</th>'
        f'<th class="num">Codings</th></tr></thead><tbody>'
    )
    for r, d, num in rows:
        css = ' class="theme"' if d == 0 else ""
        pad = f' style="padding-left:{10 + 18 * d}px"' if d else ""
        body.append(
            f'<tr{css}><td{pad}><a href="#code-{escape(r.key)}">{escape(num)} '
            f"{escape(r.name)}</a></td><td class=num>{r.participants}</td>"
            f"<td class=num>{r.documents}</td><td class=num>{r.codings}</td></tr>"
        )
    body.append("</tbody></table>")
    if summary.population:
        body.append("<h2>Participants in scope</h2>")
        body.append(
            '<table class="population"><thead><tr><th>Attribute</th><th>Participants</th>'
            "</tr></thead><tbody>"
        )
        for s in summary.population:
            values = " · ".join(f"{v.value} {v.count}" for v in s.values)
            body.append(f"<tr><th>{escape(s.attribute)}</th><td>{escape(values)}</td></tr>")
        body.append("</tbody></table>")
    for r, d, num in rows:
        body += _section(r, d, num, n)
    return page(heading, body)


def render_summary(summary: Summary, out: BinaryIO) -> None:
    out.write(summary_html(summary).encode("utf-8"))


# -- co-occurrence ---------------------------------------------------------------------------


def cooccurrence_html(table: CooccurrenceTable) -> str:
    heading = title("Code co-occurrence", table.project)
    body = [
        f"<h1>{escape(heading)}</h1>",
        f'<p class="meta">Generated {escape(stamp(table))} · Filters: '
        f"{escape(table.filters.describe())}</p>",
        '<div class="notes"><strong>Definitions</strong><ul>',
        *[f"<li>{escape(note)}</li>" for note in table.notes],
        "<li>Heatmap cells: passages; the grey diagonal holds each code's own number of "
        "codings.</li></ul></div>",
    ]
    if table.is_empty:
        body.append(
            '<p class="empty">No overlapping codings of different codes match the filters.</p>'
        )
    else:
        keys = [c.key for c in table.codes]
        body.append("<h2>Heatmap</h2><figure>")
        body.append(heatmap(keys, [c.path for c in table.codes], table.passages_matrix()))
        body.append("<figcaption>Passages coded with both codes (hover for names).</figcaption>")
        body.append("</figure>")
    body.append("<h2>Pairs</h2>")
    body.append(
        "<table><thead><tr><th>Code A</th><th>Code B</th><th class=num>Passages</th>"
        "<th class=num>Pairs</th><th class=num>Documents</th><th class=num>Participants</th>"
        "</tr></thead><tbody>"
    )
    for p in sorted(table.pairs, key=lambda p: (-p.passages, -p.pairs)):
        body.append(
            f"<tr><td>{escape(p.a.path)}</td><td>{escape(p.b.path)}</td>"
            f"<td class=num>{p.passages}</td><td class=num>{p.pairs}</td>"
            f"<td class=num>{p.documents}</td><td class=num>{p.participants}</td></tr>"
        )
    body.append("</tbody></table>")
    return page(heading, body)


def render_cooccurrence(table: CooccurrenceTable, out: BinaryIO) -> None:
    out.write(cooccurrence_html(table).encode("utf-8"))
