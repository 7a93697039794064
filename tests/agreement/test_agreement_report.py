"""irr_report / render_irr_markdown, and the import hygiene of workbench.agreement."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from workbench.agreement import (
    ReliabilityData,
    interpret_alpha,
    interpret_kappa,
    irr_report,
    read_reliability_csv,
    render_irr_markdown,
)

nan = np.nan
KEYS = [
    "n_units",
    "n_coders",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "brennan_prediger",
    "gwet_ac1",
]
# Krippendorff (2011) 4 coders x 12 units
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T


def test_report_has_exactly_the_documented_keys() -> None:
    report = irr_report(K2011, "nominal")
    assert list(report) == [*KEYS, "notes"]
    assert report["n_units"] == 12 and report["n_coders"] == 4
    assert report["krippendorff_alpha"] == pytest.approx(0.743, abs=5e-4)
    assert report["cohen_kappa"] is None
    assert "exactly two coders" in report["notes"]["cohen_kappa"]
    assert "complete data" in report["notes"]["fleiss_kappa"]
    assert "11 of 12" in report["notes"]["krippendorff_alpha"]
    json.dumps(report, allow_nan=False)  # JSON-ready: no NaN, no numpy scalars
    for key in KEYS[2:]:
        assert report[key] is None or type(report[key]) is float


def test_every_null_has_a_note() -> None:
    report = irr_report(np.full((4, 3), 1.0), "interval")
    nulls = [k for k in KEYS[2:] if report[k] is None]
    assert set(nulls) == {
        "cohen_kappa",
        "fleiss_kappa",
        "krippendorff_alpha",
        "brennan_prediger",
        "gwet_ac1",
    }
    for key in nulls:
        assert report["notes"][key]
    assert report["percent_agreement"] == 1.0


def test_bootstrap_adds_the_interval_key() -> None:
    report = irr_report(K2011, "ordinal", bootstrap=300, seed=1)
    assert list(report) == [*KEYS, "krippendorff_alpha_ci", "notes"]
    low, high = report["krippendorff_alpha_ci"]
    assert type(low) is float and low <= report["krippendorff_alpha"] <= high
    assert "300 resamples" in report["notes"]["krippendorff_alpha_ci"]
    assert report == irr_report(K2011, "ordinal", bootstrap=300, seed=1)
    json.dumps(report, allow_nan=False)
    undefined = irr_report(np.full((4, 2), 1.0), bootstrap=50)
    assert undefined["krippendorff_alpha_ci"] is None
    assert undefined["notes"]["krippendorff_alpha_ci"]


def test_two_coders_weighted_kappa(tmp_path: Path) -> None:
    path = tmp_path / "pair.csv"
    path.write_text("a,b\n1,1\n2,3\n3,3\n4,4\n2,2\n1,2\n,4\n")
    data = read_reliability_csv(path, "ordinal")
    report = irr_report(data, "ordinal", weights="quadratic")
    assert report["cohen_kappa"] is not None
    assert "quadratic weights" in report["notes"]["cohen_kappa"]
    assert "6 of 7" in report["notes"]["cohen_kappa"]
    markdown = render_irr_markdown(report, "ordinal", weights="quadratic")
    assert "Cohen's kappa (quadratic weights)" in markdown
    assert "quadratic-weighted Cohen's kappa ." in markdown


def test_markdown_report() -> None:
    report = irr_report(K2011, "nominal", bootstrap=200, seed=0)
    text = render_irr_markdown(report, "nominal")
    assert "| Statistic | Value | Interpretation | Source |" in text
    row = "| Krippendorff's alpha (nominal) | 0.743 | tentative conclusions only |"
    assert f"{row} Krippendorff (2004) |" in text
    assert "| Percent agreement | 0.818 | not corrected for chance |  |" in text
    assert "| Cohen's kappa | n/a | undefined |  |" in text
    assert "substantial agreement | Landis & Koch (1977)" in text
    assert "Inter-coder reliability was assessed on 12 units coded by 4 coders." in text
    assert "Krippendorff's alpha for nominal data was .743 (95% bootstrap CI [" in text
    assert "so the data support tentative conclusions only." in text
    assert "Fleiss' kappa .641 (substantial)" in text
    assert "Landis, J. R., & Koch, G. G. (1977)" in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_markdown_when_alpha_is_undefined() -> None:
    report = irr_report(np.full((3, 2), 2.0), "nominal")
    text = render_irr_markdown(report, "nominal")
    assert "Krippendorff's alpha could not be computed (no variation" in text


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.9, "reliable"), (0.800, "reliable"), (0.7999, "tentative conclusions only"),
     (0.667, "tentative conclusions only"), (0.6669, "unreliable"), (-0.2, "unreliable")],
)  # fmt: skip
def test_alpha_bands_krippendorff_2004(value: float, band: str) -> None:
    assert interpret_alpha(value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [(-0.01, "poor"), (0.0, "slight"), (0.2, "slight"), (0.21, "fair"), (0.4, "fair"),
     (0.41, "moderate"), (0.6, "moderate"), (0.61, "substantial"), (0.8, "substantial"),
     (0.81, "almost perfect"), (1.0, "almost perfect")],
)  # fmt: skip
def test_kappa_bands_landis_koch_1977(value: float, band: str) -> None:
    assert interpret_kappa(value) == band


def test_report_accepts_text_labels() -> None:
    data = ReliabilityData.from_labels(
        [["fear", "fear"], ["hope", "fear"], ["hope", "hope"], ["anger", None]],
        coders=["ann", "ben"],
    )
    report = irr_report(data, "nominal")
    assert report["n_units"] == 4 and report["cohen_kappa"] is not None
    weighted = irr_report(data, "nominal", weights="linear")
    assert weighted["cohen_kappa"] is None
    assert "ordered" in weighted["notes"]["cohen_kappa"]


def test_importing_agreement_stays_light() -> None:
    code = (
        "import sys, workbench.agreement; "
        "print(sorted({'spacy', 'textual', 'sqlmodel', 'sqlalchemy', 'krippendorff', "
        "'statsmodels', 'scipy'} & set(sys.modules))); "
        "print(sorted(m for m in sys.modules if m.startswith('workbench') "
        "and not m.startswith('workbench.agreement')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, ours = out.stdout.strip().splitlines()
    assert heavy == "[]"
    assert ours == "['workbench', 'workbench.core', 'workbench.core.errors']"
