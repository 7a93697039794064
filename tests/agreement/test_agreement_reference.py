"""Agreement with independent implementations on random data.

`krippendorff.alpha` (Santiago Castro's package) for all four levels with missing data;
statsmodels' `fleiss_kappa` and `cohens_kappa` (unweighted, linear, quadratic).
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

import workbench.agreement.alpha as alpha_module
from workbench.agreement import (
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    krippendorff_alpha,
    krippendorff_alpha_bootstrap,
)
from workbench.agreement import (
    fleiss_kappa as our_fleiss,
)

nan = np.nan
VALUES = [nan, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0]


@st.composite
def reliability(draw: st.DrawFn, max_units: int = 25, max_coders: int = 5, missing: bool = True):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, max_units))
    n_coders = draw(st.integers(2, max_coders))
    cells = VALUES if missing else VALUES[1:]
    flat = draw(
        st.lists(st.sampled_from(cells), min_size=n_units * n_coders, max_size=n_units * n_coders)
    )
    return np.array(flat, dtype=float).reshape(n_units, n_coders)


def reference_alpha(data: np.ndarray, level: str) -> float | None:
    """krippendorff.alpha, with its errors / NaN mapped to None."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level))
    except ValueError:
        return None
    return None if np.isnan(value) else value


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@settings(max_examples=150, deadline=None)
@given(data=reliability())
def test_alpha_matches_krippendorff_package(level: str, data: np.ndarray) -> None:
    ours = krippendorff_alpha(data, level)  # type: ignore[arg-type]
    theirs = reference_alpha(data, level)
    if theirs is None:
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(theirs, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_package_on_seeded_larger_data(level: str) -> None:
    rng = np.random.default_rng(7)
    for n_units, n_coders, n_values in [(500, 3, 4), (2000, 6, 7), (300, 2, 12)]:
        truth = rng.integers(1, n_values + 1, n_units)
        noise = rng.integers(1, n_values + 1, (n_units, n_coders))
        data = np.where(rng.random((n_units, n_coders)) < 0.6, truth[:, None], noise).astype(float)
        data[rng.random(data.shape) < 0.2] = nan
        theirs = reference_alpha(data, level)
        assert krippendorff_alpha(data, level).value == pytest.approx(theirs, rel=1e-9)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@settings(max_examples=100, deadline=None)
@given(data=reliability())
def test_every_alpha_path_agrees(level: str, data: np.ndarray) -> None:
    """Counts/matmul, coder-pair bincount and matrix-free paths give the same Do and De."""
    p = alpha_module._pairable(data)
    if p.n_units == 0 or p.domain.size < 2:
        return
    dense = alpha_module._dense_disagreements(p, level)  # type: ignore[arg-type]
    sparse = alpha_module._sparse_disagreements(p, level)  # type: ignore[arg-type]
    assert dense == pytest.approx(sparse, rel=1e-9, abs=1e-12)
    o_counts = alpha_module._coincidences(p)
    saved = alpha_module._COUNTS_MAX_CELLS
    alpha_module._COUNTS_MAX_CELLS = 0  # force the coder-pair path
    try:
        o_pairs = alpha_module._coincidences(p)
    finally:
        alpha_module._COUNTS_MAX_CELLS = saved
    assert np.allclose(o_counts, o_pairs)


def test_continuous_values_skip_the_dense_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    truth = rng.normal(50, 10, 60)
    data = truth[:, None] + rng.normal(0, 4, (60, 3))
    data[rng.random(data.shape) < 0.1] = nan
    monkeypatch.setattr(alpha_module, "DENSE_MAX_VALUES", 10)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        theirs = reference_alpha(data, level)
        assert krippendorff_alpha(data, level).value == pytest.approx(theirs, rel=1e-9)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(data=reliability(missing=False, max_coders=6))
def test_fleiss_matches_statsmodels(data: np.ndarray) -> None:
    table, _ = aggregate_raters(data)
    ours = our_fleiss(data)
    if table.shape[1] < 2:
        assert ours.value is None and ours.reason
        return
    assert ours.value == pytest.approx(fleiss_kappa(table), rel=1e-9, abs=1e-12)
    # Brennan-Prediger = Randolph's free-marginal kappa when q = the categories used
    bp = brennan_prediger(data).value
    assert bp == pytest.approx(fleiss_kappa(table, method="randolph"), rel=1e-9, abs=1e-12)


def _table(data: np.ndarray) -> np.ndarray:
    levels = np.unique(data)
    codes = np.searchsorted(levels, data)
    table = np.zeros((levels.size, levels.size))
    np.add.at(table, (codes[:, 0], codes[:, 1]), 1)
    return table


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@settings(max_examples=150, deadline=None)
@given(data=reliability(max_coders=2, max_units=40))
def test_cohen_matches_statsmodels(weights: str | None, data: np.ndarray) -> None:
    ours = cohen_kappa(data, weights)  # type: ignore[arg-type]
    complete = data[~np.isnan(data).any(axis=1)]
    if complete.size == 0 or np.unique(complete).size < 2:
        assert ours.value is None and ours.reason
        return
    table = _table(complete)
    with np.errstate(all="ignore"):
        theirs = cohens_kappa(table, wt=weights, return_results=False)
    if not np.isfinite(theirs):
        assert ours.value is None
    else:
        assert ours.value == pytest.approx(theirs, rel=1e-9, abs=1e-12)
        assert ours.n_units == complete.shape[0]


def test_coincidence_matrix_is_symmetric_with_pairable_marginals() -> None:
    rng = np.random.default_rng(11)
    data = rng.integers(0, 4, (200, 4)).astype(float)
    data[rng.random(data.shape) < 0.3] = nan
    o, values = coincidence_matrix(data)
    assert np.allclose(o, o.T)
    pairable = (~np.isnan(data)).sum(axis=1) >= 2
    assert o.sum() == pytest.approx((~np.isnan(data[pairable])).sum())
    assert values.tolist() == [0, 1, 2, 3]


def test_bootstrap_pattern_path_matches_resampling_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 4, 400)
    data = np.where(rng.random((400, 3)) < 0.75, truth[:, None], rng.integers(0, 4, (400, 3)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.15] = nan
    fast = krippendorff_alpha_bootstrap(data, "ordinal", 2000, seed=1)
    monkeypatch.setattr(alpha_module, "_PATTERN_MAX_CELLS", 0)
    slow = krippendorff_alpha_bootstrap(data, "ordinal", 2000, seed=1)
    assert fast.defined and slow.defined
    assert fast.low == pytest.approx(slow.low, abs=0.02)
    assert fast.high == pytest.approx(slow.high, abs=0.02)
