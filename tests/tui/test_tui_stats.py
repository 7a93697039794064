"""``ProjectStats`` (the TUI's cached coverage and counts) stays equal to a fresh read.

Random codings are added, edited, removed, undone and redone; after each the cache is
updated with only the ``Change`` the action reports, and compared with the store.
"""

from __future__ import annotations

import random
from pathlib import Path

from workbench.bootstrap import open_workbench
from workbench.core.model import Change, CodebookSpec, CodeSpec, ParsedDocument, Turn
from workbench.core.settings import Settings
from workbench.tui.queries import ProjectStats


def _doc(name: str, words: int) -> ParsedDocument:
    text = "P: " + " ".join(f"w{i}" for i in range(words))
    return ParsedDocument(name, text, (Turn(3, len(text), "P", None, None),), "txt", name)


def test_cached_coverage_and_counts_follow_every_change(tmp_path: Path) -> None:
    wb = open_workbench(Settings(project=str(tmp_path / "p.sqlite")))
    try:
        s = wb.store
        s.import_codebook(CodebookSpec("t", tuple(CodeSpec(k, k.upper()) for k in "abcd")))
        docs = [s.add_document(_doc(f"D{i}", 80)) for i in range(4)]
        coders = [s.ensure_coder(n).id for n in ("anna", "ben")]
        codes = [c.id for c in s.codes()]
        stats = ProjectStats(s)
        # read once: the cache now holds every coder's and each coder's counts
        for who in (None, *coders):
            stats.counts(who)
        stats.coverage()
        rng = random.Random(7)
        changes = 0
        for _ in range(120):
            coder = rng.choice(coders)
            mine = s.codings(coder_ids=[coder])
            roll = rng.random()
            if roll < 0.15:
                done = s.undo_change(coder) if rng.random() < 0.6 else s.redo_change(coder)
                if done is None:
                    continue
                change = done[1]
            elif roll < 0.3 and mine:
                c = rng.choice(mine)
                s.delete_coding(c.id, coder)
                change = Change.codings("x", {c.document_id}, {c.code_id}, {c.id})
            elif roll < 0.4 and mine:
                c = rng.choice(mine)
                new_code = rng.choice(codes)
                s.update_coding(c.id, coder, code_id=new_code, end=min(c.end + 5, 300))
                change = Change.codings("x", {c.document_id}, {c.code_id, new_code}, {c.id})
            else:
                doc = rng.choice(docs)
                start = rng.randrange(3, doc.length - 10)
                end = rng.randrange(start + 1, min(doc.length, start + 60))
                code = rng.choice(codes)
                try:
                    c = s.add_coding(doc.id, code, coder, start, end)
                except Exception:  # the same span and code twice is refused: not a change
                    continue
                change = Change.codings("x", {doc.id}, {code}, {c.id})
            assert change.is_narrow
            stats.update(change)
            changes += 1
            assert dict(stats.coverage()) == s.coverage()
            fresh = s.coding_counts()
            assert {k: v for k, v in stats.counts().items() if v} == fresh
            for who in coders:
                own = s.coding_counts(coder_ids=[who])
                assert {k: v for k, v in stats.counts(who).items() if v} == own
        assert changes > 60
    finally:
        wb.close()
