"""The reconciliation screen, driven with Pilot; assertions on what lands in the project."""

from __future__ import annotations

from pathlib import Path

from workbench.core.settings import Settings
from workbench.tui.app import create_app
from workbench.tui.screens.reconcile import EditSpanScreen, ReconcileScreen
from workbench.workflows import reconcile


def _consensus(app) -> list[tuple[int, int, int]]:  # noqa: ANN001
    store = app.wb.store
    cid = store.coder("consensus").id
    return sorted((c.code_id, c.start, c.end) for c in store.codings(coder_ids=[cid]))


async def test_walk_and_decide(sample_path: Path) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = ReconcileScreen("anna", "ben")
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.passages, "the sample study has disagreements"
        total = len(screen.passages)
        first = screen.passages[0]
        await pilot.press("a")
        await pilot.pause()
        assert _consensus(app) == sorted((c.code_id, c.start, c.end) for c in first.a)
        assert screen.index == 1  # moved on to the next undecided passage
        second = screen.passages[1]
        await pilot.press("b")
        await pilot.pause()
        want = {(c.code_id, c.start, c.end) for c in (*first.a, *second.b)}
        assert set(_consensus(app)) == want
        await pilot.press("k", "k")
        assert screen.current == screen.passages[0]
        await pilot.press("n")  # re-decide the first passage: neither
        await pilot.pause()
        assert set(_consensus(app)) == {(c.code_id, c.start, c.end) for c in second.b}
        await pilot.press("u")  # take it back: keep A again
        await pilot.pause()
        assert set(_consensus(app)) == want
        # edit: trim the passage to its first words
        screen.index = 2
        screen.show()
        third = screen.passages[2]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditSpanScreen)
        text, _ = reconcile.passage_text(app.wb.store, third)
        words = text.split()[:4]
        box = app.screen.query_one("#reconcile-edit-text")
        box.value = "words that are not in the passage at all"
        await pilot.press("enter")  # refused, and the dialog stays open with the edit
        await pilot.pause()
        assert isinstance(app.screen, EditSpanScreen)
        assert box.value == "words that are not in the passage at all"
        assert str(app.screen.query_one("#reconcile-edit-problem").content)
        box.value = " ".join(words)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        start = third.start + text.index(words[0])
        edited = {(c, s, e) for c, s, e in _consensus(app) if s == start}
        assert edited and {c for c, _, _ in edited} == set(third.code_ids)
        decided = [p for p in screen.passages if p.decision]
        assert len(decided) == 3 and len(screen.passages) == total
        history = app.wb.store.history(app.wb.store.coder("consensus").id)
        assert [h[1] for h in history[:3]] == ["coding.reconcile"] * 3
        assert "decided by anna" in history[0][2]
