"""Transcript revisions: re-anchoring codings onto a corrected text, via the CLI too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.bootstrap import Workbench
from workbench.cli import app
from workbench.core.errors import WorkbenchError
from workbench.io.transcripts import read_transcript
from workbench.store.team import coding_states, revisions
from workbench.workflows.merge import merge_project
from workbench.workflows.revisions import Anchorer, revise_document

runner = CliRunner()
OLD = (
    "I went to NA meetings for years. My sponsor rang every mornng. Then I stopped going.\n"
    "It felt like a cage. I don't know. Maybe it was me."
)
NEW = (
    "Transcript corrected.\n"
    "I went to NA meetings for many years. My sponsor rang every morning. Then I stopped.\n"
    "Maybe it was me. It felt like a cage. I don't know."
)


def remap(quote: str, occurrence: int = 0) -> tuple[str, str]:
    a = Anchorer(OLD, NEW)
    start = OLD.index(quote)
    ns, ne, status = a.remap(start, start + len(quote))
    return status, NEW[ns:ne]


def test_anchor_statuses() -> None:
    assert remap("I went to NA meetings") == ("kept", "I went to NA meetings")
    assert remap("Maybe it was me.") == ("moved", "Maybe it was me.")
    assert remap("My sponsor rang every mornng.") == ("aligned", "My sponsor rang every morning.")
    assert remap("It felt like a cage.")[0] in ("kept", "moved")
    assert remap("Then I stopped going.")[0] == "review"
    assert remap("going")[0] == "review"


def test_offset_mapping_edges() -> None:
    a = Anchorer("abcdef", "abXYdef")
    assert (a.map_start(0), a.map_end(6)) == (0, 7)
    assert a.map_start(2) == 2 and a.map_end(3) == 4  # "c" replaced by "XY"
    assert a.intact(0, 2) and a.intact(3, 6) and not a.intact(1, 4)
    assert Anchorer("abc", "abc").remap(0, 3) == (0, 3, "kept")


def _write(tmp_path: Path, text: str, name: str = "P01.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_revise_flags_what_cannot_be_reanchored(wb: Workbench, tmp_path: Path) -> None:
    from workbench.core.model import CodebookSpec, CodeSpec

    s = wb.store
    s.import_codebook(CodebookSpec("t", (CodeSpec("x", "X"), CodeSpec("y", "Y"))))
    doc = s.add_document(read_transcript(_write(tmp_path, OLD, "orig.txt")), name="P01")
    anna, ben = s.ensure_coder("anna"), s.ensure_coder("ben")
    quotes = [
        "I went to NA meetings",
        "My sponsor rang every mornng.",
        "Then I stopped going.",
        "Maybe it was me.",
    ]
    made = {}
    for i, q in enumerate(quotes):
        start = OLD.index(q)
        who = anna if i % 2 == 0 else ben
        made[q] = s.add_coding(doc.id, s.code("x").id, who.id, start, start + len(q))
    preview = revise_document(s, "P01", _write(tmp_path, NEW), dry_run=True)
    assert dict(preview.statuses) == {"kept": 1, "aligned": 1, "review": 1, "moved": 1}
    assert s.text(doc.id) == OLD
    report = revise_document(s, "P01", _write(tmp_path, NEW), coder="anna")
    assert report.applied and dict(report.statuses) == dict(preview.statuses)
    text = s.text(doc.id)
    assert text == read_transcript(_write(tmp_path, NEW)).text
    states = {st.coding.id: st for st in coding_states(s, doc.id)}
    got = {q: text[states[c.id].coding.start : states[c.id].coding.end] for q, c in made.items()}
    assert got["I went to NA meetings"] == "I went to NA meetings"
    assert got["Maybe it was me."] == "Maybe it was me."
    assert got["My sponsor rang every mornng."] == "My sponsor rang every morning."
    flagged = [q for q, c in made.items() if states[c.id].needs_review]
    assert flagged == ["Then I stopped going."]
    (rev,) = revisions(s, doc.id)
    assert rev.kind == "revise" and any(
        d.get("quote") == "Then I stopped going." for d in rev.detail
    )
    assert "needs review" in "\n".join(report.lines())
    # undo cannot put old offsets into the new text
    assert s.undo(anna.id) is None and s.undo(ben.id) is None
    # the same file again: nothing to do; another document's text: refused
    assert revise_document(s, "P01", _write(tmp_path, NEW)).unchanged
    s.add_document(read_transcript(_write(tmp_path, "Something else entirely.", "P02.txt")))
    with pytest.raises(WorkbenchError, match="already in the project"):
        revise_document(s, "P01", _write(tmp_path, "Something else entirely.", "dup.txt"))


def test_merge_recognises_a_revised_copy(wb: Workbench, tmp_path: Path) -> None:
    import shutil

    from workbench.bootstrap import open_workbench
    from workbench.core.model import CodebookSpec, CodeSpec
    from workbench.core.settings import Settings

    s = wb.store
    s.import_codebook(CodebookSpec("t", (CodeSpec("x", "X"),)))
    s.add_document(read_transcript(_write(tmp_path, OLD, "orig.txt")), name="P01")
    wb.engine.dispose()
    other = tmp_path / "other.sqlite"
    shutil.copy(wb.settings.project, other)
    theirs = open_workbench(Settings(project=str(other)))
    carla = theirs.store.ensure_coder("carla")
    start = OLD.index("My sponsor rang every mornng.")
    theirs.store.add_coding(1, 1, carla.id, start, start + 29)
    theirs.close()
    revise_document(s, "P01", _write(tmp_path, NEW))  # ours is revised meanwhile
    report = merge_project(s, str(other))
    assert report.counts["documents_reanchored"] == 1 and report.counts["codings_added"] == 1
    assert any("texts differ (revised here)" in c for c in report.conflicts)
    (c,) = s.codings(coder_ids=[s.coder("carla").id])
    assert s.text(c.document_id)[c.start : c.end] == "My sponsor rang every morning."
    assert merge_project(s, str(other)).counts["codings_added"] == 0


def test_cli_revise(sample_path: Path, tmp_path: Path) -> None:
    original = (Path(__file__).resolve().parents[2] / "sample_transcripts" / "P01.txt").read_text()
    corrected = original.replace("autumn of 2017", "autumn of 2016").replace(
        "Plastic chairs, coffee in those big thermoses, ", ""
    )
    path = _write(tmp_path, "Corrected 2026.\n\n" + corrected, "P01-corrected.txt")
    r = runner.invoke(app, ["-p", str(sample_path), "revise", "P01", str(path), "--preview"])
    assert r.exit_code == 0, r.output
    assert "would revise" in r.stdout and not list(tmp_path.glob("*.bak.sqlite"))
    r = runner.invoke(app, ["-p", str(sample_path), "revise", "P01", str(path)])
    assert r.exit_code == 0, r.output
    assert "P01: revised" in r.stdout
    (backup,) = tmp_path.glob("sample.*.pre-revise.bak.sqlite")
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    r = runner.invoke(app, ["-p", str(sample_path), "revise", "P99", str(path)])
    assert r.exit_code == 1 and "unknown document" in r.stderr
    r = runner.invoke(app, ["-p", str(sample_path), "revise", "P01", str(tmp_path / "nope.txt")])
    assert r.exit_code == 1 and "nope.txt" in r.stderr


@settings(max_examples=200, deadline=None)
@given(
    old=st.text(alphabet="ab c.\n", min_size=1, max_size=80),
    edits=st.lists(
        st.tuples(st.integers(0, 80), st.integers(0, 5), st.text("xb ", max_size=4)), max_size=4
    ),
    start=st.integers(0, 79),
    length=st.integers(1, 30),
)
def test_reanchoring_never_lies(
    old: str, edits: list[tuple[int, int, str]], start: int, length: int
) -> None:
    new = old
    for at, cut, ins in edits:
        at = min(at, len(new))
        new = new[:at] + ins + new[at + cut :]
    if not new:
        return
    start = min(start, len(old) - 1)
    end = min(start + length, len(old))
    ns, ne, status = Anchorer(old, new).remap(start, end)
    assert 0 <= ns <= ne <= len(new)
    if status == "kept":
        assert new[ns:ne] == old[start:end]
    elif status == "moved":
        assert new[ns:ne].split() == old[start:end].split()
