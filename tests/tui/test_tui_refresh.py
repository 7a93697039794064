"""After every action the screens show what the database holds, re-reading only what changed.

The coding screen refreshes itself from the ``Change`` an action reports; the project
screen under it waits until it is shown again. Both are compared with fresh reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _coding_project import build_project
from textual.widgets import OptionList

from workbench.core.settings import Settings
from workbench.tui.app import WorkbenchApp, create_app
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.project import DocumentTable, ProjectScreen


@pytest.fixture
def app(tmp_path: Path) -> WorkbenchApp:
    return create_app(Settings(project=str(build_project(tmp_path / "p.sqlite")), coder="anna"))


def tree_counts(screen: CodingScreen) -> dict[int, int]:
    """The "(n)" / "(n/total)" each code shows in the coding screen's codebook tree."""
    out = {}
    for node in screen.codebook._walk():
        assert node.data is not None
        found = re.search(r"\((\d+)(?:/\d+)?\)$", str(node.label))
        assert found, node.label
        out[node.data.id] = int(found.group(1))
    return out


def shown_percent(screen: CodingScreen, document_id: int) -> int:
    options = screen.query_one("#coding-documents", OptionList)
    prompt = str(options.get_option(str(document_id)).prompt)
    return int(re.search(r"(\d+)%$", prompt).group(1))  # type: ignore[union-attr]


def check_coding_screen(app: WorkbenchApp, screen: CodingScreen) -> None:
    store = app.wb.store
    anna = store.coder("anna").id
    counts = store.coding_counts()
    assert tree_counts(screen) == {c.id: counts.get(c.id, 0) for c in store.codes()}
    in_db = {c.id for c in store.codings(document_id=screen.document_id)}
    assert {c.id for c in screen.transcript.visible_codings} == in_db
    coverage = store.coverage(coder_ids=[anna])
    for doc in store.documents():
        expected = round(100 * coverage.get((doc.id, anna), 0) / doc.length)
        assert abs(shown_percent(screen, doc.id) - expected) <= 1  # "{:4.0f}" rounds halves


async def test_views_follow_codings_undo_and_redo_without_full_rereads(
    app: WorkbenchApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[str] = []
    original = ProjectScreen.reload

    def counting_reload(self: ProjectScreen) -> None:
        reloads.append("project")
        original(self)

    monkeypatch.setattr(ProjectScreen, "reload", counting_reload)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        store = app.wb.store
        p01 = store.document("P01").id
        app.push_screen(CodingScreen(p01))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        reloads.clear()
        view = screen.transcript
        text = view.text
        view.move_cursor(text.index("They drove us"))
        await pilot.press("s")
        fmt = store.code("format").id
        assert screen.apply_code(fmt) is not None
        await pilot.pause()
        check_coding_screen(app, screen)
        assert tree_counts(screen)[fmt] == 4  # three from the fixture, one now
        # quick code 1 on another sentence, then remove it with x
        view.move_cursor(text.index("I went four"))
        await pilot.press("s", "1")
        await pilot.pause()
        check_coding_screen(app, screen)
        await pilot.press("x")
        await pilot.pause()
        check_coding_screen(app, screen)
        for key in ("ctrl+z", "ctrl+z", "ctrl+y"):
            await pilot.press(key)
            await pilot.pause()
            check_coding_screen(app, screen)
        assert reloads == []  # the project screen under this one was left alone
        assert dict(app.stats.coverage()) == store.coverage()

        await pilot.press("q")  # back: the project screen catches up once
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen) and reloads == ["project"]
        table = app.screen.query_one(DocumentTable)
        anna = store.coder("anna")
        col = table.get_column_index(f"c{anna.id}")
        row = table.get_row_index(str(p01))
        shown = str(table.get_cell_at((row, col)))
        coded = store.coverage(coder_ids=[anna.id]).get((p01, anna.id), 0)
        assert shown == f"{round(100 * coded / store.document(p01).length)}%"


async def test_a_big_project_shows_at_once_and_fills_in_progress_from_a_worker(
    app: WorkbenchApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import workbench.tui.screens.project as project

    monkeypatch.setattr(project, "READ_COVERAGE_IN_WORKER", 0)  # as if a million codings
    gate = threading.Event()
    original = app.wb.store.coverage

    def slow_coverage(*args: object, **kwargs: object) -> object:
        if not args and not kwargs:  # the whole-project read: held until released
            gate.wait(10)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.wb.store, "coverage", slow_coverage)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProjectScreen)
        table = screen.query_one(DocumentTable)
        anna = app.wb.store.coder("anna")
        col = table.get_column_index(f"c{anna.id}")
        assert str(table.get_cell_at((0, col))) == "…"  # shown before the read ends
        p01 = app.wb.store.document("P01").id
        app.push_screen(CodingScreen(p01))
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert str(
            coding.query_one("#coding-documents", OptionList).get_option(str(p01)).prompt
        ).endswith("…")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        check_coding_screen(app, coding)  # percentages now, equal to a fresh read
        await pilot.press("q")
        await pilot.pause()
        row = table.get_row_index(str(p01))
        assert str(table.get_cell_at((row, col))).endswith("%")
