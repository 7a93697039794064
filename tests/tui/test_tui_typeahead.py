"""Keys typed faster than a modal mounts are not lost (a terminal delivers a burst at once)."""

from __future__ import annotations

from pathlib import Path

from _coding_project import build_project
from textual import events

from workbench.core.settings import Settings
from workbench.tui.app import create_app
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.widgets.picker import CodePicker


async def test_burst_of_keys_after_c_reaches_the_picker(tmp_path: Path) -> None:
    path = build_project(tmp_path / "burst.sqlite")
    app = create_app(Settings(project=str(path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        doc = app.wb.store.documents()[0]
        app.push_screen(CodingScreen(doc.id))
        await pilot.pause()
        await pilot.press("s")
        # one burst, no waiting in between: "c" opens the picker, the rest is the filter
        for key in ("c", "x", "y", "z"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        assert app.screen.query_one("#picker-filter").value == "xyz"


async def test_burst_s_c_two_letters_enter_codes_the_sentence(tmp_path: Path) -> None:
    path = build_project(tmp_path / "burst2.sqlite")
    app = create_app(Settings(project=str(path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        doc = app.wb.store.documents()[0]
        anna = app.wb.store.coder("anna").id
        before = app.wb.store.codings(document_id=doc.id, coder_ids=[anna])
        app.push_screen(CodingScreen(doc.id))
        await pilot.pause()
        for key, char in (("s", "s"), ("c", "c"), ("s", "s"), ("p", "p"), ("enter", None)):
            app.post_message(events.Key(key, char))
        for _ in range(4):
            await pilot.pause()
        await app.workers.wait_for_complete()
        after = app.wb.store.codings(document_id=doc.id, coder_ids=[anna])
        new = [c for c in after if c not in before]
        assert len(new) == 1
        assert new[0].code_id == app.wb.store.code("sponsor").id
        assert not isinstance(app.screen, CodePicker)


async def test_undo_clears_the_coded_status(tmp_path: Path) -> None:
    path = build_project(tmp_path / "status.sqlite")
    app = create_app(Settings(project=str(path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        doc = app.wb.store.documents()[0]
        app.push_screen(CodingScreen(doc.id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("s", "c")
        await pilot.pause()
        await pilot.press(*"sp", "enter")
        await pilot.pause()
        assert "coded" in str(screen.transcript.border_subtitle)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "coded" not in str(screen.transcript.border_subtitle)
