"""Vectorised presence patterns and two-category statistics for the agreement workflow.

Private to :mod:`workbench.workflows.agreement`. Documents are laid end to end on one
axis of "global" character offsets (document ``d`` starts at ``offsets[d]``), so every
step below is one numpy pass over all codings of all documents; nothing loops over
characters or units in Python.

A *pattern* is a bit mask over the coders: bit ``j`` is set when coder ``j`` applied the
code to the unit. Per code and document we count units by pattern. Presence data are
complete (every coder saw every unit) and have two categories, so every statistic is a
function of these counts - the histogram of "how many coders applied it" for percent
agreement, Fleiss' kappa, Krippendorff's alpha and Gwet's AC1, the 2 x 2 table for
Cohen's kappa. :func:`statistics` computes them from the counts with the formulas the
engine in :mod:`workbench.agreement` uses on a units x coders matrix (the tests check
both against each other and against the ``krippendorff`` and ``statsmodels``
packages); this matters for ``char`` units, where the matrix would have one row per
character and code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.agreement.units import merge_spans

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CodingArrays:
    """Codings as parallel arrays: indices into the analysis' documents, codes and
    coders, and global character offsets (documents laid end to end)."""

    doc: IntArray
    code: IntArray
    coder: IntArray
    start: IntArray
    end: IntArray

    def __len__(self) -> int:
        return int(self.doc.size)


def expand_ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """For each ``i``, the indices ``lo[i] .. hi[i] - 1``: returns (owner i, index)."""
    n = np.maximum(hi - lo, 0)
    total = int(n.sum())
    owner = np.repeat(np.arange(lo.size, dtype=np.int64), n)
    first = np.cumsum(n) - n
    index = np.arange(total, dtype=np.int64) - np.repeat(first, n) + np.repeat(lo, n)
    return owner, index


def unique_sorted(values: IntArray) -> IntArray:
    """``np.unique`` for integers by sorting (faster than numpy's hash-based path here)."""
    values = np.sort(values)
    if values.size == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _or_by_key(key: IntArray, m: int) -> tuple[IntArray, IntArray]:
    """``key = cell * m + coder`` (duplicates allowed) -> (cell, bit pattern) per cell."""
    key = unique_sorted(key)
    if key.size == 0:
        return key, key
    cell = key // m
    bit = np.left_shift(np.int64(1), key % m)
    first = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    return cell[first], np.add.reduceat(bit, first)


def unit_patterns(
    unit_start: IntArray, unit_end: IntArray, codings: CodingArrays, m: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Non-zero patterns per (code, unit) for span units sorted by start.

    A coder applied a code to a unit when one of their codings of it overlaps the unit
    by at least one character. Units may overlap one another. Returns parallel arrays
    (code index, unit index, pattern), sorted by code then unit.
    """
    n_units = unit_start.size
    empty = np.zeros(0, dtype=np.int64)
    if n_units == 0 or len(codings) == 0:
        return empty, empty, empty
    reach = np.maximum.accumulate(unit_end)  # units before lo all end at or before start
    lo = np.searchsorted(reach, codings.start, side="right").astype(np.int64)
    hi = np.searchsorted(unit_start, codings.end, side="left").astype(np.int64)
    owner, unit = expand_ranges(lo, hi)
    keep = unit_end[unit] > codings.start[owner]
    owner, unit = owner[keep], unit[keep]
    cell, pattern = _or_by_key((codings.code[owner] * n_units + unit) * m + codings.coder[owner], m)
    return cell // n_units, cell % n_units, pattern


@dataclass(frozen=True, slots=True)
class CharSegments:
    """Per code, the text cut into pieces of constant pattern (pattern 0 included).

    Pieces never cross a document boundary. ``spans_*`` are each coder's codings of
    each code merged (overlapping or touching codings joined), in global offsets.
    """

    code: IntArray
    start: IntArray
    end: IntArray
    pattern: IntArray
    span_code: IntArray
    span_coder: IntArray
    span_start: IntArray
    span_end: IntArray
    n_codes: int
    n_coders: int


def char_segments(offsets: IntArray, codings: CodingArrays, n_codes: int, m: int) -> CharSegments:
    total = int(offsets[-1])
    stride = total + 1
    group = codings.code * m + codings.coder
    keyed = np.column_stack((group * stride + codings.start, group * stride + codings.end))
    merged = merge_spans(keyed) if keyed.shape[0] else np.zeros((0, 2), dtype=np.int64)
    g = merged[:, 0] // stride
    s, e = merged[:, 0] - g * stride, merged[:, 1] - g * stride
    code, coder = g // m, g % m
    delta = np.left_shift(np.int64(1), coder)
    n_docs = offsets.size - 1
    b_code = np.repeat(np.arange(n_codes, dtype=np.int64), n_docs + 1)
    b_pos = np.tile(offsets, n_codes)
    ev_code = np.concatenate((code, code, b_code))
    ev_pos = np.concatenate((s, e, b_pos))
    ev_delta = np.concatenate((delta, -delta, np.zeros(b_code.size, dtype=np.int64)))
    order = np.lexsort((ev_pos, ev_code))
    ev_code, ev_pos, ev_delta = ev_code[order], ev_pos[order], ev_delta[order]
    pattern = np.cumsum(ev_delta)  # returns to 0 after each code's last event
    same = ev_code[1:] == ev_code[:-1]
    seg_start, seg_end = ev_pos[:-1][same], ev_pos[1:][same]
    nonempty = seg_end > seg_start
    return CharSegments(
        code=ev_code[:-1][same][nonempty],
        start=seg_start[nonempty],
        end=seg_end[nonempty],
        pattern=pattern[:-1][same][nonempty],
        span_code=code,
        span_coder=coder,
        span_start=s,
        span_end=e,
        n_codes=n_codes,
        n_coders=m,
    )


def pattern_class(pattern: IntArray, m: int) -> IntArray:
    """The count class of a pattern: the pattern itself for two coders (Cohen's kappa
    needs the 2 x 2 table), else how many coders applied the code."""
    if m == 2:
        return pattern
    out = np.zeros_like(pattern)
    for j in range(m):
        out += (pattern >> j) & 1
    return out


def n_classes(m: int) -> int:
    return 4 if m == 2 else m + 1


def applied_bits(pattern: IntArray, m: int) -> IntArray:
    """``(n, m)`` 0/1: did coder ``j`` apply it."""
    return (pattern[:, None] >> np.arange(m, dtype=np.int64)) & 1


# -- statistics from counts ----------------------------------------------------------------

Result = tuple[float | None, str | None]


def _histogram(q: IntArray, m: int) -> IntArray:
    """Class counts -> counts of units by how many coders applied the code (0..m)."""
    if m == 2:
        return np.stack((q[:, 0], q[:, 1] + q[:, 2], q[:, 3]), axis=1)
    return q


def statistics(q: IntArray, m: int) -> dict[str, list[Result]]:
    """Two-category agreement statistics for each row of class counts ``q`` (n, classes).

    Keys: ``percent_agreement``, ``cohen_kappa`` (two coders only), ``fleiss_kappa``,
    ``krippendorff_alpha`` (nominal) and ``gwet_ac1`` (q = 2 categories). Each value is
    a list of ``(value, reason)``: ``value`` is None and ``reason`` says why when the
    statistic is undefined.
    """
    q = np.asarray(q, dtype=np.int64).reshape(-1, n_classes(m))
    h = _histogram(q, m).astype(np.float64)
    ks = np.arange(m + 1, dtype=np.float64)
    n_units = h.sum(axis=1)
    has_units = n_units > 0
    safe_n = np.where(has_units, n_units, 1.0)
    agree_share = (ks * (ks - 1.0) + (m - ks) * (m - ks - 1.0)) / (m * (m - 1.0))
    po = (h @ agree_share) / safe_n
    values = n_units * m
    n1 = h @ ks
    n0 = values - n1
    varied = (n1 > 0) & (n0 > 0)
    p1 = n1 / np.where(has_units, values, 1.0)

    disagreement = h @ (2.0 * ks * (m - ks) / (m - 1.0))  # o_01 + o_10
    alpha = 1.0 - (values - 1.0) * disagreement / np.where(varied, 2.0 * n0 * n1, 1.0)
    pe_fleiss = p1**2 + (1.0 - p1) ** 2
    fleiss = (po - pe_fleiss) / np.where(varied, 1.0 - pe_fleiss, 1.0)
    pe_ac1 = 2.0 * p1 * (1.0 - p1)
    ac1 = (po - pe_ac1) / (1.0 - pe_ac1)

    def reason(i: int, what: str) -> str:
        if not has_units[i]:
            return "no units to compare"
        if n1[i] == 0:
            return f"no variation: no coder applied it to any unit, so {what}"
        return f"no variation: every coder applied it to every unit, so {what}"

    chance = "agreement cannot be told apart from chance"
    out: dict[str, list[Result]] = {
        "percent_agreement": [
            (float(po[i]), None) if has_units[i] else (None, reason(i, chance))
            for i in range(q.shape[0])
        ],
        "krippendorff_alpha": [
            (float(alpha[i]), None) if varied[i] else (None, reason(i, chance))
            for i in range(q.shape[0])
        ],
        "fleiss_kappa": [
            (float(fleiss[i]), None) if varied[i] else (None, reason(i, "chance agreement is 1"))
            for i in range(q.shape[0])
        ],
        "gwet_ac1": [
            (float(ac1[i]), None) if has_units[i] else (None, reason(i, chance))
            for i in range(q.shape[0])
        ],
    }
    if m == 2:
        qf = q.astype(np.float64)
        a_yes = qf[:, 1] + qf[:, 3]
        b_yes = qf[:, 2] + qf[:, 3]
        # exact test for "no chance disagreement" on integers, then the float value
        d_exp_int = (q[:, 1] + q[:, 3]) * (q[:, 0] + q[:, 2]) + (q[:, 0] + q[:, 1]) * (
            q[:, 2] + q[:, 3]
        )
        ok = has_units & (d_exp_int > 0)
        pa, pb = a_yes / safe_n, b_yes / safe_n
        d_obs = (qf[:, 1] + qf[:, 2]) / safe_n
        d_exp = pa * (1.0 - pb) + (1.0 - pa) * pb
        kappa = 1.0 - d_obs / np.where(ok, d_exp, 1.0)
        out["cohen_kappa"] = [
            (float(kappa[i]), None) if ok[i] else (None, reason(i, "chance agreement is 1"))
            for i in range(q.shape[0])
        ]
    return out


def char_disagreements(
    offsets: IntArray, seg: CharSegments
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Stretches of text the coders coded differently, for ``char`` units.

    A stretch is a piece of text between two consecutive boundaries of any coder's
    codings (or a document boundary) where at least one code was applied by some coders
    and not others. Every boundary changes some code's pattern, so neighbouring stretches
    always differ. Returns (start, end) of each stretch and entries (stretch index, code
    index, pattern) for every code some coder applied there.
    """
    m = seg.n_coders
    empty = np.zeros(0, dtype=np.int64)
    mixed = (seg.pattern != 0) & (seg.pattern != (1 << m) - 1)
    if not mixed.any():
        return empty, empty, empty, empty, empty
    cuts = unique_sorted(np.concatenate((seg.span_start, seg.span_end, offsets)))
    cover = np.bincount(np.searchsorted(cuts, seg.start[mixed]), minlength=cuts.size) - np.bincount(
        np.searchsorted(cuts, seg.end[mixed]), minlength=cuts.size
    )
    inside = np.flatnonzero(np.cumsum(cover)[: cuts.size - 1] > 0)
    iv_start, iv_end = cuts[inside], cuts[inside + 1]
    lo = np.searchsorted(iv_start, seg.span_start, side="left").astype(np.int64)
    hi = np.searchsorted(iv_start, seg.span_end, side="left").astype(np.int64)
    owner, iv = expand_ranges(lo, hi)
    n_codes = seg.n_codes
    cell, pattern = _or_by_key((iv * n_codes + seg.span_code[owner]) * m + seg.span_coder[owner], m)
    return iv_start, iv_end, cell // n_codes, cell % n_codes, pattern
