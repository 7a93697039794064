"""De-identification: rules, offset mapping (property-based), the workflow and the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.bootstrap import Workbench, backup_sqlite
from workbench.cli import app
from workbench.core.errors import ImportFailed, WorkbenchError
from workbench.io.deid_rules import (
    Replacement,
    apply_replacements,
    find_identifiers,
    load_names_file,
    parse_names,
)
from workbench.store.team import document_records, exports_deidentified_only
from workbench.workflows.deidentify import check_export_allowed, deidentify

runner = CliRunner()


def test_names_file_forms_and_numbering() -> None:
    rules = parse_names(
        "# who\nKari Nordmann => P03\nKari => [P03]\nOla\nNils\nPer => PERSON2\n"
        "city: Tromsø\nplace: Storgata\norg: Blue Cross\nBergen => CITY\nP04\n"
    )
    got = {e.text: e.placeholder for e in rules.entries}
    assert got == {
        "Kari Nordmann": "[P03]", "Kari": "[P03]", "Per": "[PERSON2]", "Ola": "[PERSON1]",
        "Nils": "[PERSON3]", "Tromsø": "[CITY]", "Storgata": "[PLACE]", "Blue Cross": "[ORG]",
        "Bergen": "[CITY]",
    }  # fmt: skip
    assert rules.warnings == ["line 11: 'P04' looks like a participant id; kept"]
    for bad, line in (("Kari => !!", 1), ("x\n => P03", 2), ("ok\n---", 2)):
        with pytest.raises(ImportFailed) as err:
            parse_names(bad)
        assert err.value.line == line


def test_rules_and_patterns() -> None:
    rules = parse_names("Kari Nordmann => P03\nKari => P03\nHope\nplace: storgata\ncity: Tromsø\n")
    text = (
        "P03: Kari Nordmann and KARI met Hope in Tromsø; hope is a word. Storgata 5.\n"
        "Call 912 34 567, +47 22334455 or mail kari.n@example.no. Born 12.03.1985, "
        "id 120385 12345, seen 3 March 2019, https://example.no/x. In 2010 and 2012."
    )
    new, _ = apply_replacements(text, find_identifiers(text, rules, protected=["P03"]))
    assert new == (
        "P03: [P03] and [P03] met [PERSON1] in [CITY]; hope is a word. [PLACE] 5.\n"
        "Call [PHONE], [PHONE] or mail [EMAIL]. Born [DATE], "
        "id [ID], seen [DATE], [URL]. In 2010 and 2012."
    )
    # entities join in at the lowest priority and never touch participant ids
    ents = [(0, 3, "PERSON"), (text.index("Hope"), text.index("Hope") + 4, "PERSON")]
    reps = find_identifiers(text, rules, patterns=False, entities=ents, protected=["P03"])
    assert [r.placeholder for r in reps][:3] == ["[P03]", "[P03]", "[PERSON1]"]


@st.composite
def texts_with_replacements(draw):  # noqa: ANN001, ANN201
    text = draw(st.text(alphabet="ab \n", min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    reps = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if b > a:
            reps.append(Replacement(a, b, draw(st.sampled_from(["[X]", "[PERSON12]", "Z"])), "t"))
    return text, reps


@settings(max_examples=300, deadline=None)
@given(texts_with_replacements(), st.integers(0, 60), st.integers(1, 60))
def test_offset_map_keeps_codings_aligned(data, start, length) -> None:  # noqa: ANN001
    text, reps = data
    start = min(start, len(text) - 1)
    end = min(start + length, len(text))
    new, omap = apply_replacements(text, reps)
    ns, ne = omap.span(start, end)
    assert 0 <= ns < ne <= len(new)
    inside = lambda p: any(r.start < p < r.end for r in reps)  # noqa: E731
    if not inside(start) and not inside(end):
        # the coded text is the old coded text with the same replacements made
        local = [Replacement(r.start - start, r.end - start, r.placeholder, r.category)
                 for r in reps if r.start >= start and r.end <= end]  # fmt: skip
        assert new[ns:ne] == apply_replacements(text[start:end], local)[0]
    for r in reps:  # a coding inside one identifier becomes its placeholder
        if r.start <= start and end <= r.end:
            assert new[ns:ne] == r.placeholder


def _names(tmp_path: Path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("Tone => P11\ncity: Oslo\nplace: Bergen\n", encoding="utf-8")
    return path


def test_workflow_keeps_codings_aligned_and_scrubs_everything(
    sample_wb: Workbench, tmp_path: Path
) -> None:
    s = sample_wb.store
    rules = load_names_file(_names(tmp_path))
    docs = {d.id: d for d in s.documents()}
    before = {c.id: (c, s.text(c.document_id)[c.start : c.end]) for c in s.codings()}
    anna = s.coder("anna")
    p01 = s.document("P01")
    s.add_memo("document", p01.id, "Tone rang from Oslo, tone@example.no", anna.id)
    coding = next(c for c, _ in before.values() if c.document_id == p01.id)
    s.update_coding(coding.id, anna.id, memo="like Tone in Bergen")
    info = s.info()

    preview = deidentify(s, rules, preview=True)
    assert preview.total > 5 and not preview.applied
    assert s.info() == info and not any(r.deidentified for r in document_records(s))

    report = deidentify(s, rules, backup=lambda reason: backup_sqlite(sample_wb.engine, reason))
    assert report.applied and report.total == preview.total
    assert all(r.deidentified for r in document_records(s)) and exports_deidentified_only(s)
    for cid, (old, quote) in before.items():
        new = next(c for c in s.codings(document_id=old.document_id) if c.id == cid)
        got = s.text(new.document_id)[new.start : new.end]
        expected = (
            quote.replace("Tone", "[P11]").replace("Oslo", "[CITY]").replace("Bergen", "[PLACE]")
        )
        assert got == expected or "[" in got, (docs[old.document_id].name, quote, got)
    for d in s.documents():
        text = s.text(d.id)
        assert "Oslo" not in text and "Tone" not in text
        for t in s.turns(d.id):  # turns still tile the text
            assert 0 <= t.start <= t.end <= len(text)
    memo = s.memos("document", p01.id)[0].text
    assert memo == "[P11] rang from [CITY], [EMAIL]"
    with sample_wb.engine.connect() as conn:
        payloads = " ".join(
            r[0] for r in conn.exec_driver_sql("select payload || summary from audit")
        )
    assert "Tone" not in payloads and "Bergen" not in payloads
    assert s.history(anna.id)[0][3] == "dead"  # undo cannot bring old offsets back
    assert s.undo(anna.id) == "memo on document"  # memos carry no offsets: still undoable
    assert s.undo(anna.id) is None
    assert s.redo(anna.id) == "memo on document"
    assert s.memos("document", p01.id)[0].text == "[P11] rang from [CITY], [EMAIL]"
    # the backup holds the original, owner-only, and opens
    assert report.backup is not None and stat.S_IMODE(os.stat(report.backup).st_mode) == 0o600
    con = sqlite3.connect(report.backup)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert "Tone" in con.execute("select text from document where name='P01'").fetchone()[0]
    con.close()
    # and the project file itself no longer holds the names anywhere
    sample_wb.engine.dispose()
    raw = Path(sample_wb.settings.project).read_bytes()
    assert b"Tone rang" not in raw and b"her Tone," not in raw


def test_export_restriction(sample_wb: Workbench, tmp_path: Path) -> None:
    s = sample_wb.store
    check_export_allowed(s)  # nothing restricted yet
    deidentify(s, load_names_file(_names(tmp_path)), documents=["P01"])
    check_export_allowed(s, [s.document("P01").id])
    with pytest.raises(WorkbenchError, match="restricted to de-identified text, and P02"):
        check_export_allowed(s)


def test_cli_preview_then_apply(sample_path: Path, tmp_path: Path) -> None:
    names = _names(tmp_path)
    before = runner.invoke(app, ["-p", str(sample_path), "info", "--json"]).stdout
    r = runner.invoke(
        app, ["-p", str(sample_path), "deidentify", "--names", str(names), "--preview"]
    )
    assert r.exit_code == 0, r.output
    assert "would replace" in r.stdout and "[Tone -> [P11]]" in r.stdout
    assert runner.invoke(app, ["-p", str(sample_path), "info", "--json"]).stdout == before
    assert not list(tmp_path.glob("*.bak.sqlite"))
    r = runner.invoke(app, ["-p", str(sample_path), "deidentify", "--names", str(names)])
    assert r.exit_code == 0, r.output
    backups = list(tmp_path.glob("sample.*.pre-deidentify.bak.sqlite"))
    assert len(backups) == 1 and stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600
    assert json.loads(
        runner.invoke(app, ["-p", str(sample_path), "info", "--json"]).stdout
    ) == json.loads(before)
    r = runner.invoke(
        app, ["-p", str(sample_path), "deidentify", "--names", str(tmp_path / "missing.txt")]
    )
    assert r.exit_code == 1 and "missing.txt" in r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_entities_used_only_with_a_trained_pipeline(
    wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from workbench.core.model import ParsedDocument, Turn
    from workbench.nlp import entities

    assert entities.find_entities("Kari went to Oslo", None) is None
    text = "R: Kari went to Oslo with Per."
    wb.store.add_document(
        ParsedDocument(
            "P09",
            text,
            (Turn(0, len(text), "R"),),
            "txt",
            hashlib.sha256(text.encode()).hexdigest(),
        )
    )
    calls = []

    def fake(text: str, model: str | None):  # noqa: ANN202
        calls.append(model)
        return [(3, 7, "PERSON"), (16, 20, "GPE"), (26, 29, "PERSON"), (0, 1, "ORG")]

    monkeypatch.setattr(entities, "find_entities", fake)
    report = deidentify(wb.store, model="fake_core_news_sm")
    assert calls == ["fake_core_news_sm"] and report.entities
    assert (
        wb.store.text(wb.store.document("P09").id) == "R: [PERSON1] went to [PLACE] with [PERSON2]."
    )
