"""Undo and redo say what they changed, so the TUI re-reads only that (``Change``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.bootstrap import Workbench, open_workbench
from workbench.core.model import Change, CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.settings import Settings


def _doc(name: str, body: str) -> ParsedDocument:
    text = f"P: {body}"
    return ParsedDocument(name, text, (Turn(3, len(text), "P", None, None),), "txt", name)


@pytest.fixture
def wb(tmp_path: Path) -> Workbench:
    wb = open_workbench(Settings(project=str(tmp_path / "p.sqlite")))
    spec = CodebookSpec(
        "t", (CodeSpec("a", "Alpha"), CodeSpec("b", "Beta"), CodeSpec("c", "Gamma"))
    )
    wb.store.import_codebook(spec)
    wb.store.add_document(_doc("D1", "One two three four five six seven eight nine ten."))
    wb.store.add_document(_doc("D2", "Eleven twelve thirteen fourteen fifteen sixteen."))
    yield wb
    wb.close()


def test_undo_and_redo_of_a_coding_name_its_document_code_and_coding(wb: Workbench) -> None:
    s = wb.store
    anna = s.ensure_coder("anna")
    d2 = s.document("D2").id
    alpha = s.code("a").id
    coding = s.add_coding(d2, alpha, anna.id, 3, 9)
    undone = s.undo_change(anna.id)
    assert undone is not None
    summary, change = undone
    assert summary and change.is_narrow
    assert change == Change(
        "undo", frozenset({d2}), frozenset({alpha}), False, frozenset({coding.id})
    )
    redone = s.redo_change(anna.id)
    assert redone is not None and redone[1].documents == {d2} and redone[1].what == "redo"
    assert s.undo_change(ben := s.ensure_coder("ben").id) is None  # ben has nothing to undo
    assert ben != anna.id


def test_an_edit_that_moves_a_coding_names_both_codes(wb: Workbench) -> None:
    s = wb.store
    anna = s.ensure_coder("anna").id
    d1 = s.document("D1").id
    alpha, beta = s.code("a").id, s.code("b").id
    coding = s.add_coding(d1, alpha, anna, 3, 9)
    s.update_coding(coding.id, anna, code_id=beta)
    done = s.undo_change(anna)
    assert done is not None
    change = done[1]
    assert change.codes == {alpha, beta} and change.documents == {d1}
    assert change.coding_ids == {coding.id}


def test_codebook_actions_mark_the_codebook_and_merges_name_the_moved_codings(
    wb: Workbench,
) -> None:
    s = wb.store
    anna = s.ensure_coder("anna").id
    d1, d2 = s.document("D1").id, s.document("D2").id
    alpha, beta, gamma = (s.code(k).id for k in "abc")
    s.update_code(gamma, anna, name="Gamma rays")
    done = s.undo_change(anna)
    assert done is not None
    assert done[1].codebook and done[1].documents == frozenset() and not done[1].is_narrow

    s.add_coding(d1, alpha, anna, 3, 9)
    s.add_coding(d2, alpha, anna, 3, 9)
    s.merge_codes(alpha, beta, anna)
    done = s.undo_change(anna)
    assert done is not None
    change = done[1]
    assert change.codebook and change.documents == {d1, d2}
    assert {alpha, beta} <= (change.codes or set())


def test_merging_changes_keeps_the_widest() -> None:
    narrow = Change.codings("coding", {1}, {2}, {3})
    other = Change.codings("coding", {4}, {5}, {6})
    both = narrow.merge(other)
    assert both.documents == {1, 4} and both.codes == {2, 5} and both.coding_ids == {3, 6}
    assert both.is_narrow
    wide = narrow.merge(Change("import"))
    assert wide.documents is None and wide.codes is None and wide.codebook
    assert wide.what == "import"
