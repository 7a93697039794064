"""Krippendorff's alpha for unitizing a continuum (one code, two or more coders).

Follows Krippendorff, K. (1995). On the reliability of unitizing continuous
data. *Sociological Methodology* 25, 47-76, in the corrected form given in
Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
Methodology* (2nd ed.), section 12.4 ("alpha_U"), pp. 251-256. This is the
binary coefficient for one category: each coder's codings cut the continuum of
``L`` characters into coded segments and uncoded gaps.

Observed disagreement, over every pair of coders ``i != j`` and every pair of
*overlapping* segments ``g`` (of coder i) and ``h`` (of coder j), with
beginnings ``b`` and lengths ``l``::

    delta(g, h) = (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2   both coded, overlapping
                = l_g^2                                       g coded, inside gap h
                = l_h^2                                       h coded, inside gap g
                = 0                                           otherwise

    Do = sum_{i != j} sum_{g, h} delta(g, h) / (m (m - 1) L^2)

Expected disagreement, from all pairs of segments placed at every possible
position on the continuum (``N_c`` coded segments over all coders)::

    De = (2 / L) * sum_{coded g} [ (N_c - 1)(2 l_g^3 - 3 l_g^2 + l_g) / 3
                                   + l_g^2 sum_{gaps h with l_h >= l_g} (l_h - l_g + 1) ]
         / ( m L (m L - 1) - sum_{coded g} l_g (l_g - 1) )

    alpha_U = 1 - Do / De

Overlapping codings by the same coder are merged into one segment; codings
that merely touch stay separate segments (two adjacent units). Krippendorff,
Mathet, Bouvry & Widlöcher (2016, *Quality & Quantity* 50, 2347-2364) later
revised the coefficient (``|u-alpha``, ``u-alpha``, ``cu-alpha``) because this
form behaves unexpectedly with more than two coders; the 2004 form is kept
here because it has published worked examples to check against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workbench.agreement._common import FloatArray
from workbench.agreement.results import AgreementResult, undefined
from workbench.agreement.units import Int64Array, Span, merge_spans, spans_array


def _partition(doc_length: int, coded: Int64Array) -> tuple[Int64Array, Int64Array, FloatArray]:
    """Beginnings, lengths and coded flags of the segments tiling [0, L).

    ``coded`` is sorted and disjoint (touching allowed), so the gaps are
    exactly the pieces between consecutive edges that no coded segment starts.
    """
    edges = np.unique(np.concatenate(([0], coded.reshape(-1), [doc_length])))
    begin, length = edges[:-1], np.diff(edges)
    is_coded = np.zeros(begin.size)
    is_coded[np.searchsorted(begin, coded[:, 0])] = 1.0
    return begin, length, is_coded


def _pair_disagreement(
    a: tuple[Int64Array, Int64Array, FloatArray], b: tuple[Int64Array, Int64Array, FloatArray]
) -> float:
    """Sum of delta(g, h) over overlapping segments of two coders' partitions."""
    cuts = np.union1d(a[0], b[0])
    ga = np.searchsorted(a[0], cuts, side="right") - 1
    gb = np.searchsorted(b[0], cuts, side="right") - 1
    bg, lg, cg = a[0][ga].astype(np.float64), a[1][ga].astype(np.float64), a[2][ga]
    bh, lh, ch = b[0][gb].astype(np.float64), b[1][gb].astype(np.float64), b[2][gb]
    bd = bg - bh
    ld = lg - lh
    both = (cg == 1) & (ch == 1)
    g_in_gap = (cg == 1) & (ch == 0) & (bd >= 0) & (bd <= -ld)
    h_in_gap = (cg == 0) & (ch == 1) & (bd <= 0) & (bd >= -ld)
    delta = np.where(both, bd**2 + (bd + ld) ** 2, 0.0)
    delta += np.where(g_in_gap, lg**2, 0.0) + np.where(h_in_gap, lh**2, 0.0)
    return float(delta.sum())


def unitized_alpha(doc_length: int, codings: Sequence[Sequence[Span]]) -> AgreementResult:
    """Krippendorff's alpha_U for one code on a document of ``doc_length`` characters.

    ``codings[j]`` lists coder ``j``'s ``(start, end)`` spans for the code.
    ``observed``/``expected`` on the result are Do and De; ``n_units`` is the
    number of coded segments over all coders.
    """
    name = "unitized_alpha"
    m = len(codings)
    if m < 2:
        return undefined(name, "unitizing alpha needs at least two coders", n_coders=m)
    if doc_length <= 0:
        return undefined(name, "the document is empty", n_coders=m)
    coded = [merge_spans(spans_array(c, doc_length), touching=False) for c in codings]
    n_segments = sum(c.shape[0] for c in coded)
    note = (
        f"{n_segments} coded segments by {m} coders on a continuum of {doc_length} characters; "
        "Krippendorff (2004) alpha_U"
    )
    if n_segments == 0:
        return undefined(name, "no coder applied the code", n_coders=m, note=note)
    parts = [_partition(doc_length, c) for c in coded]
    length = float(doc_length)
    observed_sum = sum(
        _pair_disagreement(parts[i], parts[j]) for i in range(m) for j in range(i + 1, m)
    )
    observed = 2.0 * observed_sum / (m * (m - 1) * length**2)

    seg = np.concatenate([c[:, 1] - c[:, 0] for c in coded]).astype(np.float64)
    gaps = np.sort(np.concatenate([p[1][p[2] == 0] for p in parts]).astype(np.float64))
    tail_sum = np.concatenate((np.cumsum(gaps[::-1])[::-1], [0.0]))
    first = np.searchsorted(gaps, seg, side="left")
    n_fit = gaps.size - first
    fits = tail_sum[first] - n_fit * (seg - 1.0)
    within = (n_segments - 1.0) * (2.0 * seg**3 - 3.0 * seg**2 + seg) / 3.0
    numerator = 2.0 / length * float((within + seg**2 * fits).sum())
    denominator = m * length * (m * length - 1.0) - float((seg * (seg - 1.0)).sum())
    expected = numerator / denominator
    if expected <= 0.0:
        return undefined(
            name,
            "no variation: the coders' segments leave no room for chance disagreement",
            n_units=n_segments,
            n_coders=m,
            note=note,
        )
    return AgreementResult(
        name,
        1.0 - observed / expected,
        n_units=n_segments,
        n_coders=m,
        observed=observed,
        expected=expected,
        note=note,
    )
