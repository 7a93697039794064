"""Properties every statistic must have, and the undefined cases."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agreement import (
    AgreementResult,
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_bootstrap,
    percent_agreement,
)

nan = np.nan
LEVELS = ["nominal", "ordinal", "interval", "ratio"]

STATISTICS: dict[str, Callable[[np.ndarray], AgreementResult]] = {
    "percent_agreement": percent_agreement,
    "fleiss_kappa": fleiss_kappa,
    "brennan_prediger": brennan_prediger,
    "gwet_ac1": gwet_ac1,
    **{f"alpha_{lv}": (lambda d, lv=lv: krippendorff_alpha(d, lv)) for lv in LEVELS},  # type: ignore[misc]
}


@st.composite
def matrices(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 5):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, 20))
    n_coders = draw(st.integers(min_coders, max_coders))
    cells = st.sampled_from([nan, 1.0, 2.0, 3.0, 4.0])
    flat = draw(st.lists(cells, min_size=n_units * n_coders, max_size=n_units * n_coders))
    return np.array(flat).reshape(n_units, n_coders)


def same(a: AgreementResult, b: AgreementResult) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    return bool(np.isclose(a.value, b.value, rtol=1e-9, atol=1e-12))


@settings(max_examples=120, deadline=None)
@given(data=matrices(), seed=st.integers(0, 2**32 - 1))
def test_invariant_under_permuting_coders_and_units(data: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shuffled = data[rng.permutation(data.shape[0])][:, rng.permutation(data.shape[1])]
    for name, stat in STATISTICS.items():
        assert same(stat(data), stat(shuffled)), name


@settings(max_examples=60, deadline=None)
@given(data=matrices(max_coders=2, min_coders=2), seed=st.integers(0, 2**32 - 1))
def test_cohen_invariant_under_swapping_coders_and_permuting_units(
    data: np.ndarray, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    shuffled = data[rng.permutation(data.shape[0])][:, ::-1]
    for weights in (None, "linear", "quadratic"):
        assert same(cohen_kappa(data, weights), cohen_kappa(shuffled, weights))  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(data=matrices())
def test_values_are_within_bounds(data: np.ndarray) -> None:
    for name, stat in STATISTICS.items():
        result = stat(data)
        if result.value is None:
            assert result.reason, name
            continue
        assert np.isfinite(result.value), name
        assert result.value <= 1.0 + 1e-12, name
        if name == "percent_agreement":
            assert 0.0 <= result.value
        if name in ("fleiss_kappa", "brennan_prediger", "gwet_ac1"):
            assert result.value >= -1.0 - 1e-12, name
    if data.shape[1] == 2:
        for weights in (None, "linear", "quadratic"):
            kappa = cohen_kappa(data, weights).value  # type: ignore[arg-type]
            assert kappa is None or -1.0 - 1e-12 <= kappa <= 1.0 + 1e-12


@settings(max_examples=80, deadline=None)
@given(
    column=st.lists(st.sampled_from([1.0, 2.0, 3.0, 7.0]), min_size=2, max_size=30).filter(
        lambda c: len(set(c)) > 1
    ),
    n_coders=st.integers(2, 6),
)
def test_identical_coders_with_variation_agree_perfectly(
    column: list[float], n_coders: int
) -> None:
    data = np.repeat(np.array(column)[:, None], n_coders, axis=1)
    for level in LEVELS:
        assert krippendorff_alpha(data, level).value == pytest.approx(1.0)  # type: ignore[arg-type]
    for stat in (percent_agreement, fleiss_kappa, brennan_prediger, gwet_ac1):
        assert stat(data).value == pytest.approx(1.0)
    if n_coders == 2:
        for weights in (None, "linear", "quadratic"):
            assert cohen_kappa(data, weights).value == pytest.approx(1.0)  # type: ignore[arg-type]


def test_identical_coders_with_missing_values_still_agree() -> None:
    data = np.array([[1, 1, nan], [2, nan, 2], [3, 3, 3], [nan, 1, 1], [2, 2, nan]], float)
    for level in LEVELS:
        assert krippendorff_alpha(data, level).value == pytest.approx(1.0)  # type: ignore[arg-type]


def test_level_specific_invariances() -> None:
    rng = np.random.default_rng(2)
    data = rng.integers(1, 6, (50, 3)).astype(float)
    data[rng.random(data.shape) < 0.2] = nan
    relabelled = np.where(np.isnan(data), nan, 100 - 7 * data)
    assert same(krippendorff_alpha(data, "nominal"), krippendorff_alpha(relabelled, "nominal"))
    assert same(krippendorff_alpha(data, "interval"), krippendorff_alpha(3 * data + 10, "interval"))
    assert same(krippendorff_alpha(data, "ratio"), krippendorff_alpha(2.5 * data, "ratio"))
    # ordinal alpha depends on ranks only
    assert same(krippendorff_alpha(data, "ordinal"), krippendorff_alpha(data**3, "ordinal"))


# -- undefined cases: value None with a reason, never a crash, never a made-up 1.0 ----------


def test_one_coder_is_undefined_everywhere() -> None:
    data = np.array([[1.0], [2.0], [3.0]])
    for name, stat in STATISTICS.items():
        result = stat(data)
        assert result.value is None and result.reason, name
    result = cohen_kappa(data)
    assert result.value is None and "two coders" in (result.reason or "")


def test_no_variation_is_undefined_not_one() -> None:
    data = np.full((6, 3), 2.0)
    for level in LEVELS:
        result = krippendorff_alpha(data, level)  # type: ignore[arg-type]
        assert result.value is None and "variation" in (result.reason or "")
    assert fleiss_kappa(data).value is None
    assert cohen_kappa(data[:, :2]).value is None
    assert cohen_kappa(data[:, :2], "quadratic").value is None
    # percent agreement of 100% is a fact, not an artefact
    assert percent_agreement(data).value == 1.0
    # one observed category: BP and AC1 need to know how many categories there were...
    assert brennan_prediger(data).value is None
    assert gwet_ac1(data).value is None
    # ...and are defined once told (binary presence data: 2 categories)
    assert brennan_prediger(data, n_categories=2).value == pytest.approx(1.0)
    assert gwet_ac1(data, n_categories=2).value == pytest.approx(1.0)


def test_too_few_pairable_units_is_undefined() -> None:
    data = np.array([[1, nan, nan], [nan, 2, nan], [nan, nan, 3]])
    for name, stat in STATISTICS.items():
        result = stat(data)
        assert result.value is None and result.reason, name
    assert cohen_kappa(data[:, :2]).value is None
    empty = np.zeros((0, 3))
    for name, stat in STATISTICS.items():
        assert stat(empty).value is None, name


def test_fleiss_without_complete_units_explains_why() -> None:
    data = np.array([[1, 1, nan], [2, nan, 2], [nan, 3, 3]])
    result = fleiss_kappa(data)
    assert result.value is None and "all 3 coders" in (result.reason or "")
    assert krippendorff_alpha(data).value == pytest.approx(1.0)


def test_cohen_uses_pairwise_complete_units() -> None:
    data = np.array([[1, 1], [2, 2], [1, 2], [2, nan], [nan, 1]], float)
    result = cohen_kappa(data)
    assert result.n_units == 3
    assert result.note and "3 of 5" in result.note
    assert result.value == cohen_kappa(data[:3]).value


def test_ratio_alpha_rejects_negative_values() -> None:
    data = np.array([[-1, -1], [2, 2], [3, 1]], float)
    result = krippendorff_alpha(data, "ratio")
    assert result.value is None and "negative" in (result.reason or "")


def test_bad_arguments_raise() -> None:
    data = np.array([[1, 1], [2, 2]], float)
    with pytest.raises(ValueError):
        krippendorff_alpha(data, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cohen_kappa(data, "cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        krippendorff_alpha(np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        brennan_prediger(data, n_categories=1)
    with pytest.raises(ValueError):
        cohen_kappa(np.array([[1, 5], [2, 2]], float), categories=[1, 2, 3])


def test_weighted_kappa_on_unordered_text_is_undefined() -> None:
    data = ReliabilityData.from_labels([["x", "y"], ["y", "y"], ["z", "x"]], coders=["a", "b"])
    result = cohen_kappa(data, "linear")
    assert result.value is None and "ordered" in (result.reason or "")
    assert cohen_kappa(data).value is not None


def test_cohen_declared_categories_change_rank_weights() -> None:
    data = np.array([[1, 2], [2, 2], [1, 1], [2, 1], [1, 1]], float)
    plain = cohen_kappa(data, "linear")
    assert plain.value == cohen_kappa(data).value  # two categories: weights do not matter
    declared = cohen_kappa(data, "linear", categories=[1, 2, 3])
    assert declared.value == pytest.approx(plain.value)  # unused top category: same ranks
    # an unused category between them doubles the distance but kappa is scale-free
    assert cohen_kappa(data, "quadratic", categories=[1, 1.5, 2]).value == pytest.approx(
        plain.value
    )


# -- bootstrap ------------------------------------------------------------------------------


def _noisy(seed: int = 0, n_units: int = 300, n_coders: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 5, n_units)
    data = np.where(
        rng.random((n_units, n_coders)) < 0.7,
        truth[:, None],
        rng.integers(1, 5, (n_units, n_coders)),
    ).astype(float)
    data[rng.random(data.shape) < 0.1] = nan
    return data


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_is_seeded_and_brackets_the_estimate(level: str) -> None:
    data = _noisy()
    first = krippendorff_alpha_bootstrap(data, level, 500, seed=42)  # type: ignore[arg-type]
    again = krippendorff_alpha_bootstrap(data, level, 500, seed=42)  # type: ignore[arg-type]
    other = krippendorff_alpha_bootstrap(data, level, 500, seed=43)  # type: ignore[arg-type]
    assert (first.low, first.high) == (again.low, again.high)
    assert (first.low, first.high) != (other.low, other.high)
    point = krippendorff_alpha(data, level).value  # type: ignore[arg-type]
    assert first.low is not None and first.high is not None and point is not None
    assert -1.0 <= first.low < point < first.high <= 1.0
    assert first.n_valid == 500 and first.seed == 42 and "units" in first.method


def test_bootstrap_of_undefined_alpha_is_undefined() -> None:
    result = krippendorff_alpha_bootstrap(np.full((5, 2), 1.0), "nominal", 100, seed=0)
    assert not result.defined and result.reason and "variation" in result.reason


def test_bootstrap_drops_resamples_without_variation() -> None:
    # only one unit shows variation; many resamples miss it
    data = np.array([[1, 1]] * 5 + [[1, 2]], float)
    result = krippendorff_alpha_bootstrap(data, "nominal", 400, seed=3)
    assert 0 < result.n_valid < 400


def test_bootstrap_narrows_with_more_units() -> None:
    small = krippendorff_alpha_bootstrap(_noisy(1, 60), "nominal", 1000, seed=0)
    large = krippendorff_alpha_bootstrap(_noisy(1, 2000), "nominal", 1000, seed=0)
    assert small.low is not None and small.high is not None
    assert large.low is not None and large.high is not None
    assert large.high - large.low < small.high - small.low
