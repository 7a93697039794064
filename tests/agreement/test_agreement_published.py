"""Published worked examples, reproduced to three decimals (sources in comments)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.agreement import (
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)

nan = np.nan

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43,
# section C ("nominal data, any number of observers, missing data"): 4 observers x 12 units.
# The same table is Gwet's `cac.raw4raters` in the irrCAC R package (transposed).
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],  # observer A
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],  # observer B
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],  # observer C
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],  # observer D
    ]
).T  # -> units x coders


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        # nominal .743 is Krippendorff (2011), section C. The other three are the values the
        # paper reports for the same data and which the `krippendorff` package's docstring
        # reproduces (ordinal .815, ratio .797; interval .849).
        ("nominal", 0.743),
        ("ordinal", 0.815),
        ("interval", 0.849),
        ("ratio", 0.797),
    ],
)
def test_krippendorff_2011_alpha(level: str, expected: float) -> None:
    result = krippendorff_alpha(KRIPPENDORFF_2011, level)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=5e-4)
    assert result.n_units == 11  # unit 12 has a single value and is not pairable


def test_krippendorff_2011_coincidence_matrix() -> None:
    # Krippendorff (2011), section C: n = 40 pairable values, n_c = 9, 13, 10, 5, 3;
    # o_11 = 7, o_12 = 4/3, o_22 = 10, o_33 = 8, o_44 = 4, o_55 = 3; Do = 1 - 32/40.
    o, values = coincidence_matrix(KRIPPENDORFF_2011)
    assert values.tolist() == [1, 2, 3, 4, 5]
    assert o.sum(axis=1).tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert np.diag(o).tolist() == pytest.approx([7, 10, 8, 4, 3])
    assert o[0, 1] == pytest.approx(4 / 3)
    assert np.allclose(o, o.T)


def test_krippendorff_2011_with_text_labels() -> None:
    # The same data as labels: nominal alpha only depends on which values are equal.
    names = {1.0: "very low", 2.0: "low", 3.0: "mid", 4.0: "high", 5.0: "very high"}
    rows = [[None if np.isnan(v) else names[v] for v in row] for row in KRIPPENDORFF_2011]
    data = ReliabilityData.from_labels(rows, coders=["A", "B", "C", "D"])
    assert krippendorff_alpha(data, "nominal").value == pytest.approx(0.743, abs=5e-4)
    # ordered text labels work at the ordinal level
    ordered = ReliabilityData.from_labels(
        rows, coders=["A", "B", "C", "D"], order=list(names.values())
    )
    assert krippendorff_alpha(ordered, "ordinal").value == pytest.approx(0.815, abs=5e-4)
    # unordered text cannot be ordinal/interval: undefined with a reason, not a guess
    result = krippendorff_alpha(data, "interval")
    assert result.value is None and "numeric" in (result.reason or "")


def test_wikipedia_krippendorff_alpha_example() -> None:
    # Wikipedia, "Krippendorff's alpha", section "A computational example": 3 coders x 15 units,
    # nominal alpha = 0.691 (also the `krippendorff` package docstring: 0.691358; interval 0.811).
    data = np.array(
        [
            [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
            [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
            [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
        ]
    ).T
    assert krippendorff_alpha(data, "nominal").value == pytest.approx(0.691358, abs=1e-6)
    assert krippendorff_alpha(data, "interval").value == pytest.approx(0.810845, abs=1e-6)


def test_gwet_irrcac_raw4raters() -> None:
    # Gwet, irrCAC R package vignette "Calculating Chance-corrected Agreement Coefficients",
    # dataset cac.raw4raters (= KRIPPENDORFF_2011): percent agreement 0.8181818,
    # Gwet's AC1 0.77544 (pe 0.1903212), Brennan-Prediger 0.77273 (pe 0.2), alpha 0.74342.
    assert percent_agreement(KRIPPENDORFF_2011).value == pytest.approx(0.8181818, abs=1e-6)
    ac1 = gwet_ac1(KRIPPENDORFF_2011)
    assert ac1.value == pytest.approx(0.77544, abs=1e-5)
    assert ac1.expected == pytest.approx(0.1903212, abs=1e-6)
    bp = brennan_prediger(KRIPPENDORFF_2011)
    assert bp.value == pytest.approx(0.77273, abs=1e-5)
    assert bp.expected == pytest.approx(0.2)


def _from_table(table: list[list[int]]) -> np.ndarray:
    """Two-coder units x coders data from a contingency table (rows = coder 1)."""
    pairs = [(i, j) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    return np.array(pairs, dtype=float)


def test_gwet_irrcac_cont3x3abstractors() -> None:
    # Gwet, irrCAC vignette, contingency table cont3x3abstractors (2 abstractors, 100 cases):
    # Cohen's kappa 0.7964094, Gwet's AC1 0.8493305, Brennan-Prediger 0.835,
    # Krippendorff's alpha 0.7972585, percent agreement 0.89.
    data = _from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert cohen_kappa(data).value == pytest.approx(0.7964094, abs=1e-6)
    assert gwet_ac1(data).value == pytest.approx(0.8493305, abs=1e-6)
    assert brennan_prediger(data).value == pytest.approx(0.835, abs=1e-6)
    assert krippendorff_alpha(data).value == pytest.approx(0.7972585, abs=1e-6)
    assert percent_agreement(data).value == pytest.approx(0.89)


def _from_distribution(counts: list[list[int]]) -> np.ndarray:
    """Units x raters data from a units x categories table of rater counts."""
    return np.array(
        [[k for k, n in enumerate(row) for _ in range(n)] for row in counts], dtype=float
    )


# Gwet, irrCAC vignette, distrib.6raters: 15 psychiatric patients, 6 raters, 5 diagnoses.
DISTRIB_6RATERS = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
]


def test_gwet_irrcac_distrib_6raters() -> None:
    # Published: AC1 0.4448007 (pa 0.5511111, pe 0.1914815), Fleiss 0.4139265 (pe 0.2340741),
    # Krippendorff's alpha 0.4204384, Brennan-Prediger 0.4388889.
    data = _from_distribution(DISTRIB_6RATERS)
    ac1 = gwet_ac1(data)
    assert ac1.value == pytest.approx(0.4448007, abs=1e-6)
    assert ac1.observed == pytest.approx(0.5511111, abs=1e-6)
    assert ac1.expected == pytest.approx(0.1914815, abs=1e-6)
    fleiss = fleiss_kappa(data)
    assert fleiss.value == pytest.approx(0.4139265, abs=1e-6)
    assert fleiss.expected == pytest.approx(0.2340741, abs=1e-6)
    assert krippendorff_alpha(data).value == pytest.approx(0.4204384, abs=1e-6)
    assert brennan_prediger(data).value == pytest.approx(0.4388889, abs=1e-6)


def test_fleiss_1971_wikipedia() -> None:
    # Fleiss (1971) as worked on Wikipedia, "Fleiss' kappa", "Worked example": 10 subjects,
    # 14 raters, 5 categories. P-bar = 0.378, P-e = 0.213, kappa = 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    result = fleiss_kappa(_from_distribution(table))
    assert result.value == pytest.approx(0.210, abs=5e-4)
    assert result.observed == pytest.approx(0.378, abs=5e-4)
    assert result.expected == pytest.approx(0.213, abs=5e-4)


# Fleiss (1971) psychiatric diagnoses, 30 patients x 6 raters, as shipped with R's irr package
# (`diagnoses`); irr::kappam.fleiss(diagnoses) prints Kappa = 0.430 (0.4302445).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_fleiss_diagnoses_irr() -> None:
    assert fleiss_kappa(np.array(DIAGNOSES, float)).value == pytest.approx(0.4302445, abs=1e-7)


def test_cohen_wikipedia_simple_example() -> None:
    # Wikipedia, "Cohen's kappa", "Simple example": 50 grant proposals, Yes/Yes 20, Yes/No 5,
    # No/Yes 10, No/No 15: po = 0.7, pe = 0.5, kappa = 0.4.
    result = cohen_kappa(_from_table([[20, 5], [10, 15]]))
    assert result.value == pytest.approx(0.4)
    assert (result.observed, result.expected) == pytest.approx((0.7, 0.5))


def test_cohen_sas_example() -> None:
    # SAS PROC FREQ printout reproduced in statsmodels' test_inter_rater.py (table10):
    # simple kappa 0.4842; weighted kappa with Cicchetti-Allison (linear) weights 0.4701.
    data = _from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert cohen_kappa(data).value == pytest.approx(0.4842, abs=5e-5)
    assert cohen_kappa(data, "linear").value == pytest.approx(0.4701, abs=5e-5)


# R irr package `anxiety` data (20 subjects, 3 raters), raters 2 and 3. Published irr output
# (kappa2(anxiety[,2:3]), kappa2(..., "equal"), kappa2(..., "squared")), as recorded in
# statsmodels' test_cohens_kappa_irr: -0.006289308, 0.1459075, 0.2520325. irr weights by the
# rank of each observed level (level 5 is unused, so 6 is one step above 4).
ANXIETY_2_3 = [
    [3, 2], [6, 1], [4, 4], [6, 4], [2, 3], [4, 2], [2, 1], [4, 6], [3, 1], [3, 1],
    [2, 1], [3, 2], [3, 3], [3, 3], [2, 1], [2, 1], [1, 3], [3, 3], [3, 2], [4, 2],
]  # fmt: skip


@pytest.mark.parametrize(
    ("weights", "expected"),
    [(None, -0.006289308), ("linear", 0.1459075), ("quadratic", 0.2520325)],
)
def test_weighted_kappa_irr_anxiety(weights: str | None, expected: float) -> None:
    result = cohen_kappa(np.array(ANXIETY_2_3, float), weights)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=1e-7)


def test_weighted_kappa_textbook_against_statsmodels() -> None:
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    data = np.array(ANXIETY_2_3, float)
    levels = np.unique(data)
    table = np.zeros((levels.size, levels.size))
    for a, b in np.searchsorted(levels, data):
        table[a, b] += 1
    assert cohen_kappa(data).value == pytest.approx(sm_kappa(table, return_results=False))
    for wt in ("linear", "quadratic"):
        ours = cohen_kappa(data, wt).value  # type: ignore[arg-type]
        assert ours == pytest.approx(sm_kappa(table, wt=wt, return_results=False))


def test_hand_computed_two_coders() -> None:
    # 10 units, categories a=0 / b=1. Table: a/a 7, a/b 1, b/a 1, b/b 1.
    #   Po = 8/10 = 0.8.
    #   Cohen: both coders' marginals are a 0.8, b 0.2 -> Pe = 0.8^2 + 0.2^2 = 0.68,
    #          kappa = (0.8 - 0.68) / (1 - 0.68) = 0.375.
    #   Brennan-Prediger: q = 2 -> (0.8 - 1/2) / (1 - 1/2) = 0.6.
    #   Gwet AC1: pi_a = (7 * 1 + 1 * 1/2 + 1 * 1/2 + 1 * 0) / 10 = 0.8, pi_b = 0.2,
    #          Pe = (0.8 * 0.2 + 0.2 * 0.8) / (2 - 1) = 0.32,
    #          AC1 = (0.8 - 0.32) / (1 - 0.32) = 0.48 / 0.68 = 0.70588.
    data = _from_table([[7, 1], [1, 1]])
    assert percent_agreement(data).value == pytest.approx(0.8)
    assert cohen_kappa(data).value == pytest.approx(0.375)
    assert brennan_prediger(data).value == pytest.approx(0.6)
    assert gwet_ac1(data).value == pytest.approx(0.48 / 0.68)
    # Scott's pi = Fleiss' kappa for two coders; equal marginals make it equal Cohen's here.
    assert fleiss_kappa(data).value == pytest.approx(0.375)


def test_hand_computed_three_coders_with_missing() -> None:
    # Units (3 coders, a=0, b=1, - missing):  u1 a a a | u2 a a b | u3 b b - | u4 a - -
    #   Percent agreement over units with >= 2 codings (u1..u3), agreeing ordered pairs / all:
    #     u1 6/6 = 1, u2 (2*1 + 1*0)/6 = 1/3, u3 2/2 = 1  ->  Pa = (1 + 1/3 + 1)/3 = 7/9.
    #   Brennan-Prediger, q = 2: (7/9 - 1/2) / (1/2) = 5/9.
    #   AC1: pi_k averages each coded unit's share (u1..u4):
    #     pi_a = (1 + 2/3 + 0 + 1)/4 = 2/3, pi_b = 1/3; Pe = (2/3*1/3 + 1/3*2/3)/(2-1) = 4/9;
    #     AC1 = (7/9 - 4/9) / (1 - 4/9) = 3/5.
    #   Fleiss (complete units u1, u2 only): P_1 = 1, P_2 = (2^2 + 1 - 3)/(3*2) = 1/3,
    #     P-bar = 2/3; p_a = 5/6, p_b = 1/6, Pe = 26/36; kappa = (2/3 - 26/36)/(1 - 26/36) = -0.2.
    data = np.array([[0, 0, 0], [0, 0, 1], [1, 1, nan], [0, nan, nan]])
    assert percent_agreement(data).value == pytest.approx(7 / 9)
    assert brennan_prediger(data).value == pytest.approx(5 / 9)
    assert gwet_ac1(data).value == pytest.approx(0.6)
    fleiss = fleiss_kappa(data)
    assert fleiss.value == pytest.approx(-0.2)
    assert fleiss.n_units == 2
