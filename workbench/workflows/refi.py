"""REFI-QDA exchange: import ``.qdpx``/``.qdc`` files into a project, export a project.

Import runs in two phases. First the file is read and checked completely and every
write is planned (codes matched, coders resolved, offsets validated, duplicates
found); anything fatal raises ``ImportFailed`` before the project is touched. Then the
plan is written: codebook, coders, documents, cases, codings, memos. The report says
what was added, what already existed and what was skipped and why.

Mapping (see also ``workbench.io.refi.description``):

* User <-> coder, by name. Codings without a user get the selection's, the source's or
  the project's creating user, else the coder ``imported``; a user GUID that is not in
  ``<Users>`` becomes a coder ``user-<first 8 hex digits>`` (more digits when two
  GUIDs share the first 8).
* Code <-> code. GUID = uuid5(key); key, keywords, patterns and memo also travel in a
  ``workbench:code`` comment. On import a code matches an existing one by that key,
  then by GUID (uuid5 of an existing key), then by name under the same (matched)
  parent; matched codes are left as they are. Description <-> definition, inclusion,
  exclusion, example in labelled form; an unlabelled description becomes the
  definition. A code with the GUID of a named case is NVivo's copy of that case: it is
  not imported as a code, and its codings link their documents to the case.
* TextSource <-> document. The stored text is exactly ``sources/<guid>.txt``; a
  source whose text is already in the project (same checksum) is matched, not added.
* PlainTextSelection + Coding <-> coding, ``[startPosition, endPosition)`` in code
  points. Our codings are grouped into one selection per (span, coder).
* Notes <-> memos: coding memos are notes referenced from the ``Coding``; document
  and code memos from the ``TextSource``/``Code``; project memos from the project;
  case memos through a ``Link`` (a ``Case`` cannot hold a ``NoteRef``). On import a
  selection's ``Description`` or notes also become the memo of its codings, and notes
  nothing points to become project memos.
* Case + VariableValue <-> case + attributes (all as text); ``SourceRef`` links a
  document to its case. Nameless cases (MAXQDA, Quirkos) and a source's own variable
  values describe that document: they become a case named after it.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from workbench import __version__
from workbench.core.errors import WorkbenchError
from workbench.core.model import Code, CodebookSpec, CodeSpec, ParsedDocument
from workbench.io._common import checksum
from workbench.io.refi.description import compose_description, guid_for, parse_description
from workbench.io.refi.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiLink,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)
from workbench.io.refi.reader import read_refi
from workbench.io.refi.writer import now_stamp, write_qdc, write_qdpx
from workbench.io.speakers import build_turns
from workbench.store.repos import NewCoding, SqlProject, slugify
from workbench.workflows.codebook import project_codebook

__all__ = [
    "EXPORT_KINDS",
    "ExportReport",
    "ImportReport",
    "RefiExport",
    "build_refi_export",
    "export_refi",
    "import_refi",
    "render_qdc",
    "render_qdpx",
]

EXPORT_KINDS = ("qdpx", "qdc")
DEFAULT_CODER = "imported"
_MAX_CODER = 100
_MAX_NAME = 200


def _plural(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


@dataclass
class ImportReport:
    """What an import did. ``skipped`` and ``assumptions`` are one-line messages."""

    path: Path
    kind: str
    origin: str = ""
    documents_added: int = 0
    documents_matched: int = 0
    codes_added: int = 0
    codes_matched: int = 0
    codings_added: int = 0
    codings_existing: int = 0
    coders_added: list[str] = field(default_factory=list)
    cases_added: int = 0
    cases_existing: int = 0
    memos_added: int = 0
    skipped: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.kind == "qdpx":
            docs = _plural(self.documents_added, "document")
            if self.documents_matched:
                docs += f" (+{self.documents_matched} already in the project)"
            parts.append(docs)
        codes = _plural(self.codes_added, "code")
        if self.codes_matched:
            codes += f" (+{self.codes_matched} already in the project)"
        parts.append(codes)
        if self.kind == "qdpx":
            codings = _plural(self.codings_added, "coding")
            if self.codings_existing:
                codings += f" (+{self.codings_existing} already in the project)"
            parts.append(codings)
            cases = _plural(self.cases_added, "case")
            if self.cases_existing:
                cases += f" (+{self.cases_existing} already in the project, attributes updated)"
            parts.append(cases)
            parts.append(_plural(self.memos_added, "memo"))
            if self.coders_added:
                parts.append("new coders: " + ", ".join(self.coders_added))
        origin = f" from {self.origin}" if self.origin else ""
        return f"{self.path.name}{origin}: imported " + ", ".join(parts)

    def lines(self) -> list[str]:
        return (
            [self.summary()]
            + [f"skipped: {line}" for line in self.skipped]
            + [f"note: {line}" for line in self.assumptions]
        )


@dataclass
class ExportReport:
    path: Path
    kind: str
    documents: int = 0
    codes: int = 0
    codings: int = 0
    coders: tuple[str, ...] = ()
    cases: int = 0
    memos: int = 0

    def summary(self) -> str:
        if self.kind == "qdc":
            return f"codebook with {_plural(self.codes, 'code')} written to {self.path}"
        coders = f" by {', '.join(self.coders)}" if self.coders else ""
        return (
            f"project written to {self.path}: {_plural(self.documents, 'document')}, "
            f"{_plural(self.codes, 'code')}, {_plural(self.codings, 'coding')}{coders}, "
            f"{_plural(self.cases, 'case')}, {_plural(self.memos, 'memo')}"
        )


# ===================================================================== import


@dataclass
class _DocPlan:
    parsed: ParsedDocument | None  # None when matched to an existing document
    existing_id: int | None
    source: RefiSource


@dataclass
class _MemoPlan:
    kind: str  # project, document, code, case
    target: object  # None, doc index, code key, case name
    text: str
    coder: str | None


@dataclass
class _Plan:
    new_codes: list[CodeSpec] = field(default_factory=list)
    coders: set[str] = field(default_factory=set)
    docs: list[_DocPlan] = field(default_factory=list)
    # (doc index, code key, coder, start, end, memo, starred)
    codings: list[tuple[int, str, str, int, int, str, bool]] = field(default_factory=list)
    cases: dict[str, dict[str, str]] = field(default_factory=dict)
    case_links: list[tuple[str, int]] = field(default_factory=list)  # (case, doc index)
    memos: list[_MemoPlan] = field(default_factory=list)


def import_refi(store: SqlProject, path: Path) -> ImportReport:
    """Import a ``.qdpx`` project or ``.qdc`` codebook; see the module docstring."""
    path = Path(path)
    project = read_refi(path)
    report = ImportReport(path=path, kind=project.kind, origin=project.origin)
    report.skipped.extend(project.skipped)
    report.assumptions.extend(project.assumptions)
    plan = _Planner(store, project, report, path).plan()
    _apply(store, plan, project, report, path)
    return report


class _Planner:
    def __init__(
        self, store: SqlProject, project: RefiProject, report: ImportReport, path: Path
    ) -> None:
        self.store = store
        self.project = project
        self.report = report
        self.path = path
        self.plan_ = _Plan()
        self.users = {u.guid: _coder_name(u) for u in project.users}
        self.unknown_users: dict[str, str] = {}
        self.no_user = 0
        # NVivo writes each case as a code too, with the case's GUID: those codes are
        # not codes here, and coding a text with one links the document to the case.
        code_guids = {code.guid for code, _, _ in project.walk_codes()}
        self.case_codes = {
            c.guid: c.name[:_MAX_NAME] for c in project.cases if c.name and c.guid in code_guids
        }
        self.case_codings: dict[tuple[str, int], int] = defaultdict(int)  # (case, doc) -> n
        self.notes = {n.guid: n for n in project.notes}
        self.used_notes: set[str] = set()
        self.code_keys: dict[str, str] = {}  # refi guid -> our key
        self.code_memo_notes: dict[str, str] = {}  # refi guid -> memo text taken from a note

    # -- helpers ------------------------------------------------------------------
    def coder(self, *guids: str | None) -> str:
        for guid in (*guids, self.project.creating_user):
            if not guid:
                continue
            if guid in self.users:
                return self.users[guid]
            if guid not in self.unknown_users:
                name = self.unknown_coder(guid)
                self.unknown_users[guid] = name
                self.report.assumptions.append(
                    f"user {guid} is not listed in the project: coder {name!r} created for it"
                )
            return self.unknown_users[guid]
        self.no_user += 1
        return DEFAULT_CODER

    def unknown_coder(self, guid: str) -> str:
        """``user-`` and the GUID's first 8 hex digits, longer when that name is taken."""
        digits = "".join(ch for ch in guid if ch.isalnum())[:32] or "unknown"
        taken = set(self.users.values()) | set(self.unknown_users.values())
        for length in (8, 12, 16, 32):
            name = f"user-{digits[:length]}"
            if name not in taken:
                return name
        n = 2
        while f"user-{digits}-{n}" in taken:
            n += 1
        return f"user-{digits}-{n}"

    def note_text(self, guids: Sequence[str]) -> list[str]:
        out = []
        for guid in guids:
            note = self.notes.get(guid)
            if note is None:
                continue
            self.used_notes.add(guid)
            if note.text.strip():
                out.append(note.text)
        return out

    def memo(self, kind: str, target: object, guids: Sequence[str]) -> None:
        for guid in guids:
            note = self.notes.get(guid)
            if note is None or guid in self.used_notes:
                continue
            self.used_notes.add(guid)
            if note.text.strip():
                coder = self.coder(note.user_guid) if note.user_guid else None
                self.plan_.memos.append(_MemoPlan(kind, target, note.text, coder))

    # -- plan ---------------------------------------------------------------------
    def plan(self) -> _Plan:
        self.plan_codes()
        if self.project.kind == "qdpx":
            self.plan_.coders.update(self.users.values())  # every user, coding or not
            doc_index = self.plan_documents()
            self.plan_cases(doc_index)
            self.plan_links(doc_index)
            self.plan_leftover_notes()
            if self.no_user:
                self.report.assumptions.append(
                    f"{_plural(self.no_user, 'coding')} without a user: "
                    f"assigned to coder {DEFAULT_CODER!r}"
                )
            if self.unknown_users and not self.project.users:
                self.report.assumptions.append(
                    "the project lists no users (no <Users>): coders are named after the "
                    "user GUIDs of the codings (user-<first hex digits>); rename them with "
                    "the coder tools if you know who they are"
                )
            self.report_shared_user_names()
        return self.plan_

    def report_shared_user_names(self) -> None:
        by_name: dict[str, int] = defaultdict(int)
        for name in self.users.values():
            by_name[name] += 1
        shared = sorted(name for name, n in by_name.items() if n > 1)
        if shared:
            self.report.assumptions.append(
                "users with the same name are one coder here: "
                + ", ".join(f"{name!r} ({by_name[name]} users)" for name in shared)
            )

    def plan_codes(self) -> None:
        existing = self.store.codes()
        by_key = {c.key: c for c in existing}
        by_guid = {guid_for("code", c.key): c for c in existing}
        by_place = {(c.parent_id, c.name.strip().lower()): c for c in existing}
        keys_taken = set(by_key)
        new_names: set[tuple[str | None, str]] = set()  # (parent key, lower name) of new codes
        matched_keys: dict[str, Code] = {}
        occurrences: dict[tuple[str | None, str], int] = defaultdict(int)
        duplicates = 0

        def visit(code: RefiCode, parent_key: str | None) -> None:
            nonlocal duplicates
            if code.guid in self.case_codes:
                for child in code.children:  # a case code's children move up a level
                    visit(child, parent_key)
                return
            if code.guid in self.code_keys:
                duplicates += 1
            # The n-th sibling of the same name is "Name (n)", here and on a re-import.
            place = (parent_key, code.name.strip().lower())
            occurrences[place] += 1
            n = occurrences[place]
            name = code.name if n == 1 else f"{code.name} ({n})"
            match: Code | None = None
            if code.wb_key and code.wb_key in by_key:
                match = by_key[code.wb_key]
            elif code.guid in by_guid:
                match = by_guid[code.guid]
            else:
                parent = matched_keys.get(parent_key) if parent_key else None
                if parent_key is None or parent is not None:
                    match = by_place.get((parent.id if parent else None, name.strip().lower()))
            if match is not None:
                key = match.key
                matched_keys[key] = match
                self.report.codes_matched += 1
                self.code_keys.setdefault(code.guid, key)
                memo_text = code.wb_memo if code.wb_memo is not None else match.memo
                self.code_notes(code, key, memo_text)
            else:
                key = self.new_code(code, name, parent_key, keys_taken, new_names)
                self.code_keys.setdefault(code.guid, key)
            for child in code.children:
                visit(child, key)

        for top in self.project.codes:
            visit(top, None)
        if duplicates:
            self.report.assumptions.append(
                f"{_plural(duplicates, 'code')} with a GUID used twice: "
                "codings refer to the first of them"
            )

    def new_code(
        self,
        code: RefiCode,
        name: str,
        parent_key: str | None,
        keys_taken: set[str],
        new_names: set[tuple[str | None, str]],
    ) -> str:
        base = code.wb_key if code.wb_key and code.wb_key not in keys_taken else None
        key = base or slugify(name)[:180]
        stem, n = key, 2
        while key in keys_taken:
            key, n = f"{stem}-{n}", n + 1
        keys_taken.add(key)
        name = stem_name = name[:300]
        n = 2
        while (parent_key, name.strip().lower()) in new_names:
            name, n = f"{stem_name} ({n})", n + 1
        if name != code.name:
            self.report.assumptions.append(
                f"code {code.name!r} appears more than once under the same parent: "
                f"this one was named {name!r}"
            )
        new_names.add((parent_key, name.strip().lower()))
        fields = parse_description(code.description)
        if code.wb_memo is not None or code.wb_key is not None:
            memo = code.wb_memo or ""  # our own export: the memo field travels in the comment
        else:
            first = self.note_text(code.note_refs[:1])
            memo = first[0] if first else ""
        self.plan_.new_codes.append(
            CodeSpec(
                key=key,
                name=name,
                parent=parent_key,
                definition=fields["definition"],
                inclusion=fields["inclusion"],
                exclusion=fields["exclusion"],
                example=fields["example"],
                colour=code.colour.lower(),
                keywords=code.wb_keywords,
                patterns=code.wb_patterns,
                memo=memo,
            )
        )
        self.code_notes(code, key, memo)
        return key

    def code_notes(self, code: RefiCode, key: str, memo_field: str) -> None:
        """Notes on a code: the one repeating the memo field is consumed, others -> memos."""
        for guid in code.note_refs:
            note = self.notes.get(guid)
            if note is not None and note.text.strip() == memo_field.strip():
                self.used_notes.add(guid)
                break
        self.memo("code", key, code.note_refs)

    def plan_documents(self) -> dict[str, int]:
        """Plan documents and codings; returns source GUID -> document index."""
        index: dict[str, int] = {}
        by_checksum: dict[str, int] = {}
        whole = 0
        missing_codes: dict[str, int] = defaultdict(int)
        seen: set[tuple[int, str, str, int, int]] = set()
        existing_codings: dict[int, set[tuple[str, str, int, int]]] = {}
        codes_by_id = {c.id: c.key for c in self.store.codes()}
        coders_by_id = {c.id: c.name for c in self.store.coders()}
        for source in self.project.sources:
            digest = checksum(source.text)
            if digest in by_checksum:
                index[source.guid] = by_checksum[digest]
                first = self.plan_.docs[by_checksum[digest]].source.name
                self.report.assumptions.append(
                    f"source {source.name!r} has the same text as {first!r}: "
                    "merged into one document"
                )
            else:
                existing = self.store.document_by_checksum(digest)
                if existing is not None:
                    plan = _DocPlan(None, existing.id, source)
                    self.report.documents_matched += 1
                    existing_codings[len(self.plan_.docs)] = {
                        (codes_by_id[c.code_id], coders_by_id[c.coder_id], c.start, c.end)
                        for c in self.store.codings(document_id=existing.id)
                    }
                else:
                    parsed = ParsedDocument(
                        name=source.name[:300],
                        text=source.text,
                        turns=tuple(build_turns(source.text)),
                        source_format="qdpx",
                        checksum=digest,
                        source_path=str(self.path),
                    )
                    plan = _DocPlan(parsed, None, source)
                    self.report.documents_added += 1
                by_checksum[digest] = len(self.plan_.docs)
                index[source.guid] = len(self.plan_.docs)
                self.plan_.docs.append(plan)
            doc = index[source.guid]
            spans: list[tuple[RefiSelection | None, int, int, tuple[RefiCoding, ...]]] = [
                (sel, sel.start, sel.end, sel.codings) for sel in source.selections
            ]
            if source.codings:
                whole += len(source.codings)
                spans.append((None, 0, len(source.text), source.codings))
            for sel, start, end, codings in spans:
                shared = []
                if sel is not None:
                    if sel.description:
                        shared.append(sel.description)
                    shared.extend(self.note_text(sel.note_refs))
                if not codings:
                    if shared and sel is not None:
                        self.selection_memo(doc, source, sel, shared)
                    continue
                for coding in codings:
                    key = self.code_keys.get(coding.code_guid)
                    if key is None and coding.code_guid in self.case_codes:
                        self.case_codings[(self.case_codes[coding.code_guid], doc)] += 1
                        continue
                    if key is None:
                        missing_codes[coding.code_guid] += 1
                        continue
                    coder = self.coder(
                        coding.user_guid, sel.user_guid if sel else None, source.user_guid
                    )
                    self.plan_.coders.add(coder)
                    memo = "\n\n".join([*self.note_text(coding.note_refs), *shared])
                    ident = (doc, key, coder, start, end)
                    if ident in seen or (key, coder, start, end) in existing_codings.get(doc, ()):
                        self.report.codings_existing += 1
                        continue
                    seen.add(ident)
                    self.plan_.codings.append(
                        (doc, key, coder, start, end, memo, coding.wb_starred)
                    )
            if source.description:
                self.plan_.memos.append(_MemoPlan("document", doc, source.description, None))
            self.memo("document", doc, source.note_refs)
        for guid, n in sorted(missing_codes.items()):
            why = f"whose code {guid} is not in the codebook" if guid else "without a CodeRef"
            self.report.skipped.append(f"{_plural(n, 'coding')} {why}")
        if whole:
            self.report.assumptions.append(
                f"{_plural(whole, 'coding')} of whole sources imported as codings of the full text"
            )
        self.report.codings_added = len(self.plan_.codings)
        return index

    def selection_memo(
        self, doc: int, source: RefiSource, sel: RefiSelection, texts: list[str]
    ) -> None:
        quote = " ".join(source.text[sel.start : sel.end].split())
        if len(quote) > 60:
            quote = quote[:59] + "…"
        body = "\n\n".join(texts)
        self.plan_.memos.append(
            _MemoPlan(
                "document",
                doc,
                f"On “{quote}” (characters {sel.start}-{sel.end}):\n{body}",
                self.coder(sel.user_guid) if sel.user_guid else None,
            )
        )

    def plan_cases(self, doc_index: dict[str, int]) -> None:
        variables = {v.guid: v.name or f"variable-{v.guid[:8]}" for v in self.project.variables}

        def attrs(values: tuple[RefiValue, ...]) -> dict[str, str]:
            return {
                variables.get(v.variable_guid, f"variable-{v.variable_guid[:8]}")[
                    :_MAX_NAME
                ]: v.value
                for v in values
            }

        def doc_name(i: int) -> str:
            plan = self.plan_.docs[i]
            return (plan.parsed.name if plan.parsed else plan.source.name)[:_MAX_NAME]

        nameless = 0
        for case in self.project.cases:
            refs = [doc_index[g] for g in case.source_refs if g in doc_index]
            name = case.name
            if not name:
                if len(refs) != 1:
                    nameless += 1
                    continue
                name = doc_name(refs[0])
            name = name[:_MAX_NAME]
            self.plan_.cases.setdefault(name, {}).update(attrs(case.values))
            for i in refs:
                self.plan_.case_links.append((name, i))
            if case.description:
                self.plan_.memos.append(_MemoPlan("case", name, case.description, None))
        if nameless:
            self.report.skipped.append(
                f"{_plural(nameless, 'case')} without a name and without exactly one source"
            )
        for (name, i), _n in sorted(self.case_codings.items()):
            self.plan_.cases.setdefault(name, {})
            if (name, i) not in self.plan_.case_links:
                self.plan_.case_links.append((name, i))
        if self.case_codes:
            linked = sum(self.case_codings.values())
            self.report.assumptions.append(
                f"{_plural(len(self.case_codes), 'code')} with the GUID of a case (NVivo "
                "writes each case as a code too) not imported as codes"
                + (
                    f"; their {_plural(linked, 'coding')} link the coded documents to the "
                    "cases instead"
                    if linked
                    else ""
                )
            )
        per_source = 0
        for i, plan in enumerate(self.plan_.docs):
            if plan.source.values:
                name = doc_name(i)
                self.plan_.cases.setdefault(name, {}).update(attrs(plan.source.values))
                self.plan_.case_links.append((name, i))
                per_source += 1
        if per_source:
            self.report.assumptions.append(
                f"variables of {_plural(per_source, 'source')} stored as cases named after "
                "the documents"
            )
        known = {c.name for c in self.store.cases()}
        self.report.cases_existing = sum(1 for name in self.plan_.cases if name in known)
        self.report.cases_added = len(self.plan_.cases) - self.report.cases_existing

    def plan_links(self, doc_index: dict[str, int]) -> None:
        cases = {c.guid: c.name for c in self.project.cases if c.name}
        selections: dict[str, tuple[int, RefiSource, RefiSelection]] = {}
        for source in self.project.sources:
            if source.guid in doc_index:
                for sel in source.selections:
                    selections[sel.guid] = (doc_index[source.guid], source, sel)
        code_guids = self.code_keys
        other = 0
        for link in self.project.links:
            note_guid, target = _note_end(link, self.notes)
            if note_guid is None or target is None:
                other += 1
                continue
            if note_guid in self.used_notes:
                continue
            if target in cases:
                self.memo("case", cases[target][:_MAX_NAME], [note_guid])
            elif target in doc_index:
                self.memo("document", doc_index[target], [note_guid])
            elif target in code_guids:
                self.memo("code", code_guids[target], [note_guid])
            elif target in selections:
                doc, source, sel = selections[target]
                self.selection_memo(doc, source, sel, self.note_text([note_guid]))
            else:
                other += 1
        if other:
            self.report.skipped.append(
                f"{_plural(other, 'link')} between codes, sources or selections "
                "(the workbench has no links)"
            )

    def plan_leftover_notes(self) -> None:
        self.memo("project", None, self.project.note_refs)
        loose = [n.guid for n in self.project.notes if n.guid not in self.used_notes]
        if loose:
            self.report.assumptions.append(
                f"{_plural(len(loose), 'note')} not attached to anything imported as project memos"
            )
            self.memo("project", None, loose)


def _note_end(link: RefiLink, notes: dict[str, RefiNote]) -> tuple[str | None, str | None]:
    if link.origin in notes:
        return link.origin, link.target
    if link.target in notes:
        return link.target, link.origin
    return None, None


def _coder_name(user: RefiUser) -> str:
    name = " ".join(user.name.split())[:_MAX_CODER]
    return name or f"user-{user.guid.replace('-', '')[:8]}"


def _apply(
    store: SqlProject, plan: _Plan, project: RefiProject, report: ImportReport, path: Path
) -> None:
    if plan.new_codes:
        spec = project_codebook(store, path.name)
        store.import_codebook(
            CodebookSpec(name=path.name, codes=spec.codes + tuple(plan.new_codes))
        )
        report.codes_added = len(plan.new_codes)
    before = {c.name for c in store.coders()}
    memo_coders = {m.coder for m in plan.memos if m.coder}
    coder_ids = {name: store.ensure_coder(name).id for name in sorted(plan.coders | memo_coders)}
    report.coders_added = sorted(set(coder_ids) - before)
    doc_ids: list[int] = []
    new_docs = sum(1 for doc in plan.docs if doc.parsed is not None)
    if new_docs:
        report.assumptions.append(
            f"{new_docs} new document(s): speaker turns were rebuilt from the speaker labels in "
            "the text; media times of turns (from .vtt/.srt transcripts) are not part of "
            "REFI-QDA and were not carried over"
        )
    for doc in plan.docs:
        if doc.parsed is not None:
            doc_ids.append(store.add_document(doc.parsed).id)
        else:
            assert doc.existing_id is not None
            doc_ids.append(doc.existing_id)
    if plan.cases:
        store.upsert_cases(sorted(plan.cases.items()))
        _link_cases(store, plan, doc_ids, report)
    if plan.codings:
        codes = {c.key: c.id for c in store.codes()}
        store.add_codings_bulk(
            (
                NewCoding(doc_ids[d], codes[key], coder_ids[coder], s, e, memo, starred)
                for d, key, coder, s, e, memo, starred in plan.codings
            ),
            "import.refi",
            f"REFI-QDA import {path.name}",
        )
    if plan.memos:
        _add_memos(store, plan, doc_ids, coder_ids, report)
    if project.kind == "qdpx":
        if store.get_meta("name") is None and project.name:
            store.set_meta("name", project.name)
        if store.get_meta("description") is None and project.description:
            store.set_meta("description", project.description)


def _link_cases(store: SqlProject, plan: _Plan, doc_ids: list[int], report: ImportReport) -> None:
    cases = {c.name: c.id for c in store.cases()}
    docs = {d.id: d for d in store.documents()}
    conflicts = []
    for name, index in plan.case_links:
        doc = docs.get(doc_ids[index])
        case_id = cases.get(name)
        if doc is None or case_id is None or doc.case_id == case_id:
            continue
        if doc.case_id is None:
            store.set_document_case(doc.id, case_id)
            docs[doc.id] = replace(doc, case_id=case_id, case_name=name)
        else:
            conflicts.append(f"{doc.name} (kept in {doc.case_name}, not {name})")
    if conflicts:
        report.skipped.append(
            "case links of documents already linked to another case: " + ", ".join(conflicts)
        )


def _add_memos(
    store: SqlProject,
    plan: _Plan,
    doc_ids: list[int],
    coder_ids: dict[str, int],
    report: ImportReport,
) -> None:
    codes = {c.key: c.id for c in store.codes()}
    cases = {c.name: c.id for c in store.cases()}
    existing = {(m.kind, m.target_id, m.text) for m in store.memos()}
    for memo in plan.memos:
        target: int | None
        if memo.kind == "document":
            assert isinstance(memo.target, int)
            target = doc_ids[memo.target]
        elif memo.kind == "code":
            target = codes.get(str(memo.target))
        elif memo.kind == "case":
            target = cases.get(str(memo.target))
        else:
            target = None
        if memo.kind != "project" and target is None:
            continue
        ident = (memo.kind, target, memo.text)
        if ident in existing:
            continue
        existing.add(ident)
        coder = coder_ids.get(memo.coder) if memo.coder else None
        store.add_memo(memo.kind, target, memo.text, coder)
        report.memos_added += 1


# ===================================================================== export


def export_refi(
    store: SqlProject, path: Path, kind: str = "qdpx", name: str | None = None
) -> ExportReport:
    """Write the project (``qdpx``) or its codebook (``qdc``) to ``path`` atomically (0600)."""
    if kind not in EXPORT_KINDS:
        raise WorkbenchError(f"unknown export format {kind!r} (choose qdpx or qdc)")
    path = Path(path)
    project, report = build_refi_project(store, path, kind, name)
    if kind == "qdc":
        if not project.codes:
            raise WorkbenchError("the project has no codes: nothing to export as a codebook")
        data = write_qdc(project)
    else:
        data = write_qdpx(project)
    write_atomically(path, data)
    return report


@dataclass(frozen=True, slots=True)
class RefiExport:
    """A built REFI-QDA export, for the ``workbench export`` dispatch table."""

    project: RefiProject
    report: ExportReport
    is_empty: bool = False

    def describe(self) -> str:
        r = self.report
        if r.kind == "qdc":
            return _plural(r.codes, "code")
        coders = f" by {', '.join(r.coders)}" if r.coders else ""
        return (
            f"{_plural(r.documents, 'document')}, {_plural(r.codes, 'code')}, "
            f"{_plural(r.codings, 'coding')}{coders}, {_plural(r.cases, 'case')}, "
            f"{_plural(r.memos, 'memo')}"
        )


def build_refi_export(
    store: SqlProject, kind: str, name: str = "", filtered: bool = False
) -> RefiExport:
    """Build a ``qdpx`` or ``qdc`` export of the whole project (filters do not apply)."""
    if filtered:
        raise WorkbenchError(
            f"{kind} exports the whole project; --coder, --codes, --where and --documents "
            "do not apply to it"
        )
    project, report = build_refi_project(store, Path(name or "project"), kind, name or None)
    if kind == "qdc" and not project.codes:
        raise WorkbenchError("the project has no codes: nothing to export as a codebook")
    return RefiExport(project, report)


def render_qdpx(data: RefiExport, out: BinaryIO) -> None:
    out.write(write_qdpx(data.project))


def render_qdc(data: RefiExport, out: BinaryIO) -> None:
    out.write(write_qdc(data.project))


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and ``os.replace``; mode 0600."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise WorkbenchError(f"{path}: is a directory; give a file name")
    if not folder.is_dir():
        raise WorkbenchError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise WorkbenchError(f"{path}: cannot write ({err.strerror or err})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise WorkbenchError(f"{path}: cannot write ({err.strerror or err})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stamp(moment: datetime | None) -> str | None:
    return now_stamp(moment) if moment is not None else None


def build_refi_project(
    store: SqlProject, path: Path, kind: str = "qdpx", name: str | None = None
) -> tuple[RefiProject, ExportReport]:
    """The project as ``RefiProject`` dataclasses (and what it holds, for the report)."""
    full = kind == "qdpx"
    coders = store.coders()
    coder_names = {c.id: c.name for c in coders}
    user_guid = {c.id: guid_for("user", c.name) for c in coders}
    memos = store.memos() if full else []
    codes = store.codes()
    docs = store.documents()
    doc_ids = {d.id for d in docs}
    code_ids = {c.id for c in codes}
    cases = store.cases()
    case_ids = {c.id for c in cases}

    notes: list[RefiNote] = []
    links: list[RefiLink] = []
    note_refs: dict[tuple[str, int | None], list[str]] = defaultdict(list)

    def add_note(guid: str, note_name: str, text: str, coder_id: int | None) -> str:
        notes.append(
            RefiNote(
                guid=guid,
                name=note_name,
                text=text,
                user_guid=user_guid.get(coder_id) if coder_id is not None else None,
            )
        )
        return guid

    for m in memos:
        target_ok = (
            (m.kind == "document" and m.target_id in doc_ids)
            or (m.kind == "code" and m.target_id in code_ids)
            or (m.kind == "case" and m.target_id in case_ids)
        )
        kind_key = m.kind if target_ok else "project"
        guid = add_note(guid_for("memo", m.id), f"{m.kind} memo", m.text, m.coder_id)
        note_refs[(kind_key, m.target_id if target_ok else None)].append(guid)

    # codes
    children: dict[int | None, list[Code]] = defaultdict(list)
    for c in codes:  # tree order: siblings already sorted
        children[c.parent_id].append(c)

    def refi_code(c: Code) -> RefiCode:
        refs: list[str] = []
        if full and c.memo.strip():
            refs.append(add_note(guid_for("code-memo", c.key), "code memo", c.memo, None))
        refs.extend(note_refs.get(("code", c.id), []))
        return RefiCode(
            guid=guid_for("code", c.key),
            name=c.name,
            codable=True,
            colour=c.colour,
            description=compose_description(c.definition, c.inclusion, c.exclusion, c.example),
            children=tuple(refi_code(k) for k in children[c.id]),
            note_refs=tuple(refs),
            wb_key=c.key,
            wb_keywords=tuple(c.keywords),
            wb_patterns=tuple(c.patterns),
            wb_memo=c.memo or None,
        )

    refi_codes = tuple(refi_code(c) for c in children[None])
    report = ExportReport(path=path, kind=kind, codes=len(codes))
    origin = f"workbench {__version__}"
    project_name = name or store.get_meta("name") or path.stem
    if not full:
        return RefiProject(name=project_name, kind="qdc", origin=origin, codes=refi_codes), report

    code_key = {c.id: c.key for c in codes}
    sources: list[RefiSource] = []
    n_codings = 0
    for doc in docs:
        text = store.text(doc.id)
        groups: dict[tuple[int, int, int], list] = defaultdict(list)
        for coding in store.codings(document_id=doc.id):
            groups[(coding.start, coding.end, coding.coder_id)].append(coding)
        selections = []
        for (start, end, coder_id), group in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1], coder_names[kv[0][2]])
        ):
            coder = coder_names[coder_id]
            sel_guid = guid_for("selection", doc.checksum, start, end, coder)
            refi_codings = []
            for coding in sorted(group, key=lambda c: code_key[c.code_id]):
                coding_guid = guid_for("coding", sel_guid, code_key[coding.code_id])
                refs: tuple[str, ...] = ()
                if coding.memo.strip():
                    refs = (
                        add_note(
                            guid_for("coding-memo", coding_guid),
                            "coding memo",
                            coding.memo,
                            coder_id,
                        ),
                    )
                refi_codings.append(
                    RefiCoding(
                        guid=coding_guid,
                        code_guid=guid_for("code", code_key[coding.code_id]),
                        user_guid=user_guid[coder_id],
                        created=_stamp(coding.created_at),
                        note_refs=refs,
                        wb_starred=coding.starred,
                    )
                )
            n_codings += len(refi_codings)
            snippet = " ".join(text[start:end].split())
            selections.append(
                RefiSelection(
                    guid=sel_guid,
                    start=start,
                    end=end,
                    codings=tuple(refi_codings),
                    user_guid=user_guid[coder_id],
                    name=snippet[:60] + ("…" if len(snippet) > 60 else ""),
                )
            )
        sources.append(
            RefiSource(
                guid=guid_for("source", doc.checksum),
                name=doc.name,
                text=text,
                selections=tuple(selections),
                note_refs=tuple(note_refs.get(("document", doc.id), [])),
            )
        )

    attribute_names = sorted({a for c in cases for a in c.attributes})
    variables = tuple(RefiVariable(guid_for("variable", a), a) for a in attribute_names)
    refi_cases = []
    for case in cases:
        case_guid = guid_for("case", case.name)
        refi_cases.append(
            RefiCase(
                guid=case_guid,
                name=case.name,
                values=tuple(
                    RefiValue(guid_for("variable", a), case.attributes[a])
                    for a in attribute_names
                    if a in case.attributes
                ),
                source_refs=tuple(
                    guid_for("source", d.checksum) for d in docs if d.case_id == case.id
                ),
            )
        )
        for note_guid in note_refs.get(("case", case.id), []):
            links.append(
                RefiLink(guid_for("link", note_guid, case_guid), note_guid, case_guid, "memo")
            )

    report.documents = len(docs)
    report.codings = n_codings
    report.coders = tuple(c.name for c in coders)
    report.cases = len(cases)
    report.memos = len(memos)
    project = RefiProject(
        name=project_name,
        kind="qdpx",
        origin=origin,
        description=store.get_meta("description") or "",
        created=now_stamp(datetime.now(UTC)),
        users=tuple(RefiUser(user_guid[c.id], c.name) for c in coders),
        codes=refi_codes,
        variables=variables,
        cases=tuple(refi_cases),
        sources=tuple(sources),
        notes=tuple(notes),
        links=tuple(links),
        note_refs=tuple(note_refs.get(("project", None), [])),
    )
    return project, report
