"""Wording shared by the renderers, so every format says the same thing."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.summary import AttributeSpread, CodebookEntry, Quote, Summary, ThemeRow

SUBTREE_NOTE = "codings of this code and its sub-codes"


def stamp(summary_like: object) -> str:
    generated = getattr(summary_like, "generated_at", None)
    return generated.strftime("%Y-%m-%d %H:%M UTC") if generated else ""


def title(kind: str, project: str) -> str:
    return f"{kind}: {project}" if project else kind


def scope_line(summary: Summary) -> str:
    n = len(summary.participants_in_scope)
    return (
        f"{n} participant{'s' if n != 1 else ''} in scope, "
        f"{summary.documents_in_scope} document{'s' if summary.documents_in_scope != 1 else ''}, "
        f"{summary.total_codings} coding{'s' if summary.total_codings != 1 else ''} "
        f"by {', '.join(summary.coders) or 'no coder'}"
    )


def counts_line(row: ThemeRow, of: int) -> str:
    return (
        f"{row.participants} of {of} participants, {row.documents} "
        f"document{'s' if row.documents != 1 else ''}, {row.codings} "
        f"coding{'s' if row.codings != 1 else ''} ({SUBTREE_NOTE})"
    )


def spread_text(spread: AttributeSpread) -> str:
    values = " · ".join(f"{v.value} {v.count} of {v.total}" for v in spread.values)
    return values + (" (grouped ranges)" if spread.binned else "")


def quote_source(q: Quote) -> str:
    """``P03 · turn 12 (R) · 00:04:31 · chars 1204-1390 · coded by anna ★``."""
    return f"{q.label} · coded by {q.coder}" + (" · starred" if q.starred else "")


def relative_depths(rows: Sequence[ThemeRow | CodebookEntry]) -> list[int]:
    """Depth within the exported tree: a row whose parent was filtered out is a root."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        depth = seen[row.parent_key] + 1 if row.parent_key in seen else 0
        seen[row.key] = depth
        out.append(depth)
    return out


def outline_numbers(depths: list[int]) -> list[str]:
    """Outline numbers (1, 1.1, 1.1.1 ...) for rows in tree order."""
    out: list[str] = []
    counters: list[int] = []
    for depth in depths:
        del counters[depth + 1 :]
        counters.extend([0] * (depth + 1 - len(counters)))
        counters[depth] += 1
        out.append(".".join(str(c) for c in counters))
    return out
