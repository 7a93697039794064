"""Participant attributes from CSV exports: delimiters, encodings, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import ImportFailed
from workbench.io.attributes import read_attributes_csv, sniff_delimiter

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "participants.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_participants_file() -> None:
    rows = read_attributes_csv(REPO / "sample_transcripts" / "participants.csv")
    assert len(rows) == 10
    assert rows[2] == (
        "P03",
        {
            "age_band": "20-29",
            "gender": "man",
            "years_in_na": "1",
            "main_substance": "cannabis",
            "region": "Trøndelag",
        },
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["participant", "age band", "county"]) + "\n"
    text += delimiter.join(["P01", "30-39", '"Oslo, sentrum"' if delimiter == "," else "Oslo"])
    text += "\n" + delimiter.join(["P02", "", "Vestland"]) + "\n"
    rows = read_attributes_csv(write(tmp_path, text))
    county = "Oslo, sentrum" if delimiter == "," else "Oslo"
    assert rows == [
        ("P01", {"age band": "30-39", "county": county}),
        ("P02", {"county": "Vestland"}),  # empty cells are left out
    ]


def test_excel_export_cp1252_semicolons_crlf_and_bom(tmp_path: Path) -> None:
    text = "case;fylke;rusmiddel\r\nP01;Trøndelag;«piller»\r\nP02; Møre og Romsdal ;alkohol\r\n"
    rows = read_attributes_csv(write(tmp_path, text, "cp1252"))
    assert rows == [
        ("P01", {"fylke": "Trøndelag", "rusmiddel": "«piller»"}),
        ("P02", {"fylke": "Møre og Romsdal", "rusmiddel": "alkohol"}),
    ]
    assert read_attributes_csv(write(tmp_path, text, "utf-8-sig")) == rows


def test_header_only_and_blank_lines(tmp_path: Path) -> None:
    assert read_attributes_csv(write(tmp_path, "case,age\n")) == []
    rows = read_attributes_csv(write(tmp_path, "\ncase,age\n\nP01,30\n\n"))
    assert rows == [("P01", {"age": "30"})]


def test_trailing_empty_columns_are_ignored(tmp_path: Path) -> None:
    assert read_attributes_csv(write(tmp_path, "case;age;;\nP01;30;;\n")) == [
        ("P01", {"age": "30"})
    ]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("case,age\nP01,30\nP01,40\n", 3, "duplicate case id 'P01' (first on line 2)"),
        ("case,age\nP01,30\nP02\n", 3, "row has 1 fields but the header has 2"),
        ("case,age\nP01,30,x\n", 2, "row has 3 fields but the header has 2"),
        ("case,age\n,30\n", 2, "empty case id in column 'case'"),
        ("case,age,Age\n", 1, "duplicate column name 'Age' (columns 2 and 3)"),
        (",age\nP01,30\n", 1, "the first column (the case id) has no name"),
        ("case,,age\nP01,x,30\n", 2, "value 'x' in column 2, which has no name"),
        ('case,age\n"P01,30\n', 2, "malformed CSV"),
    ],
)
def test_errors_name_the_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    with pytest.raises(ImportFailed) as err:
        read_attributes_csv(write(tmp_path, text))
    assert err.value.line == line
    assert problem in err.value.problem
    assert str(err.value).startswith(f"participants.csv:{line}: ")


def test_multiline_quoted_cell_keeps_line_numbers(tmp_path: Path) -> None:
    text = 'case,memo\nP01,"two\nlines"\nP01,again\n'
    with pytest.raises(ImportFailed) as err:
        read_attributes_csv(write(tmp_path, text))
    assert err.value.line == 4


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="participants.csv: file is empty"):
        read_attributes_csv(write(tmp_path, ""))


def test_sniff_delimiter_ignores_quoted_text() -> None:
    assert sniff_delimiter('"a;b;c",d,e') == ","
    assert sniff_delimiter("a;b,c;d") == ";"
    assert sniff_delimiter("single") == ","
