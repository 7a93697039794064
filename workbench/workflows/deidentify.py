"""De-identify a project: replace names, places and other identifiers with placeholders.

``workbench deidentify [--names FILE] [--preview]``. What is replaced (see
``workbench.io.deid_rules``): the names file's entries (``[P03]``, ``[PERSON1]``,
``[PLACE]``, ``[CITY]``...), patterns (e-mail addresses, URLs, phone numbers,
Norwegian national identity numbers, full dates) and, when a trained spaCy pipeline is
configured (``--model``), its PERSON/GPE/LOC/FAC/ORG entities. Participant ids and
speaker labels such as ``P03:`` and ``Interviewer:`` stay.

Decision: the de-identified text *replaces* the document text (``document.deidentified``
is set), after an automatic backup. A separate column would keep the identifying
original inside the very file that researchers copy, merge and share; here the
original lives only in the owner-only backup, which the command names so it can be
kept safe or deleted. The same rules also clean every other free text in the project:
memos, coding memos, code definitions and examples, document names, speaker labels,
suggestion details and the audit log (undo payloads). The mapping from names to
placeholders is never stored. On SQLite the file is vacuumed afterwards, so replaced
text does not linger in free pages or the write-ahead log.

Codings stay aligned: every offset is carried through the replacements (a coding
inside one identifier becomes the placeholder; one that covers an identifier still
covers its placeholder). Earlier undo entries for these documents are retired.

``restrict_exports`` (default on) records in the project that exports may contain
de-identified documents only; :func:`check_export_allowed` is the check exports call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import WorkbenchError
from workbench.core.model import Turn
from workbench.io._common import checksum
from workbench.io.deid_rules import (
    NameRules,
    Replacement,
    apply_replacements,
    find_identifiers,
    is_participant_id,
    scrub,
)
from workbench.store.repos import SqlProject
from workbench.store.team import (
    TextChange,
    apply_text_changes,
    document_records,
    exports_deidentified_only,
    purge_free_space,
    set_exports_deidentified_only,
)

Backup = Callable[[str], Path | None]
EXAMPLES = 3
CONTEXT = 25


@dataclass
class DocumentDeid:
    name: str
    replacements: Counter[str] = field(default_factory=Counter)  # category -> count
    examples: list[str] = field(default_factory=list)
    codings: int = 0
    codings_moved: int = 0

    @property
    def total(self) -> int:
        return sum(self.replacements.values())


@dataclass
class DeidReport:
    documents: list[DocumentDeid] = field(default_factory=list)
    applied: bool = False
    backup: Path | None = None
    warnings: list[str] = field(default_factory=list)
    entities: bool = False
    restrict_exports: bool = False

    @property
    def total(self) -> int:
        return sum(d.total for d in self.documents)

    def lines(self) -> list[str]:
        verb = "replaced" if self.applied else "would replace"
        by_cat: Counter[str] = Counter()
        for d in self.documents:
            by_cat.update(d.replacements)
        cats = ", ".join(f"{n} {c}" for c, n in sorted(by_cat.items())) or "nothing"
        out = [
            f"{verb} {self.total} identifiers in {len(self.documents)} documents ({cats})"
            + ("" if self.entities else "; no entity recogniser (list and pattern rules only)")
        ]
        for d in self.documents:
            if not d.total and self.applied:
                continue
            moved = f", {d.codings_moved} of {d.codings} codings shifted" if d.codings else ""
            out.append(f"  {d.name}: {d.total} identifiers{moved}")
            out.extend(f"    {ex}" for ex in d.examples)
        out.extend(f"warning: {w}" for w in self.warnings)
        if self.applied:
            if self.restrict_exports:
                out.append("exports are now restricted to de-identified documents")
            if self.backup is not None:
                out.append(
                    f"backup of the identifiable project: {self.backup} "
                    "(owner-only; keep it safe or delete it)"
                )
            else:
                out.append("no automatic backup (server project): take one with pg_dump first")
        return out


def _example(text: str, r: Replacement) -> str:
    a, b = max(0, r.start - CONTEXT), min(len(text), r.end + CONTEXT)

    def flat(part: str) -> str:
        return " ".join(part.split(" ")).replace("\n", " ")

    return (
        f"...{flat(text[a : r.start])}[{flat(text[r.start : r.end])} -> {r.placeholder}]"
        f"{flat(text[r.end : b])}..."
    )


def _protected(store: SqlProject, turns: Sequence[Turn]) -> set[str]:
    labels = {t.speaker for t in turns if t.speaker and is_participant_id(t.speaker)}
    labels |= {c.name for c in store.cases()}
    return labels


def deidentify(
    store: SqlProject,
    rules: NameRules | None = None,
    *,
    documents: Sequence[str] | None = None,
    patterns: bool = True,
    model: str | None = None,
    preview: bool = False,
    coder: str | None = None,
    restrict_exports: bool = True,
    backup: Backup | None = None,
) -> DeidReport:
    """De-identify the project's documents (all, or ``documents`` by name); see the module."""
    from workbench.nlp.entities import find_entities

    rules = rules if rules is not None else NameRules()
    report = DeidReport(warnings=list(rules.warnings), restrict_exports=restrict_exports)
    records = {r.id: r for r in document_records(store)}
    chosen = (
        [store.document(name) for name in documents]
        if documents
        else sorted(store.documents(), key=lambda d: d.name)
    )
    changes: list[TextChange] = []
    for doc in chosen:
        record = records[doc.id]
        text, turns = store.text(doc.id), store.turns(doc.id)
        entities = find_entities(text, model)
        report.entities = report.entities or entities is not None
        reps = find_identifiers(
            text,
            rules,
            patterns=patterns,
            entities=entities or (),
            protected=_protected(store, turns),
        )
        for r in reps:  # entity names join the rules, so memos and labels lose them too
            if r.category.startswith("entity:"):
                surface = " ".join(text[r.start : r.end].split())
                category = "person" if r.placeholder.startswith("[PERSON") else "place"
                if r.placeholder == "[ORG]":
                    category = "org"
                rules.add(surface, r.placeholder, category)
        new_text, omap = apply_replacements(text, reps)
        info = DocumentDeid(name=doc.name)
        info.replacements.update(r.category.removeprefix("entity:").lower() for r in reps)
        info.examples = [_example(text, r) for r in reps[:EXAMPLES]]
        for c in store.codings(document_id=doc.id):
            info.codings += 1
            info.codings_moved += omap.span(c.start, c.end) != (c.start, c.end)
        report.documents.append(info)
        if not reps and record.deidentified:
            continue
        speaker = (lambda s: scrub(s, rules, patterns=patterns)) if rules.entries else None
        new_turns = tuple(
            Turn(
                omap.start(t.start),
                omap.end(t.end),
                speaker(t.speaker) if speaker and t.speaker else t.speaker,
                t.media_start,
                t.media_end,
            )
            for t in turns
        )

        def remap(start: int, end: int, omap=omap) -> tuple[int, int, str]:
            ns, ne = omap.span(start, end)
            return ns, ne, "kept" if (ns, ne) == (start, end) else "shifted"

        changes.append(
            TextChange(
                document_id=doc.id,
                expected_checksum=record.checksum,
                text=new_text,
                checksum=checksum(new_text),
                turns=new_turns,
                remap=remap,
                remap_suggestion=omap.span,
                deidentified=True,
            )
        )
    if preview:
        return report
    if backup is not None:
        report.backup = backup("pre-deidentify")
    apply_text_changes(
        store,
        changes,
        kind="deidentify",
        coder_id=store.ensure_coder(coder).id if coder else None,
        summary=f"de-identify {len(changes)} documents",
        keep_quotes=False,
        scrub=lambda t: scrub(t, rules, patterns=patterns),
    )
    if restrict_exports:
        set_exports_deidentified_only(store, True)
    purge_free_space(store.engine)
    report.applied = True
    return report


def check_export_allowed(store: SqlProject, document_ids: Sequence[int] | None = None) -> None:
    """Raise when exports are restricted to de-identified text and a document is not.

    ``document_ids`` are the documents an export will include (all when ``None``).
    """
    if not exports_deidentified_only(store):
        return
    wanted = None if document_ids is None else set(document_ids)
    bad = [
        r.name
        for r in document_records(store)
        if not r.deidentified and (wanted is None or r.id in wanted)
    ]
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise WorkbenchError(
            f"exports are restricted to de-identified text, and {shown} "
            f"{'is' if len(bad) == 1 else 'are'} not de-identified: run `workbench deidentify`"
        )
