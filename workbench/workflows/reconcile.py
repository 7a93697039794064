"""Reconciliation: walk the passages two coders coded differently and settle each one.

A *passage* is a stretch of a document where coder A's and coder B's codings overlap
one another (a chain of overlapping codings from either coder; codings that only touch
do not join). The unit is the coders' own spans, not sentences, so each coder's
boundaries survive into the decision. A passage is a *disagreement* unless both coders
applied exactly the same codes to exactly the same spans there.

Each decision writes the ``consensus`` coder's codings for the passage:

* ``a`` / ``b`` - keep coder A's / coder B's codings;
* ``both`` - keep both (identical codings once);
* ``neither`` - no consensus coding there;
* ``edit`` - one span chosen at the meeting, with the codes A and B used (or given).

Deciding again replaces the earlier decision (consensus codings overlapping the passage
are replaced). Every decision is one audit entry of the consensus coder holding the
decision record and the codings, so undo (as ``consensus``) takes it back whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.core.errors import WorkbenchError
from workbench.core.model import Coder, Coding
from workbench.store.repos import SqlProject
from workbench.store.team import decisions, write_decision

CONSENSUS = "consensus"
DECISIONS = ("a", "b", "both", "neither", "edit")


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage of one document, with each coder's codings there."""

    document_id: int
    document: str
    start: int
    end: int
    a: tuple[Coding, ...]
    b: tuple[Coding, ...]
    consensus: tuple[Coding, ...] = ()
    decision: str | None = None  # a, b, both, neither, edit (A and B as asked)

    @property
    def agreed(self) -> bool:
        return _spans(self.a) == _spans(self.b)

    @property
    def code_ids(self) -> tuple[int, ...]:
        return tuple(sorted({c.code_id for c in (*self.a, *self.b)}))

    @property
    def kind(self) -> str:
        """What the disagreement is about, in a few words."""
        if self.agreed:
            return "agreed"
        if not self.b:
            return "only A coded here"
        if not self.a:
            return "only B coded here"
        if {c.code_id for c in self.a} == {c.code_id for c in self.b}:
            return "same codes, different boundaries"
        return "different codes"


def _spans(codings: Iterable[Coding]) -> list[tuple[int, int, int]]:
    return sorted((c.code_id, c.start, c.end) for c in codings)


def _pair(store: SqlProject, coder_a: str, coder_b: str) -> tuple[Coder, Coder]:
    a, b = store.coder(coder_a), store.coder(coder_b)
    if a.id == b.id:
        raise WorkbenchError("choose two different coders to reconcile")
    return a, b


def clusters(a: Sequence[Coding], b: Sequence[Coding]) -> list[tuple[int, int, list[Coding]]]:
    """Group two coders' codings of one document into overlapping stretches."""
    out: list[tuple[int, int, list[Coding]]] = []
    for c in sorted((*a, *b), key=lambda c: (c.start, c.end, c.id)):
        if out and c.start < out[-1][1]:
            start, end, members = out[-1]
            members.append(c)
            out[-1] = (start, max(end, c.end), members)
        else:
            out.append((c.start, c.end, [c]))
    return out


def passages(
    store: SqlProject,
    coder_a: str,
    coder_b: str,
    *,
    documents: Sequence[int] | None = None,
    include_agreements: bool = False,
) -> list[Passage]:
    """The passages of A and B (disagreements only, unless asked), in document order."""
    a, b = _pair(store, coder_a, coder_b)
    try:
        consensus_id: int | None = store.coder(CONSENSUS).id
    except WorkbenchError:
        consensus_id = None
    flip = a.id > b.id
    recorded = {
        (d.document_id, d.start, d.end): (
            {"a": "b", "b": "a"}.get(d.decision, d.decision) if flip else d.decision
        )
        for d in decisions(store, a.id, b.id)
    }
    docs = store.documents()
    wanted = set(documents) if documents is not None else None
    out: list[Passage] = []
    for doc in docs:
        if wanted is not None and doc.id not in wanted:
            continue
        ids = [a.id, b.id] + ([consensus_id] if consensus_id is not None else [])
        codings = store.codings(document_id=doc.id, coder_ids=ids)
        mine = [c for c in codings if c.coder_id == a.id]
        theirs = [c for c in codings if c.coder_id == b.id]
        agreed_codings = [c for c in codings if c.coder_id == consensus_id]
        for start, end, members in clusters(mine, theirs):
            p = Passage(
                document_id=doc.id,
                document=doc.name,
                start=start,
                end=end,
                a=tuple(c for c in members if c.coder_id == a.id),
                b=tuple(c for c in members if c.coder_id == b.id),
                consensus=tuple(c for c in agreed_codings if c.start < end and c.end > start),
                decision=recorded.get((doc.id, start, end)),
            )
            if include_agreements or not p.agreed:
                out.append(p)
    return out


def decide(
    store: SqlProject,
    passage: Passage,
    decision: str,
    *,
    coder_a: str,
    coder_b: str,
    decided_by: str | None = None,
    span: tuple[int, int] | None = None,
    code_ids: Sequence[int] | None = None,
) -> list[Coding]:
    """Write ``decision`` for ``passage`` to the consensus coder; returns its new codings."""
    if decision not in DECISIONS:
        raise WorkbenchError(f"unknown decision {decision!r} (choose {', '.join(DECISIONS)})")
    a, b = _pair(store, coder_a, coder_b)
    consensus = store.ensure_coder(CONSENSUS)
    if consensus.id in (a.id, b.id):
        raise WorkbenchError("reconcile two coders into 'consensus', not the consensus itself")
    by = store.ensure_coder(decided_by).id if decided_by else None
    if decision == "a":
        chosen = [(c.code_id, c.start, c.end, c.memo) for c in passage.a]
        label = f"keep {a.name}"
    elif decision == "b":
        chosen = [(c.code_id, c.start, c.end, c.memo) for c in passage.b]
        label = f"keep {b.name}"
    elif decision == "both":
        chosen = []
        seen: dict[tuple[int, int, int], int] = {}
        for c in (*passage.a, *passage.b):
            key = (c.code_id, c.start, c.end)
            if key in seen:
                i = seen[key]
                if c.memo and not chosen[i][3]:
                    chosen[i] = (*key, c.memo)
                continue
            seen[key] = len(chosen)
            chosen.append((*key, c.memo))
        label = "keep both"
    elif decision == "neither":
        chosen = []
        label = "neither"
    else:
        if span is None:
            raise WorkbenchError("an edited decision needs the span to keep")
        start, end = span
        if not (start < end and start < passage.end + 2000 and end > passage.start - 2000):
            raise WorkbenchError(f"span {start}-{end} is not near the passage")
        codes = list(code_ids) if code_ids else list(passage.code_ids)
        if not codes:
            raise WorkbenchError("an edited decision needs at least one code")
        chosen = [(code, start, end, "") for code in codes]
        label = f"edit to {start}-{end}"
    by_name = f" (decided by {decided_by})" if decided_by else ""
    summary = (
        f"reconcile {passage.document} {passage.start}-{passage.end} "
        f"({a.name} vs {b.name}): {label}{by_name}"
    )
    return write_decision(
        store,
        document_id=passage.document_id,
        start=passage.start,
        end=passage.end,
        coder_a_id=a.id,
        coder_b_id=b.id,
        decision=decision,
        decided_by_id=by,
        consensus_id=consensus.id,
        codings=chosen,
        summary=summary,
    )


def accept_agreements(
    store: SqlProject, coder_a: str, coder_b: str, *, decided_by: str | None = None
) -> int:
    """Copy every agreed, undecided passage to the consensus coder; returns how many."""
    done = 0
    for p in passages(store, coder_a, coder_b, include_agreements=True):
        if p.agreed and p.decision is None:
            decide(store, p, "both", coder_a=coder_a, coder_b=coder_b, decided_by=decided_by)
            done += 1
    return done


def undo_last(store: SqlProject) -> str | None:
    """Take back the consensus coder's latest change (a decision, usually)."""
    try:
        consensus = store.coder(CONSENSUS)
    except WorkbenchError:
        return None
    return store.undo(consensus.id)


def passage_text(store: SqlProject, passage: Passage, context: int = 0) -> tuple[str, int]:
    """The passage's text with ``context`` characters either side, and where it starts."""
    text = store.text(passage.document_id)
    start = max(0, passage.start - context)
    return text[start : min(len(text), passage.end + context)], start


def span_for_quote(store: SqlProject, passage: Passage, quote: str) -> tuple[int, int]:
    """Where an edited quote (the passage trimmed or widened a little) lies in the text.

    Searched in the passage and 500 characters either side; whitespace and typographic
    look-alikes are forgiven. The match nearest the passage wins.
    """
    from workbench.io.anchored_codings import locate_quote

    window, offset = passage_text(store, passage, context=500)
    best: tuple[int, int] | None = None
    n = 1
    while (found := locate_quote(window, quote, n)) is not None and n <= 200:
        span = (found[0] + offset, found[1] + offset)
        if best is None or abs(span[0] - passage.start) < abs(best[0] - passage.start):
            best = span
        n += 1
    if best is None:
        raise WorkbenchError("that text is not in or near the passage; edit the passage text")
    return best
