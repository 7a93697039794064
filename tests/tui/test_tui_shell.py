"""The shell around the coding screen: coder chooser, help, command palette, key map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_tui_shell_support import StubCodingScreen, build_project, make_app
from textual.command import CommandPalette
from textual.widgets import Static

from workbench.core.errors import WorkbenchError
from workbench.core.settings import data_dir
from workbench.tui.app import WorkbenchApp
from workbench.tui.keymap import collect_bindings, load_keymap, read_keymap
from workbench.tui.screens.coder import CoderScreen
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.project import ProjectScreen
from workbench.tui.widgets.codebook_tree import CodebookTree

SIZE = (120, 40)


def screen_text(app: WorkbenchApp) -> str:
    """Everything the Static widgets of the current screen hold, as plain text."""
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for static in app.screen.query(Static):
        console.print(static.content)
    return console.export_text()


async def test_first_start_without_a_coder_asks_and_creates_one(tmp_path: Path) -> None:
    path = build_project(tmp_path / "p.sqlite", coders=False)
    app = make_app(path, coder=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderScreen)
        await pilot.press(*"carla", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert [c.name for c in app.wb.store.coders()] == ["carla"]
        assert app.wb.coder is not None and app.wb.coder.name == "carla"
        assert "coder: carla" in app.sub_title
        assert app.wb.store.get_meta("last_coder") == "carla"


async def test_f2_picks_an_existing_coder_from_the_list(tmp_path: Path) -> None:
    path = build_project(tmp_path / "p.sqlite")
    app = make_app(path, coder="anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CoderScreen)
        await pilot.press("b", "enter")  # "b" filters the list to ben, Enter picks ben
        await pilot.pause()
        assert app.wb.coder is not None and app.wb.coder.name == "ben"
        assert "coder: ben" in app.sub_title
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"an", "down", "enter")  # anna, + new coder "an"
        await pilot.pause()
        assert app.wb.coder.name == "an"
        assert sorted(c.name for c in app.wb.store.coders()) == ["an", "anna", "ben"]


async def test_help_lists_live_bindings_with_ids(tmp_path: Path) -> None:
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(CodebookTree).focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        merge = next(line for line in text.splitlines() if "codebook.merge-code" in line)
        assert merge.split()[0] == "M" and "Merge the code into another" in merge
        for expected in ("Everywhere", "Project screen", "Codebook tree (focused)",
                         "Documents list (when focused)", "project.open-document",
                         "app.undo", "How to code a passage", "keymap.toml"):  # fmt: skip
            assert expected in text, expected
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)


async def test_keymap_file_rebinds_keys_and_help_follows(tmp_path: Path) -> None:
    keymap = data_dir() / "keymap.toml"
    keymap.parent.mkdir(parents=True, exist_ok=True)
    keymap.write_text(
        '[keymap]\n"codebook.merge-code" = "m"\n"app.help" = ["f1", "h"]\n"app.halp" = "f9"\n'
    )
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("app.halp" in n.message for n in app._notifications)  # a typo is reported
        tree = app.screen.query_one(CodebookTree)
        tree.focus()
        await pilot.pause()
        groups = {g.title: g for g in collect_bindings(app.screen)}
        merge = next(
            b for b in groups["Codebook tree (focused)"].bindings if b.action == "merge_code"
        )
        assert merge.keys == ("m",)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert any(
            line.split()[:1] == ["m"] and "codebook.merge-code" in line
            for line in text.splitlines()
        )
        await pilot.press("escape", "m")
        await pilot.pause()
        assert type(app.screen).__name__ == "CodeChooserScreen"


def test_keymap_file_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "keymap.toml"
    bad.write_text("[keymap\n")
    with pytest.raises(WorkbenchError, match="not valid TOML"):
        read_keymap(bad)
    bad.write_text('[keymap]\n"codebook.merge-code" = 3\n')
    with pytest.raises(WorkbenchError, match="must be a string or a list"):
        read_keymap(bad)
    assert load_keymap(tmp_path / "missing.toml") == {}


async def test_a_broken_keymap_file_is_reported_not_fatal(tmp_path: Path) -> None:
    keymap = data_dir() / "keymap.toml"
    keymap.parent.mkdir(parents=True, exist_ok=True)
    keymap.write_text("[keymap]\nnot an id = 'x'\n")
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert any("keymap" in n.message for n in app._notifications)


async def open_palette(pilot: Any, app: WorkbenchApp, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.pause()
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_finds_a_code_by_fuzzy_query_and_goes_to_it(tmp_path: Path) -> None:
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await open_palette(pilot, app, "cage")
        top = prompts[0].splitlines()[0]
        assert top == "Go to code: Negative experiences > The safe place can become a cage"
        await pilot.press("enter")
        await pilot.pause()
        tree = app.screen.query_one(CodebookTree)
        assert tree.has_focus
        assert tree.highlighted_code is not None and tree.highlighted_code.key == "cage"


async def test_palette_lists_actions_and_documents(tmp_path: Path) -> None:
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await open_palette(pilot, app, "")
        names = [p.splitlines()[0] for p in prompts]
        for expected in ("Help: every key, how to code", "Undo your last change", "Redo",
                         "Switch coder", "Import transcripts from a file or folder",
                         "Add a code under the highlighted one", "Quit",
                         "Open document: P02-interview"):  # fmt: skip
            assert expected in names, (expected, names)
        await pilot.press(*"merge")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "CodeChooserScreen"


async def test_palette_opens_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    import workbench.tui.screens.coding as coding

    monkeypatch.setattr(coding, "CodingScreen", StubCodingScreen)
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await open_palette(pilot, app, "p02")
        assert prompts[0].splitlines()[0] == "Open document: P02-interview"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StubCodingScreen)
        assert app.screen.document_id == app.wb.store.document("P02-interview").id


async def test_palette_export_opens_the_export_dialog(tmp_path: Path) -> None:
    from workbench.tui.screens.export_dialog import ExportScreen
    from workbench.tui.screens.themes import ThemesScreen

    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompts = await open_palette(pilot, app, "exp")
        assert prompts[0].startswith("Export: summary, quotes"), prompts[:3]
        await pilot.press("enter")
        for _ in range(50):  # the theme summary is computed in a worker first
            await pilot.pause(0.05)
            if isinstance(app.screen, ExportScreen):
                break
        assert isinstance(app.screen, ExportScreen)
        assert isinstance(app.screen_stack[-2], ThemesScreen)


async def test_f1_opens_help_inside_dialogs_and_closes_it_again(tmp_path: Path) -> None:
    app = make_app(build_project(tmp_path / "p.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f2")  # the coder chooser: a dialog with a text box focused
        await pilot.pause()
        assert isinstance(app.screen, CoderScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Coder chooser" in screen_text(app)  # the dialog's own keys
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, CoderScreen)
        await pilot.press("question_mark")  # typed into the name box, not help
        await pilot.pause()
        assert isinstance(app.screen, CoderScreen)


def test_palette_help_text_is_cut_at_a_word_boundary() -> None:
    from workbench.tui.commands import _shorten

    text = "Harm, fear or pressure felt in meetings, including medication and lifestyle advice"
    cut = _shorten(text, 40)
    assert cut.endswith("…") and len(cut) <= 40
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] in " ,"  # a whole word kept
    assert _shorten("  two\nlines ", 40) == "two lines"
