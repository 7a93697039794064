"""Agreement reports (``workbench agreement``): Markdown, HTML, CSV and JSON.

Pure functions of an :class:`~workbench.core.agreement_report.AgreementReport`.

* Markdown and HTML: the per-code table (units, prevalence, percent agreement, kappa,
  alpha, AC1, u-alpha for ``char``, interpretation bands with their sources), the
  pooled row, the per-document table, a methods paragraph, the disagreement list
  grouped by document for a reconciliation meeting, notes and references. The HTML
  file is self-contained (inline CSS and SVG, no scripts, no external URLs) and adds a
  code x document heatmap coloured by Krippendorff's alpha.
* CSV: the table (per code, then the pooled row, then per document) in one file and the
  disagreements in a second, ``<stem>-disagreements.csv``; UTF-8 with a byte-order mark.
* JSON (``"format": "workbench.agreement/1"``)::

      {"format", "project", "generated_at", "coders": [...], "unit", "unit_meaning",
       "kappa": "cohen_kappa" | "fleiss_kappa",
       "documents": [{"id", "name", "characters", "units"}],
       "excluded_documents": [{"id", "name", "coded_by": [...]}],
       "unused_codes": [...],
       "codes": [ROW], "pooled": ROW, "by_document": [ROW], "by_code_and_document": [ROW],
       "disagreements": [{"number", "group", "document", "document_id", "start", "end",
                          "speaker", "text", "applied": {coder: [code keys]},
                          "disputed": [code keys]}],
       "notes": [...], "references": [...]}

  ``ROW`` is ``{"scope", "code", "code_path", "document", "units", "prevalence",
  "applied": {coder: n}, "disagreements", "statistics": {NAME: STAT}}`` with NAME in
  ``percent_agreement``, the kappa key, ``krippendorff_alpha``, ``gwet_ac1`` and, for
  ``char`` per code, ``unitized_alpha``. ``STAT`` is ``{"value": float | null,
  "reason": str | null, "band": str, "source": str}``: ``reason`` says why ``value``
  is null. ``start``/``end`` are character offsets into the document, ``text`` is
  exactly the stored text between them.
"""

from __future__ import annotations

import csv
import io
import json
import statistics as pystats
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from workbench.core.agreement_report import (
    AgreementReport,
    AgreementRow,
    Disagreement,
    Stat,
)
from workbench.io.export.html import CSS as BASE_CSS
from workbench.io.export.html import page

SHOW_CHARS = 400  # passages longer than this are shortened for display (md, html)
MAX_LISTED = 5000  # disagreements written to md and html (csv and json list them all)
MAX_HEATMAP_DOCUMENTS = 100  # heatmap columns; the per-document table has every document
ALPHA_BANDS = "Krippendorff (2004, p. 241): α ≥ .800 reliable; .667 ≤ α < .800 tentative conclusions only; α < .667 unreliable"  # noqa: E501
KAPPA_BANDS = "Landis & Koch (1977): < 0 poor; .00-.20 slight; .21-.40 fair; .41-.60 moderate; .61-.80 substantial; .81-1.00 almost perfect"  # noqa: E501


# -- shared wording -------------------------------------------------------------------------


def num(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.000"


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def apa(value: float) -> str:
    """APA style for coefficients bounded by 1: no leading zero (.743, -.120)."""
    text = num(value)
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def trim(text: str, limit: int = SHOW_CHARS) -> str:
    """The passage for display: whitespace runs folded, long passages shortened."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def title(report: AgreementReport) -> str:
    base = "Inter-coder agreement"
    return f"{base}: {report.project}" if report.project else base


def stamp(report: AgreementReport) -> str:
    return report.generated_at.strftime("%Y-%m-%d %H:%M UTC")


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def code_names(report: AgreementReport, ids: Iterable[int]) -> list[str]:
    return [report.code(i).name for i in ids]


def listed(report: AgreementReport) -> tuple[tuple[Disagreement, ...], str]:
    """The disagreements md and html write out, and a note when that is not all of them."""
    items = report.disagreements[:MAX_LISTED]
    n = len(report.disagreements)
    if n <= len(items):
        return items, ""
    return items, (
        f"Showing the first {len(items):,} of {n:,} disagreements, in document order; the CSV "
        "and JSON reports list them all."
    )


def methods_paragraph(report: AgreementReport) -> str:
    """A paragraph to adapt for a methods section: unit, coders, documents, results, bands."""
    coders = _and(list(report.coders))
    both = "both" if len(report.coders) == 2 else "all of them"
    docs = [d.name for d in report.documents]
    named = f" ({_and(docs)})" if len(docs) <= 12 else ""
    unit = report.unit_name
    n_codes = len(report.rows)
    pooled = report.pooled
    parts = [
        f"Inter-coder agreement between {coders} was assessed on the "
        f"{_plural(len(docs), 'document')} {both} coded{named}, with the {unit} as "
        f"the unit of analysis: {report.unit_meaning}.",
        f"For each of the {_plural(n_codes, 'code')}, the coders' decisions to apply the code "
        f"or not were compared over {_plural(report.n_units, unit)}.",
    ]
    kappa, alpha = pooled.kappa.value, pooled.alpha.value
    if kappa is not None and alpha is not None:
        verdict = {
            "reliable": "which meets the .800 that Krippendorff (2004) requires for reliable data",
            "tentative conclusions only": (
                "which Krippendorff (2004) considers adequate for tentative conclusions only "
                "(between .667 and .800)"
            ),
            "unreliable": (
                "which falls short of the .667 that Krippendorff (2004) requires even for "
                "tentative conclusions"
            ),
        }[pooled.alpha.band]
        parts.append(
            f"Pooled over codes and units ({pooled.n_units:,} decisions), {report.kappa_name} "
            f"was {apa(kappa)} ({pooled.kappa.band} agreement; Landis & Koch, 1977) and "
            f"Krippendorff's alpha (nominal) was {apa(alpha)}, {verdict}."
        )
    alphas = [r.alpha.value for r in report.rows if r.alpha.value is not None]
    if alphas:
        reliable = sum(1 for a in alphas if a >= 0.800)
        tentative = sum(1 for a in alphas if 0.667 <= a < 0.800)
        parts.append(
            f"Per code, alpha ranged from {apa(min(alphas))} to {apa(max(alphas))} "
            f"(median {apa(pystats.median(alphas))}); {reliable} of {len(alphas)} codes "
            f"reached .800 and {tentative} more reached .667."
        )
    undefined = n_codes - len(alphas)
    if undefined:
        parts.append(f"Alpha was undefined for {_plural(undefined, 'code')} (no variation).")
    if report.unit == "char":
        us = [r.u_alpha.value for r in report.rows if r.u_alpha and r.u_alpha.value is not None]
        if us:
            parts.append(
                "Krippendorff's unitizing alpha (u-alpha), which compares the coded segments "
                f"on the continuum of characters, ranged from {apa(min(us))} to {apa(max(us))} "
                f"(median {apa(pystats.median(us))})."
            )
    if pooled.percent_agreement.value is not None:
        parts.append(
            f"Raw percent agreement was {pct(pooled.percent_agreement.value)}, which is not "
            "corrected for chance."
        )
    if report.excluded:
        parts.append(
            f"{_plural(len(report.excluded), 'document')} coded by only some of the coders "
            "were left out: a document a coder never coded is missing data, not a disagreement."
        )
    return " ".join(parts)


# -- Markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _stat_md(stat: Stat) -> str:
    return num(stat.value)


def _table_md(report: AgreementReport, rows: Sequence[AgreementRow], first: str) -> list[str]:
    char = report.unit == "char"
    head = [first, "Units", "Prevalence", "% agreement", report.kappa_name, "κ band",
            "Krippendorff's α", "α band", "Gwet's AC1"]  # fmt: skip
    if char:
        head.append("u-α")
    head.append("Disagreements")
    out = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" if h == first or "band" in h else "---:" for h in head) + "|",
    ]
    for r in rows:
        label = f"**{_cell(r.label)}**" if r.scope == "pooled" else _cell(r.label)
        cells = [label, f"{r.n_units:,}", pct(r.prevalence), pct(r.percent_agreement.value),
                 _stat_md(r.kappa), r.kappa.band or "-", _stat_md(r.alpha), r.alpha.band or "-",
                 _stat_md(r.ac1)]  # fmt: skip
        if char:
            cells.append(_stat_md(r.u_alpha) if r.u_alpha else "")
        cells.append(f"{r.disagreements:,}")
        out.append("| " + " | ".join(cells) + " |")
    return out


def _undefined_notes(rows: Sequence[AgreementRow]) -> list[str]:
    out = []
    for r in rows:
        reasons: dict[str, list[str]] = {}
        for name, stat in (("kappa", r.kappa), ("alpha", r.alpha), ("u-alpha", r.u_alpha)):
            if stat is not None and stat.value is None and stat.reason:
                reasons.setdefault(stat.reason, []).append(name)
        for reason, names in reasons.items():
            out.append(f"- {_cell(r.label)}: {' and '.join(names)} undefined ({reason})")
    return out


def _applied_md(report: AgreementReport, d: Disagreement) -> list[str]:
    lines = []
    for coder, ids in zip(report.coders, d.applied, strict=True):
        names = [f"**{n}**" if i in d.disputed else n for i, n in
                 zip(ids, code_names(report, ids), strict=True)]  # fmt: skip
        lines.append(f"- {coder}: {', '.join(names) if names else '(nothing)'}")
    return lines


def _where(report: AgreementReport, d: Disagreement) -> str:
    who = f" · speaker {d.speaker}" if d.speaker else ""
    return f"chars {d.start}-{d.end}{who}"


def agreement_markdown(report: AgreementReport) -> str:
    lines = [
        f"# {title(report)}",
        "",
        f"Generated {stamp(report)} · coders: {', '.join(report.coders)} · unit: "
        f"{report.unit_name} · {_plural(len(report.documents), 'document')}",
        "",
        f"**Unit.** {report.unit_meaning[0].upper()}{report.unit_meaning[1:]}.",
        "",
        "## Methods paragraph",
        "",
        methods_paragraph(report),
        "",
        "## Agreement per code",
        "",
        *_table_md(report, [*report.rows, report.pooled], "Code"),
        "",
        f"Bands: α — {ALPHA_BANDS}. κ — {KAPPA_BANDS}. Prevalence: share of units where at "
        "least one coder applied the code. Disagreements (table): units the coders decided "
        "differently for that code; the pooled row adds them up over codes, so a unit where "
        "the coders differ on two codes counts twice. The disagreement list below has one "
        "entry per unit (a unit can disagree on several codes).",
        "",
    ]
    undefined = _undefined_notes([*report.rows, report.pooled])
    if undefined:
        lines += ["Undefined values:", "", *undefined, ""]
    lines += [
        "## Agreement per document (codes pooled)",
        "",
        *_table_md(report, report.by_document, "Document"),
        "",
        f"## Disagreements ({len(report.disagreements):,})",
        "",
        "In document order for a reconciliation meeting. Codes in **bold** were not applied by "
        "every coder; passages that follow one another share a group number.",
        "",
    ]
    items, cut = listed(report)
    if cut:
        lines += [f"*{cut}*", ""]
    current = None
    for d in items:
        if d.document != current:
            current = d.document
            lines += [f"### {d.document}", ""]
        disputed = ", ".join(code_names(report, d.disputed))
        lines.append(f"**#{d.number}** (group {d.group}) · {_where(report, d)} · about: {disputed}")
        lines.append("")
        lines.append(f"> {trim(d.text)}")
        lines.append("")
        lines += _applied_md(report, d)
        lines.append("")
    if not report.disagreements:
        lines += ["The coders agreed on every unit.", ""]
    lines += ["## Notes", "", *[f"- {n}" for n in report.notes], ""]
    lines += ["## References", "", *[f"- {r}" for r in report.references], ""]
    return "\n".join(lines)


# -- HTML -------------------------------------------------------------------------------------

CSS = (
    BASE_CSS
    + """
main { max-width: 1180px; }
.cards { display: flex; gap: 14px; flex-wrap: wrap; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 170px;
        background: #fbfcfe; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .b { font-size: 13px; }
.methods { background: #f8fafc; border-left: 4px solid var(--accent); padding: 10px 16px;
           border-radius: 0 6px 6px 0; }
table.agreement { width: 100%; }
table.agreement td.label { max-width: 330px; }
table.agreement td.label.sub { padding-left: 24px; }
table.agreement tr.theme td { background: #f3f5f8; color: var(--muted); font-size: 13px;
                              font-weight: 600; padding-top: 6px; }
table.agreement tr.pooled td { font-weight: 600; border-top: 2px solid var(--ink); }
.band { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px;
        white-space: nowrap; }
.band.reliable, .band.almost-perfect { background: #d9f0d3; color: #1b5e20; }
.band.tentative-conclusions-only, .band.substantial { background: #fff1c2; color: #7a5400; }
.band.moderate { background: #fde6c8; color: #7a3e00; }
.band.unreliable, .band.fair, .band.slight, .band.poor { background: #f9d6d2; color: #8e1c12; }
.band.undefined { background: #eceff3; color: var(--muted); }
.na { color: var(--muted); cursor: help; border-bottom: 1px dotted var(--muted); }
.legend { color: var(--muted); font-size: 13px; }
.heatmap { overflow-x: auto; }
.doc-group { margin: 6px 0 22px; }
.dis { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin: 10px 0; }
.dis.cont { margin-top: -6px; border-top-style: dashed; }
.dis .head { font-size: 13px; color: var(--muted); }
.dis .head strong { color: var(--ink); }
.dis .passage { white-space: pre-wrap; font-family: Georgia, serif; margin: 6px 0;
                padding-left: 10px; border-left: 3px solid var(--accent-soft); }
.dis table { margin: 4px 0; font-size: 13px; }
.dis td, .dis th { border: none; padding: 1px 10px 1px 0; background: none; }
.chip { display: inline-block; padding: 0 7px; margin: 1px 3px 1px 0; border-radius: 10px;
        background: var(--accent-soft); font-size: 12px; }
.chip.disputed { background: #f9d6d2; color: #8e1c12; font-weight: 600; }
.none { color: var(--muted); font-style: italic; }
"""
)


def _css_class(band: str) -> str:
    return band.replace(" ", "-") if band else "undefined"


def _stat_html(stat: Stat | None, *, percent: bool = False) -> str:
    if stat is None:
        return ""
    if stat.value is None:
        return f'<span class="na" title="{escape(stat.reason or "undefined")}">n/a</span>'
    return pct(stat.value) if percent else num(stat.value)


def _band_html(stat: Stat) -> str:
    if stat.value is None:
        return '<span class="band undefined">undefined</span>'
    return (
        f'<span class="band {_css_class(stat.band)}" title="{escape(stat.source)}">'
        f"{escape(stat.band)}</span>"
    )


def _table_html(report: AgreementReport, rows: Sequence[AgreementRow], first: str) -> str:
    char = report.unit == "char"
    head = [first, "Units", "Prevalence", "% agreement", report.kappa_name, "Krippendorff's α",
            "α band", "Gwet's AC1"] + (["u-α"] if char else []) + ["Disagreements"]  # fmt: skip
    out = ['<table class="agreement"><thead><tr>']
    for i, h in enumerate(head):
        out.append(f"<th{' class=num' if 0 < i and h != 'α band' else ''}>{escape(h)}</th>")
    out.append("</tr></thead><tbody>")
    parent = None
    for r in rows:
        css = ' class="pooled"' if r.scope == "pooled" else ""
        label, sub = r.label, ""
        if r.scope == "code" and r.code_id is not None:
            code = report.code(r.code_id)
            label = code.name
            here = code.path[: -len(code.name)].rstrip(" >") if code.depth else ""
            sub = " sub" if here else ""
            if here != parent:
                parent = here
                if here:
                    out.append(
                        f'<tr class="theme"><td colspan="{len(head)}">{escape(here)}</td></tr>'
                    )
        kappa = _stat_html(r.kappa)
        if r.kappa.value is not None:
            kappa = (
                f'<span title="{escape(r.kappa.band)} ({escape(r.kappa.source)})">{kappa}</span>'
            )
        cells = [
            f'<td class="label{sub}" title="{escape(r.label)}">{escape(label)}</td>',
            f"<td class=num>{r.n_units:,}</td>",
            f"<td class=num>{pct(r.prevalence)}</td>",
            f"<td class=num>{_stat_html(r.percent_agreement, percent=True)}</td>",
            f"<td class=num>{kappa}</td>",
            f"<td class=num>{_stat_html(r.alpha)}</td>",
            f"<td>{_band_html(r.alpha)}</td>",
            f"<td class=num>{_stat_html(r.ac1)}</td>",
        ]
        if char:
            cells.append(f"<td class=num>{_stat_html(r.u_alpha)}</td>")
        cells.append(f"<td class=num>{r.disagreements:,}</td>")
        out.append(f"<tr{css}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def alpha_colour(value: float | None) -> tuple[str, str]:
    """Fill and text colour for a heatmap cell (by Krippendorff's bands)."""
    if value is None:
        return "#eceff3", "#5f6b7a"

    def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
        t = min(max(t, 0.0), 1.0)
        r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
        return f"#{r:02x}{g:02x}{bl:02x}"

    if value >= 0.800:
        return mix((0xA6, 0xD9, 0x6A), (0x1A, 0x96, 0x41), (value - 0.8) / 0.2), (
            "#ffffff" if value >= 0.9 else "#1f2933"
        )
    if value >= 0.667:
        return "#fdd96b", "#1f2933"
    return mix((0xB2, 0x18, 0x2B), (0xF4, 0xA5, 0x82), (value + 0.2) / 0.867), (
        "#ffffff" if value < 0.25 else "#1f2933"
    )


def heatmap_svg(report: AgreementReport) -> str:
    """Codes (rows) x documents (columns), each cell Krippendorff's alpha for that code in
    that document; grey where it is undefined (no coder, or every coder, applied it)."""
    codes, all_docs = report.codes, report.documents
    docs = all_docs[:MAX_HEATMAP_DOCUMENTS]
    n_docs = len(docs)
    cell_w = 58 if n_docs <= 14 else 34 if n_docs <= 30 else 16
    cell_h, label_w = 24, 300
    upright = cell_w < 34  # narrow columns: names read bottom to top
    longest = max((len(d.name[:18]) for d in docs), default=3)
    top = max(70, round(14 + 7 * longest)) if upright else 70
    width = label_w + (n_docs + 1) * cell_w + 24
    height = top + len(codes) * cell_h + 16
    show_text = cell_w >= 34
    out = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="agreement heatmap: Krippendorff\'s alpha per code and document">'
    ]
    columns = [*(d.name for d in docs), "all"]
    for j, name in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        weight = "600" if name == "all" and j == n_docs else "400"
        angle, size = (-90, 11) if upright else (-40, 12)
        x_text = x + 4 if upright else x
        out.append(
            f'<text x="{x_text:.1f}" y="{top - 8}" font-size="{size}" font-weight="{weight}" '
            f'fill="#1f2933" transform="rotate({angle} {x_text:.1f} {top - 8})">'
            f"{escape(name[:18])}</text>"
        )
    for i, code in enumerate(codes):
        y = top + i * cell_h
        label = ("  " * code.depth) + code.name
        shown = label if len(label) <= 40 else label[:39] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y + cell_h * 0.68:.1f}" font-size="12" '
            f'text-anchor="end" fill="#1f2933" xml:space="preserve"><title>{escape(code.path)}'
            f"</title>{escape(shown)}</text>"
        )
        first = i * len(all_docs)
        row_cells = [*report.cells[first : first + n_docs], report.rows[i]]
        for j, cell in enumerate(row_cells):
            x = label_w + j * cell_w + (6 if j == n_docs else 0)
            value = cell.alpha.value
            fill, ink = alpha_colour(value)
            where = "all documents" if j == n_docs else docs[j].name
            tip = (
                f"{code.path} · {where}: alpha {num(value)}"
                + (f" ({cell.alpha.band})" if value is not None else f" ({cell.alpha.reason})")
                + f", {report.kappa_name} {num(cell.kappa.value)}, "
                f"{cell.disagreements:,} of {cell.n_units:,} units disagree"
            )
            out.append(
                f"<g><title>{escape(tip)}</title>"
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" rx="3" '
                f'fill="{fill}"/>'
            )
            if show_text:
                text = "·" if value is None else apa(value)
                out.append(
                    f'<text x="{x + (cell_w - 2) / 2:.1f}" y="{y + cell_h * 0.66:.1f}" '
                    f'font-size="11" text-anchor="middle" fill="{ink}">{escape(text)}</text>'
                )
            out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _legend_svg() -> str:
    items = [
        (-0.1, "< .667 unreliable"),
        (0.7, ".667-.800 tentative"),
        (0.85, "≥ .800 reliable"),
        (None, "undefined (no variation)"),
    ]
    out = ['<svg width="640" height="22" viewBox="0 0 640 22" aria-hidden="true">']
    x = 0
    for value, label in items:
        fill, _ = alpha_colour(value)
        out.append(f'<rect x="{x}" y="4" width="16" height="14" rx="3" fill="{fill}"/>')
        out.append(
            f'<text x="{x + 22}" y="16" font-size="12" fill="#5f6b7a">{escape(label)}</text>'
        )
        x += 160
    out.append("</svg>")
    return "".join(out)


def _chips(report: AgreementReport, ids: Sequence[int], disputed: Sequence[int]) -> str:
    if not ids:
        return '<span class="none">nothing</span>'
    return "".join(
        f'<span class="chip{" disputed" if i in disputed else ""}" '
        f'title="{escape(report.code(i).path)}">{escape(report.code(i).name)}</span>'
        for i in ids
    )


def _disagreement_html(report: AgreementReport, d: Disagreement, cont: bool) -> str:
    rows = "".join(
        f"<tr><th>{escape(coder)}</th><td>{_chips(report, ids, d.disputed)}</td></tr>"
        for coder, ids in zip(report.coders, d.applied, strict=True)
    )
    where = escape(_where(report, d))
    return (
        f'<div class="dis{" cont" if cont else ""}" id="d{d.number}">'
        f'<div class="head"><strong>#{d.number}</strong> · group {d.group} · {where}</div>'
        f'<p class="passage">{escape(trim(d.text))}</p>'
        f"<table>{rows}</table></div>"
    )


def agreement_html(report: AgreementReport) -> str:
    heading = title(report)
    pooled = report.pooled
    cards = [
        ("Pooled " + report.kappa_name, pooled.kappa),
        ("Pooled Krippendorff's α", pooled.alpha),
        ("Pooled Gwet's AC1", pooled.ac1),
    ]
    body = [
        f"<h1>{escape(heading)}</h1>",
        f'<p class="meta">Generated {escape(stamp(report))} · coders '
        f"{escape(', '.join(report.coders))} · unit: {escape(report.unit_name)} · "
        f"{_plural(len(report.documents), 'document')} · "
        f"{_plural(len(report.disagreements), 'disagreement')}</p>",
        '<div class="cards">',
    ]
    for label, stat in cards:
        band = _band_html(stat) if stat.value is not None else ""
        body.append(
            f'<div class="card"><div class="k">{escape(label)}</div>'
            f'<div class="v">{_stat_html(stat)}</div><div class="b">{band}</div></div>'
        )
    body.append(
        f'<div class="card"><div class="k">Percent agreement</div><div class="v">'
        f"{_stat_html(pooled.percent_agreement, percent=True)}</div>"
        '<div class="b legend">not corrected for chance</div></div></div>'
    )
    body += [
        f"<p><strong>Unit.</strong> {escape(report.unit_meaning[0].upper())}"
        f"{escape(report.unit_meaning[1:])}.</p>",
        "<h2>Methods paragraph</h2>",
        f'<p class="methods">{escape(methods_paragraph(report))}</p>',
        "<h2>Agreement per code</h2>",
        _table_html(report, [*report.rows, report.pooled], "Code"),
        f'<p class="legend">α bands: {escape(ALPHA_BANDS)}. κ (hover a value for its band): '
        f"{escape(KAPPA_BANDS)}. Prevalence: share of units where at least one coder applied "
        "the code. n/a: undefined (hover for why).</p>",
        '<h2 id="heatmap">Heatmap: Krippendorff\'s α per code and document</h2>',
        f'<div class="heatmap">{heatmap_svg(report)}</div>',
        _legend_svg(),
        *(
            [
                f'<p class="legend">The heatmap shows the first {MAX_HEATMAP_DOCUMENTS} of '
                f"{len(report.documents)} documents (by name); the table below has them all.</p>"
            ]
            if len(report.documents) > MAX_HEATMAP_DOCUMENTS
            else []
        ),
        '<h2 id="documents">Agreement per document (codes pooled)</h2>',
        _table_html(report, report.by_document, "Document"),
        f'<h2 id="disagreements">Disagreements ({len(report.disagreements):,})</h2>',
        '<p class="legend">In document order for a reconciliation meeting. Red codes were not '
        "applied by every coder; passages joined by a dashed edge run on from the one before "
        "(the same group).</p>",
    ]
    items, cut = listed(report)
    if cut:
        body.append(f'<p class="empty">{escape(cut)}</p>')
    per_document = Counter(d.document_id for d in report.disagreements)
    current = None
    prev_group = None
    for d in items:
        if d.document != current:
            if current is not None:
                body.append("</section>")
            current = d.document
            count = per_document[d.document_id]
            body.append(
                f'<section class="doc-group"><h3>{escape(d.document)} '
                f'<span class="legend">({_plural(count, "disagreement")})</span></h3>'
            )
        body.append(_disagreement_html(report, d, d.group == prev_group))
        prev_group = d.group
    if current is not None:
        body.append("</section>")
    if not report.disagreements:
        body.append("<p>The coders agreed on every unit.</p>")
    body += [
        '<h2>Notes</h2><div class="notes"><ul>',
        *[f"<li>{escape(n)}</li>" for n in report.notes],
        "</ul></div>",
        "<h2>References</h2><ul>",
        *[f"<li>{escape(r)}</li>" for r in report.references],
        "</ul>",
    ]
    return page(heading, body, CSS)


# -- JSON -------------------------------------------------------------------------------------


def _stat_json(stat: Stat) -> dict[str, Any]:
    return {"value": stat.value, "reason": stat.reason, "band": stat.band, "source": stat.source}


def _row_json(report: AgreementReport, row: AgreementRow) -> dict[str, Any]:
    code = report.code(row.code_id) if row.code_id is not None else None
    document = next((d.name for d in report.documents if d.id == row.document_id), None)
    stats = {
        "percent_agreement": _stat_json(row.percent_agreement),
        report.kappa_key: _stat_json(row.kappa),
        "krippendorff_alpha": _stat_json(row.alpha),
        "gwet_ac1": _stat_json(row.ac1),
    }
    if row.u_alpha is not None:
        stats["unitized_alpha"] = _stat_json(row.u_alpha)
    return {
        "scope": row.scope,
        "code": code.key if code else None,
        "code_path": code.path if code else None,
        "document": document,
        "units": row.n_units,
        "prevalence": row.prevalence,
        "applied": dict(zip(report.coders, row.applied, strict=True)),
        "disagreements": row.disagreements,
        "statistics": stats,
    }


def agreement_json(report: AgreementReport) -> dict[str, Any]:
    def keys(ids: Iterable[int]) -> list[str]:
        return [report.code(i).key for i in ids]

    return {
        "format": "workbench.agreement/1",
        "project": report.project,
        "generated_at": report.generated_at.isoformat(),
        "coders": list(report.coders),
        "unit": report.unit,
        "unit_meaning": report.unit_meaning,
        "kappa": report.kappa_key,
        "documents": [
            {"id": d.id, "name": d.name, "characters": d.length, "units": d.n_units}
            for d in report.documents
        ],
        "excluded_documents": [
            {"id": d.id, "name": d.name, "coded_by": list(d.coded_by)} for d in report.excluded
        ],
        "unused_codes": list(report.unused_codes),
        "codes": [_row_json(report, r) for r in report.rows],
        "pooled": _row_json(report, report.pooled),
        "by_document": [_row_json(report, r) for r in report.by_document],
        "by_code_and_document": [_row_json(report, r) for r in report.cells],
        "disagreements": [
            {
                "number": d.number,
                "group": d.group,
                "document": d.document,
                "document_id": d.document_id,
                "start": d.start,
                "end": d.end,
                "speaker": d.speaker,
                "text": d.text,
                "applied": {c: keys(ids) for c, ids in zip(report.coders, d.applied, strict=True)},
                "disputed": keys(d.disputed),
            }
            for d in report.disagreements
        ],
        "notes": list(report.notes),
        "references": list(report.references),
    }


# -- CSV --------------------------------------------------------------------------------------


def _csv(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _v(stat: Stat | None) -> object:
    return "" if stat is None or stat.value is None else round(stat.value, 6)


def agreement_csv(report: AgreementReport) -> tuple[bytes, bytes]:
    """(the table: per code, pooled, per document; the disagreements)."""
    k = report.kappa_key
    head = ["scope", "code", "code_path", "document", "units", "prevalence",
            "percent_agreement", k, "kappa_band", "krippendorff_alpha", "alpha_band",
            "gwet_ac1", "unitized_alpha", "disagreements",
            *[f"applied_{c}" for c in report.coders], "undefined"]  # fmt: skip
    rows: list[list[object]] = [list(head)]
    for r in [*report.rows, report.pooled, *report.by_document]:
        code = report.code(r.code_id) if r.code_id is not None else None
        reasons = [
            f"{name}: {s.reason}"
            for name, s in (
                ("percent_agreement", r.percent_agreement),
                (k, r.kappa),
                ("krippendorff_alpha", r.alpha),
                ("gwet_ac1", r.ac1),
                ("unitized_alpha", r.u_alpha),
            )  # fmt: skip
            if s is not None and s.value is None
        ]
        rows.append(
            [
                r.scope,
                code.key if code else "",
                code.path if code else "",
                r.label if r.scope == "document" else "",
                r.n_units,
                "" if r.prevalence is None else round(r.prevalence, 6),
                _v(r.percent_agreement),
                _v(r.kappa),
                r.kappa.band,
                _v(r.alpha),
                r.alpha.band,
                _v(r.ac1),
                _v(r.u_alpha),
                r.disagreements,
                *r.applied,
                "; ".join(reasons),
            ]  # fmt: skip
        )
    dis: list[list[object]] = [
        [
            "number",
            "group",
            "document",
            "start",
            "end",
            "speaker",
            "disputed_codes",
            *[f"codes_{c}" for c in report.coders],
            "text",
        ]  # fmt: skip
    ]
    for d in report.disagreements:
        dis.append(
            [
                d.number,
                d.group,
                d.document,
                d.start,
                d.end,
                d.speaker or "",
                "; ".join(report.code(i).path for i in d.disputed),
                *["; ".join(report.code(i).path for i in ids) for ids in d.applied],
                d.text,
            ]  # fmt: skip
        )
    return _csv(rows), _csv(dis)


def render_agreement(report: AgreementReport, fmt: str) -> str:
    """md, html or json as text (CSV is two files: :func:`agreement_csv`)."""
    if fmt == "md":
        return agreement_markdown(report)
    if fmt == "html":
        return agreement_html(report)
    if fmt == "json":
        return json.dumps(agreement_json(report), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown agreement format {fmt!r}")
