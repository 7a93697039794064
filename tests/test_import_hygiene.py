"""Layers, checked by importing each package in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LIGHT = [
    "workbench.core",
    "workbench.core.model",
    "workbench.core.services.ranking",
    "workbench.core.services.sentences",
    "workbench.store.repos",
    "workbench.agreement",
    "workbench.io.transcripts",
    "workbench.bootstrap",
    "workbench.cli",
]


def _loaded(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.parametrize("mod", LIGHT)
def test_import_stays_light(mod: str) -> None:
    code = f"import sys, {mod}; print(sorted({{'spacy', 'textual'}} & set(sys.modules)))"
    assert _loaded(code) == "[]"


def test_tui_loads_textual_not_spacy() -> None:
    code = "import sys, workbench.tui.app; print(sorted({'spacy', 'textual'} & set(sys.modules)))"
    assert _loaded(code) == "['textual']"


def test_core_has_no_sqlalchemy() -> None:
    code = "import sys, workbench.core.model, workbench.core.errors; "
    code += "print('sqlalchemy' in sys.modules)"
    assert _loaded(code) == "False"


def test_import_linter_contracts_hold() -> None:
    repo = Path(__file__).resolve().parents[1]
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
