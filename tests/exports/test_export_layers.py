"""The renderers and the result dataclasses stay free of the store, SQL and the UI."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["sqlalchemy", "sqlmodel", "textual", "spacy", "workbench.store"]


def loaded(modules: list[str]) -> list[str]:
    code = (
        f"import json, sys\nfor m in {modules!r}: __import__(m)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_renderers_do_not_load_the_store_or_the_ui() -> None:
    modules = [
        "workbench.core.summary",
        "workbench.io.export.markdown",
        "workbench.io.export.html",
        "workbench.io.export.docx",
        "workbench.io.export.xlsx",
        "workbench.io.export.csv",
        "workbench.io.export.write",
    ]
    assert loaded(modules) == []


def test_cli_export_module_is_light_to_import() -> None:
    assert loaded(["workbench.cli_export"]) == []
