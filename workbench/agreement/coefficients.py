"""Percent agreement and the kappa family: Cohen, Fleiss, Brennan-Prediger, Gwet's AC1.

All functions take a units x coders matrix (``ReliabilityData`` or a numeric
array with NaN for missing) and return an :class:`AgreementResult`. Categories
are compared for exact equality. How each handles missing data:

* percent agreement, Brennan-Prediger and AC1 use every unit coded by two or
  more coders (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed.,
  ch. 2 and 4; the same definitions as Gwet's ``irrCAC`` R package);
* Cohen's kappa uses the units both coders rated (pairwise complete);
* Fleiss' kappa needs the same number of ratings per unit, so it uses the units
  every coder rated (complete cases).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.agreement._common import FloatArray, Tally, factorize, tally
from workbench.agreement.data import Ratings, ReliabilityData, as_matrix
from workbench.agreement.results import WEIGHTS, AgreementResult, Weights, undefined


def _pairwise_agreement(t: Tally) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Per unit: share of agreeing ordered coder pairs, and the pairable-unit mask."""
    m = t.m_u.astype(np.float64)
    agree = t.per_unit(t.count * (t.count - 1.0))
    pairable = t.m_u >= 2
    share = np.zeros(t.n_units)
    share[pairable] = agree[pairable] / (m[pairable] * (m[pairable] - 1.0))
    return share, pairable


def percent_agreement(data: Ratings) -> AgreementResult:
    """Mean pairwise percent agreement.

    For each unit coded by two or more coders, the share of coder pairs that
    gave the same value; then the mean over those units. With two coders and
    no missing data this is the plain proportion of units they agree on.
    """
    x = as_matrix(data)
    n_units, n_coders = x.shape
    name = "percent_agreement"
    if n_coders < 2:
        return undefined(name, "agreement needs at least two coders", n_coders=n_coders)
    t = tally(x)
    share, pairable = _pairwise_agreement(t)
    used = int(pairable.sum())
    note = (
        f"mean over the {used} of {n_units} units coded by two or more coders of the share "
        "of coder pairs giving the same value (exact matches)"
    )
    if used == 0:
        return undefined(name, "no unit was coded by two or more coders", n_coders=n_coders)
    value = float(share[pairable].mean())
    return AgreementResult(
        name, value, n_units=used, n_coders=n_coders, observed=value, expected=0.0, note=note
    )


def _n_categories(t: Tally, n_categories: int | None) -> int:
    observed = int(t.domain.size)
    if n_categories is None:
        return observed
    if n_categories < observed:
        raise ValueError(
            f"n_categories={n_categories} but the data use {observed} different values"
        )
    return n_categories


def _categories_note(q: int, declared: bool) -> str:
    return f"q = {q} categories ({'declared' if declared else 'observed in the data'})"


@dataclass(frozen=True, slots=True)
class _FreeMarginal:
    """What Brennan-Prediger and AC1 share: the tally, ``q``, ``Po`` and the result fields."""

    tally: Tally
    q: int
    po: float
    n_units: int
    n_coders: int
    note: str

    def result(self, name: str, expected: float) -> AgreementResult:
        return AgreementResult(
            name,
            (self.po - expected) / (1.0 - expected),
            n_units=self.n_units,
            n_coders=self.n_coders,
            observed=self.po,
            expected=expected,
            note=self.note,
        )


def _free_marginal_setup(
    name: str, data: Ratings, n_categories: int | None, one_category: str
) -> _FreeMarginal | AgreementResult:
    """Tally ``data`` and compute ``Po`` over the pairable units, or say why ``name`` is
    undefined (fewer than two coders, no pairable unit, fewer than two categories;
    ``one_category`` is the reason given for the last)."""
    x = as_matrix(data)
    n_units, n_coders = x.shape
    if n_coders < 2:
        return undefined(name, "agreement needs at least two coders", n_coders=n_coders)
    t = tally(x)
    q = _n_categories(t, n_categories)
    share, pairable = _pairwise_agreement(t)
    used = int(pairable.sum())
    note = (
        f"{_categories_note(q, n_categories is not None)}; "
        f"{used} of {n_units} units coded by two or more coders"
    )
    if used == 0:
        return undefined(
            name, "no unit was coded by two or more coders", n_coders=n_coders, note=note
        )
    if q < 2:
        return undefined(name, one_category, n_units=used, n_coders=n_coders, note=note)
    return _FreeMarginal(t, q, float(share[pairable].mean()), used, n_coders, note)


def brennan_prediger(data: Ratings, n_categories: int | None = None) -> AgreementResult:
    """Brennan & Prediger's (1981) free-marginal kappa: ``(Po - 1/q) / (1 - 1/q)``.

    ``Po`` is :func:`percent_agreement`; ``q`` is ``n_categories`` if given
    (the size of the code set the coders chose from), else the number of
    distinct values in the data. Also known as Bennett's S / Randolph's kappa.
    """
    name = "brennan_prediger"
    setup = _free_marginal_setup(
        name,
        data,
        n_categories,
        "only one category occurs, so chance agreement 1/q is 1; "
        "give the number of categories in the code set",
    )
    if isinstance(setup, AgreementResult):
        return setup
    return setup.result(name, 1.0 / setup.q)


def gwet_ac1(data: Ratings, n_categories: int | None = None) -> AgreementResult:
    """Gwet's (2008) AC1 for two or more coders with missing data.

    ``Pa`` is :func:`percent_agreement`; chance agreement is
    ``Pe = sum_k pi_k (1 - pi_k) / (q - 1)`` where ``pi_k`` is the mean over
    units coded by at least one coder of the share of that unit's ratings in
    category ``k`` (Gwet 2014, ch. 4, eq. 4.2.2; ``irrCAC::gwet.ac1.raw``).
    """
    name = "gwet_ac1"
    setup = _free_marginal_setup(
        name,
        data,
        n_categories,
        "only one category occurs; give the number of categories in the code set",
    )
    if isinstance(setup, AgreementResult):
        return setup
    t = setup.tally
    rated = t.m_u >= 1
    pi = t.per_value(t.count / t.m_u[t.unit]) / float(rated.sum())
    pe = float((pi * (1.0 - pi)).sum()) / (setup.q - 1.0)
    return setup.result(name, pe)


def fleiss_kappa(data: Ratings) -> AgreementResult:
    """Fleiss' (1971) kappa over the units every coder rated.

    Fleiss' kappa assumes each unit has the same number of ratings, so units
    with any missing rating are left out (complete cases; the note says how
    many were kept). For two coders it equals Scott's pi.
    """
    x = as_matrix(data)
    n_units, n_coders = x.shape
    name = "fleiss_kappa"
    if n_coders < 2:
        return undefined(name, "kappa needs at least two coders", n_coders=n_coders)
    complete = ~np.isnan(x).any(axis=1)
    kept = int(complete.sum())
    note = f"units with complete data only: {kept} of {n_units} units were rated by all coders"
    if kept == 0:
        return undefined(
            name,
            f"no unit was rated by all {n_coders} coders (Fleiss' kappa needs the same "
            "number of ratings for every unit)",
            n_coders=n_coders,
            note=note,
        )
    t = tally(x[complete])
    m = float(n_coders)
    p_unit = (t.per_unit(t.count**2) - m) / (m * (m - 1.0))
    p_bar = float(p_unit.mean())
    p_cat = t.per_value(t.count) / (kept * m)
    p_cat = p_cat[p_cat > 0]
    if p_cat.size < 2:
        return undefined(
            name,
            "no variation: every rating is the same category",
            n_units=kept,
            n_coders=n_coders,
            note=note,
        )
    pe = float((p_cat**2).sum())
    return AgreementResult(
        name,
        (p_bar - pe) / (1.0 - pe),
        n_units=kept,
        n_coders=n_coders,
        observed=p_bar,
        expected=pe,
        note=note,
    )


def cohen_kappa(
    data: Ratings,
    weights: Weights | None = None,
    categories: Sequence[float] | None = None,
) -> AgreementResult:
    """Cohen's (1960) kappa for exactly two coders; weighted (Cohen 1968) if asked.

    Uses the units both coders rated. Weights are disagreement weights on the
    *ranks* of the ordered categories: ``|i - j|`` (linear) or ``(i - j)^2``
    (quadratic), the convention of Cohen (1968), R's ``irr::kappa2`` and
    ``statsmodels.stats.inter_rater.cohens_kappa``. The categories are those
    the two coders used on their common units, unless ``categories`` (the full
    ordered scale, as values) is given. For weighted kappa ``observed`` and
    ``expected`` are the weighted agreements ``1 - w/w_max``.
    """
    if weights is not None and weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; expected one of {', '.join(WEIGHTS)}")
    x = as_matrix(data)
    n_units, n_coders = x.shape
    name = "cohen_kappa"
    if n_coders != 2:
        return undefined(
            name,
            f"Cohen's kappa compares exactly two coders; the data have {n_coders} "
            "(see Fleiss' kappa or Krippendorff's alpha)",
            n_coders=n_coders,
        )
    if weights is not None and isinstance(data, ReliabilityData) and not data.ordered:
        return undefined(
            name,
            f"{weights} weights need ordered categories; these data have unordered text labels",
            n_coders=2,
        )
    both = ~np.isnan(x).any(axis=1)
    kept = int(both.sum())
    note = f"pairwise-complete units: {kept} of {n_units} units were rated by both coders"
    if weights is not None:
        note += f"; {weights} weights on category ranks"
    if kept == 0:
        return undefined(name, "no unit was rated by both coders", n_coders=2, note=note)
    pairs = x[both]
    if categories is None:
        domain, inverse = factorize(pairs.reshape(-1))
    else:
        domain = np.asarray(sorted(set(categories)), dtype=np.float64)
        inverse = np.searchsorted(domain, pairs.reshape(-1)).astype(np.intp)
        inverse = np.minimum(inverse, domain.size - 1)
        if not np.array_equal(domain[inverse], pairs.reshape(-1)):
            raise ValueError("the data contain values missing from categories")
    q = domain.size
    codes = inverse.reshape(-1, 2)
    table = np.bincount(codes[:, 0] * q + codes[:, 1], minlength=q * q).reshape(q, q) / kept
    rank = np.arange(q, dtype=np.float64)
    if weights is None:
        w = 1.0 - np.eye(q)
    elif weights == "linear":
        w = np.abs(np.subtract.outer(rank, rank))
    else:
        w = np.subtract.outer(rank, rank) ** 2
    d_obs = float((w * table).sum())
    d_exp = float(table.sum(axis=1) @ w @ table.sum(axis=0))
    if d_exp == 0.0:
        return undefined(
            name,
            "no variation: both coders used one and the same category, so chance agreement is 1",
            n_units=kept,
            n_coders=2,
            note=note,
        )
    w_max = float(w.max())
    return AgreementResult(
        name,
        1.0 - d_obs / d_exp,
        n_units=kept,
        n_coders=2,
        observed=1.0 - d_obs / w_max,
        expected=1.0 - d_exp / w_max,
        note=note,
    )
