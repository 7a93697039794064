"""Project screen and codebook editing through the keys, checked in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_tui_shell_support import StubCodingScreen, build_project, make_app
from textual.widgets import Input

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.code_edit import (
    CodeChooserScreen,
    CodeFormScreen,
    ColourScreen,
    ConfirmScreen,
    TextPromptScreen,
)
from workbench.tui.screens.import_files import ImportScreen
from workbench.tui.screens.project import DocumentTable, ProjectScreen
from workbench.tui.widgets.codebook_tree import CodebookTree

SIZE = (120, 40)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_project(tmp_path / "small.sqlite")


def record_notifications(app: WorkbenchApp) -> list[dict[str, Any]]:
    """Capture every notification the app shows (message, title, severity)."""
    seen: list[dict[str, Any]] = []
    original = app.notify

    def notify(message: str, *, title: str = "", severity: str = "information", **kw: Any) -> None:
        seen.append({"message": message, "title": title, "severity": severity})
        original(message, title=title, severity=severity, **kw)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return seen


def code_id(app: WorkbenchApp, key: str) -> int:
    return next(c.id for c in app.wb.store.codes() if c.key == key)


async def type_import_path(pilot: Any, app: WorkbenchApp, path: str) -> None:
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, ImportScreen)
    app.screen.query_one(Input).value = path  # typing a long tmp path key by key is slow
    await app.workers.wait_for_complete()
    await pilot.pause()


async def focus_code(app: WorkbenchApp, pilot: Any, key: str) -> CodebookTree:
    tree = app.screen.query_one(CodebookTree)
    tree.focus()
    tree.select_code(code_id(app, key))
    await pilot.pause()
    assert tree.highlighted_code is not None and tree.highlighted_code.key == key
    return tree


async def test_project_screen_lists_documents_coverage_and_codebook(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        table = screen.query_one(DocumentTable)
        assert table.row_count == 3
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels == ["Document", "Case", "Format", "Words", "anna", "ben"]
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[:2] == ["P01-interview", "P01"] and first[4:] == ["35%", "16%"]
        tree = screen.query_one(CodebookTree)
        assert [c.name for c in tree.codes][:2] == ["The model did not fit", "Meeting format"]
        summary = str(screen.query_one("#summary").content)
        assert "3 documents · 5 codes · 5 codings · 2 cases" in summary and "anna, ben" in summary


async def test_enter_opens_the_highlighted_document(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.tui.screens.coding as coding

    monkeypatch.setattr(coding, "CodingScreen", StubCodingScreen)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StubCodingScreen)
        assert app.screen.document_id == app.wb.store.document("P02-interview").id


async def test_add_rename_recolour_move_and_delete_a_code(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        store = app.wb.store
        await focus_code(app, pilot, "negative")
        # a: add under the highlighted code
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CodeFormScreen)
        await pilot.press(*"Shame", "enter")
        await pilot.pause()
        shame = store.code("Shame")
        assert shame.parent_id == code_id(app, "negative")
        assert shame.colour  # an unused palette colour was proposed
        tree = app.screen.query_one(CodebookTree)
        assert tree.highlighted_code is not None and tree.highlighted_code.id == shame.id
        # A: add at the top level
        await pilot.press("A", *"Peers", "enter")
        await pilot.pause()
        assert store.code("Peers").parent_id is None
        # r: rename (the name is selected, typing replaces it)
        await focus_code(app, pilot, "shame")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        await pilot.press(*"Guilt", "enter")
        await pilot.pause()
        assert store.code(shame.id).name == "Guilt"
        # k: recolour from the palette by name
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ColourScreen)
        await pilot.press("tab", *"purple", "enter")
        await pilot.pause()
        assert store.code(shame.id).colour == "#911eb4"
        # v: move under another code, chosen from the ranked list
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, CodeChooserScreen)
        await pilot.press(*"fit", "enter")
        await pilot.pause()
        assert store.code(shame.id).parent_id == code_id(app, "fit")
        # v again: back to the top level
        await pilot.press("v", *"top", "enter")
        await pilot.pause()
        assert store.code(shame.id).parent_id is None
        # delete: confirm, then it is gone; ctrl+z brings it back
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "no codings" in str(app.screen.message)
        await pilot.press("y")
        await pilot.pause()
        assert "Guilt" not in [c.name for c in store.codes()]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Guilt" in [c.name for c in store.codes()]


async def test_edit_form_saves_every_field(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await focus_code(app, pilot, "steps")
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeFormScreen)
        from textual.widgets import TextArea

        form.query_one("#keywords", Input).value = "steps, sponsor ,  "
        form.query_one("#definition", TextArea).text = "Working through the twelve steps."
        form.query_one("#memo", TextArea).text = "Check with ben."
        await pilot.press("ctrl+s")
        await pilot.pause()
        code = app.wb.store.code("steps")
        assert code.keywords == ("steps", "sponsor")
        assert code.definition == "Working through the twelve steps."
        assert code.memo == "Check with ben."
        assert code.colour == "#3cb44b"  # unchanged
        # a duplicate name under the same parent is caught in the form, which stays open
        await focus_code(app, pilot, "fit")
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeFormScreen)
        form.query_one("#name", Input).value = "meeting FORMAT"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "already a code named" in str(form.query_one("#error").content)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.wb.store.codes()) == 5


async def test_merge_moves_codings_and_ctrl_z_restores(project: Path) -> None:
    app = make_app(project)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        store = app.wb.store
        steps, fmt = code_id(app, "steps"), code_id(app, "format")
        assert len(store.codings(code_ids=[steps])) == 1
        assert len(store.codings(code_ids=[fmt])) == 2
        await focus_code(app, pilot, "steps")
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, CodeChooserScreen)
        await pilot.press(*"meetng", "enter")  # a typo still finds it
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "Merge 'Working the steps' (1 coding) into 'Meeting format' (2 codings)?" in (
            confirm.message
        )
        await pilot.press("y")
        await pilot.pause()
        assert "steps" not in [c.key for c in store.codes()]
        assert len(store.codings(code_ids=[fmt])) == 3
        tree = app.screen.query_one(CodebookTree)
        assert tree.highlighted_code is not None and tree.highlighted_code.id == fmt
        assert any("1 coding moved" in n["message"] for n in seen)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "steps" in [c.key for c in store.codes()]
        assert len(store.codings(code_ids=[code_id(app, "steps")])) == 1
        assert len(store.codings(code_ids=[fmt])) == 2
        assert "Working the steps" in [c.name for c in tree.codes]


async def test_delete_refuses_a_code_with_sub_codes_and_counts_codings(project: Path) -> None:
    app = make_app(project)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await focus_code(app, pilot, "negative")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert any("sub-codes" in n["message"] for n in seen)
        await focus_code(app, pilot, "cage")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "and its 2 codings?" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert "cage" in [c.key for c in app.wb.store.codes()]


async def test_import_a_folder_from_inside_the_app(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "new interviews"
    folder.mkdir()
    (folder / "P10.txt").write_text("Interviewer: Hello.\nP10: I went every week.\n")
    (folder / "P11.txt").write_text("Interviewer: Hello.\nP11: I never felt at home.\n")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    app = make_app(project)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        app.screen.query_one(Input).value = str(folder)  # typing a long path is slow
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = str(app.screen.query_one("#import-preview").content)
        assert "2 transcripts" in preview and "P10.txt" in preview and "1 other" in preview
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = [d.name for d in app.wb.store.documents()]
        assert "P10" in names and "P11" in names
        assert any(n["message"].startswith("Imported 2 documents") for n in seen)
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 5
        assert app.screen.check_action("import_files", ()) is True


async def test_a_bad_file_is_one_error_and_no_document(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "P12.docx"
    bad.write_bytes(b"this is not a zip file")
    app = make_app(project)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await type_import_path(pilot, app, str(bad))
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.wb.store.documents()) == 3
        errors = [n for n in seen if n["severity"] == "error"]
        assert len(errors) == 1
        assert errors[0]["message"].startswith("P12.docx: ")
        assert isinstance(app.screen, ProjectScreen)


async def test_import_can_be_cancelled_and_disables_the_key(project: Path, tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"C{i}.txt").write_text(f"Interviewer: Hello {i}.\nC{i}: Fine.\n")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        gate = threading.Event()
        store = app.wb.store
        original = store.add_document

        def slow_add(*args: Any, **kw: Any) -> Any:
            gate.wait(5)
            return original(*args, **kw)

        store.add_document = slow_add  # type: ignore[method-assign]
        await type_import_path(pilot, app, str(folder))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.importing
        assert screen.check_action("import_files", ()) is None  # disabled while running
        assert screen.query_one("#import-bar").region.height == 1  # the progress bar shows
        await pilot.press("escape")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.importing
        assert len(store.documents()) <= 4  # at most the one in flight
        assert screen.query_one("#import-bar").region.height == 0


async def test_narrow_terminal_stacks_panes_and_t_goes_to_then_hides_the_codebook(
    project: Path,
) -> None:
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-narrow")
        docs, book = screen.query_one("#documents-pane"), screen.query_one("#codebook-pane")
        assert docs.region.y < book.region.y  # stacked
        tree = screen.query_one(CodebookTree)
        screen.query_one(DocumentTable).focus()
        await pilot.press("t")  # first: into the codebook
        await pilot.pause()
        assert book.display and tree.has_focus
        await pilot.press("t")  # from inside it: hide it
        await pilot.pause()
        assert not book.display and screen.query_one(DocumentTable).has_focus
        assert docs.region.height > 15
        await pilot.press("t")  # and back
        await pilot.pause()
        assert book.display and tree.has_focus
        await pilot.press("b")  # blind mode from the project screen too
        await pilot.pause()
        assert app.blind


async def test_project_screen_on_the_sample_study(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        store = app.wb.store
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == len(store.documents()) >= 10
        coders = [c.name for c in store.coders()]
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[4:] == coders  # one column per coder; the cells carry the %
        cells = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert any(row[1] != "-" for row in cells)  # documents linked to participants
        assert any(pct != "0%" for row in cells for pct in row[4:])
        tree = app.screen.query_one(CodebookTree)
        assert len(tree.codes) == len(store.codes())


async def test_an_empty_project_says_how_to_start(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#no-documents").display
        assert not screen.query_one(DocumentTable).display
        assert isinstance(app.focused, CodebookTree)
        await pilot.press("a", *"Fear", "enter")  # nothing highlighted: a top-level code
        await pilot.pause()
        assert [(c.name, c.parent_id) for c in app.wb.store.codes()] == [("Fear", None)]


async def test_home_and_end_move_the_row_cursor(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DocumentTable)
        table.focus()
        assert table.row_count >= 2
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_code_chooser_enter_needs_a_real_match(project: Path) -> None:
    from textual.widgets import OptionList

    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        codes = app.wb.store.codes()
        chosen: list[Any] = []
        app.push_screen(CodeChooserScreen("Merge which code?", codes), chosen.append)
        await pilot.pause()
        await pilot.press(*"test code")  # matches no code word for word
        await pilot.pause()
        assert app.screen.query_one("#choices", OptionList).highlighted is None
        await pilot.press("enter")
        await pilot.pause()
        assert chosen == [] and isinstance(app.screen, CodeChooserScreen)
        await pilot.press("down", "enter")  # chosen on purpose with the arrows
        await pilot.pause()
        assert len(chosen) == 1 and chosen[0].code is not None
