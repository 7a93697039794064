"""Precision, recall and F1 per code, micro and macro averaged (sentence units). Pure Python."""

from __future__ import annotations

from collections.abc import Sequence


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_sets(
    predicted: Sequence[set[str]], gold: Sequence[set[str]], codes: Sequence[str]
) -> dict[str, object]:
    """``{"micro_f1", "macro_f1", "per_code": {code: {precision, recall, f1, support}}}``.

    Micro-F1 pools every (sentence, code) decision; macro-F1 averages the F1 of the
    codes that occur in the gold standard (support > 0).
    """
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold differ in length")
    per_code: dict[str, dict[str, float | int]] = {}
    tp_all = fp_all = fn_all = 0
    f1s = []
    for code in codes:
        tp = sum(1 for p, g in zip(predicted, gold, strict=True) if code in p and code in g)
        fp = sum(1 for p, g in zip(predicted, gold, strict=True) if code in p and code not in g)
        fn = sum(1 for p, g in zip(predicted, gold, strict=True) if code not in p and code in g)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        precision, recall, f1 = _prf(tp, fp, fn)
        support = tp + fn
        per_code[code] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
        if support:
            f1s.append(f1)
    micro = _prf(tp_all, fp_all, fn_all)[2]
    macro = sum(f1s) / len(f1s) if f1s else 0.0
    return {"micro_f1": round(micro, 4), "macro_f1": round(macro, 4), "per_code": per_code}
