"""From coded character spans to units x coders presence/absence matrices.

A document of ``doc_length`` characters is cut into units: sentences or turns
given as ``(start, end)`` character spans (0-based, end-exclusive, the
convention of :mod:`workbench.core.model`), or ``"char"``, meaning every
character is a unit. For one code, each coder's codings are a list of spans.
A unit counts as coded by a coder when one of that coder's codings overlaps it
by at least one character. The result is a float matrix of 0.0/1.0 (no
missing values: every coder saw the whole document), ready for any statistic
in :mod:`workbench.agreement`.

Everything is interval arithmetic on sorted arrays (``np.searchsorted``,
``np.cumsum``); nothing loops over characters, so a 100,000-character document
with ``"char"`` units is a few milliseconds. Matrices of several documents can
be stacked with ``np.vstack``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from workbench.agreement._common import FloatArray

Span: TypeAlias = tuple[int, int]
UnitSpec: TypeAlias = Sequence[Span] | Literal["char"]
Int64Array: TypeAlias = npt.NDArray[np.int64]


def spans_array(spans: Sequence[Span] | npt.ArrayLike, doc_length: int) -> Int64Array:
    """Validate spans as an ``(n, 2)`` int array of ``0 <= start <= end <= doc_length``."""
    arr = np.asarray(spans, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError("spans must be (start, end) pairs")
    bad = (arr[:, 0] < 0) | (arr[:, 0] > arr[:, 1]) | (arr[:, 1] > doc_length)
    if bad.any():
        start, end = arr[np.flatnonzero(bad)[0]]
        raise ValueError(
            f"span ({start}, {end}) is not inside the document [0, {doc_length}] "
            "or ends before it starts"
        )
    return arr


def merge_spans(spans: Int64Array, *, touching: bool = True) -> Int64Array:
    """Sorted union of spans; empty spans are dropped.

    With ``touching=False`` spans that only touch (``a.end == b.start``) stay
    separate, which unitizing needs (two adjacent units are two units).
    """
    spans = spans[spans[:, 1] > spans[:, 0]]
    if spans.shape[0] == 0:
        return spans
    spans = spans[np.lexsort((spans[:, 1], spans[:, 0]))]
    reach = np.maximum.accumulate(spans[:, 1])
    starts_new = np.empty(spans.shape[0], dtype=bool)
    starts_new[0] = True
    if touching:
        starts_new[1:] = spans[1:, 0] > reach[:-1]
    else:
        starts_new[1:] = spans[1:, 0] >= reach[:-1]
    first = np.flatnonzero(starts_new)
    return np.column_stack((spans[first, 0], np.maximum.reduceat(spans[:, 1], first)))


def _char_coverage(doc_length: int, spans: Int64Array) -> npt.NDArray[np.bool_]:
    spans = spans[spans[:, 1] > spans[:, 0]]
    edges = np.bincount(spans[:, 0], minlength=doc_length + 1) - np.bincount(
        spans[:, 1], minlength=doc_length + 1
    )
    return np.cumsum(edges[:doc_length]) > 0


def _units_hit(units: Int64Array, spans: Int64Array) -> npt.NDArray[np.bool_]:
    merged = merge_spans(spans)
    if merged.shape[0] == 0:
        return np.zeros(units.shape[0], dtype=bool)
    # first merged span ending after the unit starts; it is coded if it starts before the end
    k = np.searchsorted(merged[:, 1], units[:, 0], side="right")
    inside = k < merged.shape[0]
    hit = np.zeros(units.shape[0], dtype=bool)
    hit[inside] = merged[k[inside], 0] < units[inside, 1]
    return hit & (units[:, 1] > units[:, 0])


def presence_matrix(
    doc_length: int, units: UnitSpec, codings: Sequence[Sequence[Span]]
) -> FloatArray:
    """Units x coders matrix: 1.0 where the coder's codings overlap the unit.

    ``codings[j]`` lists coder ``j``'s spans for ONE code. ``units`` is a list
    of spans (need not cover the document, may not be sorted) or ``"char"``.
    """
    if doc_length < 0:
        raise ValueError("doc_length cannot be negative")
    coder_spans = [spans_array(c, doc_length) for c in codings]
    if isinstance(units, str):
        if units != "char":
            raise ValueError(f"units must be spans or 'char', not {units!r}")
        columns = [_char_coverage(doc_length, s) for s in coder_spans]
        n_units = doc_length
    else:
        unit_spans = spans_array(units, doc_length)
        columns = [_units_hit(unit_spans, s) for s in coder_spans]
        n_units = unit_spans.shape[0]
    if not columns:
        return np.zeros((n_units, 0))
    return np.column_stack(columns).astype(np.float64)


def presence_by_code(
    doc_length: int,
    units: UnitSpec,
    codings: Mapping[Hashable, Sequence[Sequence[Span]]],
) -> dict[Hashable, FloatArray]:
    """One presence matrix per code; ``codings[code][j]`` are coder ``j``'s spans.

    This is the per-unit "set of codes each coder applied", split by code.
    Every code must list the same number of coders (an empty list when a coder
    never used the code).
    """
    widths = {len(c) for c in codings.values()}
    if len(widths) > 1:
        raise ValueError("every code must list the same number of coders")
    return {code: presence_matrix(doc_length, units, spans) for code, spans in codings.items()}


@dataclass(frozen=True, eq=False)
class PooledPresence:
    """Per-code presence matrices stacked into one ``(codes x units) x coders`` matrix.

    Rows ``k * n_units`` to ``(k + 1) * n_units - 1`` belong to ``codes[k]``.
    """

    matrix: FloatArray
    codes: tuple[Hashable, ...]
    n_units: int

    def rows_for(self, code: Hashable) -> FloatArray:
        k = self.codes.index(code)
        return self.matrix[k * self.n_units : (k + 1) * self.n_units]


def pooled_presence(
    doc_length: int,
    units: UnitSpec,
    codings: Mapping[Hashable, Sequence[Sequence[Span]]],
) -> PooledPresence:
    """Pool all codes: concatenate the per-code presence matrices.

    Each row is one code x unit decision (did the coder apply this code to this
    unit?), so a kappa or alpha of the pooled matrix is the usual "pooled
    kappa" over code x unit decisions. It is dominated by the many easy
    "neither coder applied it" decisions; report per-code values next to it.
    """
    per_code = presence_by_code(doc_length, units, codings)
    codes = tuple(per_code)
    n_units = doc_length if isinstance(units, str) else len(units)
    n_coders = next(iter(per_code.values())).shape[1] if per_code else 0
    matrix = np.vstack([per_code[c] for c in codes]) if codes else np.zeros((0, n_coders))
    return PooledPresence(matrix, codes, n_units)
