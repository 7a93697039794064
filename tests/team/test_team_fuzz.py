"""Bad input, fuzzed: every importer and the command line.

Any bytes must give a result or a one-line ``WorkbenchError`` (never a traceback), and
a command that fails must leave the project exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.bootstrap import open_workbench
from workbench.cli import app
from workbench.core.errors import ImportFailed, WorkbenchError
from workbench.core.model import CodebookSpec, CodeSpec
from workbench.core.settings import Settings
from workbench.io.anchored_codings import load_anchored_codings
from workbench.io.attributes import read_attributes_csv
from workbench.io.codebook_yaml import load_codebook
from workbench.io.deid_rules import load_names_file
from workbench.io.refi.reader import read_refi
from workbench.io.transcripts import read_transcript

runner = CliRunner()
EXAMPLES = int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "25"))  # raise it for a long hunt
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEEDS = [
    b"Interviewer: Hello there.\n\nP01: I went to meetings.\n",
    b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v P01>Hi\n",
    b"1\n00:00:01,000 --> 00:00:02,000\nP01: Hi\n",
    b"case,age\nP01,30\nP02,\n",
    b"name: x\ncodes:\n  - key: a\n    name: A\n",
    b"- document: P01\n  coder: anna\n  code: a\n  quote: meetings\n",
    b"Kari => P03\ncity: Oslo\n",
    b"\xff\xfe\x00\x00",
    b"",
]


def _zip(members: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


contents = st.one_of(
    st.binary(max_size=1500),
    st.sampled_from(SEEDS),
    st.builds(lambda a, b: a + b, st.sampled_from(SEEDS), st.binary(max_size=200)),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda name, data: _zip({name: data}),
        st.sampled_from(["project.qde", "word/document.xml", "sources/x.txt", "../evil"]),
        st.binary(max_size=300),
    ),
)
SUFFIXES = [".txt", ".md", ".docx", ".vtt", ".srt", ".csv", ".yaml", ".qdpx", ".qdc", ".sqlite", ""]

READERS = {
    "transcript": read_transcript,
    "attributes": read_attributes_csv,
    "codebook": load_codebook,
    "anchored codings": load_anchored_codings,
    "names": load_names_file,
    "refi": read_refi,
}


@pytest.mark.parametrize("reader", sorted(READERS))
@settings(
    max_examples=EXAMPLES + 15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=contents, suffix=st.sampled_from(SUFFIXES))
def test_every_importer_fails_cleanly(
    reader: str, data: bytes, suffix: str, tmp_path: Path
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(ImportFailed, WorkbenchError):
        READERS[reader](path)


# -- the command line ------------------------------------------------------------------


def _fingerprint(project: Path) -> str:
    wb = open_workbench(Settings(project=str(project)))
    s = wb.store
    state = {
        "info": s.info().as_json(),
        "documents": [(d.name, d.checksum) for d in s.documents()],
        "codings": [
            (c.document_id, c.code_id, c.coder_id, c.start, c.end, c.memo) for c in s.codings()
        ],
        "codes": [(c.key, c.name, c.parent_id) for c in s.codes()],
        "memos": [(m.kind, m.target_id, m.text) for m in s.memos()],
        "cases": [(c.name, sorted(c.attributes.items())) for c in s.cases()],
        "meta": s.get_meta("exports.deidentified_only"),
    }
    wb.close()
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


@pytest.fixture
def template(tmp_path: Path) -> Path:
    from workbench.io.transcripts import read_transcript as read

    path = tmp_path / "template.sqlite"
    wb = open_workbench(Settings(project=str(path)))
    s = wb.store
    s.import_codebook(CodebookSpec("t", (CodeSpec("a", "A"), CodeSpec("b", "B", parent="a"))))
    doc_file = tmp_path / "P01.txt"
    doc_file.write_text("Interviewer: Tell me.\n\nP01: I met Kari in Oslo, kari@example.no.\n")
    doc = s.add_document(read(doc_file))
    anna = s.ensure_coder("anna")
    s.add_coding(doc.id, s.code("a").id, anna.id, 29, 40)
    s.add_memo("document", doc.id, "Kari again", anna.id)
    wb.close()
    return path


COMMANDS = [
    "import",
    "attributes",
    "codebook import",
    "merge",
    "deidentify",
    "revise",
    "export",
    "info",
    "init",
]
OPTIONS = {
    "import": [["--skip-errors"], ["--coder", "x" * 101]],  # --coder ben: see the test below
    "merge": [["--dry-run"], ["--dry-run", "--dry-run"], ["--bogus"]],
    "deidentify": [["--preview"], ["--no-patterns"], ["--document", "P01"], ["--document", "nope"],
                   ["--no-restrict-exports"], ["--coder", ""], ["--model", "no_such_pipeline"],
                   ["--names"]],
    "revise": [["--preview"], ["--threshold", "75"], ["--threshold", "abc"], ["--threshold", "10"],
               ["--coder", "carla"]],
    "export": [["--format", "csv"], ["--format", "pdf"], ["--coder", "nobody"], ["--quotes", "-1"]],
    "info": [["--json"]],
    "attributes": [],
    "codebook import": [],
    "init": [],
}  # fmt: skip


@FUZZ
@given(
    command=st.sampled_from(COMMANDS),
    files=st.lists(st.tuples(contents, st.sampled_from(SUFFIXES)), min_size=0, max_size=2),
    options=st.data(),
    document=st.sampled_from(["P01", "p01", "1", "nope", ""]),
)
def test_cli_never_tracebacks_or_half_writes(
    template: Path,
    command: str,
    files: list[tuple[bytes, str]],
    options: st.DataObject,
    document: str,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        project = work / "p.sqlite"
        shutil.copy(template, project)
        paths = []
        for i, (data, suffix) in enumerate(files):
            p = work / f"f{i}{suffix}"
            p.write_bytes(data)
            paths.append(str(p))
        choices = OPTIONS[command]
        extra = options.draw(st.lists(st.sampled_from(choices), max_size=2)) if choices else []
        args = [a for group in extra for a in group]
        if command == "revise":
            args = [document, *paths[:1], *args]
        elif command == "deidentify" and paths:
            args = ["--names", paths[0], *args]
        elif command == "export":
            kind = options.draw(
                st.sampled_from(["summary", "quotes", "matrix", "codebook", "qdc", "x"])
            )
            args = [kind, "-o", str(work / f"out{options.draw(st.sampled_from(SUFFIXES))}"), *args]
        elif command not in ("info", "init"):
            args = [*paths, *args]
        before = _fingerprint(project)
        result = runner.invoke(app, ["-p", str(project), *command.split(), *args])
        assert result.exit_code in (0, 1, 2), (command, args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command, args, repr(result.exception),
        )  # fmt: skip
        if result.exit_code != 0 and "--skip-errors" not in args:  # that one imports the good
            assert _fingerprint(project) == before, (command, args, result.output)
            assert result.stderr.strip(), (command, args)


def test_failed_import_with_coder_writes_nothing(template: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    before = _fingerprint(template)
    result = runner.invoke(app, ["-p", str(template), "import", str(empty), "--coder", "ben"])
    assert result.exit_code == 1
    assert _fingerprint(template) == before
