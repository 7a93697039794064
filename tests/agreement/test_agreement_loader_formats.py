"""The tables researchers really have: every layout, delimiter, encoding and workbook the
loader reads gives the same reliability data, checked against the `krippendorff` and
`statsmodels` packages as independent implementations."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from openpyxl import Workbook
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from workbench.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha
from workbench.agreement.loader import load_reliability_table, read_reliability_csv
from workbench.core.errors import BadEncoding, ImportFailed

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# x 12 units; alpha nominal .743, ordinal .815, interval .849, ratio .797.
K2011_BY_CODER = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
}
K2011 = np.array(list(K2011_BY_CODER.values())).T  # units x coders
CODERS = list(K2011_BY_CODER)
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def cell(value: float, missing: str = "") -> str:
    return missing if np.isnan(value) else str(int(value))


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def wide_rows(unit_column: str | None = None, missing: str = "") -> list[list[str]]:
    head = ([unit_column] if unit_column is not None else []) + CODERS
    body = [
        ([str(u + 1)] if unit_column is not None else []) + [cell(v, missing) for v in row]
        for u, row in enumerate(K2011)
    ]
    return [head, *body]


def long_rows(header: tuple[str, str, str], shuffle: bool, drop_missing: bool) -> list[list[str]]:
    body = [
        [str(u + 1), coder, cell(K2011[u, j], "NA")]
        for u in range(K2011.shape[0])
        for j, coder in enumerate(CODERS)
        if not (drop_missing and np.isnan(K2011[u, j]))
    ]
    if shuffle:
        random.Random(7).shuffle(body)
    return [list(header), *body]


def transposed_rows(corner: str | None, missing: str = "") -> list[list[str]]:
    head = ([corner] if corner is not None else []) + [str(u + 1) for u in range(12)]
    body = [
        ([name] if corner is not None else []) + [cell(v, missing) for v in values]
        for name, values in K2011_BY_CODER.items()
    ]
    return [head, *body]


def xlsx_bytes(rows: list[list[str]], *, numbers: bool = True, title: str = "Data") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(
            [
                None if c == "" else (float(c) if numbers and c.isdigit() else c)  # typed cells
                for c in row
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RENDERINGS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "wide csv": ("k.csv", lambda: csv_text(wide_rows()).encode()),
    "wide, unit column, NA": ("k.csv", lambda: csv_text(wide_rows("unit", "NA")).encode()),
    "wide, 'Item' column, '.'": ("k.csv", lambda: csv_text(wide_rows("Item", ".")).encode()),
    "wide semicolon, BOM": (
        "k.csv",
        lambda: ("\ufeff" + csv_text(wide_rows("Unit ID"), ";")).encode(),
    ),
    "wide Excel 'Unicode text' (UTF-16, tabs)": (
        "k.txt",
        lambda: csv_text(wide_rows("unit"), "\t").encode("utf-16"),
    ),
    "wide tsv UTF-16-BE": ("k.tsv", lambda: csv_text(wide_rows(), "\t").encode("utf-16")),
    "wide, Excel sep= line": ("k.csv", lambda: ("sep=;\r\n" + csv_text(wide_rows(), ";")).encode()),
    "wide whitespace, '*' (krippendorff package)": (
        "k.txt",
        lambda: "\n".join("  ".join(row) for row in wide_rows(missing="*")).encode(),
    ),
    "long csv": (
        "k.csv",
        lambda: csv_text(long_rows(("unit", "coder", "value"), False, True)).encode(),
    ),
    "long shuffled, NA, odd names": (
        "k.csv",
        lambda: csv_text(long_rows(("Subject", "Rater", "Score"), True, False)).encode(),
    ),
    "long, unnamed third column": (
        "k.csv",
        lambda: csv_text(long_rows(("segment no.", "observer", "code"), True, True)).encode(),
    ),
    "transposed, 'coder' corner": ("k.csv", lambda: csv_text(transposed_rows("coder")).encode()),
    "transposed, 'Observers' corner, '*'": (
        "k.csv",
        lambda: csv_text(transposed_rows("Observers", "*")).encode(),
    ),
    "transposed, empty corner (R write.csv of t(x))": (
        "k.csv",
        lambda: csv_text(transposed_rows("")).encode(),
    ),
    "transposed, 'Units' corner (as printed in the paper)": (
        "k.csv",
        lambda: csv_text(transposed_rows("Units")).encode(),
    ),
    "xlsx wide, typed numbers": ("k.xlsx", lambda: xlsx_bytes(wide_rows("unit"))),
    "xlsx wide, text cells": ("k.xlsx", lambda: xlsx_bytes(wide_rows(), numbers=False)),
    "xlsx long": (
        "k.xlsx",
        lambda: xlsx_bytes(long_rows(("unit", "coder", "rating"), True, False)),
    ),
    "xlsx transposed": ("k.xlsx", lambda: xlsx_bytes(transposed_rows("Coder"))),
}


@pytest.mark.parametrize("rendering", list(RENDERINGS))
def test_krippendorff_2011_in_every_layout(tmp_path: Path, rendering: str) -> None:
    name, render = RENDERINGS[rendering]
    path = tmp_path / name
    path.write_bytes(render())
    table = load_reliability_table(path, "ratio")
    data = table.data
    assert sorted(data.coders) == CODERS, table.description
    assert sorted(data.units, key=int) == [str(u + 1) for u in range(12)]
    if table.layout != "long":
        assert data.coders == tuple(CODERS) and data.units == tuple(sorted(data.units, key=int))
    # long data list coders and units in order of appearance
    columns = [data.coders.index(name) for name in CODERS]
    rows = np.argsort([int(u) for u in data.units])
    assert np.array_equal(data.values[rows][:, columns], K2011, equal_nan=True), table.description
    expected_layout = rendering.split(" ")[1] if rendering.startswith("xlsx") else rendering
    assert table.layout == expected_layout.split(" ")[0].rstrip(",")
    for level, published in PUBLISHED.items():
        ours = krippendorff_alpha(data, level).value  # type: ignore[arg-type]
        reference = krippendorff.alpha(reliability_data=K2011.T, level_of_measurement=level)
        assert ours == pytest.approx(reference, abs=1e-12)
        assert ours == pytest.approx(published, abs=5e-4)


def test_whitespace_file_exactly_as_the_krippendorff_package_documents_it(
    tmp_path: Path,
) -> None:
    # the docstring of krippendorff.alpha: one row per coder, '*' = missing, no names at all
    rows = (
        "*    *    *    *    *    3    4    1    2    1    1    3    3    *    3\n"
        "1    *    2    1    3    3    4    3    *    *    *    *    *    *    *\n"
        "*    *    2    1    3    4    4    *    2    1    1    3    3    *    4\n"
    )
    path = tmp_path / "wiki.txt"
    path.write_text(rows, encoding="utf-8")
    table = load_reliability_table(path, "interval", layout="transposed", header=False)
    assert table.data.coders == ("coder 1", "coder 2", "coder 3")
    assert table.data.n_units == 15
    reference = [
        [nan if c == "*" else float(c) for c in line.split()] for line in rows.splitlines()
    ]
    for level, published in (("nominal", 0.691358), ("interval", 0.810845)):
        ours = krippendorff_alpha(table.data, level).value  # type: ignore[arg-type]
        assert ours == pytest.approx(published, abs=1e-6)
        expected = krippendorff.alpha(reliability_data=reference, level_of_measurement=level)
        assert ours == pytest.approx(expected, abs=1e-12)


# Fleiss (1971): 30 patients x 6 psychiatrists, 5 diagnoses; kappa .430 (R irr `diagnoses`).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
DIAGNOSIS_NAMES = {1: "Depression", 2: "Personality Disorder", 3: "Schizophrenia",
                   4: "Neurosis", 5: "Other"}  # fmt: skip


def test_fleiss_1971_as_text_labels_in_a_cp1252_semicolon_file(tmp_path: Path) -> None:
    # German Excel: semicolons, Windows-1252, text labels with umlauts, a 'Patient' id column
    labels = {**DIAGNOSIS_NAMES, 2: "Persönlichkeitsstörung"}
    rows = [["Patient", *[f"Psychiater {j + 1}" for j in range(6)]]]
    rows += [[f"P{i + 1:02d}", *[labels[v] for v in row]] for i, row in enumerate(DIAGNOSES)]
    path = tmp_path / "diagnosen.csv"
    path.write_bytes(csv_text(rows, ";").encode("cp1252"))
    table = load_reliability_table(path)
    assert "Windows-1252" in table.description and "semicolon" in table.description
    assert table.data.n_units == 30 and table.data.n_coders == 6
    assert "Persönlichkeitsstörung" in table.data.categories
    counts, _ = aggregate_raters(np.array(DIAGNOSES))
    expected = sm_fleiss_kappa(counts, method="fleiss")
    assert expected == pytest.approx(0.4302445, abs=1e-7)
    assert fleiss_kappa(table.data).value == pytest.approx(expected, abs=1e-12)


def test_fleiss_1971_long_in_an_xlsx_second_sheet(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Fleiss (1971), Table 1"])
    sheet = book.create_sheet("Ratings")
    sheet.append(["patient", "rater", "rating", "comment"])
    for i, row in enumerate(DIAGNOSES):
        for j, value in enumerate(row):
            sheet.append([i + 1, f"R{j + 1}", DIAGNOSIS_NAMES[value], None])
    path = tmp_path / "fleiss.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed, match="no data rows"):
        load_reliability_table(path)  # the first sheet is the notes
    table = load_reliability_table(path, sheet="Ratings")
    assert table.layout == "long" and "'comment'" in table.description
    assert table.data.units[:3] == ("1", "2", "3")
    assert fleiss_kappa(table.data).value == pytest.approx(0.4302445, abs=1e-7)
    with pytest.raises(ImportFailed, match="has no sheet 'Sheet9' \\(sheets: Notes, Ratings\\)"):
        load_reliability_table(path, sheet="Sheet9")


def test_long_layout_by_position_when_the_header_names_no_roles(tmp_path: Path) -> None:
    lines = ["patient,psychiatrist,diagnosis"]
    lines += [f"{i},R{j},{v}" for i, row in enumerate(DIAGNOSES) for j, v in enumerate(row)]
    path = tmp_path / "fleiss.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert load_reliability_table(path).layout == "wide"  # the header alone cannot tell
    data = read_reliability_csv(path, layout="long")
    assert data.n_units == 30 and data.n_coders == 6
    assert fleiss_kappa(data).value == pytest.approx(0.4302445, abs=1e-7)


def test_cohen_two_coders_long_with_unit_ids_against_statsmodels(tmp_path: Path) -> None:
    # A 3 x 3 table of 200 units with p_o = .70 and p_e = .41 (the figures of Cohen's 1960
    # example): kappa = .29 / .59 = .4915.
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    pairs = [(a, b) for a, row in enumerate(table) for b, n in enumerate(row) for _ in range(n)]
    lines = ["item,judge,category"]
    for u, (a, b) in enumerate(pairs):
        lines += [f"i{u},A,{'xyz'[a]}", f"i{u},B,{'xyz'[b]}"]
    path = tmp_path / "cohen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = read_reliability_csv(path)
    assert data.coders == ("A", "B") and data.n_units == 200
    expected = sm_cohens_kappa(np.array(table), return_results=False)
    assert expected == pytest.approx(0.29 / 0.59)
    assert cohen_kappa(data).value == pytest.approx(expected, abs=1e-12)


# -- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["", "NA", "na", "N/A", "n/a", "n.a.", "#N/A", ".", "-", "*", "?", "NaN", "nan", "missing",
     "MISSING", "Missing", "null", "  NA  "],
)  # fmt: skip
def test_missing_value_spellings(tmp_path: Path, token: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"a,b,c\n1,2,{token}\n2,2,2\n", encoding="utf-8")
    data = read_reliability_csv(path, "interval")
    assert np.isnan(data.values[0, 2]) and data.values[1].tolist() == [2, 2, 2]


def test_extra_missing_codes(tmp_path: Path) -> None:
    path = tmp_path / "spss.csv"
    path.write_text("a,b\n1,99\n2,2\n-9,3\n3,3\n", encoding="utf-8")
    data = read_reliability_csv(path, "interval", missing=["99", "-9"])
    assert np.isnan(data.values[0, 1]) and np.isnan(data.values[2, 0])
    assert read_reliability_csv(path, "interval").values[0, 1] == 99


def test_decimal_commas_with_semicolons_and_tabs(tmp_path: Path) -> None:
    ratings = [[1.5, 2.0], [2.5, 2.5], [3.25, nan], [4.0, 3.75], [0.5, 0.5]]
    expected = krippendorff.alpha(
        reliability_data=np.array(ratings).T, level_of_measurement="interval"
    )

    def comma(v: float) -> str:
        return "" if np.isnan(v) else f"{v:g}".replace(".", ",")

    for name, delimiter, encoding in (("de.csv", ";", "cp1252"), ("de.txt", "\t", "utf-16")):
        text = delimiter.join(["Kodierer A", "Kodierer B"]) + "\r\n"
        text += "".join(delimiter.join(comma(v) for v in row) + "\r\n" for row in ratings)
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        table = load_reliability_table(path, "interval")
        assert "decimal commas" in table.description
        assert krippendorff_alpha(table.data, "interval").value == pytest.approx(expected)


def test_a_comma_file_does_not_read_quoted_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text('a,b\n"1,5",2\n2,2\n', encoding="utf-8")
    with pytest.raises(ImportFailed, match="'1,5' for coder 'a' is not a number"):
        read_reliability_csv(path, "interval")


def test_one_and_one_point_zero_are_one_category(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("a,b,c\n1,1.0,01\n2.0,2,x\n", encoding="utf-8")
    data = read_reliability_csv(path)  # nominal, with a text label: numbers spelled once
    assert data.categories == ("1", "2", "x")
    assert data.codes[0].tolist() == [0, 0, 0]
    numeric = tmp_path / "num.csv"
    numeric.write_text("a,b\n1,1.0\n2.00,2\n", encoding="utf-8")
    assert read_reliability_csv(numeric).categories == (1.0, 2.0)


def test_quotes_whitespace_and_trailing_empty_rows_and_columns(tmp_path: Path) -> None:
    text = (
        '"Smith, J." , "Doe, A." ,,\r\n'
        '  "yes"  ,no ,,\r\n'
        ' yes , " yes ",,\r\n'
        '"no, never",  "no, never",,\r\n'
        ",,,\r\n,,,\r\n\r\n"
    )
    path = tmp_path / "q.csv"
    path.write_text(text, encoding="utf-8")
    data = read_reliability_csv(path)
    assert data.coders == ("Smith, J.", "Doe, A.")
    assert data.n_units == 3
    assert data.categories == ("no", "no, never", "yes")


def test_unit_id_column_by_name_or_by_its_values(tmp_path: Path) -> None:
    for head in ("Item", "unit id", "Subject", "case_id", "#", "Nr.", "", "Participant"):
        path = tmp_path / "ids.csv"
        path.write_text(f"{head},ann,ben\nx1,a,a\nx2,a,b\n", encoding="utf-8")
        assert read_reliability_csv(path).coders == ("ann", "ben"), head
    # any header: values that are all different and that no coder ever used are unit ids
    path = tmp_path / "interview.csv"
    path.write_text(
        "Source,ann,ben\nP01 l.3,a,a\nP01 l.9,b,a\nP02 l.1,a,a\nP04 l.2,b,b\n",
        encoding="utf-8",
    )
    table = load_reliability_table(path)
    assert table.data.coders == ("ann", "ben") and table.data.units[0] == "P01 l.3"
    assert "no coder used them" in table.description
    # ...but a coder who repeats a value, or uses one the others use, stays a coder
    path.write_text("cat,ann,ben\na,a,a\nb,b,a\nc,a,a\na,b,b\n", encoding="utf-8")
    assert read_reliability_csv(path).coders == ("cat", "ann", "ben")


def test_no_header_row_like_recal(tmp_path: Path) -> None:
    path = tmp_path / "recal.csv"
    path.write_text("1,1\n2,2\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no header row.*--no-header"):
        read_reliability_csv(path)
    data = read_reliability_csv(path, header=False)
    assert data.coders == ("coder 1", "coder 2") and data.n_units == 3


def test_explicit_transposed_layout_without_a_corner_word(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Anna,1,2,3\nBen,1,2,2\nCem,1,,3\n", encoding="utf-8")
    data = read_reliability_csv(path, layout="transposed", header=False)
    assert data.coders == ("Anna", "Ben", "Cem") and data.units == ("1", "2", "3")
    assert data.values[2].tolist() == [3, 2, 3]


def test_wide_with_more_coders_than_units_suggests_transposed(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(",u1,u2,u3,u4\nA,1,2,1,2\nB,1,2,2,2\n", encoding="utf-8")
    table = load_reliability_table(path)
    assert table.layout == "wide" and "--layout transposed" in table.description
    assert load_reliability_table(path, layout="transposed").data.coders == ("A", "B")


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8-sig", "UTF-8"),
        ("utf-16", "UTF-16"),  # with a BOM, as Excel writes "Unicode text"
        ("utf-16-le", "UTF-16"),  # without one
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("cp1252", "Windows-1252"),
        ("latin-1", "Windows-1252"),  # the Latin-1 letters are the same bytes in cp1252
    ],
)
def test_encodings(tmp_path: Path, encoding: str, label: str) -> None:
    text = "Coder Ä;Coder é\nÄrger;Ärger\nfür;Ärger\nfür;für\n"
    path = tmp_path / "enc.csv"
    path.write_bytes(text.encode(encoding))
    table = load_reliability_table(path)
    assert table.data.coders == ("Coder Ä", "Coder é")
    assert table.data.categories == ("für", "Ärger")
    assert label in table.description


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "l1.csv"
    path.write_bytes(b"a,b\nx\x81,x\x81\ny,y\n")
    table = load_reliability_table(path)
    assert table.data.categories == ("x\x81", "y") and "Latin-1" in table.description


def test_binary_and_broken_utf16_are_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"a,b\n1,\x00\x01\x02\x03\n")
    with pytest.raises(BadEncoding, match="binary"):
        read_reliability_csv(path)
    path.write_bytes(b"\xff\xfeanna,ben\n")  # a UTF-16 BOM then an odd number of bytes
    with pytest.raises(BadEncoding, match="UTF-16 byte-order mark.*UTF-8"):
        read_reliability_csv(path)


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"unit,coder,value\nu1,ann,1\nu2,ann,2\n", "needs at least 2 coders, found 1 ('ann')"),
        (b"unit,coder,value\nu1,ann,1\nu1,ben,2\nu1,ann,1\n", "'ann' rated unit 'u1' twice"),
        (b"unit,coder,value\nu1,,1\n", "names no coder"),
        (b"unit,coder,value\n,ann,1\n", "names no unit"),
        (b"doc,line,coder,value\nd,1,ann,1\n", "no unit column"),
        (b"unit,coder,value\n", "no data rows"),
        (b"coder,1,2\nann,1,2\n", "at least 2 coder rows"),
        (b"a,b\n1,2\n3\n", "has 1 column on this row but 2"),
        (b"Reliability data study 3\nann,ben\n1,1\n", "if the first row is a title"),
        (b"a,b,c\n1,,\n,2,\n", "no unit coded by two or more coders"),
        (b"PK\x03\x04garbage", "damaged zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Excel (.xls)"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_tables(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as info:
        read_reliability_csv(path)
    assert str(info.value).startswith("bad.csv"), str(info.value)
    assert expected in str(info.value)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    for member, expected in (("content.xml", "OpenDocument"), ("readme.txt", "zip archive")):
        path = tmp_path / "z.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(member, "x")
        with pytest.raises(ImportFailed, match=expected):
            read_reliability_csv(path)
    path = tmp_path / "fake.xlsx"
    path.write_text("a,b\n1,1\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not an Excel workbook"):
        read_reliability_csv(path)


def test_xlsx_text_in_interval_data_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes([["a", "b"], ["1", "2"], ["", ""], ["3", "high"]]))
    with pytest.raises(ImportFailed) as info:
        read_reliability_csv(path, "interval")
    assert str(info.value).startswith("bad.xlsx:4: value 'high' for coder 'b'")


def test_xlsx_short_rows_are_padded_and_errors_are_values(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "a", "b", "c"])
    sheet.append(["u1", 1, 1])  # Excel stores no cell for an empty trailing cell
    sheet.append(["u2", 2, "#N/A", 2.0])
    sheet.append(["u3", True, True, False])
    sheet["A10"] = None  # formatting far below the data
    path = tmp_path / "s.xlsx"
    book.save(path)
    data = read_reliability_csv(path)
    assert data.n_units == 3 and data.coders == ("a", "b", "c")
    assert data.categories == ("1", "2", "FALSE", "TRUE")
    assert np.isnan(data.codes[0, 2]) and np.isnan(data.codes[1, 1])
