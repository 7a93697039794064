"""Reconciliation logic: passages between two coders and decisions written to consensus."""

from __future__ import annotations

import hashlib

import pytest

from workbench.bootstrap import Workbench
from workbench.core.errors import WorkbenchError
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.store.team import decisions
from workbench.workflows import reconcile
from workbench.workflows.reconcile import clusters, decide, passages

TEXT = (
    "We met on Thursdays. The readings never changed. My sponsor rang every day. "
    "I stopped going in the spring. Nobody called after that."
)


@pytest.fixture
def pair(wb: Workbench) -> Workbench:
    s = wb.store
    s.import_codebook(
        CodebookSpec(
            "t", (CodeSpec("fmt", "Format"), CodeSpec("sp", "Sponsor"), CodeSpec("cage", "Cage"))
        )
    )
    doc = s.add_document(
        ParsedDocument(
            "P01",
            TEXT,
            (Turn(0, len(TEXT), "P01"),),
            "txt",
            hashlib.sha256(TEXT.encode()).hexdigest(),
        )
    )
    anna, ben = s.ensure_coder("anna"), s.ensure_coder("ben")
    fmt, sp, cage = (s.code(k).id for k in ("fmt", "sp", "cage"))

    def span(quote: str) -> tuple[int, int]:
        i = TEXT.index(quote)
        return i, i + len(quote)

    s.add_coding(doc.id, fmt, anna.id, *span("The readings never changed."))  # agreed
    s.add_coding(doc.id, fmt, ben.id, *span("The readings never changed."))
    s.add_coding(
        doc.id, sp, anna.id, *span("My sponsor rang every day."), memo="controlling"
    )  # boundaries
    s.add_coding(doc.id, sp, ben.id, *span("sponsor rang every day"))
    s.add_coding(doc.id, cage, anna.id, *span("I stopped going in the spring."))  # only A
    s.add_coding(doc.id, fmt, ben.id, *span("Nobody called after that."))  # only B
    return wb


def test_clusters_join_overlaps_not_touching() -> None:
    from workbench.core.model import Coding

    cs = [Coding(1, 1, 1, 1, 0, 5), Coding(2, 1, 1, 2, 5, 9), Coding(3, 1, 2, 2, 3, 6)]
    assert [(a, b, len(m)) for a, b, m in clusters(cs[:2], [])] == [(0, 5, 1), (5, 9, 1)]
    assert [(a, b, len(m)) for a, b, m in clusters(cs[:2], cs[2:])] == [(0, 9, 3)]


def test_passages_list_disagreements(pair: Workbench) -> None:
    ps = passages(pair.store, "anna", "ben")
    assert [p.kind for p in ps] == [
        "same codes, different boundaries",
        "only A coded here",
        "only B coded here",
    ]
    everything = passages(pair.store, "anna", "ben", include_agreements=True)
    assert len(everything) == 4 and everything[0].agreed
    with pytest.raises(WorkbenchError):
        passages(pair.store, "anna", "anna")
    with pytest.raises(WorkbenchError, match="unknown coder"):
        passages(pair.store, "anna", "nobody")


def test_each_decision_writes_consensus_with_audit(pair: Workbench) -> None:
    s = pair.store
    sponsor, only_a, only_b = passages(s, "anna", "ben")
    made = decide(s, sponsor, "a", coder_a="anna", coder_b="ben", decided_by="anna")
    assert [(c.start, c.end, c.memo) for c in made] == [
        (sponsor.a[0].start, sponsor.a[0].end, "controlling")
    ]
    decide(s, only_a, "neither", coder_a="anna", coder_b="ben")
    decide(s, only_b, "both", coder_a="anna", coder_b="ben")
    consensus = s.coder("consensus")
    got = {(c.code_id, c.start, c.end) for c in s.codings(coder_ids=[consensus.id])}
    assert got == {(c.code_id, c.start, c.end) for c in (sponsor.a[0], only_b.b[0])}
    # decisions are recorded, in the pair's order, and show up in the walk
    assert {p.decision for p in passages(s, "anna", "ben")} == {"a", "neither", "both"}
    assert {p.decision for p in passages(s, "ben", "anna")} == {"b", "neither", "both"}
    assert len(decisions(s, s.coder("anna").id, s.coder("ben").id)) == 3
    history = s.history(consensus.id)
    assert [h[1] for h in history] == ["coding.reconcile"] * 3
    assert "keep anna" in history[-1][2] and "decided by anna" in history[-1][2]


def test_redeciding_replaces_and_undo_restores(pair: Workbench) -> None:
    s = pair.store
    sponsor = passages(s, "anna", "ben")[0]
    decide(s, sponsor, "a", coder_a="anna", coder_b="ben")
    decide(s, sponsor, "b", coder_a="anna", coder_b="ben")
    cid = s.coder("consensus").id
    spans = lambda: [(c.start, c.end) for c in s.codings(coder_ids=[cid])]  # noqa: E731
    assert spans() == [(sponsor.b[0].start, sponsor.b[0].end)]
    assert passages(s, "anna", "ben")[0].decision == "b"
    assert reconcile.undo_last(s) is not None
    assert spans() == [(sponsor.a[0].start, sponsor.a[0].end)]
    assert passages(s, "anna", "ben")[0].decision == "a"
    assert reconcile.undo_last(s) is not None
    assert spans() == [] and passages(s, "anna", "ben")[0].decision is None
    assert s.redo(cid) is not None
    assert passages(s, "anna", "ben")[0].decision == "a"
    # anna's own undo stack is untouched by consensus decisions
    assert s.undo(s.coder("anna").id) == "code Cage"


def test_edit_and_agreements(pair: Workbench) -> None:
    s = pair.store
    sponsor = passages(s, "anna", "ben")[0]
    span = reconcile.span_for_quote(s, sponsor, "sponsor rang  every\nday.")
    assert TEXT[span[0] : span[1]] == "sponsor rang every day."
    made = decide(s, sponsor, "edit", coder_a="anna", coder_b="ben", span=span)
    assert [(c.start, c.end) for c in made] == [span]
    with pytest.raises(WorkbenchError):
        reconcile.span_for_quote(s, sponsor, "words that are nowhere")
    with pytest.raises(WorkbenchError):
        decide(s, sponsor, "edit", coder_a="anna", coder_b="ben")
    with pytest.raises(WorkbenchError):
        decide(s, sponsor, "maybe", coder_a="anna", coder_b="ben")
    assert reconcile.accept_agreements(s, "anna", "ben") == 1
    assert reconcile.accept_agreements(s, "anna", "ben") == 0
    cid = s.coder("consensus").id
    assert len(s.codings(coder_ids=[cid])) == 2


def test_sample_study_reconciles(sample_wb: Workbench) -> None:
    s = sample_wb.store
    ps = passages(s, "anna", "ben")
    assert len(ps) > 20
    kinds = {p.kind for p in ps}
    assert {"only A coded here", "only B coded here"} <= kinds
    for p in ps[:10]:
        decide(s, p, "both", coder_a="anna", coder_b="ben")
    after = passages(s, "anna", "ben")
    assert sum(1 for p in after if p.decision == "both") == 10
