"""Load the sample study (transcripts, participants, codebook, two coders' codings)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import WorkbenchError
from workbench.core.model import Progress
from workbench.io.anchored_codings import load_anchored_codings, locate_quote
from workbench.io.attributes import read_attributes_csv
from workbench.io.codebook_yaml import load_codebook
from workbench.store.repos import NewCoding, SqlProject
from workbench.workflows.importing import import_transcripts

DEMO_CODEBOOK = "na-disengagement.yaml"


def repo_root() -> Path:
    """Where sample_transcripts/ and codebooks/ live ($WORKBENCH_SAMPLES, the checkout, or cwd)."""
    candidates = [
        Path(os.environ["WORKBENCH_SAMPLES"]) if os.environ.get("WORKBENCH_SAMPLES") else None,
        Path(__file__).resolve().parents[2],
        Path.cwd(),
    ]
    for c in candidates:
        if c is not None and (c / "sample_transcripts").is_dir() and (c / "codebooks").is_dir():
            return c
    raise WorkbenchError(
        "sample study not found: run from the workbench checkout or set WORKBENCH_SAMPLES"
    )


@dataclass
class DemoReport:
    documents: int = 0
    codes: int = 0
    cases: int = 0
    codings: int = 0
    warnings: list[str] = field(default_factory=list)


def resolve_anchored(store: SqlProject, path: Path, report: DemoReport) -> list[NewCoding]:
    """Turn quote-anchored codings into offsets; unresolvable ones become warnings."""
    docs = {d.name: d for d in store.documents()}
    codes = {c.key: c for c in store.codes()}
    texts: dict[int, str] = {}
    out: list[NewCoding] = []
    for a in load_anchored_codings(path):
        doc = docs.get(a.document)
        code = codes.get(a.code)
        if doc is None or code is None:
            what = f"document {a.document!r}" if doc is None else f"code {a.code!r}"
            report.warnings.append(f"{path.name}: unknown {what}")
            continue
        text = texts.setdefault(doc.id, store.text(doc.id))
        span = locate_quote(text, a.quote, a.occurrence)
        if span is None:
            report.warnings.append(f"{path.name}: quote not found in {doc.name}: {a.quote[:40]!r}")
            continue
        coder = store.ensure_coder(a.coder)
        out.append(NewCoding(doc.id, code.id, coder.id, span[0], span[1], a.memo, a.starred))
    return out


def load_demo(store: SqlProject, root: Path | None = None) -> Iterator[Progress | DemoReport]:
    """Yield progress, then the final report. Skips what is already there."""
    root = root or repo_root()
    samples = root / "sample_transcripts"
    report = DemoReport()
    spec = load_codebook(root / "codebooks" / DEMO_CODEBOOK)
    added, _ = store.import_codebook(spec)
    report.codes = added
    yield Progress(1, 4, "codebook")
    before = len(store.documents())
    for progress, _outcome in import_transcripts(store, [samples]):
        yield Progress(2, 4, progress.label)
    report.documents = len(store.documents()) - before
    attrs = samples / "participants.csv"
    if attrs.exists():
        report.cases = store.upsert_cases(read_attributes_csv(attrs))
    yield Progress(3, 4, "participants")
    if store.info().codings == 0:
        for path in sorted((samples / "codings").glob("*.yaml")):
            report.codings += store.add_codings_bulk(
                resolve_anchored(store, path, report),
                "import.codings",
                f"sample codings {path.name}",
            )
    if store.get_meta("name") is None:
        store.set_meta("name", spec.name)
    yield Progress(4, 4, "codings")
    yield report
