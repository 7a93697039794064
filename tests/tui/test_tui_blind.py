"""Blind mode keeps double coding independent everywhere, and is remembered per coder."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from workbench.core.settings import Settings
from workbench.tui.app import create_app
from workbench.tui.screens.agreement import AgreementScreen
from workbench.tui.screens.project import ProjectScreen
from workbench.tui.widgets.codebook_tree import CodebookTree


def _tree_total(app) -> int:  # type: ignore[no-untyped-def]
    tree = app.screen.query_one(CodebookTree)
    return sum(
        int(str(n.label).rsplit("(", 1)[1].split(")")[0].split("/")[0]) for n in tree._walk()
    )


async def test_blind_mode_hides_other_coders_on_the_project_screen(sample_path: Path) -> None:
    app = create_app(Settings(project=str(sample_path), coder="ben"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        pooled = _tree_total(app)
        app.blind = True
        await pilot.pause()
        ben = app.wb.store.coder("ben").id
        assert _tree_total(app) == len(app.wb.store.codings(coder_ids=[ben])) < pooled
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "anna" not in summary
        await pilot.press("g")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)
    # reopening as ben: still blind
    again = create_app(Settings(project=str(sample_path), coder="ben"))
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.blind
        assert "blind: on" in again.sub_title
