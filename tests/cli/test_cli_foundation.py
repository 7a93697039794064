"""The command line as a user meets it (CliRunner, plus one real subprocess)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def info(project: Path) -> dict[str, object]:
    if not project.exists():
        assert run(project, "init")[0] == 0
    code, out, err = run(project, "info", "--json")
    assert code == 0, err
    return json.loads(out)


def test_info_json_has_exact_keys(tmp_path: Path) -> None:
    data = info(tmp_path / "p.sqlite")
    assert data == {"documents": 0, "codes": 0, "codings": 0, "coders": [], "cases": 0}


def test_demo_no_tui_loads_the_sample_study(tmp_path: Path) -> None:
    project = tmp_path / "x.db"
    code, out, err = run(project, "demo", "--no-tui")
    assert code == 0, err
    assert "warning" not in err
    data = info(project)
    assert data["documents"] >= 10
    assert data["cases"] >= 4
    assert len(data["coders"]) >= 2  # type: ignore[arg-type]
    assert data["codings"] > 100  # type: ignore[operator]
    code, out, _ = run(project, "codebook", "export")
    top = [
        line
        for line in out.splitlines()
        if line.startswith("  - key:") or line.startswith("- key:")
    ]
    assert len(top) >= 3
    assert stat.S_IMODE(os.stat(project).st_mode) == 0o600
    # running the demo again adds nothing
    run(project, "demo", "--no-tui")
    assert info(project) == data
    # --fresh starts over, with the same result
    code, _, err = run(project, "demo", "--fresh", "--no-tui")
    assert code == 0, err
    assert info(project) == data


def test_import_detects_duplicates_by_checksum(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    src = tmp_path / "a.txt"
    src.write_text("Interviewer: Hello?\n\nP01: Hello there, it went fine.\n", encoding="utf-8")
    assert run(project, "import", str(src))[0] == 0
    copy = tmp_path / "copy.txt"
    copy.write_bytes(src.read_bytes())
    code, out, _ = run(project, "import", str(copy))
    assert code == 0
    assert "already imported" in out
    assert info(project)["documents"] == 1


BAD_INPUTS = {
    "garbage.txt": bytes(range(256)) * 8,
    "empty.txt": b"",
    "truncated.docx": (REPO / "sample_transcripts" / "P02.docx").read_bytes()[:900],
    "notes.pdf": b"%PDF-1.4 not supported",
    "fake.docx": b"Interviewer: I am text pretending to be docx",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_transcript_is_one_clean_line_and_project_unchanged(tmp_path: Path, name: str) -> None:
    project = tmp_path / "p.sqlite"
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: Fine?\n\nP02: Fine.\n", encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    before = info(project)
    code, _out, err = run(project, "import", str(good), str(bad))
    assert code == 1
    assert "Traceback" not in err
    assert name in err.splitlines()[0]
    assert info(project) == before


CODEBOOK_ERRORS = {
    "cycle.yaml": (
        "name: c\ncodes:\n  - {key: a, name: A, parent: b}\n  - {key: b, name: B, parent: a}\n"
    ),
    "dup.yaml": "name: d\ncodes:\n  - {key: a, name: Same}\n  - {key: b, name: Same}\n",
    "broken.yaml": "name: [unclosed\n",
    "empty.yaml": "",
}


@pytest.mark.parametrize("name", sorted(CODEBOOK_ERRORS))
def test_bad_codebook_is_one_clean_line(tmp_path: Path, name: str) -> None:
    project = tmp_path / "p.sqlite"
    path = tmp_path / name
    path.write_text(CODEBOOK_ERRORS[name], encoding="utf-8")
    before = info(project)
    code, _, err = run(project, "codebook", "import", str(path))
    assert code == 1
    assert name in err
    assert len(err.strip().splitlines()) == 1
    assert info(project) == before


def test_codebook_round_trip_is_lossless(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    src = REPO / "codebooks" / "na-disengagement.yaml"
    assert run(project, "codebook", "import", str(src))[0] == 0
    out1 = tmp_path / "out1.yaml"
    assert run(project, "codebook", "export", "-o", str(out1))[0] == 0
    other = tmp_path / "q.sqlite"
    assert run(other, "codebook", "import", str(out1))[0] == 0
    out2 = tmp_path / "out2.yaml"
    assert run(other, "codebook", "export", "-o", str(out2))[0] == 0
    from workbench.io.codebook_yaml import load_codebook

    a, b = load_codebook(src), load_codebook(out2)
    assert a.codes == b.codes


def test_attributes_csv_links_cases(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    t = tmp_path / "P07.txt"
    t.write_text("Interviewer: Hi\n\nP07: Hi.\n", encoding="utf-8")
    run(project, "import", str(t))
    csv = tmp_path / "people.csv"
    csv.write_text("participant,gender\nP07,woman\nP08,man\n", encoding="utf-8")
    code, out, err = run(project, "attributes", str(csv))
    assert code == 0, err
    assert "1 documents linked" in out
    assert info(project)["cases"] == 2


def test_bad_attributes_csv(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    csv = tmp_path / "people.csv"
    csv.write_text("participant,gender\nP07,woman\nP07,man\n", encoding="utf-8")
    code, _, err = run(project, "attributes", str(csv))
    assert code == 1
    assert "people.csv" in err
    assert info(project)["cases"] == 0


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "WORKBENCH_PROJECT": str(tmp_path / "p.sqlite")}
    proc = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "import", str(tmp_path / "missing.vtt")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("workbench: missing.vtt")


def test_info_on_a_missing_project_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "projekt.sqlite"
    code, _, err = run(missing, "info", "--json")
    assert code == 1
    assert "no such project" in err
    assert not missing.parent.exists()


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--project", str(tmp_path / "p.sqlite"), "irr"])
    assert result.exit_code == 2
