"""read_reliability_csv: the file format of `workbench irr`, and its errors."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.agreement import ReliabilityData, krippendorff_alpha, read_reliability_csv
from workbench.core.errors import BadEncoding, ImportFailed


def write(tmp_path: Path, text: str | bytes, name: str = "coding.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return path


def test_numeric_file_with_missing_cells(tmp_path: Path) -> None:
    # an empty row between units is a unit nobody coded; empty rows at the end are not units
    path = write(tmp_path, "ann,ben,cat\n1,1,\n2,,2\n,,\n3,3,4\n,,\n,,\n")
    data = read_reliability_csv(path, "interval")
    assert data.coders == ("ann", "ben", "cat")
    assert data.n_units == 4 and data.units == ("1", "2", "3", "4")
    assert data.categories == (1.0, 2.0, 3.0, 4.0)
    assert np.array_equal(
        data.values,
        np.array([[1, 1, np.nan], [2, np.nan, 2], [np.nan] * 3, [3, 3, 4]]),
        equal_nan=True,
    )


def test_text_labels_bom_crlf_and_unit_column(tmp_path: Path) -> None:
    text = "\ufeffunit,Ann,Ben\r\nP01-3,worry, worry\r\nP01-4,hope,\r\n\r\nP02-1,hope,worry\r\n"
    data = read_reliability_csv(write(tmp_path, text))
    assert data.coders == ("Ann", "Ben")
    assert data.units == ("P01-3", "P01-4", "P02-1")
    assert data.categories == ("hope", "worry") and not data.ordered
    assert data.label_codes == {"hope": 0, "worry": 1}
    assert data.codes.tolist()[0] == [1.0, 1.0]  # cells are stripped
    assert np.isnan(data.codes[1, 1])
    assert krippendorff_alpha(data).defined


def test_empty_first_header_cell_is_a_unit_column(tmp_path: Path) -> None:
    data = read_reliability_csv(write(tmp_path, ",a,b\nu1,1,2\nu2,2,2\n"))
    assert data.coders == ("a", "b") and data.units == ("u1", "u2")


def test_numbers_with_a_text_value_stay_nominal(tmp_path: Path) -> None:
    data = read_reliability_csv(write(tmp_path, "a,b\n1,x\n2,2\n"), "nominal")
    assert data.categories == ("1", "2", "x")


def test_krippendorff_2011_example_round_trips(tmp_path: Path) -> None:
    rows = [
        "A,B,C,D",
        "1,1,,1",
        "2,2,3,2",
        "3,3,3,3",
        "3,3,3,3",
        "2,2,2,2",
        "1,2,3,4",
        "4,4,4,4",
        "1,1,2,1",
        "2,2,2,2",
        ",5,5,5",
        ",,1,1",
        ",3,,",
    ]
    data = read_reliability_csv(write(tmp_path, "\n".join(rows) + "\n"), "ordinal")
    assert krippendorff_alpha(data, "nominal").value == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(data, "ordinal").value == pytest.approx(0.815, abs=5e-4)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        (",,\n,,\n", "empty"),
        ("1,2,3\n1,2,3\n", "no header"),
        ("only_one_coder\n1\n2\n", "at least 2 coder columns"),
        ("unit,ann\nu1,1\n", "at least 2 coder columns"),
        ("ann;ben\n1;\n;2\n", "no unit coded by two or more coders"),
        ("ann,\n1,2\n", "no coder name"),
        ("ann,ann\n1,2\n", "appears twice"),
        ("ann,ben\n", "no data rows"),
    ],
)
def test_bad_files_raise_import_failed_naming_the_file(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = write(tmp_path, content, name="study-7.csv")
    with pytest.raises(ImportFailed) as info:
        read_reliability_csv(path)
    assert str(info.value).startswith("study-7.csv")
    assert expected in str(info.value)
    assert info.value.source == path


def test_ragged_row_reports_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "ann,ben,cat\n1,2,3\n\n1,2\n", name="ragged.csv")
    with pytest.raises(ImportFailed) as info:
        read_reliability_csv(path)
    assert info.value.line == 4
    assert str(info.value).startswith("ragged.csv:4: ")
    assert "2 columns" in str(info.value)


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_text_with_a_numeric_level_reports_the_cell(tmp_path: Path, level: str) -> None:
    path = write(tmp_path, "ann,ben\n1,2\n3,high\n", name="levels.csv")
    with pytest.raises(ImportFailed) as info:
        read_reliability_csv(path, level)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("levels.csv:3: ")
    assert "'high'" in message and "'ben'" in message and level in message


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "1e999", "1_000", "0x10"])
def test_non_finite_and_odd_numbers_are_not_numbers(tmp_path: Path, cell: str) -> None:
    with pytest.raises(ImportFailed, match="is not a number"):
        read_reliability_csv(write(tmp_path, f"a,b\n1,{cell}\n2,2\n"), "interval")


def test_damaged_utf8_is_bad_encoding_with_its_line(tmp_path: Path) -> None:
    # mostly valid UTF-8 (é twice) with one Latin-1 byte: not silently read as Windows-1252
    raw = "ann,ben\ncafé,café\ncaf".encode() + b"\xe9,1\n"
    path = write(tmp_path, raw, name="mixed.csv")
    with pytest.raises(BadEncoding) as info:
        read_reliability_csv(path)
    assert isinstance(info.value, ImportFailed)
    assert str(info.value).startswith("mixed.csv:3: ") and "0xe9" in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="nope.csv: no such file"):
        read_reliability_csv(tmp_path / "nope.csv")
    with pytest.raises(ImportFailed, match="directory"):
        read_reliability_csv(tmp_path)


def test_csv_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'ann,ben\n1,"2\x00"\n', name="nul.csv")
    with contextlib.suppress(ImportFailed):
        read_reliability_csv(path)  # either parsed as text or a clean ImportFailed


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=512))
def test_any_bytes_give_data_or_import_failed(tmp_path: Path, raw: bytes) -> None:
    path = write(tmp_path, raw, name="fuzz.csv")
    for level in ("nominal", "interval"):
        with contextlib.suppress(ImportFailed):
            data = read_reliability_csv(path, level)  # type: ignore[arg-type]
            assert isinstance(data, ReliabilityData) and data.n_coders >= 2


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.lists(st.sampled_from(["", "1", "2", "3.5", "x", "y z"]), min_size=3, max_size=3),
        min_size=1,
        max_size=10,
    )
)
def test_cells_round_trip(tmp_path: Path, rows: list[list[str]]) -> None:
    text = "a,b,c\n" + "".join(",".join(row) + "\n" for row in rows)
    path = write(tmp_path, text, name="rt.csv")
    # rows nobody coded are units too (all missing), except at the end of the file
    while rows and not any(rows[-1]):
        rows.pop()
    if not any(sum(1 for cell in row if cell) >= 2 for row in rows):
        with pytest.raises(ImportFailed, match="no data rows|no unit coded by two"):
            read_reliability_csv(path)
        return
    data = read_reliability_csv(path)
    assert data.n_units == len(rows)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            code = data.codes[i, j]
            if cell == "":
                assert np.isnan(code)
            else:
                label = data.categories[int(code)]
                assert str(label) == cell or label == float(cell)
