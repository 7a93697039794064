"""Transcript revisions: replace a document's text with a corrected version.

``workbench revise DOCUMENT FILE`` reads FILE like ``workbench import`` does and
replaces DOCUMENT's text and turns with it. Every coding (of every coder) is
re-anchored, in this order:

1. **kept** - nothing inside the coding changed; its offsets only shift with the edits
   before it (character-level ``rapidfuzz.distance.Levenshtein.opcodes``).
2. **moved** - the coded text is found verbatim elsewhere (exactly, or ignoring
   whitespace and typographic look-alikes), nearest to where the edits map it; quotes
   under 40 characters must stay within 2,000 characters of that place.
3. **aligned** - the text at the mapped place, or the best
   ``rapidfuzz.fuzz.partial_ratio_alignment`` of the quote in a window around it, is at
   least ``threshold`` % similar (default 90): a corrected typo inside a coding.
4. **review** - anything else keeps its mapped position and gets ``needs_review``;
   the old quote is kept in the revision record. Nothing is moved silently.

Suggestions and reconciliation decisions follow when they are kept, moved or aligned,
and are dropped otherwise (they are recomputed). The old text stays in the automatic
backup; the project records the revision (``document_revision``), so a later merge
still recognises copies that hold the old text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from workbench.core.errors import WorkbenchError
from workbench.core.model import ParsedDocument
from workbench.io.transcripts import read_transcript
from workbench.store.repos import SqlProject
from workbench.store.team import (
    ChangeResult,
    TextChange,
    apply_text_changes,
    coding_states,
    document_records,
)

DEFAULT_THRESHOLD = 90.0
SHORT_QUOTE = 40  # characters: shorter quotes must be found near their old place
NEAR = 2000  # characters
STATUSES = ("kept", "moved", "aligned", "review")

Backup = Callable[[str], Path | None]


class Anchorer:
    """Maps offsets in ``old`` to ``new`` and re-anchors spans (see the module docstring)."""

    def __init__(self, old: str, new: str, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.old, self.new, self.threshold = old, new, threshold
        ops: list[tuple[str, int, int, int, int]] = []
        for o in Levenshtein.opcodes(old, new):
            if o.tag != "equal" and ops and ops[-1][0] != "equal":  # one block per edit run
                _t, a0, _a1, b0, _b1 = ops[-1]
                ops[-1] = ("replace", a0, o.src_end, b0, o.dest_end)
            else:
                ops.append((o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end))
        self._src = [o for o in ops if o[2] > o[1]]  # ops that cover old text, in order
        self._src_starts = [o[1] for o in self._src]
        self._edits = [o for o in ops if o[0] != "equal"]
        self._edit_starts = [o[1] for o in self._edits]

    # -- offsets -----------------------------------------------------------------------
    def map_start(self, pos: int) -> int:
        """A start offset: inside an edit it moves to the edit's start in the new text."""
        if pos >= len(self.old) or not self._src:
            return len(self.new)
        tag, a0, _a1, b0, _b1 = self._src[max(bisect.bisect_right(self._src_starts, pos) - 1, 0)]
        return b0 + (pos - a0) if tag == "equal" else b0

    def map_end(self, pos: int) -> int:
        """An end offset: inside an edit it moves to the edit's end in the new text."""
        if pos <= 0 or not self._src:
            return 0
        tag, a0, _a1, b0, b1 = self._src[max(bisect.bisect_left(self._src_starts, pos) - 1, 0)]
        return b0 + (pos - a0) if tag == "equal" else b1

    def intact(self, start: int, end: int) -> bool:
        """No edit inside ``[start, end)`` (insertions exactly at the edges are outside)."""
        i = bisect.bisect_left(self._edit_starts, start) - 1
        for tag, a0, a1, _b0, _b1 in self._edits[max(i, 0) :]:
            if a0 >= end:
                break
            if tag == "insert":
                if start < a0 < end:
                    return False
            elif a0 < end and a1 > start:
                return False
        return True

    # -- re-anchoring ---------------------------------------------------------------------
    def remap(self, start: int, end: int) -> tuple[int, int, str]:
        ns, ne = self.map_start(start), self.map_end(end)
        quote = self.old[start:end]
        if self.intact(start, end) and self.new[ns:ne] == quote:
            return ns, ne, "kept"
        found = self._find_exact(quote, ns)
        if found is not None:
            return found[0], found[1], "moved"
        if ne > ns and quote.strip():
            if fuzz.ratio(quote, self.new[ns:ne]) >= self.threshold:
                return ns, ne, "aligned"
            found = self._align(quote, ns, ne)
            if found is not None:
                return found[0], found[1], "aligned"
        elif quote.strip():
            found = self._align(quote, ns, max(ne, ns))
            if found is not None:
                return found[0], found[1], "aligned"
        return ns, ne, "review"

    def remap_span(self, start: int, end: int) -> tuple[int, int] | None:
        ns, ne, status = self.remap(start, end)
        return None if status == "review" else (ns, ne)

    def _find_exact(self, quote: str, near: int) -> tuple[int, int] | None:
        if not quote.strip():
            return None
        hits: list[tuple[int, int]] = []
        pos = self.new.find(quote)
        while pos >= 0 and len(hits) < 10_000:
            hits.append((pos, pos + len(quote)))
            pos = self.new.find(quote, pos + 1)
        if not hits:
            words = quote.split()
            pattern = r"\s+".join(_loose(w) for w in words)
            hits = [m.span() for m in re.finditer(pattern, self.new)][:10_000]
        if not hits:
            return None
        best = min(hits, key=lambda h: abs(h[0] - near))
        if len(quote.strip()) < SHORT_QUOTE and abs(best[0] - near) > NEAR:
            return None
        return best

    def _align(self, quote: str, ns: int, ne: int) -> tuple[int, int] | None:
        pad = len(quote) + 200
        lo, hi = max(0, ns - pad), min(len(self.new), ne + pad)
        window = self.new[lo:hi]
        if not window.strip():
            return None
        res = fuzz.partial_ratio_alignment(quote, window, score_cutoff=self.threshold)
        if res is None:
            return None
        if len(quote) <= len(window):
            a, b = lo + res.dest_start, lo + res.dest_end
        else:  # the window is the shorter one: it aligns inside the quote
            a, b = lo, hi
        while a < b and self.new[a].isspace():
            a += 1
        while b > a and self.new[b - 1].isspace():
            b -= 1
        return (a, b) if b > a else None


_LOOKALIKES = ("'‘’‚‛′`´", '"“”„‟″«»', "-‐‑‒–—―−")
_CLASS = {ch: "[" + re.escape(group) + "]" for group in _LOOKALIKES for ch in group}


def _loose(word: str) -> str:
    return "".join(_CLASS.get(ch, re.escape(ch)) for ch in word)


# -- the workflow --------------------------------------------------------------------------


@dataclass
class RevisionReport:
    document: str
    statuses: Counter[str] = field(default_factory=Counter)
    flagged: list[dict[str, object]] = field(default_factory=list)
    unchanged: bool = False
    applied: bool = False
    backup: Path | None = None
    suggestions_dropped: int = 0
    was_deidentified: bool = False

    @property
    def codings(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.document}: the new text is the same; nothing to do"
        counts = ", ".join(f"{self.statuses.get(k, 0)} {k}" for k in STATUSES)
        verb = "revised" if self.applied else "would revise"
        return f"{self.document}: {verb}; {self.codings} codings: {counts}"

    def lines(self, limit: int = 20) -> list[str]:
        out = [self.summary()]
        review = [f for f in self.flagged if f["status"] == "review"]
        for f in review[:limit]:
            quote = str(f.get("quote", ""))
            quote = quote if len(quote) <= 70 else quote[:67] + "..."
            old = f["old"]
            out.append(f"  needs review: coding {f['coding']} at {old}: {quote!r}")
        if len(review) > limit:
            out.append(f"  ... and {len(review) - limit} more flagged for review")
        if self.suggestions_dropped:
            out.append(f"  {self.suggestions_dropped} suggestions dropped (recompute them)")
        if self.was_deidentified and self.applied:
            out.append(
                "  note: the document was de-identified; the new text is not - "
                "run `workbench deidentify` again"
            )
        if self.backup is not None:
            out.append(f"  backup: {self.backup}")
        return out


def revise_document(
    store: SqlProject,
    document: str,
    source: Path | ParsedDocument,
    *,
    coder: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    dry_run: bool = False,
    backup: Backup | None = None,
) -> RevisionReport:
    """Replace ``document``'s text with ``source`` (a file or parsed text); see the module."""
    doc = store.document(document)
    record = next(r for r in document_records(store) if r.id == doc.id)
    parsed = read_transcript(Path(source)) if isinstance(source, Path) else source
    report = RevisionReport(document=doc.name, was_deidentified=record.deidentified)
    if parsed.checksum == record.checksum:
        report.unchanged = True
        return report
    clash = store.document_by_checksum(parsed.checksum)
    if clash is not None:
        raise WorkbenchError(f"{doc.name}: the new text is already in the project as {clash.name}")
    old_text = store.text(doc.id)
    anchorer = Anchorer(old_text, parsed.text, threshold)
    if dry_run:
        for st in coding_states(store, doc.id):
            c = st.coding
            ns, ne, status = anchorer.remap(c.start, c.end)
            report.statuses[status] += 1
            if status != "kept":
                report.flagged.append(
                    {"coding": c.id, "old": [c.start, c.end], "new": [ns, ne],
                     "status": status, "quote": old_text[c.start : c.end][:300]}
                )  # fmt: skip
        return report
    if backup is not None:
        report.backup = backup("pre-revise")
    change = TextChange(
        document_id=doc.id,
        expected_checksum=record.checksum,
        text=parsed.text,
        checksum=parsed.checksum,
        turns=parsed.turns,
        remap=anchorer.remap,
        remap_suggestion=anchorer.remap_span,
        source_format=parsed.source_format,
        source_path=parsed.source_path,
        deidentified=False,
    )
    (result,) = apply_text_changes(
        store,
        [change],
        kind="revise",
        coder_id=store.ensure_coder(coder).id if coder else None,
        summary=f"revise {doc.name}",
    )
    _fill(report, result)
    report.applied = True
    return report


def _fill(report: RevisionReport, result: ChangeResult) -> None:
    report.statuses = result.statuses
    report.flagged = result.flagged
    report.suggestions_dropped = result.suggestions_dropped
