"""Small vectorised helpers shared by the statistics (private)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

_DENSE_TALLY_MAX_CELLS = 50_000_000


def factorize(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """``np.unique(values, return_inverse=True)`` with a fast path for small integers."""
    if values.size and values.min() >= 0 and values.max() < 1_000_000:
        ints = values.astype(np.intp)
        if np.array_equal(ints, values):
            used = np.bincount(ints) > 0
            lookup = np.cumsum(used) - 1
            return np.flatnonzero(used).astype(np.float64), lookup[ints].astype(np.intp)
    domain, inverse = np.unique(values, return_inverse=True)
    return domain, inverse.reshape(-1).astype(np.intp)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many coders gave each value to each unit, as sparse triplets.

    ``unit[t]`` received value ``domain[code[t]]`` from ``count[t]`` coders;
    ``m_u[u]`` is the number of coders who coded unit ``u`` (all units kept).
    """

    m_u: IntArray
    unit: IntArray
    code: IntArray
    count: FloatArray
    domain: FloatArray

    @property
    def n_units(self) -> int:
        return int(self.m_u.size)

    def per_unit(self, weights: FloatArray) -> FloatArray:
        """Sum ``weights`` (one per triplet) within each unit."""
        return np.bincount(self.unit, weights=weights, minlength=self.n_units).astype(np.float64)

    def per_value(self, weights: FloatArray) -> FloatArray:
        """Sum ``weights`` (one per triplet) within each value."""
        return np.bincount(self.code, weights=weights, minlength=self.domain.size).astype(
            np.float64
        )


def tally(x: FloatArray) -> Tally:
    """Tally a units x coders matrix with NaN for missing."""
    present = ~np.isnan(x)
    m_u = present.sum(axis=1).astype(np.intp)
    rows, cols = np.nonzero(present)
    domain, inverse = factorize(x[rows, cols])
    n_vals = domain.size
    keys = rows.astype(np.int64) * n_vals + inverse
    if x.shape[0] * n_vals <= _DENSE_TALLY_MAX_CELLS:
        dense = np.bincount(keys, minlength=x.shape[0] * n_vals)
        used = np.flatnonzero(dense)
        ukeys, counts = used, dense[used]
    else:
        ukeys, counts = np.unique(keys, return_counts=True)
    unit = (ukeys // max(n_vals, 1)).astype(np.intp)
    code = (ukeys % max(n_vals, 1)).astype(np.intp)
    return Tally(m_u, unit, code, counts.astype(np.float64), domain)
