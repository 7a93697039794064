"""Merge another copy of the project into this one: ``workbench merge OTHER_PROJECT``.

Coders often code on copies of one project (a file each) and bring the work together.
A merge adds the other copy's coders, codes, cases, documents, codings, memos and
reconciliation decisions to this project, in one transaction after an automatic
backup. It only adds and updates - it never deletes - and running it twice adds
nothing the second time.

Matching:

* coders by name; cases by name (missing attributes are added; differing values are
  conflicts, ours kept).
* codes by key (the stable id a codebook carries), then by name under the same
  (matched) parent; otherwise added with their parent. Differing names or
  definitions are conflicts, ours kept.
* documents by checksum (same text). A document whose text was revised or
  de-identified in one copy is still recognised through the revision history; as a
  last resort a document with the same name and at least 90 % the same text is taken
  as a revision. In those cases our text stays and their codings are re-anchored onto
  it exactly as ``workbench revise`` does, the unplaceable ones flagged for review.
  Other documents are added.
* codings: the same coding (same coder and creation time) edited in one copy takes
  the most recently updated version; otherwise a coding is added unless this project
  already has the same coder, code and span (an empty memo is then filled in; two
  different memos are a conflict, ours kept).
* memos: the same memo (same coder and creation time) takes the newer text; otherwise
  added unless the same text is already on the same target.

The other project is never changed: a project file is read from a private temporary
copy (made with SQLite's backup API, then upgraded to this version's schema); a server
project must already be at this version's schema.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rapidfuzz import fuzz
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from workbench.core.errors import ProjectError, WorkbenchError
from workbench.core.model import ParsedDocument
from workbench.core.settings import is_server_url
from workbench.store import migrate
from workbench.store.engine import make_engine, redact
from workbench.store.repos import SqlProject
from workbench.store.team import MergeWrite, ProjectSnapshot, apply_merge, read_snapshot
from workbench.workflows.revisions import Anchorer

Backup = Callable[[str], Path | None]
SIMILAR_TEXT = 90.0  # % for a same-name document to count as a revision of ours
MAX_CONFLICTS_SHOWN = 30
_CODE_FIELDS = (
    "name", "position", "definition", "inclusion", "exclusion", "example", "colour",
    "keywords", "patterns", "memo",
)  # fmt: skip
_CODING_FIELDS = ("code_id", "start", "end", "memo", "starred", "needs_review")


@dataclass
class MergeReport:
    other: str
    counts: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    backup: Path | None = None

    def lines(self) -> list[str]:
        c = self.counts
        verb = "merged" if self.applied else "would merge"
        parts = [
            f"{c[key]} {label}"
            for key, label in _LABELS
            if c[key] or key in ("documents_added", "codings_added")
        ]
        if not any(c[k] for k in _ADDED):
            out = [f"{self.other}: nothing new to merge ({', '.join(parts)})"]
        else:
            out = [f"{verb} {self.other}: {', '.join(parts)}"]
        out.extend(f"note: {n}" for n in self.notes)
        shown = self.conflicts[:MAX_CONFLICTS_SHOWN]
        out.extend(f"conflict: {x}" for x in shown)
        if len(self.conflicts) > len(shown):
            out.append(f"conflict: ... and {len(self.conflicts) - len(shown)} more")
        if self.backup is not None:
            out.append(f"backup: {self.backup}")
        return out


_LABELS = (
    ("documents_added", "documents added"),
    ("documents_matched", "matched"),
    ("documents_reanchored", "re-anchored"),
    ("coders_added", "coders added"),
    ("codes_added", "codes added"),
    ("cases_added", "cases added"),
    ("attributes_added", "attributes added"),
    ("codings_added", "codings added"),
    ("codings_updated", "codings updated"),
    ("codings_memo_filled", "coding memos filled in"),
    ("codings_same", "codings already here"),
    ("codings_flagged", "codings flagged for review"),
    ("codings_skipped", "codings skipped"),
    ("memos_added", "memos added"),
    ("memos_updated", "memos updated"),
    ("memos_skipped", "memos skipped"),
    ("decisions_added", "decisions added"),
    ("decisions_skipped", "decisions skipped (texts differ)"),
)
_ADDED = (
    "documents_added", "codes_added", "coders_added", "codings_added", "codings_updated",
    "memos_added", "memos_updated", "cases_added", "attributes_added", "decisions_added",
    "codings_memo_filled",
)  # fmt: skip


# -- opening the other copy ------------------------------------------------------------------


def _is_project(engine: Engine) -> bool:
    return "alembic_version" in set(inspect(engine).get_table_names())


@contextlib.contextmanager
def open_other(spec: str, ours: Engine) -> Iterator[Engine]:
    """The other project, read-only in effect: a private upgraded copy of a file, or a
    server project at the current schema."""
    label = redact(spec) if is_server_url(spec) else spec
    if is_server_url(spec):
        if spec == ours.url.render_as_string(hide_password=False):
            raise WorkbenchError("cannot merge a project into itself")
        try:
            engine = make_engine(spec)
            if not _is_project(engine):
                raise ProjectError(f"{label}: not a workbench project")
            if migrate.needs_upgrade(engine):
                raise ProjectError(
                    f"{label}: made with another version of workbench; open it once with this "
                    "version to upgrade it, then merge"
                )
        except (DatabaseError, OperationalError) as err:
            reason = str(getattr(err, "orig", err)).splitlines()[0]
            raise ProjectError(f"{label}: cannot open project ({reason})") from err
        except ProjectError:
            raise
        except Exception as err:  # noqa: BLE001 - bad URL or missing driver: one line
            raise ProjectError(f"{label}: cannot open project ({_safe(err, spec)})") from err
        try:
            yield engine
        finally:
            engine.dispose()
        return
    path = Path(spec).expanduser()
    if not path.is_file():
        raise ProjectError(f"{label}: no such project file")
    if ours.dialect.name == "sqlite" and ours.url.database:
        if path.resolve() == Path(ours.url.database).resolve():
            raise WorkbenchError("cannot merge a project into itself")
    with tempfile.TemporaryDirectory(prefix="workbench-merge-") as tmp:
        copy = Path(tmp) / "other.sqlite"
        _copy_sqlite(path, copy, label)
        engine = make_engine(str(copy))
        try:
            try:
                if not _is_project(engine):
                    raise ProjectError(f"{label}: not a workbench project")
                if migrate.needs_upgrade(engine):
                    migrate.upgrade(engine)
            except (DatabaseError, OperationalError) as err:
                reason = str(getattr(err, "orig", err)).splitlines()[0]
                raise ProjectError(f"{label}: cannot open project ({reason})") from err
            yield engine
        finally:
            engine.dispose()


def _safe(err: Exception, spec: str) -> str:
    """The first line of an error, unless it could show the URL's password."""
    message = str(err).splitlines()[0] if str(err) else type(err).__name__
    secret = re.search(r"//[^/@]*:([^@/]*)@", spec)
    if (
        secret
        and secret.group(1)
        and (secret.group(1) in message or unquote(secret.group(1)) in message)
    ):
        return type(err).__name__
    return message


def _copy_sqlite(source: Path, target: Path, label: str) -> None:
    fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(target))
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
    except sqlite3.Error as err:
        raise ProjectError(f"{label}: cannot open project ({err})") from err


# -- planning -------------------------------------------------------------------------------


class _Planner:
    def __init__(self, ours: ProjectSnapshot, theirs: ProjectSnapshot, report: MergeReport):
        self.ours, self.theirs, self.report = ours, theirs, report
        self.plan = MergeWrite()
        self._temp = 0
        self.coder: dict[int, int] = {}
        self.code: dict[int, int] = {}
        self.case: dict[int, int] = {}
        self.doc: dict[int, int] = {}
        self.anchor: dict[int, Anchorer] = {}  # their doc id -> their text onto ours
        self.identical: set[int] = set()  # their doc ids whose text equals ours

    def temp(self) -> int:
        self._temp -= 1
        return self._temp

    def conflict(self, text: str) -> None:
        self.report.conflicts.append(text)

    def run(self) -> MergeWrite:
        self.coders()
        self.codes()
        self.cases()
        self.documents()
        self.codings()
        self.memos()
        self.decisions()
        return self.plan

    # -- coders, codes, cases ---------------------------------------------------------------
    def coders(self) -> None:
        ours = {name: cid for cid, name in self.ours.coders.items()}
        for cid, name in self.theirs.coders.items():
            if name in ours:
                self.coder[cid] = ours[name]
            else:
                t = self.temp()
                self.plan.coders.append((t, name))
                self.coder[cid] = t
                self.report.counts["coders_added"] += 1

    def codes(self) -> None:
        by_key = {c["key"]: c for c in self.ours.codes}
        by_place = {(c["parent_id"], c["name"].strip().lower()): c["id"] for c in self.ours.codes}
        for c in self.theirs.codes:
            parent = self.code.get(c["parent_id"]) if c["parent_id"] is not None else None
            mine = by_key.get(c["key"])
            if mine is not None:
                self.code[c["id"]] = mine["id"]
                self.report.counts["codes_matched"] += 1
                diff = [f for f in ("name", "definition") if (mine[f] or "") != (c[f] or "")]
                if diff:
                    self.conflict(
                        f"code {c['key']!r}: {' and '.join(diff)} differ "
                        f"(ours {mine['name']!r}, theirs {c['name']!r}); kept ours"
                    )
                continue
            place = (parent, c["name"].strip().lower())
            if place in by_place:
                self.code[c["id"]] = by_place[place]
                self.report.counts["codes_matched"] += 1
                continue
            t = self.temp()
            values = {f: c[f] for f in _CODE_FIELDS}
            values.update(key=c["key"], parent_id=parent)
            self.plan.codes.append((t, values))
            self.code[c["id"]] = t
            by_place[place] = t
            by_key[c["key"]] = {**c, "id": t}
            self.report.counts["codes_added"] += 1

    def cases(self) -> None:
        ours = {name.lower(): cid for cid, name in self.ours.cases.items()}
        for cid, name in self.theirs.cases.items():
            mine = ours.get(name.lower())
            theirs_attrs = self.theirs.case_attributes.get(cid, {})
            if mine is None:
                t = self.temp()
                self.plan.cases.append((t, name))
                self.case[cid] = t
                ours[name.lower()] = t
                self.report.counts["cases_added"] += 1
                for k, v in theirs_attrs.items():
                    self.plan.case_attributes.append((t, k, v))
                continue
            self.case[cid] = mine
            our_attrs = self.ours.case_attributes.get(mine, {})
            for k, v in theirs_attrs.items():
                if k not in our_attrs:
                    self.plan.case_attributes.append((mine, k, v))
                    self.report.counts["attributes_added"] += 1
                elif our_attrs[k] != v:
                    self.conflict(
                        f"case {name}: {k} is {our_attrs[k]!r} here, {v!r} there; kept ours"
                    )

    # -- documents ----------------------------------------------------------------------
    def documents(self) -> None:
        by_sum = {d["checksum"]: d for d in self.ours.documents}
        by_id = {d["id"]: d for d in self.ours.documents}
        by_name: dict[str, list[dict[str, Any]]] = {}
        for d in self.ours.documents:
            by_name.setdefault(d["name"].lower(), []).append(d)
        their_old: dict[int, set[str]] = {}
        for old, did in self.theirs.revisions.items():
            their_old.setdefault(did, set()).add(old)
        for d in self.theirs.documents:
            mine = by_sum.get(d["checksum"])
            if mine is not None:
                self.doc[d["id"]] = mine["id"]
                self.identical.add(d["id"])
                self.report.counts["documents_matched"] += 1
                continue
            mine, how = None, ""
            if d["checksum"] in self.ours.revisions:
                mine, how = by_id[self.ours.revisions[d["checksum"]]], "revised here"
            else:
                for old in their_old.get(d["id"], ()):
                    if old in by_sum:
                        mine, how = by_sum[old], "revised there"
                        break
            if mine is None:
                for cand in by_name.get(d["name"].lower(), []):
                    if fuzz.ratio(cand["text"], d["text"], score_cutoff=SIMILAR_TEXT):
                        mine, how = cand, "same name, text differs"
                        break
            if mine is not None:
                self.doc[d["id"]] = mine["id"]
                self.anchor[d["id"]] = Anchorer(d["text"], mine["text"])
                self.report.counts["documents_reanchored"] += 1
                self.conflict(
                    f"document {d['name']}: the texts differ ({how}); kept ours, their "
                    "codings re-anchored"
                )
                if mine["deidentified"] and not d["deidentified"]:
                    self.report.notes.append(
                        f"{d['name']} is de-identified here but not in the other copy: "
                        "check merged memos, or run `workbench deidentify` again"
                    )
                continue
            t = self.temp()
            case_ref = self.case.get(d["case_id"]) if d["case_id"] is not None else None
            parsed = ParsedDocument(
                name=d["name"], text=d["text"], turns=d["turns"],
                source_format=d["source_format"], checksum=d["checksum"],
                source_path=d["source_path"],
            )  # fmt: skip
            self.plan.documents.append((t, parsed, case_ref))
            self.doc[d["id"]] = t
            self.report.counts["documents_added"] += 1
            if d["deidentified"]:
                self.report.notes.append(
                    f"{d['name']} was de-identified there; it is added as not de-identified"
                )

    # -- codings --------------------------------------------------------------------------
    def codings(self) -> None:
        spans: dict[tuple[int, int, int, int, int], dict[str, Any]] = {}
        identity = _Identity()
        for c in self.ours.codings:
            identity.add(self.ours.coders.get(c["coder_id"]), c)
            spans[(c["document_id"], c["code_id"], c["coder_id"], c["start"], c["end"])] = c
        counts = self.report.counts
        for c in self.theirs.codings:
            doc = self.doc.get(c["document_id"])
            code = self.code.get(c["code_id"])
            coder = self.coder.get(c["coder_id"])
            if doc is None or code is None or coder is None:
                counts["codings_skipped"] += 1
                continue
            start, end, review = c["start"], c["end"], bool(c["needs_review"])
            if c["document_id"] in self.anchor:
                start, end, status = self.anchor[c["document_id"]].remap(start, end)
                if status == "review":
                    review = True
                    counts["codings_flagged"] += 1
            new = {"code_id": code, "start": start, "end": end, "memo": c["memo"],
                   "starred": bool(c["starred"]), "needs_review": review}  # fmt: skip
            name = self.theirs.coders[c["coder_id"]]
            mine = identity.find(name, c) if doc > 0 else None
            if mine is not None:
                current = {k: mine[k] for k in _CODING_FIELDS}
                current["starred"], current["needs_review"] = (
                    bool(mine["starred"]),
                    bool(mine["needs_review"]),
                )
                if current == new or c["updated_at"] <= mine["updated_at"]:
                    counts["codings_same"] += 1
                    continue
                key = (doc, code, coder, start, end)
                if key in spans and spans[key] is not mine:
                    counts["codings_same"] += 1
                    continue
                self.plan.coding_updates.append(
                    (mine["id"], {**new, "updated_at": c["updated_at"]})
                )
                counts["codings_updated"] += 1
                continue
            key = (doc, code, coder, start, end)
            have = spans.get(key)
            if have is not None:
                counts["codings_same"] += 1
                if have.get("id", 0) > 0 and c["memo"] and have["memo"] != c["memo"]:
                    if not have["memo"]:
                        self.plan.coding_updates.append((have["id"], {"memo": c["memo"]}))
                        have["memo"] = c["memo"]
                        counts["codings_memo_filled"] += 1
                    else:
                        self.conflict(f"coding by {name} at {start}-{end}: memos differ; kept ours")
                continue
            row = {"document_id": doc, "coder_id": coder, **new,
                   "created_at": c["created_at"], "updated_at": c["updated_at"]}  # fmt: skip
            self.plan.codings.append(row)
            spans[key] = {**row, "id": 0}
            counts["codings_added"] += 1

    # -- memos ------------------------------------------------------------------------------
    def memos(self) -> None:
        targets = {"document": self.doc, "code": self.code, "case": self.case}
        identity = _Identity()
        texts = set()
        for m in self.ours.memos:
            coder = self.ours.coders.get(m["coder_id"]) if m["coder_id"] is not None else None
            identity.add(coder, m)
            texts.add((m["kind"], m["target_id"], coder, m["text"]))
        for m in self.theirs.memos:
            target = m["target_id"]
            if m["kind"] in targets and target is not None:
                target = targets[m["kind"]].get(target)
                if target is None:
                    self.report.counts["memos_skipped"] += 1
                    continue
            coder_name = self.theirs.coders.get(m["coder_id"]) if m["coder_id"] else None
            coder_id = self.coder.get(m["coder_id"]) if m["coder_id"] else None
            mine = identity.find(coder_name, m)
            if mine is not None and (mine["kind"], mine["target_id"]) != (m["kind"], target):
                mine = None
            if mine is not None:
                if mine["text"] != m["text"] and m["updated_at"] > mine["updated_at"]:
                    self.plan.memo_updates.append(
                        (mine["id"], {"text": m["text"], "updated_at": m["updated_at"]})
                    )
                    self.report.counts["memos_updated"] += 1
                continue
            key = (m["kind"], target, coder_name, m["text"])
            if key in texts:
                continue
            texts.add(key)
            self.plan.memos.append(
                {"kind": m["kind"], "target_id": target, "coder_id": coder_id, "text": m["text"],
                 "created_at": m["created_at"], "updated_at": m["updated_at"]}
            )  # fmt: skip
            self.report.counts["memos_added"] += 1

    # -- reconciliation decisions -----------------------------------------------------------
    def decisions(self) -> None:
        ours = {
            (d["document_id"], d["start"], d["end"], d["coder_a_id"], d["coder_b_id"]): d
            for d in self.ours.decisions
        }
        for d in self.theirs.decisions:
            if d["document_id"] not in self.identical:
                if d["document_id"] in self.doc:
                    self.report.counts["decisions_skipped"] += 1
                continue
            doc = self.doc[d["document_id"]]
            a, b = self.coder[d["coder_a_id"]], self.coder[d["coder_b_id"]]
            decision = d["decision"]
            if a > 0 and b > 0 and a > b:  # stored with a < b (new coders: when written)
                a, b = b, a
                decision = {"a": "b", "b": "a"}.get(decision, decision)
            key = (doc, d["start"], d["end"], a, b)
            if key in ours:
                if ours[key]["decision"] != decision:
                    self.conflict(
                        f"reconciliation at {d['start']}-{d['end']}: decided "
                        f"{ours[key]['decision']!r} here, {decision!r} there; kept ours"
                    )
                continue
            by = self.coder.get(d["decided_by_id"]) if d["decided_by_id"] else None
            row = {"document_id": doc, "start": d["start"], "end": d["end"],
                   "coder_a_id": a, "coder_b_id": b, "decision": decision,
                   "decided_by_id": by, "at": d["at"]}  # fmt: skip
            self.plan.decisions.append(row)
            ours[key] = row
            self.report.counts["decisions_added"] += 1


def _stamp(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class _Identity:
    """Recognise the same row in two copies of a project.

    A row that existed when the project was copied has the same id, coder and creation
    time in both copies. A row merged in earlier has a new id here, so the coder and
    creation time alone identify it - when no other row of that coder shares the time
    (rows added in bulk do).
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._loose: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    def add(self, coder: str | None, row: dict[str, Any]) -> None:
        stamp = _stamp(row["created_at"])
        self._exact[(coder, stamp, row["id"])] = row
        self._loose.setdefault((coder, stamp), []).append(row)

    def find(self, coder: str | None, row: dict[str, Any]) -> dict[str, Any] | None:
        stamp = _stamp(row["created_at"])
        hit = self._exact.get((coder, stamp, row["id"]))
        if hit is not None:
            return hit
        loose = self._loose.get((coder, stamp), [])
        return loose[0] if len(loose) == 1 else None


# -- the workflow ---------------------------------------------------------------------------


def merge_project(
    store: SqlProject, other: str, *, dry_run: bool = False, backup: Backup | None = None
) -> MergeReport:
    """Merge the project at ``other`` (file or URL) into ``store``; see the module docstring."""
    label = redact(other) if is_server_url(other) else other
    report = MergeReport(other=label)
    with open_other(other, store.engine) as engine:
        theirs = read_snapshot(engine)
    ours = read_snapshot(store.engine)
    plan = _Planner(ours, theirs, report).run()
    if dry_run or plan.empty():
        return report
    if backup is not None:
        report.backup = backup("pre-merge")
    apply_merge(store, plan, f"merge {label}")
    report.applied = True
    return report
