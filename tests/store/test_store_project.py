"""Store round trips on a real SQLite file: documents, codebook, codings, undo/redo."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from workbench.bootstrap import Workbench
from workbench.core.errors import CodebookError, WorkbenchError
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn


def parsed(text: str, name: str = "P01") -> ParsedDocument:
    turns = (Turn(0, len(text), "P01"),)
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument(name=name, text=text, turns=turns, source_format="txt", checksum=checksum)


SPEC = CodebookSpec(
    name="t",
    codes=(
        CodeSpec(key="theme", name="Theme"),
        CodeSpec(key="a", name="Alpha", parent="theme", keywords=("one", "two")),
        CodeSpec(key="b", name="Beta", parent="theme"),
    ),
)


def test_project_file_is_owner_only(wb: Workbench) -> None:
    path = wb.settings.project
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600


def test_document_round_trip_keeps_unicode_offsets(wb: Workbench) -> None:
    text = "Tromsø – «kafé» 😀 and more"
    doc = wb.store.add_document(parsed(text))
    assert wb.store.text(doc.id) == text
    assert doc.length == len(text)
    assert wb.store.turns(doc.id) == [Turn(0, len(text), "P01")]
    assert wb.store.document_by_checksum(doc.checksum) == doc
    with pytest.raises(WorkbenchError, match="already in the project"):
        wb.store.add_document(parsed(text, name="again"))


def test_codebook_tree_and_paths(wb: Workbench) -> None:
    added, updated = wb.store.import_codebook(SPEC)
    assert (added, updated) == (3, 0)
    codes = wb.store.codes()
    assert [c.path for c in codes] == ["Theme", "Theme > Alpha", "Theme > Beta"]
    assert codes[1].keywords == ("one", "two")
    assert wb.store.import_codebook(SPEC) == (0, 0)


def test_coding_undo_redo_is_per_coder(wb: Workbench) -> None:
    wb.store.import_codebook(SPEC)
    doc = wb.store.add_document(parsed("I kept going but it felt like the same script."))
    anna, ben = wb.store.ensure_coder("anna"), wb.store.ensure_coder("ben")
    alpha = wb.store.code("a")
    c1 = wb.store.add_coding(doc.id, alpha.id, anna.id, 0, 12)
    c2 = wb.store.add_coding(doc.id, alpha.id, ben.id, 2, 20)
    assert wb.store.undo(anna.id) == "code Alpha"
    assert [c.id for c in wb.store.codings()] == [c2.id]
    assert wb.store.redo(anna.id) == "code Alpha"
    assert {c.id for c in wb.store.codings()} == {c1.id, c2.id}
    assert wb.store.undo(ben.id) is not None
    assert [c.id for c in wb.store.codings()] == [c1.id]
    assert wb.store.undo(ben.id) is None


def test_new_action_clears_redo(wb: Workbench) -> None:
    wb.store.import_codebook(SPEC)
    doc = wb.store.add_document(parsed("Some words to code here."))
    anna = wb.store.ensure_coder("anna")
    wb.store.add_coding(doc.id, wb.store.code("a").id, anna.id, 0, 4)
    wb.store.undo(anna.id)
    wb.store.add_coding(doc.id, wb.store.code("b").id, anna.id, 5, 10)
    assert wb.store.redo(anna.id) is None


def test_merge_moves_codings_and_undo_restores(wb: Workbench) -> None:
    wb.store.import_codebook(SPEC)
    doc = wb.store.add_document(parsed("One two three four five six seven."))
    anna = wb.store.ensure_coder("anna")
    a, b = wb.store.code("a"), wb.store.code("b")
    wb.store.add_coding(doc.id, a.id, anna.id, 0, 3)
    wb.store.add_coding(doc.id, a.id, anna.id, 4, 7)
    wb.store.add_coding(doc.id, b.id, anna.id, 0, 3)  # duplicate after merge
    moved = wb.store.merge_codes(a.id, b.id, anna.id)
    assert moved == 1
    assert {(c.code_id, c.start) for c in wb.store.codings()} == {(b.id, 0), (b.id, 4)}
    assert "a" not in {c.key for c in wb.store.codes()}
    wb.store.undo(anna.id)
    assert {(c.code_id, c.start) for c in wb.store.codings()} == {(a.id, 0), (a.id, 4), (b.id, 0)}
    assert wb.store.code("a").name == "Alpha"


def test_move_code_rejects_cycles(wb: Workbench) -> None:
    wb.store.import_codebook(SPEC)
    theme, alpha = wb.store.code("theme"), wb.store.code("a")
    with pytest.raises(CodebookError):
        wb.store.update_code(theme.id, None, parent_id=alpha.id)
    moved = wb.store.update_code(alpha.id, None, parent_id=None)
    assert moved.path == "Alpha"


def test_span_outside_document_is_refused(wb: Workbench) -> None:
    wb.store.import_codebook(SPEC)
    doc = wb.store.add_document(parsed("short"))
    anna = wb.store.ensure_coder("anna")
    with pytest.raises(WorkbenchError, match="outside"):
        wb.store.add_coding(doc.id, wb.store.code("a").id, anna.id, 0, 99)
    assert wb.store.codings() == []


def test_cases_link_documents(wb: Workbench) -> None:
    doc = wb.store.add_document(parsed("text of P03", name="P03"))
    other = wb.store.add_document(parsed("text of interview 4", name="interview-P04"))
    wb.store.upsert_cases([("P03", {"gender": "man"}), ("P04", {"gender": "woman"})])
    docs = {d.id: d for d in wb.store.documents()}
    assert docs[doc.id].case_name == "P03"
    assert docs[other.id].case_name == "P04"
    assert wb.store.cases()[0].attributes == {"gender": "man"}
