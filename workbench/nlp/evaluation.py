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
    """Micro and macro precision, recall and F1, and the same per code.

    ``{"micro_f1", "macro_f1", "micro_precision", "micro_recall", "macro_precision",
    "macro_recall", "predicted", "per_code": {code: {precision, recall, f1, support}}}``.
    Micro pools every (sentence, code) decision; macro averages over the codes that
    occur in the gold standard (support > 0). ``predicted`` counts the (sentence, code)
    predictions, i.e. the suggestions a coder would have to review.
    """
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold differ in length")
    per_code: dict[str, dict[str, float | int]] = {}
    tp_all = fp_all = fn_all = 0
    macro: list[tuple[float, float, float]] = []
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
            macro.append((precision, recall, f1))
    micro = _prf(tp_all, fp_all, fn_all)
    mean = [sum(m[i] for m in macro) / len(macro) if macro else 0.0 for i in range(3)]
    return {
        "micro_f1": round(micro[2], 4),
        "macro_f1": round(mean[2], 4),
        "micro_precision": round(micro[0], 4),
        "micro_recall": round(micro[1], 4),
        "macro_precision": round(mean[0], 4),
        "macro_recall": round(mean[1], 4),
        "predicted": tp_all + fp_all,
        "per_code": per_code,
    }
