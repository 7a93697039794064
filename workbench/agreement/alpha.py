"""Krippendorff's alpha for any number of coders, missing data and four levels.

Follows Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*.
Annenberg School for Communication, University of Pennsylvania
(https://repository.upenn.edu/asc_papers/43), section "C. Coincidence matrices"
and "E. Metric differences":

* only *pairable* values count: values in units coded by two or more coders;
* the coincidence matrix is ``o[c, k] = sum_u (number of c-k pairs in u) / (m_u - 1)``
  over ordered pairs of values from different coders within a unit, with
  marginals ``n_c`` and total ``n`` (the number of pairable values);
* ``alpha = 1 - Do / De`` with ``Do = sum o[c,k] delta(c,k) / n`` and
  ``De = sum n_c n_k delta(c,k) / (n (n - 1))``;
* ``delta`` is 0/1 for nominal data, ``(c - k)^2`` for interval,
  ``((c - k) / (c + k))^2`` for ratio and, for ordinal data,
  ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``. The ordinal difference equals
  ``(S_k - S_c)^2`` with the mid-rank score ``S_c = sum_{g<c} n_g + n_c / 2``,
  which is how it is computed here.

The coincidence matrix is built with one ``np.bincount`` (per-unit value counts,
then a single matrix product) or, for many categories, with ``np.bincount``
over the codes of coder pairs. Data with more distinct values than
``DENSE_MAX_VALUES`` (continuous ratings) skip the ``V x V`` matrix and use the
algebraically equal per-unit sums instead.

Alpha is undefined (``value=None``) with fewer than two coders, with no unit
coded by two or more coders, and when all pairable values are identical (no
variation: ``De = 0``). Krippendorff (2011) notes alpha is then 0/0; we do
not report 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.agreement._common import IntArray, factorize
from workbench.agreement.data import FloatMatrix, Ratings, ReliabilityData, as_matrix
from workbench.agreement.results import LEVELS, AgreementResult, BootstrapInterval, Level, undefined

DENSE_MAX_VALUES = 2048
"""Above this many distinct values no V x V matrix is built."""

_COUNTS_MAX_CELLS = 50_000_000  # units x values cells for the per-unit counts path
_PATTERN_MAX_CELLS = 4_000_000  # patterns x V x V cells for the vectorised bootstrap
_BOOT_CELLS = 4_000_000  # resamples x max(patterns, V x V) cells per batch

BOOTSTRAP_METHOD = (
    "percentile bootstrap over units: units coded by two or more coders are resampled "
    "with replacement and alpha is recomputed from each resample's coincidence matrix "
    "(so the expected disagreement varies too); this differs from Hayes & Krippendorff "
    "(2007), who resample pairs of values from the observed coincidence matrix"
)


@dataclass(frozen=True, slots=True)
class _Pairable:
    """Units with two or more values, as codes into ``domain`` (-1 = missing)."""

    grid: IntArray  # units x coders
    m_u: IntArray  # values per unit
    domain: FloatMatrix  # sorted distinct values (1-D)
    n_units_total: int

    @property
    def n_units(self) -> int:
        return int(self.grid.shape[0])

    @property
    def n_values(self) -> int:
        return int(self.m_u.sum())


def _pairable(x: FloatMatrix) -> _Pairable:
    present = ~np.isnan(x)
    m_u = present.sum(axis=1)
    keep = m_u >= 2
    if not keep.all():
        x, present, m_u = x[keep], present[keep], m_u[keep]
    domain, inverse = factorize(x[present])
    grid = np.full(x.shape, -1, dtype=np.intp)
    grid[present] = inverse
    return _Pairable(grid, m_u.astype(np.intp), domain, int(keep.size))


def _coincidences(p: _Pairable) -> FloatMatrix:
    """The V x V coincidence matrix of the pairable values."""
    n_units, n_coders = p.grid.shape
    n_vals = p.domain.size
    weight = 1.0 / (p.m_u - 1)
    use_counts = n_units * n_vals <= _COUNTS_MAX_CELLS and (
        n_vals <= 16 or n_vals * n_vals <= 8 * n_coders * (n_coders - 1)
    )
    if use_counts:
        # per-unit value counts n_uc, then o = N^T diag(w) N - diag(sum_u w_u n_uc)
        rows, cols = np.nonzero(p.grid >= 0)
        keys = rows * n_vals + p.grid[rows, cols]
        counts = np.bincount(keys, minlength=n_units * n_vals).reshape(n_units, n_vals)
        counts = counts.astype(np.float64)
        weighted = counts * weight[:, None]
        o = weighted.T @ counts
        o[np.diag_indices(n_vals)] -= weighted.sum(axis=0)
        return o
    # one bincount over the value-pair codes of each pair of coders
    acc = np.zeros(n_vals * n_vals)
    for a in range(n_coders):
        for b in range(a + 1, n_coders):
            both = (p.grid[:, a] >= 0) & (p.grid[:, b] >= 0)
            if not both.any():
                continue
            keys = p.grid[both, a] * n_vals + p.grid[both, b]
            acc += np.bincount(keys, weights=weight[both], minlength=n_vals * n_vals)
    half = acc.reshape(n_vals, n_vals)
    return half + half.T


def _delta(level: Level, domain: FloatMatrix, n_c: FloatMatrix) -> FloatMatrix:
    """Squared difference function delta(c, k) as a V x V matrix."""
    if level == "nominal":
        return 1.0 - np.eye(domain.size)
    if level == "ordinal":
        score = np.cumsum(n_c) - n_c / 2.0
        return np.subtract.outer(score, score) ** 2
    if level == "interval":
        return np.subtract.outer(domain, domain) ** 2
    total = np.add.outer(domain, domain)
    diff = np.subtract.outer(domain, domain)
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
    return ratio**2


def _dense_disagreements(p: _Pairable, level: Level) -> tuple[float, float]:
    o = _coincidences(p)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    delta = _delta(level, p.domain, n_c)
    observed = float((o * delta).sum()) / n
    expected = float(n_c @ delta @ n_c) / (n * (n - 1.0))
    return observed, expected


def _ratio_expected_sum(domain: FloatMatrix, n_c: FloatMatrix) -> float:
    """``sum_c sum_k n_c n_k ((c - k) / (c + k))^2`` in row blocks, upper triangle only.

    O(V^2) time but bounded memory; two preallocated buffers avoid page faults.
    """
    size = domain.size
    step = max(1, 2_000_000 // size)
    total_buf = np.empty((step, size))
    diff_buf = np.empty((step, size))
    total = 0.0
    for start in range(0, size, step):
        stop = min(start + step, size)
        rows = domain[start:stop, None]
        cols = domain[start:]
        t = total_buf[: stop - start, : cols.size]
        d = diff_buf[: stop - start, : cols.size]
        np.add(rows, cols, out=t)
        np.subtract(rows, cols, out=d)
        with np.errstate(invalid="ignore"):
            np.divide(d, t, out=d)
        if domain[0] == 0.0:  # 0/0 between two zeros: no difference
            np.nan_to_num(d, copy=False, nan=0.0)
        np.square(d, out=d)
        n_rows = n_c[start:stop]
        width = stop - start
        total += float(n_rows @ d[:, :width] @ n_rows)
        total += 2.0 * float(n_rows @ d[:, width:] @ n_c[stop:])
    return total


def _sparse_disagreements(p: _Pairable, level: Level) -> tuple[float, float]:
    """Same Do/De without a V x V matrix (for many distinct values)."""
    rows, cols = np.nonzero(p.grid >= 0)
    codes = p.grid[rows, cols]
    n_units = p.n_units
    m_u = p.m_u.astype(np.float64)
    weight = 1.0 / (m_u - 1.0)
    n_c = np.bincount(codes, minlength=p.domain.size).astype(np.float64)
    n = float(n_c.sum())
    if level == "nominal":
        keys, per_key = np.unique(rows.astype(np.int64) * p.domain.size + codes, return_counts=True)
        key_unit = (keys // p.domain.size).astype(np.intp)
        sum_sq = np.bincount(key_unit, weights=per_key.astype(np.float64) ** 2, minlength=n_units)
        observed_sum = float(((m_u**2 - sum_sq) * weight).sum())
        expected_sum = n * n - float((n_c**2).sum())
    elif level in ("interval", "ordinal"):
        score = p.domain if level == "interval" else np.cumsum(n_c) - n_c / 2.0
        s = score[codes]
        unit_mean = np.bincount(rows, weights=s, minlength=n_units) / m_u
        unit_ss = np.bincount(rows, weights=(s - unit_mean[rows]) ** 2, minlength=n_units)
        observed_sum = float((2.0 * m_u * unit_ss * weight).sum())
        mean = float(n_c @ score) / n
        expected_sum = 2.0 * n * float(n_c @ (score - mean) ** 2)
    else:
        observed_sum = 0.0
        for a in range(p.grid.shape[1]):
            for b in range(a + 1, p.grid.shape[1]):
                both = (p.grid[:, a] >= 0) & (p.grid[:, b] >= 0)
                va, vb = p.domain[p.grid[both, a]], p.domain[p.grid[both, b]]
                total = va + vb
                d = np.divide(va - vb, total, out=np.zeros_like(va), where=total != 0) ** 2
                observed_sum += 2.0 * float((d * weight[both]).sum())
        expected_sum = _ratio_expected_sum(p.domain, n_c)
    return observed_sum / n, expected_sum / (n * (n - 1.0))


def _check_level(level: str) -> Level:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return level  # type: ignore[return-value]


def _level_problem(data: Ratings, level: Level) -> str | None:
    if not isinstance(data, ReliabilityData) or data.numeric or level == "nominal":
        return None
    if level == "ordinal" and data.ordered:
        return None
    return f"{level} alpha needs numeric values; these data have text labels"


def krippendorff_alpha(data: Ratings, level: Level = "nominal") -> AgreementResult:
    """Krippendorff's alpha of a units x coders matrix (NaN = missing).

    ``observed``/``expected`` on the result are Do and De. ``n_units`` counts
    the units coded by two or more coders (the only ones that can enter).
    """
    level = _check_level(level)
    x = as_matrix(data)
    n_units, n_coders = x.shape
    name = "krippendorff_alpha"
    if n_coders < 2:
        return undefined(name, "alpha needs at least two coders", n_coders=n_coders)
    if problem := _level_problem(data, level):
        return undefined(name, problem, n_coders=n_coders)
    p = _pairable(x)
    note = (
        f"{level} level; {p.n_units} of {n_units} units were coded by two or more coders "
        f"and contribute {p.n_values} pairable values"
    )
    if p.n_units == 0:
        return undefined(
            name, "no unit was coded by two or more coders", n_coders=n_coders, note=note
        )
    if p.domain.size < 2:
        return undefined(
            name,
            "no variation: every pairable value is the same, so agreement cannot be "
            "told apart from chance",
            n_units=p.n_units,
            n_coders=n_coders,
            note=note,
        )
    if level == "ratio" and p.domain[0] < 0:
        return undefined(
            name, "ratio data cannot contain negative values", n_coders=n_coders, note=note
        )
    if p.domain.size <= DENSE_MAX_VALUES:
        observed, expected = _dense_disagreements(p, level)
    else:
        observed, expected = _sparse_disagreements(p, level)
    return AgreementResult(
        name,
        1.0 - observed / expected,
        n_units=p.n_units,
        n_coders=n_coders,
        observed=observed,
        expected=expected,
        note=note,
    )


def coincidence_matrix(data: Ratings) -> tuple[FloatMatrix, FloatMatrix]:
    """The coincidence matrix ``o`` and the values its rows/columns stand for.

    Only pairable values enter (units coded by two or more coders); the
    row sums are the value frequencies ``n_c``.
    """
    p = _pairable(as_matrix(data))
    if p.n_units == 0:
        return np.zeros((0, 0)), np.zeros(0)
    return _coincidences(p), p.domain


# -- bootstrap -------------------------------------------------------------------


def _batch_alpha(o: FloatMatrix, level: Level, domain: FloatMatrix) -> FloatMatrix:
    """Alpha for a stack of coincidence matrices (B x V x V); NaN where undefined."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "ordinal":
        score = np.cumsum(n_c, axis=1) - n_c / 2.0
        delta = (score[:, :, None] - score[:, None, :]) ** 2
    else:
        delta = np.broadcast_to(_delta(level, domain, n_c[0]), o.shape)
    observed = (o * delta).sum(axis=(1, 2)) / n
    expected = np.einsum("bc,bck,bk->b", n_c, delta, n_c) / (n * (n - 1.0))
    alpha: FloatMatrix
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.asarray(1.0 - observed / expected, dtype=np.float64)
    alpha[~(expected > 0)] = np.nan
    return alpha


def _pattern_bootstrap(
    p: _Pairable, level: Level, n_boot: int, rng: np.random.Generator
) -> FloatMatrix | None:
    """Resample units by drawing multinomial counts over distinct unit patterns."""
    n_units, n_coders = p.grid.shape
    n_vals = p.domain.size
    rows, cols = np.nonzero(p.grid >= 0)
    counts = np.bincount(rows * n_vals + p.grid[rows, cols], minlength=n_units * n_vals)
    counts = counts.reshape(n_units, n_vals)
    if n_vals * np.log2(n_coders + 1) < 62:
        radix = (n_coders + 1) ** np.arange(n_vals, dtype=np.int64)
        _, first, freq = np.unique(counts @ radix, return_index=True, return_counts=True)
        patterns = counts[first]
    else:
        patterns, freq = np.unique(counts, axis=0, return_counts=True)
    n_patterns = patterns.shape[0]
    if n_patterns * n_vals * n_vals > _PATTERN_MAX_CELLS:
        return None
    pat = patterns.astype(np.float64)
    per_pattern = pat[:, :, None] * pat[:, None, :]
    per_pattern[:, np.arange(n_vals), np.arange(n_vals)] -= pat
    per_pattern /= (pat.sum(axis=1) - 1.0)[:, None, None]
    flat = per_pattern.reshape(n_patterns, n_vals * n_vals)
    probs = freq / freq.sum()
    out = np.empty(n_boot)
    chunk = max(1, _BOOT_CELLS // max(n_patterns, n_vals * n_vals))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        draws = rng.multinomial(n_units, probs, size=size).astype(np.float64)
        o = (draws @ flat).reshape(size, n_vals, n_vals)
        out[start : start + size] = _batch_alpha(o, level, p.domain)
    return out


def _loop_bootstrap(
    x: FloatMatrix, level: Level, n_boot: int, rng: np.random.Generator
) -> FloatMatrix:
    out = np.full(n_boot, np.nan)
    for b in range(n_boot):
        sample = x[rng.integers(0, x.shape[0], x.shape[0])]
        result = krippendorff_alpha(sample, level)
        if result.value is not None:
            out[b] = result.value
    return out


def krippendorff_alpha_bootstrap(
    data: Ratings,
    level: Level = "nominal",
    n_boot: int = 1000,
    *,
    seed: int | None = None,
    confidence: float = 0.95,
) -> BootstrapInterval:
    """Percentile bootstrap confidence interval for Krippendorff's alpha.

    Units (those coded by two or more coders) are resampled with replacement;
    see :data:`BOOTSTRAP_METHOD`. The same ``seed`` gives the same interval.
    Resamples in which alpha is undefined (no variation) are dropped and
    counted in ``n_valid``.
    """
    level = _check_level(level)
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    point = krippendorff_alpha(data, level)

    def interval(
        low: float | None, high: float | None, valid: int, reason: str | None = None
    ) -> BootstrapInterval:
        return BootstrapInterval(
            low, high, confidence, n_boot, valid, seed, BOOTSTRAP_METHOD, reason
        )

    if point.value is None:
        return interval(None, None, 0, point.reason)
    x = as_matrix(data)
    p = _pairable(x)
    rng = np.random.default_rng(seed)
    alphas = None
    if p.domain.size <= DENSE_MAX_VALUES:
        alphas = _pattern_bootstrap(p, level, n_boot, rng)
    if alphas is None:
        keep = (~np.isnan(x)).sum(axis=1) >= 2
        alphas = _loop_bootstrap(x[keep], level, n_boot, rng)
    valid = alphas[~np.isnan(alphas)]
    if valid.size == 0:
        return interval(None, None, 0, "alpha was undefined in every resample")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(valid, [tail, 1.0 - tail])
    return interval(float(low), float(high), int(valid.size))
