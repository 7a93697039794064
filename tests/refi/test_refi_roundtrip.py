"""Export the sample study as REFI-QDA, check it against the XSDs, import it back."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from workbench.bootstrap import Workbench
from workbench.cli import app
from workbench.cli_refi import export_refi_cmd
from workbench.core.settings import Settings
from workbench.io.refi.description import guid_for
from workbench.workflows.refi import export_refi, import_refi

runner = CliRunner()


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def info_json(project: Path) -> dict[str, object]:
    code, out, err = cli(project, "info", "--json")
    assert code == 0, err
    return json.loads(out)


def add_memos(wb: Workbench) -> None:
    """The sample has coding memos and code memo fields; add one memo of every kind."""
    s = wb.store
    anna, ben = s.coder("anna"), s.coder("ben")
    s.add_memo("project", None, "Project memo: consensus meeting on 3 May.", anna.id)
    s.add_memo("document", s.document("P02").id, "P02 was interviewed by phone.", None)
    s.add_memo("code", s.code("gossip").id, "Merge with conflict?\nDiscuss -- later.", ben.id)
    s.add_memo("case", s.cases()[2].id, "Case memo: recruited through a clinic.", ben.id)


def snapshot(wb: Workbench) -> dict[str, object]:
    """Everything that must survive a round trip, by names rather than ids."""
    s = wb.store
    docs = {d.id: d for d in s.documents()}
    codes = {c.id: c for c in s.codes()}
    coders = {c.id: c.name for c in s.coders()}
    cases = {c.id: c.name for c in s.cases()}
    texts = {d: s.text(d) for d in docs}
    codings = Counter(
        (
            docs[c.document_id].name,
            c.start,
            c.end,
            texts[c.document_id][c.start : c.end],
            codes[c.code_id].path,
            coders[c.coder_id],
            c.memo,
            c.starred,
        )
        for c in s.codings()
    )

    def target(kind: str, target_id: int | None) -> str | None:
        if target_id is None:
            return None
        return {
            "document": lambda: docs[target_id].name,
            "code": lambda: codes[target_id].key,
            "case": lambda: cases[target_id],
        }[kind]()

    return {
        "documents": sorted((d.name, d.checksum, d.case_name, texts[d.id]) for d in docs.values()),
        "codes": [
            (
                c.key,
                c.path,
                c.name,
                c.definition,
                c.inclusion,
                c.exclusion,
                c.example,
                c.colour,
                c.keywords,
                c.patterns,
                c.memo,
            )
            for c in s.codes()
        ],  # fmt: skip
        "codings": codings,
        "coders": sorted(coders.values()),
        "cases": [(c.name, dict(c.attributes)) for c in s.cases()],
        "memos": Counter(
            (m.kind, target(m.kind, m.target_id), m.text, coders.get(m.coder_id or -1))
            for m in s.memos()
        ),
        "name": s.get_meta("name"),
    }


def test_export_validates_against_the_project_schema(
    sample_wb: Workbench, tmp_path: Path, project_schema: etree.XMLSchema
) -> None:
    add_memos(sample_wb)
    out = tmp_path / "study.qdpx"
    report = export_refi(sample_wb.store, out)
    assert report.documents == 10 and report.codings == 394 and report.coders == ("anna", "ben")
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        qde = etree.fromstring(zf.read("project.qde"))
        assert project_schema.validate(qde), project_schema.error_log
        ns = {"q": "urn:QDA-XML:project:1.0"}
        sources = qde.findall(".//q:TextSource", ns)
        assert len(sources) == 10
        for source in sources:
            member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
            assert member in names
            text = zf.read(member).decode("utf-8")
            assert not text.startswith("\ufeff") and "\r" not in text
            assert text == sample_wb.store.text(sample_wb.store.document(source.get("name")).id)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_codebook_validates_against_the_codebook_schema(
    sample_wb: Workbench, tmp_path: Path, codebook_schema: etree.XMLSchema
) -> None:
    out = tmp_path / "codebook.qdc"
    report = export_refi(sample_wb.store, out, "qdc")
    assert report.codes == 28
    doc = etree.parse(str(out))
    assert codebook_schema.validate(doc), codebook_schema.error_log
    code = doc.find(".//{urn:QDA-XML:codebook:1.0}Code")
    assert code is not None and code.get("guid") == guid_for("code", "model-did-not-fit")
    description = code.findtext("{urn:QDA-XML:codebook:1.0}Description")
    assert description.startswith("Definition: The participant explains")
    assert "\nInclude: " in description and "\nExclude: " in description
    assert "\nExample: " in description
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_export_is_deterministic_apart_from_timestamps(
    sample_wb: Workbench, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_refi(sample_wb.store, a)
    export_refi(sample_wb.store, b)

    def guids(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as zf:
            root = etree.fromstring(zf.read("project.qde"))
        return [el.get("guid") for el in root.iter() if el.get("guid")]

    assert guids(a) == guids(b)
    assert len(set(guids(a))) == len(guids(a))


def test_round_trip_keeps_everything(
    sample_wb: Workbench, sample_path: Path, wb: Workbench, project_path: Path, tmp_path: Path
) -> None:
    add_memos(sample_wb)
    out = tmp_path / "study.qdpx"
    export_refi(sample_wb.store, out)
    report = import_refi(wb.store, out)
    assert report.skipped == []
    # the only note: turn media times do not travel through REFI-QDA, and we say so
    assert len(report.assumptions) == 1 and "media times" in report.assumptions[0]
    assert (report.documents_added, report.codes_added, report.codings_added) == (10, 28, 394)
    assert info_json(project_path) == info_json(sample_path)
    before, after = snapshot(sample_wb), snapshot(wb)
    for key in before:
        assert after[key] == before[key], key


def test_reimport_adds_nothing(sample_wb: Workbench, tmp_path: Path, state) -> None:
    add_memos(sample_wb)
    out = tmp_path / "study.qdpx"
    export_refi(sample_wb.store, out)
    before = state(sample_wb)[:-1]  # the history grows by the import's audit entries only
    report = import_refi(sample_wb.store, out)
    assert state(sample_wb)[:-1] == before
    assert report.documents_matched == 10 and report.documents_added == 0
    assert report.codes_matched == 28 and report.codes_added == 0
    assert report.codings_existing == 394 and report.codings_added == 0
    assert report.memos_added == 0


def test_codebook_round_trip_into_an_empty_project(
    sample_wb: Workbench, wb: Workbench, tmp_path: Path
) -> None:
    out = tmp_path / "codebook.qdc"
    export_refi(sample_wb.store, out, "qdc")
    report = import_refi(wb.store, out)
    assert report.codes_added == 28
    assert snapshot(wb)["codes"] == snapshot(sample_wb)["codes"]
    assert wb.store.info().documents == 0


# Until `workbench export` dispatches qdpx/qdc, drive export_refi_cmd through a tiny app.
probe = typer.Typer()


@probe.command()
def _export(ctx: typer.Context, project: str, kind: str, output: Path) -> None:
    ctx.obj = Settings(project=project)
    export_refi_cmd(ctx, kind, output)


def test_cli_import_and_export(sample_path: Path, tmp_path: Path) -> None:
    qdpx, qdc = tmp_path / "s.qdpx", tmp_path / "s.qdc"
    result = runner.invoke(probe, [str(sample_path), "qdpx", str(qdpx)])
    assert result.exit_code == 0, result.output
    assert "10 documents" in result.stdout and "394 codings" in result.stdout
    result = runner.invoke(probe, [str(sample_path), "qdc", str(qdc)])
    assert result.exit_code == 0 and "28 codes" in result.stdout
    fresh = tmp_path / "fresh.sqlite"
    code, out, err = cli(fresh, "import", str(qdpx))
    assert code == 0, err
    assert "imported 10 documents" in out and "394 codings" in out
    assert info_json(fresh) == info_json(sample_path)
    code, out, err = cli(fresh, "import", str(qdc))
    assert code == 0 and "0 codes (+28 already in the project)" in out
    result = runner.invoke(probe, [str(sample_path), "docx", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and "choose qdpx or qdc" in str(result.exception)


@pytest.mark.parametrize("kind", ["qdpx", "qdc"])
def test_export_to_a_missing_folder_fails_in_one_line(
    sample_wb: Workbench, tmp_path: Path, kind: str
) -> None:
    from workbench.core.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="does not exist"):
        export_refi(sample_wb.store, tmp_path / "nowhere" / f"x.{kind}", kind)


def test_empty_project_exports_a_valid_project_but_no_codebook(
    wb: Workbench, tmp_path: Path, project_schema: etree.XMLSchema
) -> None:
    from workbench.core.errors import WorkbenchError

    out = tmp_path / "empty.qdpx"
    export_refi(wb.store, out)
    with zipfile.ZipFile(out) as zf:
        assert project_schema.validate(etree.fromstring(zf.read("project.qde")))
    with pytest.raises(WorkbenchError, match="no codes"):
        export_refi(wb.store, tmp_path / "empty.qdc", "qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_export_dispatch_table_has_qdpx_and_qdc(
    sample_wb: Workbench, tmp_path: Path, project_schema: etree.XMLSchema
) -> None:
    from workbench.core.errors import WorkbenchError
    from workbench.core.summary import Filters
    from workbench.workflows.exports import run_export

    out = tmp_path / "d.qdpx"
    result = run_export(sample_wb.store, "qdpx", out)
    assert "10 documents" in result.message and "394 codings" in result.message
    with zipfile.ZipFile(out) as zf:
        assert project_schema.validate(etree.fromstring(zf.read("project.qde")))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    result = run_export(sample_wb.store, "qdc", tmp_path / "d.qdc")
    assert "28 codes" in result.message
    with pytest.raises(WorkbenchError, match="whole project"):
        run_export(sample_wb.store, "qdpx", tmp_path / "e.qdpx", filters=Filters(coder="anna"))
    assert not (tmp_path / "e.qdpx").exists()
