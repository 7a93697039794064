"""Fuzzy ranking of codes for the picker, the palette and the CLI (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, utils

from workbench.core.model import Code


def rank_codes(
    query: str, codes: Sequence[Code], recent: Sequence[int] = (), limit: int | None = None
) -> list[tuple[Code, float]]:
    """Codes ranked for ``query`` (0..100); an empty query lists recent codes first.

    Names weigh most, then the path, then keywords and definition, so "cage"
    finds "The safe place can become a cage" and "fear" finds a code whose
    keywords mention fear.
    """
    recent_rank = {cid: i for i, cid in enumerate(recent)}
    q = utils.default_process(query)
    scored: list[tuple[Code, float]] = []
    for order, code in enumerate(codes):
        if not q:
            score = 100.0 - min(recent_rank.get(code.id, 50 + order), 99) * 0.01
            scored.append((code, score))
            continue
        name = utils.default_process(code.name)
        score = max(
            fuzz.WRatio(q, name, processor=None),
            100.0 if name.startswith(q) else 0.0,
            0.9 * fuzz.partial_ratio(q, utils.default_process(code.path), processor=None),
            0.85
            * fuzz.token_set_ratio(
                q, utils.default_process(code.key.replace("-", " ")), processor=None
            ),
            max(
                (
                    0.8 * fuzz.partial_ratio(q, utils.default_process(k), processor=None)
                    for k in code.keywords
                    if k
                ),
                default=0.0,
            ),
            0.6 * fuzz.partial_ratio(q, utils.default_process(code.definition), processor=None)
            if len(q) >= 4
            else 0.0,
        )
        if code.id in recent_rank:
            score += 5 - min(recent_rank[code.id], 4)
        scored.append((code, min(score, 100.0)))
    scored.sort(key=lambda cs: -cs[1])
    if q:
        scored = [cs for cs in scored if cs[1] >= 45]
    return scored[:limit] if limit else scored
