"""Small deterministic projects for the shell tests (imported by the other test modules)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.screen import Screen

from workbench.bootstrap import open_workbench
from workbench.core.model import CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.settings import Settings
from workbench.store.repos import NewCoding
from workbench.tui.app import WorkbenchApp, create_app

TEXTS = {
    "P01-interview": (
        "Interviewer: How did the meetings feel after the first year?\n"
        "P01: I kept going, but it felt like the same script every single week. "
        "Everyone said the same things and I stopped listening."
    ),
    "P02-interview": (
        "Interviewer: What kept you away in the end?\n"
        "P02: The group was my whole world, and then it was a cage. I was afraid to leave."
    ),
    "P03-notes": "Notes: the participant asked to pause twice. No coding planned yet.",
}

SPEC = CodebookSpec(
    name="small",
    codes=(
        CodeSpec(
            key="fit",
            name="The model did not fit",
            colour="#4363d8",
            definition="The programme's model felt wrong for the person.",
        ),
        CodeSpec(
            key="format",
            name="Meeting format",
            parent="fit",
            colour="#42d4f4",
            definition="Talk about how meetings run: scripts, readings, sharing.",
            keywords=("script", "meeting"),
        ),
        CodeSpec(key="steps", name="Working the steps", parent="fit", colour="#3cb44b"),
        CodeSpec(
            key="negative",
            name="Negative experiences",
            colour="#e6194b",
            definition="Harm, fear or pressure the person felt.",
        ),
        CodeSpec(
            key="cage",
            name="The safe place can become a cage",
            parent="negative",
            colour="#f58231",
            keywords=("trapped", "afraid"),
        ),
    ),
)


def parsed(name: str, text: str) -> ParsedDocument:
    lines = text.split("\n")
    turns, start = [], 0
    for line in lines:
        speaker = line.split(":", 1)[0] if ":" in line else None
        turns.append(Turn(start, start + len(line), speaker))
        start += len(line) + 1
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument(
        name=name, text=text, turns=tuple(turns), source_format="txt", checksum=checksum
    )


def build_project(path: Path, *, coders: bool = True, label: str = "Small study") -> Path:
    """Three documents, five codes, two coders (anna, ben) with a few codings."""
    wb = open_workbench(Settings(project=str(path)))
    store = wb.store
    store.set_meta("name", label)
    docs = {name: store.add_document(parsed(name, text)) for name, text in TEXTS.items()}
    store.import_codebook(SPEC)
    store.upsert_cases([("P01", {"gender": "f"}), ("P02", {"gender": "m"})])
    if coders:
        anna, ben = store.ensure_coder("anna"), store.ensure_coder("ben")
        codes = {c.key: c for c in store.codes()}
        p1, p2 = docs["P01-interview"], docs["P02-interview"]
        script = TEXTS["P01-interview"].index("it felt like the same script")
        cage = TEXTS["P02-interview"].index("The group was my whole world")
        store.add_codings_bulk(
            [
                NewCoding(p1.id, codes["format"].id, anna.id, script, script + 45),
                NewCoding(p1.id, codes["format"].id, ben.id, script, script + 30),
                NewCoding(p1.id, codes["steps"].id, anna.id, 0, 20),
                NewCoding(p2.id, codes["cage"].id, anna.id, cage, cage + 60),
                NewCoding(p2.id, codes["cage"].id, ben.id, cage, cage + 40),
            ],
            "test.load",
            "test codings",
        )
    wb.close()
    return path


class StubCodingScreen(Screen[None]):
    """Stands in for the coding screen (tested on its own) to see what was opened."""

    def __init__(self, document_id: int, **where: object) -> None:
        super().__init__()
        self.document_id = document_id
        self.where = where  # offset / hit, as the real screen takes them


def make_app(path: Path, coder: str | None = "anna") -> WorkbenchApp:
    return create_app(Settings(project=str(path), coder=coder))
