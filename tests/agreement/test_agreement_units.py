"""Presence matrices for coded text, and Krippendorff's unitizing alpha."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agreement import (
    cohen_kappa,
    pooled_presence,
    presence_by_code,
    presence_matrix,
    unitized_alpha,
)

# -- presence matrices -----------------------------------------------------------------------


def test_sentence_units_are_coded_by_any_overlap() -> None:
    # "I was scared. Then the cage. It was safe." -> three sentence units
    units = [(0, 13), (14, 28), (29, 41)]
    ann = [(5, 12)]  # inside sentence 1
    ben = [(12, 15), (40, 41)]  # touches sentences 1 and 2 by one char each, and the last char
    cat: list[tuple[int, int]] = [(13, 14)]  # only the space between sentences 1 and 2
    matrix = presence_matrix(41, units, [ann, ben, cat])
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    assert matrix.dtype == np.float64


def test_char_units() -> None:
    matrix = presence_matrix(6, "char", [[(1, 3)], [(2, 4), (3, 5)], []])
    assert matrix.tolist() == [
        [0, 0, 0],
        [1, 0, 0],
        [1, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
        [0, 0, 0],
    ]


def naive_presence(
    doc_length: int, units: object, codings: list[list[tuple[int, int]]]
) -> np.ndarray:
    unit_list = [(i, i + 1) for i in range(doc_length)] if units == "char" else units
    out = np.zeros((len(unit_list), len(codings)))  # type: ignore[arg-type]
    for j, spans in enumerate(codings):
        for u, (us, ue) in enumerate(unit_list):  # type: ignore[arg-type]
            out[u, j] = any(max(us, s) < min(ue, e) for s, e in spans)
    return out


@st.composite
def spans(draw: st.DrawFn, doc_length: int, max_size: int = 6) -> list[tuple[int, int]]:
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, doc_length), st.integers(0, doc_length)), max_size=max_size
        )
    )
    return [(min(a, b), max(a, b)) for a, b in pairs]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), doc_length=st.integers(0, 60), n_coders=st.integers(1, 4))
def test_presence_matches_a_naive_loop(data: st.DataObject, doc_length: int, n_coders: int) -> None:
    codings = [data.draw(spans(doc_length)) for _ in range(n_coders)]
    units = data.draw(st.one_of(st.just("char"), spans(doc_length, max_size=10)))
    ours = presence_matrix(doc_length, units, codings)  # type: ignore[arg-type]
    assert np.array_equal(ours, naive_presence(doc_length, units, codings))


def test_char_units_on_a_long_document_are_fast() -> None:
    rng = np.random.default_rng(0)
    doc_length = 100_000
    codings = []
    for _ in range(3):
        starts = rng.integers(0, doc_length - 500, 400)
        codings.append([(int(s), int(s + rng.integers(1, 500))) for s in starts])
    start = time.perf_counter()
    matrix = presence_matrix(doc_length, "char", codings)
    elapsed = time.perf_counter() - start
    assert matrix.shape == (doc_length, 3)
    assert elapsed < 0.5
    sample = rng.integers(0, doc_length, 200)
    for j, spans_ in enumerate(codings):
        for i in sample:
            assert matrix[i, j] == any(s <= i < e for s, e in spans_)


def test_spans_outside_the_document_are_rejected() -> None:
    with pytest.raises(ValueError, match="not inside"):
        presence_matrix(10, "char", [[(5, 11)], []])
    with pytest.raises(ValueError, match="not inside"):
        presence_matrix(10, [(3, 2)], [[], []])
    with pytest.raises(ValueError):
        presence_matrix(10, "words", [[], []])  # type: ignore[arg-type]


def test_pooled_presence_concatenates_codes() -> None:
    units = [(0, 10), (10, 20), (20, 30)]
    codings = {
        "fear": [[(0, 5)], [(2, 4), (25, 27)]],
        "safety": [[(12, 18)], [(11, 12)]],
    }
    per_code = presence_by_code(30, units, codings)
    assert per_code["fear"].tolist() == [[1, 1], [0, 0], [0, 1]]
    assert per_code["safety"].tolist() == [[0, 0], [1, 1], [0, 0]]
    pooled = pooled_presence(30, units, codings)
    assert pooled.codes == ("fear", "safety")
    assert pooled.matrix.shape == (6, 2)
    assert np.array_equal(pooled.rows_for("safety"), per_code["safety"])
    # pooled kappa over the 6 code x unit decisions: 5 agreements, 1 disagreement.
    # Po = 5/6; coder 1 said "yes" 2/6, coder 2 3/6 -> Pe = 2/6*3/6 + 4/6*3/6 = 1/2;
    # kappa = (5/6 - 1/2) / (1/2) = 2/3.
    assert cohen_kappa(pooled.matrix).value == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="same number of coders"):
        presence_by_code(30, units, {"a": [[], []], "b": [[]]})


# -- unitizing alpha -------------------------------------------------------------------------


def test_identical_unitizations_give_one() -> None:
    codings = [(10, 20), (40, 55)]
    for m in (2, 3, 5):
        assert unitized_alpha(100, [codings] * m).value == pytest.approx(1.0)


def test_hand_computed_small_configuration() -> None:
    # L = 10; coder A codes [2, 6), coder B codes [3, 6).
    # Partitions: A = gap(0,2) coded(2,6) gap(6,10); B = gap(0,3) coded(3,6) gap(6,10).
    # Overlapping pairs: A-coded(2,6) with B-gap(0,3): not contained -> 0;
    #   A-coded(2,6) with B-coded(3,6): (2-3)^2 + (6-6)^2 = 1; the gap pairs -> 0.
    #   Do = 2 * 1 / (m (m - 1) L^2) = 2 / 200 = 0.01.
    # Expected: N_c = 2 coded segments (l = 4, 3); gaps of all coders: 2, 4, 3, 4.
    #   l = 4: (N_c - 1)(2*64 - 3*16 + 4)/3 = 28, plus 4^2 * [(4-4+1) + (4-4+1)] = 32  -> 60
    #   l = 3: (2*27 - 3*9 + 3)/3 = 10, plus 3^2 * [(3-3+1) + (4-3+1) * 2] = 45        -> 55
    #   De = (2 / 10) * 115 / (m L (m L - 1) - [4*3 + 3*2]) = 23 / (380 - 18) = 23/362.
    #   alpha = 1 - 0.01 / (23/362) = 1 - 3.62/23 = 0.842609.
    result = unitized_alpha(10, [[(2, 6)], [(3, 6)]])
    assert result.observed == pytest.approx(0.01)
    assert result.expected == pytest.approx(23 / 362)
    assert result.value == pytest.approx(1 - 3.62 / 23)


def test_krippendorff_2004_worked_example() -> None:
    # Krippendorff (2004), Content Analysis 2nd ed., section 12.4, p. 254 (as reproduced in
    # DKPro Statistics' Krippendorff2004Test): continuum [150, 450), two observers.
    # Category c: observer i codes [225, 295) and [370, 400); observer j codes [220, 300),
    # [355, 375) and [400, 420). Published: Do = 0.0144, De = 0.0532, alpha_c = 0.7286.
    # Category k: both code [180, 240) and [300, 350): Do = 0, De = 0.0490, alpha_k = 1.
    shift = 150
    c_i = [(225 - shift, 295 - shift), (370 - shift, 400 - shift)]
    c_j = [(220 - shift, 300 - shift), (355 - shift, 375 - shift), (400 - shift, 420 - shift)]
    result = unitized_alpha(300, [c_i, c_j])
    assert result.observed == pytest.approx(0.0144, abs=5e-5)
    assert result.expected == pytest.approx(0.0532, abs=5e-5)
    assert result.value == pytest.approx(0.7286, abs=5e-5)
    k = [(180 - shift, 240 - shift), (300 - shift, 350 - shift)]
    result_k = unitized_alpha(300, [k, k])
    assert result_k.expected == pytest.approx(0.0490, abs=5e-5)
    assert result_k.value == pytest.approx(1.0)


def krippendorff_1995(stretch: float) -> tuple[int, dict[str, list[list[tuple[int, int]]]]]:
    """Krippendorff (1995, p. 57) examples A-D: pairs of coders on a 24-unit continuum."""

    def seg(begin: int, length: int) -> tuple[int, int]:
        return int(begin * stretch), int(begin * stretch) + int(length * stretch)

    return int(24 * stretch), {
        "A": [[seg(2, 8), seg(14, 6)], [seg(4, 4), seg(15, 2)]],
        "B": [
            [seg(0, 18)],
            [seg(0, 2), seg(2, 1), seg(3, 1), seg(4, 1), seg(5, 1), seg(6, 3), seg(9, 1)],
        ],
        "C": [
            [seg(2, 6), seg(10, 2), seg(14, 4), seg(20, 2)],
            [seg(0, 2), seg(4, 4), seg(10, 4), seg(16, 2), seg(20, 2)],
        ],
        "D": [
            [seg(0, 2), seg(2, 8), seg(10, 4), seg(14, 6), seg(20, 4)],
            [seg(0, 4), seg(4, 4), seg(8, 7), seg(15, 2), seg(17, 7)],
        ],
    }


def test_krippendorff_1995_examples() -> None:
    # Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
    # Methodology 25, 47-76, p. 57, examples A-D. Observed disagreements (exact, continuum of
    # 24) as in DKPro Statistics' Krippendorff1995Test; the published alphas .553, -.926,
    # .679, .066 are for a continuous continuum, approximated here by stretching it 50,000-fold
    # (DKPro checks the same values with a 0.02 tolerance; the paper's expected disagreement has
    # a small error, see DKPro's note and Krippendorff 2004).
    length, examples = krippendorff_1995(1)
    observed = {k: unitized_alpha(length, c).observed for k, c in examples.items()}
    assert observed == pytest.approx(
        {"A": 0.03125, "B": 2.267361, "C": 0.027778, "D": 0.387153}, abs=1e-6
    )
    # examples C with half the resolution: DKPro's exact value De = 0.05494, alpha = 0.494
    length, examples = krippendorff_1995(0.5)
    result = unitized_alpha(length, examples["C"])
    assert result.expected == pytest.approx(0.05494, abs=5e-6)
    assert result.value == pytest.approx(0.494, abs=5e-4)
    length, examples = krippendorff_1995(50_000)
    published = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for key, expected in published.items():
        assert unitized_alpha(length, examples[key]).value == pytest.approx(expected, abs=0.02)


def test_unitizing_is_symmetric_in_coders_and_merges_overlaps() -> None:
    a = [(5, 30), (50, 60)]
    b = [(7, 28), (52, 70), (80, 90)]
    c = [(0, 30)]
    forward = unitized_alpha(100, [a, b, c]).value
    assert unitized_alpha(100, [c, a, b]).value == pytest.approx(forward)
    # overlapping codings by one coder count as one segment; order does not matter
    assert unitized_alpha(100, [[(50, 60), (5, 20), (10, 30)], b, c]).value == pytest.approx(
        forward
    )


def test_unitizing_undefined_cases() -> None:
    assert unitized_alpha(100, [[(1, 5)]]).reason == "unitizing alpha needs at least two coders"
    assert unitized_alpha(0, [[], []]).value is None
    nobody = unitized_alpha(100, [[], []])
    assert nobody.value is None and "no coder" in (nobody.reason or "")
    with pytest.raises(ValueError):
        unitized_alpha(10, [[(0, 11)], []])


def test_one_coder_silent_is_poor_agreement() -> None:
    result = unitized_alpha(100, [[(10, 40)], []])
    assert result.value is not None and result.value < 0.2
