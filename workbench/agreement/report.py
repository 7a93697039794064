"""The ``irr`` report: every statistic at once, as JSON-ready dict or Markdown."""

from __future__ import annotations

from typing import Any

from workbench.agreement.alpha import krippendorff_alpha, krippendorff_alpha_bootstrap
from workbench.agreement.coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
)
from workbench.agreement.data import Ratings, as_matrix
from workbench.agreement.results import AgreementResult, Level, Weights

STATISTICS: tuple[str, ...] = (
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "brennan_prediger",
    "gwet_ac1",
)
"""Report keys holding a statistic, in report order."""

LABELS: dict[str, str] = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "brennan_prediger": "Brennan-Prediger kappa",
    "gwet_ac1": "Gwet's AC1",
    "krippendorff_alpha_ci": "Krippendorff's alpha, bootstrap CI",
    "n_units": "Units",
}

KRIPPENDORFF_2004 = (
    "Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.). Sage."
)
LANDIS_KOCH_1977 = (
    "Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for "
    "categorical data. Biometrics, 33(1), 159-174."
)


def interpret_alpha(value: float) -> str:
    """Krippendorff (2004, p. 241): >= .800 reliable; .667-.800 tentative conclusions only."""
    if value >= 0.800:
        return "reliable"
    if value >= 0.667:
        return "tentative conclusions only"
    return "unreliable"


def interpret_kappa(value: float) -> str:
    """Landis & Koch (1977) bands for kappa-type coefficients."""
    if value < 0.0:
        return "poor"
    bands = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))
    for upper, band in bands:
        if value <= upper:
            return band
    return "almost perfect"


def _interpretation(key: str, value: float | None) -> tuple[str, str]:
    if value is None:
        return "undefined", ""
    if key == "krippendorff_alpha":
        return interpret_alpha(value), "Krippendorff (2004)"
    if key == "percent_agreement":
        return "not corrected for chance", ""
    return f"{interpret_kappa(value)} agreement", "Landis & Koch (1977)"


def irr_report(
    data: Ratings,
    level: Level = "nominal",
    weights: Weights | None = None,
    bootstrap: int | None = None,
    seed: int | None = 0,
    n_categories: int | None = None,
) -> dict[str, Any]:
    """All statistics for one reliability data set, as a JSON-ready dict.

    Keys: ``n_units``, ``n_coders``, then the :data:`STATISTICS` (floats or
    ``None``; ``cohen_kappa`` is ``None`` unless there are exactly two coders),
    ``krippendorff_alpha_ci`` (``[low, high]`` or ``None``) only when
    ``bootstrap`` (the number of resamples) is given, and ``notes``: statistic
    -> the reason it is ``None``, or the convention used to compute it (which
    units were used when data were missing, ``q``, the bootstrap method...).
    ``weights`` applies to Cohen's kappa, ``level`` to Krippendorff's alpha;
    ``n_categories`` (size of the code set) to Brennan-Prediger and AC1.
    """
    x = as_matrix(data)
    results: dict[str, AgreementResult] = {
        "percent_agreement": percent_agreement(data),
        "cohen_kappa": cohen_kappa(data, weights),
        "fleiss_kappa": fleiss_kappa(data),
        "krippendorff_alpha": krippendorff_alpha(data, level),
        "brennan_prediger": brennan_prediger(data, n_categories),
        "gwet_ac1": gwet_ac1(data, n_categories),
    }
    n_units, n_coders = (int(d) for d in x.shape)
    report: dict[str, Any] = {"n_units": n_units, "n_coders": n_coders}
    pairable = results["percent_agreement"].n_units
    notes: dict[str, str] = {
        "n_units": (
            f"{n_units} units in the data; {pairable} were coded by two or more coders "
            "(units coded by fewer cannot show agreement)"
        )
    }
    for key, result in results.items():
        report[key] = result.value
        text = result.reason if result.value is None else result.note
        if text:
            notes[key] = text
    if bootstrap is not None:
        ci = krippendorff_alpha_bootstrap(data, level, bootstrap, seed=seed)
        report["krippendorff_alpha_ci"] = [ci.low, ci.high] if ci.defined else None
        if ci.defined:
            notes["krippendorff_alpha_ci"] = (
                f"{ci.confidence:.0%} {ci.method}; {ci.n_boot} resamples, seed {ci.seed}, "
                f"{ci.n_valid} with a defined alpha"
            )
        else:
            notes["krippendorff_alpha_ci"] = ci.reason or "undefined"
    report["notes"] = notes
    return report


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _apa(value: float) -> str:
    """APA style for coefficients bounded by 1: no leading zero (.743, -.120)."""
    text = f"{value:.3f}"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def _methods_paragraph(report: dict[str, Any], level: Level, weights: Weights | None) -> str:
    n_units, n_coders = report["n_units"], report["n_coders"]
    parts = [f"Inter-coder reliability was assessed on {n_units} units coded by {n_coders} coders."]
    alpha = report.get("krippendorff_alpha")
    if alpha is not None:
        sentence = f"Krippendorff's alpha for {level} data was {_apa(alpha)}"
        ci = report.get("krippendorff_alpha_ci")
        if ci:
            sentence += f" (95% bootstrap CI [{_apa(ci[0])}, {_apa(ci[1])}])"
        verdict = {
            "reliable": "so the data meet the standard for reliable coding",
            "tentative conclusions only": "so the data support tentative conclusions only",
            "unreliable": "so the data fall short of even the standard for tentative conclusions",
        }[interpret_alpha(alpha)]
        parts.append(
            f"{sentence}. Krippendorff (2004) considers alpha >= .800 reliable and values from "
            f".667 to .800 adequate for tentative conclusions only, {verdict}."
        )
    else:
        reason = report.get("notes", {}).get("krippendorff_alpha", "")
        parts.append(f"Krippendorff's alpha could not be computed ({reason}).")
    others = []
    pa = report.get("percent_agreement")
    if pa is not None:
        others.append(f"mean pairwise percent agreement was {pa:.1%}")
    kappas = [
        ("cohen_kappa", f"{weights}-weighted Cohen's kappa" if weights else "Cohen's kappa"),
        ("fleiss_kappa", "Fleiss' kappa"),
        ("brennan_prediger", "Brennan-Prediger's kappa"),
        ("gwet_ac1", "Gwet's AC1"),
    ]
    shown = [(name, report[key]) for key, name in kappas if report.get(key) is not None]
    others += [f"{name} {_apa(v)} ({interpret_kappa(v)})" for name, v in shown]
    if others:
        listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
        bands = ", with kappa-type values labelled using the bands of Landis and Koch (1977)"
        bands = bands if shown else ""
        parts.append(f"For comparison, {listed}{bands}.")
    conventions = ["Units coded by fewer than two coders did not enter the coefficients"]
    if report.get("cohen_kappa") is not None:
        conventions.append("Cohen's kappa used the units both coders rated")
    if report.get("fleiss_kappa") is not None:
        conventions.append("Fleiss' kappa used the units all coders rated")
    parts.append("; ".join(conventions) + ".")
    return " ".join(parts)


def render_irr_markdown(
    report: dict[str, Any], level: Level, *, weights: Weights | None = None
) -> str:
    """Markdown: a table of the statistics with interpretation bands, the notes,
    and a paragraph to paste into a methods section."""
    rows = ["| Statistic | Value | Interpretation | Source |", "|---|---:|---|---|"]
    for key in STATISTICS:
        value = report.get(key)
        label = LABELS[key]
        if key == "krippendorff_alpha":
            label += f" ({level})"
        if key == "cohen_kappa" and weights:
            label += f" ({weights} weights)"
        band, source = _interpretation(key, value)
        rows.append(f"| {label} | {_fmt(value)} | {band} | {source} |")
    if "krippendorff_alpha_ci" in report:
        ci = report["krippendorff_alpha_ci"]
        shown = "n/a" if not ci else f"[{_fmt(ci[0])}, {_fmt(ci[1])}]"
        rows.append(f"| {LABELS['krippendorff_alpha_ci']} (95%) | {shown} | | |")
    lines = [
        "## Inter-coder reliability",
        "",
        f"{report['n_units']} units, {report['n_coders']} coders.",
        "",
        *rows,
        "",
    ]
    notes: dict[str, str] = report.get("notes", {})
    if notes:
        lines += ["### Notes", ""]
        lines += [f"- **{LABELS.get(key, key)}**: {text}" for key, text in notes.items()]
        lines.append("")
    lines += [
        "### Methods paragraph",
        "",
        _methods_paragraph(report, level, weights),
        "",
        "### References",
        "",
        f"- {KRIPPENDORFF_2004}",
        f"- {LANDIS_KOCH_1977}",
        "",
    ]
    return "\n".join(lines)
