"""`workbench irr` and `workbench agreement` as a user meets them (typer's CliRunner), the
report formats they write, and what `irr` does not import."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
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


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- irr ----------------------------------------------------------------------------------


def test_irr_json_has_exactly_the_documented_keys(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "two.csv", "anna,ben\n1,1\n2,2\n1,2\n3,3\n2,2\n,1\n")
    code, out, err = run("irr", str(data))
    assert code == 0, err
    report = json.loads(out)
    # exactly the documented keys; the reasons and conventions go to stderr as notes
    assert set(report) == IRR_KEYS
    assert "note: cohen_kappa" in err
    assert report["n_units"] == 6 and report["n_coders"] == 2
    for key in IRR_KEYS - {"n_units", "n_coders"}:
        assert isinstance(report[key], float), key
    expected = krippendorff.alpha(
        reliability_data=[[1, 2, 1, 3, 2, np.nan], [1, 2, 2, 3, 2, 1]],
        level_of_measurement="nominal",
    )
    assert report["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)


def test_irr_three_coders_have_no_cohen_kappa_and_bootstrap_adds_the_interval(
    tmp_path: Path,
) -> None:
    data = write_csv(tmp_path / "three.csv", "a,b,c\n1,1,2\n2,2,2\n1,,1\n3,3,3\n1,1,1\n2,3,2\n")
    code, out, err = run("irr", str(data), "--level", "ordinal")
    assert code == 0, err
    report = json.loads(out)
    assert report["cohen_kappa"] is None
    notes = [ln for ln in err.splitlines() if ln.startswith("note: cohen_kappa:")]
    assert notes and "two coders" in notes[0]
    assert "krippendorff_alpha_ci" not in report
    code, out, err = run("irr", str(data), "--bootstrap", "200", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == IRR_KEYS | {"krippendorff_alpha_ci"}
    low, high = report["krippendorff_alpha_ci"]
    assert -1.0 <= low <= report["krippendorff_alpha"] <= high <= 1.0


def test_irr_markdown_has_the_table_and_can_go_to_a_file(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "r.csv", "unit,anna,ben\nu1,yes,yes\nu2,no,yes\nu3,no,no\n")
    code, out, err = run("irr", str(data), "--format", "md", "--weights", "linear")
    assert code == 0, err
    assert "| Statistic | Value | Interpretation | Source |" in out
    assert "| Krippendorff's alpha (nominal) |" in out
    assert "Methods paragraph" in out
    target = tmp_path / "irr.md"
    code, out, err = run("irr", str(data), "-f", "md", "-o", str(target))
    assert code == 0, err
    assert out == "" and "| Statistic |" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"anna\n1\n", "at least 2 coder columns"),
        (b"anna,ben\n1,2,3\n", "columns"),
        (b"\xff\xfeanna,ben\n", "UTF-8"),
    ],
)
def test_irr_bad_csv_is_one_line_naming_the_file(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    bad = tmp_path / "broken-data.csv"
    bad.write_bytes(content)
    code, out, err = run("irr", str(bad))
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("workbench: broken-data.csv") and problem in lines[0]


def test_irr_missing_file_and_text_at_interval_level_fail_in_one_line(tmp_path: Path) -> None:
    code, _out, err = run("irr", str(tmp_path / "nowhere.csv"))
    assert code == 1 and err.strip() == "workbench: nowhere.csv: no such file"
    text = write_csv(tmp_path / "labels.csv", "a,b\nlow,high\n")
    code, _out, err = run("irr", str(text), "--level", "interval")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "labels.csv:2" in err


def test_irr_unknown_level_is_a_usage_error(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "r.csv", "a,b\n1,1\n")
    code, _out, err = run("irr", str(data), "--level", "cardinal")
    assert code == 2
    assert "--level" in err


def test_irr_imports_neither_textual_nor_spacy() -> None:
    code = (
        "import sys, workbench.cli_agreement, workbench.agreement; "
        "print(sorted({'textual', 'spacy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import workbench.cli_agreement, sys; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- agreement ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_agreement_writes_every_format_owner_only(
    sample_path: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"agreement.{fmt}"
    code, out, err = run(
        "--project", str(sample_path), "agreement", "--coders", "anna,ben", "-o", str(target)
    )
    assert code == 0, err
    assert f"wrote agreement ({fmt}, unit sentence)" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_bytes().decode("utf-8-sig")
    if fmt == "md":
        assert "## Agreement per code" in text and "## Methods paragraph" in text
        assert "Krippendorff (2004" in text and "Landis & Koch (1977)" in text
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "<svg" in text
        assert not re.search(r"https?:|//[a-z]|<script|<link|@import|url\(", text, re.I)
        assert "Meeting format" in text and "All codes (pooled)" in text
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert rows[0]["scope"] == "code" and "cohen_kappa" in rows[0]
        assert [r["scope"] for r in rows].count("pooled") == 1
        second = tmp_path / "agreement-disagreements.csv"
        assert stat.S_IMODE(second.stat().st_mode) == 0o600
        listed = list(csv.DictReader(io.StringIO(second.read_text("utf-8-sig"), newline="")))
        assert listed and set(listed[0]) >= {"document", "start", "end", "codes_anna", "text"}
    else:
        data = json.loads(text)
        assert data["format"] == "workbench.agreement/1" and data["unit"] == "sentence"


def test_agreement_json_statistics_are_float_or_null_with_a_reason(sample_path: Path) -> None:
    code, out, err = run(
        "--project", str(sample_path), "agreement", "--coders", "anna,ben", "--unit", "char",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["kappa"] == "cohen_kappa" and data["coders"] == ["anna", "ben"]
    rows = [*data["codes"], data["pooled"], *data["by_document"], *data["by_code_and_document"]]
    seen_null = False
    for row in rows:
        assert set(row["statistics"]) >= {"percent_agreement", "cohen_kappa",
                                          "krippendorff_alpha", "gwet_ac1"}  # fmt: skip
        for stat_ in row["statistics"].values():
            assert set(stat_) == {"value", "reason", "band", "source"}
            if stat_["value"] is None:
                seen_null = True
                assert isinstance(stat_["reason"], str) and stat_["reason"]
            else:
                assert isinstance(stat_["value"], float) and stat_["reason"] is None
    assert seen_null  # a code nobody applied in some document has no alpha there
    assert all("unitized_alpha" in r["statistics"] for r in data["codes"])
    texts = {d["document"]: d for d in data["disagreements"]}
    assert texts and all(isinstance(d["text"], str) for d in texts.values())


def test_agreement_markdown_goes_to_stdout_by_default(sample_path: Path) -> None:
    code, out, err = run(
        "--project", str(sample_path), "agreement", "--coders", "anna,ben", "--unit", "turn"
    )
    assert code == 0, err
    assert out.startswith("# Inter-coder agreement")
    assert "with the speaker turn as the unit of analysis" in out
    assert "| **All codes (pooled)** |" in out
    assert "P04 (coded by anna only)" in out


def test_agreement_user_errors_are_one_line(sample_path: Path, tmp_path: Path) -> None:
    base = ("--project", str(sample_path), "agreement")
    for args, expected in [
        (("--coders", "anna,zed"), "workbench: unknown coder: 'zed'; coders: anna, ben"),
        (("--coders", "anna,ben", "--codes", "nope"), "workbench: unknown code: 'nope'"),
        (("--coders", "anna"), "workbench: agreement needs at least two coders"),
        (("--coders", "anna,ben", "--format", "html"), "workbench: --format html writes files"),
        (("--coders", "anna,ben", "-o", str(tmp_path / "x.pdf")), "workbench: agreement reports"),
        (("--coders", "anna,ben", "--documents", "P04"), "workbench: no document in the chosen"),
    ]:
        code, out, err = run(*base, *args)
        assert code == 1, (args, out, err)
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith(expected), err
        assert "Traceback" not in err


def test_agreement_unknown_unit_is_a_usage_error(sample_path: Path) -> None:
    code, _out, err = run(
        "--project", str(sample_path), "agreement", "--coders", "anna,ben", "--unit", "word"
    )
    assert code == 2 and "--unit" in err
