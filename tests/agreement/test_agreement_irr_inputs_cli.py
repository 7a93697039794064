"""`workbench irr` on the tables of other tools: the JSON contract is unchanged, the input
note says how the file was read, and every bad table is one line and exit code 1."""

from __future__ import annotations

import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()

IRR_KEYS = {
    "n_units",
    "n_coders",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "brennan_prediger",
    "gwet_ac1",
}

# Krippendorff (2011), section C, one row per observer as printed in the paper.
K2011_ROWS = [
    ["Observers", *[str(u) for u in range(1, 13)]],
    ["A", "1", "2", "3", "3", "2", "1", "4", "1", "2", "", "", ""],
    ["B", "1", "2", "3", "3", "2", "2", "4", "1", "2", "5", "", "3"],
    ["C", "", "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", ""],
    ["D", "1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", ""],
]
K2011 = np.array([[float(c) if c else np.nan for c in row[1:]] for row in K2011_ROWS[1:]])


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_transposed_xlsx_gives_the_documented_json_and_an_input_note(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "k2011.xlsx", K2011_ROWS)  # type: ignore[arg-type]
    code, out, err = run("irr", str(path), "--level", "interval")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == IRR_KEYS
    assert report["n_units"] == 12 and report["n_coders"] == 4
    expected = krippendorff.alpha(reliability_data=K2011, level_of_measurement="interval")
    assert report["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
    notes = [line for line in err.splitlines() if line.startswith("note: input: ")]
    assert len(notes) == 1
    assert "transposed layout, 12 units x 4 coders" in notes[0] and "sheet 'Sheet1'" in notes[0]


def test_layout_header_sheet_and_missing_options(tmp_path: Path) -> None:
    text = "\n".join(" ".join(c or "." for c in row[1:]) for row in K2011_ROWS[1:]) + "\n"
    plain = tmp_path / "k2011.txt"
    plain.write_text(text.replace(".", "99"), encoding="utf-8")
    code, out, err = run(
        "irr", str(plain), "--layout", "transposed", "--no-header", "--missing", "99", "-f", "json"
    )
    assert code == 0, err
    assert json.loads(out)["krippendorff_alpha"] == pytest.approx(0.743, abs=5e-4)
    assert "space-separated" in err and "missing: '99'" in err
    book = tmp_path / "two.xlsx"
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.append(["notes only"])
    second = wb.create_sheet("data")
    for row in (["unit", "coder", "value"], ["u1", "a", "x"], ["u1", "b", "x"]):
        second.append(row)
    wb.save(book)
    code, out, err = run("irr", str(book), "--sheet", "data")
    assert code == 0, err
    assert json.loads(out)["n_coders"] == 2 and "long layout" in err


@pytest.mark.parametrize(
    ("name", "content", "args", "problem"),
    [
        ("empty.csv", b"", (), "is empty"),
        ("blank.xlsx", None, (), "is empty"),
        ("one.csv", b"anna\n1\n2\n", (), "at least 2 coder columns"),
        ("one-long.csv", b"unit,coder,value\nu1,anna,1\n", (), "at least 2 coders"),
        ("apart.csv", b"a,b\n1,\n,2\n", (), "no unit coded by two or more coders"),
        ("text.csv", b"a;b\n1,5;2\n2;high\n", ("--level", "ratio"), "'high' for coder 'b'"),
        ("ragged.tsv", b"a\tb\tc\n1\t2\t3\n1\t2\n", (), "has 2 columns on this row but 3"),
        ("twice.csv", b"unit,rater,score\n1,a,1\n1,b,1\n1,a,2\n", (), "rated unit '1' twice"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), (), ".xls"),
        ("broken.xlsx", b"PK\x03\x04not really", (), "damaged zip"),
        ("k.csv", b"a,b\n1,1\n", ("--sheet", "data"), "applies to .xlsx only"),
        ("noheader.csv", b"1,2\n2,2\n", (), "--no-header"),
        ("utf16.csv", b"\xff\xfeanna,ben\n", (), "UTF-8"),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v and " " not in v else "",
)
def test_bad_tables_are_one_line_and_exit_1(
    tmp_path: Path, name: str, content: bytes | None, args: tuple[str, ...], problem: str
) -> None:
    path = tmp_path / name
    if content is None:
        xlsx(path, [])
    else:
        path.write_bytes(content)
    code, out, err = run("irr", str(path), *args)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"workbench: {name}"), lines[0]
    assert problem in lines[0]
    assert "Traceback" not in err


def test_unknown_layout_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,1\n", encoding="utf-8")
    code, _out, err = run("irr", str(path), "--layout", "diagonal")
    assert code == 2 and "--layout" in err


def test_md_report_from_a_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_bytes("Kodierer A;Kodierer B\n1,5;1,5\n2,5;3\n4;4,25\n".encode("cp1252"))
    code, out, err = run("irr", str(path), "--level", "interval", "--format", "md")
    assert code == 0, err
    assert "| Krippendorff's alpha (interval) |" in out
    buffer = io.StringIO(err)
    assert any("decimal commas" in line for line in buffer)
