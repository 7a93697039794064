"""`workbench export` on the command line: every kind and format, errors, empty results,
owner-only atomic files."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import docx
import openpyxl
import pytest
import typer
from export_helpers import Tiny
from typer.testing import CliRunner

from workbench.core.errors import WorkbenchError
from workbench.io.export.write import write_atomic

COMBOS = [
    ("summary", "md"), ("summary", "html"), ("summary", "docx"),
    ("quotes", "csv"), ("quotes", "xlsx"),
    ("matrix", "csv"), ("matrix", "xlsx"),
    ("cooccurrence", "csv"), ("cooccurrence", "xlsx"), ("cooccurrence", "html"),
    ("codebook", "md"), ("codebook", "docx"), ("codebook", "csv"),
]  # fmt: skip


def run(app: typer.Typer, project: Path, *args: str):  # noqa: ANN201
    return CliRunner().invoke(app, ["--project", str(project), "export", *args])


def read_back(path: Path) -> list[list[str]]:
    """Open the file with the library its format needs; return its table rows (or lines)."""
    data = path.read_bytes()
    suffix = path.suffix
    if suffix == ".csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        return [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if suffix == ".docx":
        document = docx.Document(io.BytesIO(data))
        assert document.paragraphs[0].style.name == "Title"
        if not document.tables:
            return [[p.text] for p in document.paragraphs]
        return [[c.text for c in row.cells] for row in document.tables[0].rows]
    text = data.decode("utf-8")
    if suffix == ".html":
        assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
        assert "http" not in text
    return [[line] for line in text.splitlines()]


@pytest.mark.parametrize(("kind", "fmt"), COMBOS)
def test_every_kind_and_format(
    cli_app: typer.Typer, tiny: Tiny, tmp_path: Path, kind: str, fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run(cli_app, tiny.path, kind, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {kind} ({fmt}) to ") and not result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(read_back(out)) > 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(("kind", "fmt"), COMBOS)
def test_filter_matching_nothing_writes_a_valid_empty_file(
    cli_app: typer.Typer, tiny: Tiny, tmp_path: Path, kind: str, fmt: str
) -> None:
    out = tmp_path / f"empty.{fmt}"
    result = run(cli_app, tiny.path, kind, "-o", str(out), "--where", "gender=nobody")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = read_back(out)
    if kind == "codebook":  # the codes are still there; only the counts are zero
        assert result.stdout.startswith("wrote codebook")
        return
    assert result.stdout == ""
    assert result.stderr.startswith("workbench: no ") and "wrote an empty" in result.stderr
    assert "cases where gender=nobody" in result.stderr and result.stderr.count("\n") == 1
    if fmt in ("csv", "xlsx") or (kind, fmt) == ("summary", "docx"):
        assert len(rows) == 1  # the header row only
    else:
        assert any("No" in line[0] for line in rows)  # says so in the document


def test_empty_summary_docx_and_matrix_are_header_only(
    cli_app: typer.Typer, tiny: Tiny, tmp_path: Path
) -> None:
    run(cli_app, tiny.path, "matrix", "-o", str(tmp_path / "m.csv"), "--documents", "Extra",
        "--coder", "ben")  # fmt: skip
    assert read_back(tmp_path / "m.csv") == [["code_key", "code_path"]]
    run(cli_app, tiny.path, "summary", "-o", str(tmp_path / "s.docx"), "--coder", "ben",
        "--documents", "Extra")  # fmt: skip
    assert read_back(tmp_path / "s.docx") == [
        ["Theme / code", "Participants (of 0)", "Documents", "Codings"]
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summary", "--coder", "zoe"], "workbench: unknown coder: 'zoe'; coders: anna, ben"),
        (["summary", "--codes", "a,zz"], "workbench: unknown code: 'zz'"),
        (["quotes", "--where", "age=30"], "workbench: unknown attribute 'age' in --where"),
        (["quotes", "--where", "gender"], "workbench: --where 'gender': expected"),
        (["quotes", "--documents", "P9"], "workbench: unknown document: 'P9'"),
        (["summary", "--format", "xlsx"], "workbench: summary exports as md, html, docx"),
        (["pictures"], "workbench: unknown export 'pictures'; choose one of: summary, quotes"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(
    cli_app: typer.Typer, tiny: Tiny, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / ("out.csv" if args[0] == "quotes" else "out.md")
    result = run(cli_app, tiny.path, *args, "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not out.exists()


def test_format_option_and_suffix(cli_app: typer.Typer, tiny: Tiny, tmp_path: Path) -> None:
    out = tmp_path / "summary.txt"
    result = run(cli_app, tiny.path, "summary", "-o", str(out), "--format", "md", "--quotes", "1",
                 "--codes", "s", "--by", "gender")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Theme summary: Tiny study") and "Theme U" not in text
    assert "- gender: " in text and "- years: " not in text
    result = run(cli_app, tiny.path, "summary", "-o", str(tmp_path / "noext"))
    assert result.exit_code == 1 and "no file suffix" in result.stderr


def test_existing_file_is_replaced_owner_only(
    cli_app: typer.Typer, tiny: Tiny, tmp_path: Path
) -> None:
    out = tmp_path / "q.csv"
    out.write_text("old")
    out.chmod(0o644)
    assert run(cli_app, tiny.path, "quotes", "-o", str(out), "--coder", "ben").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(read_back(out)) == 3  # header + ben's two codings


def test_a_failing_writer_leaves_no_half_file(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_bytes(b"previous report")

    def boom(stream: io.BufferedWriter) -> None:
        stream.write(b"half a rep")
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        write_atomic(out, boom)  # type: ignore[arg-type]
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    with pytest.raises(WorkbenchError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "x.md", lambda s: None)


def test_sample_summary_html_from_the_cli(
    cli_app: typer.Typer, sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "summary.html"
    result = run(cli_app, sample_path, "summary", "-o", str(out), "--coder", "ben")
    assert result.exit_code == 0, result.output
    assert "5 participants" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert "http" not in page and "Participants (of 5)" in page
    assert os.stat(out).st_mode & 0o077 == 0
