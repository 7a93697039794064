"""Every screen is reachable by a key from where a user is, on the sample study."""

from __future__ import annotations

from pathlib import Path

from workbench.core.settings import Settings
from workbench.tui.app import create_app
from workbench.tui.screens.agreement import AgreementScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.reconcile import ReconcileScreen
from workbench.tui.screens.suggestions import SuggestionsScreen
from workbench.tui.screens.themes import ThemesScreen


async def test_keys_reach_every_screen(sample_path: Path) -> None:
    app = create_app(Settings(project=str(sample_path), coder="anna"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, screen_type in (
            ("T", ThemesScreen),
            ("g", AgreementScreen),
            ("C", ReconcileScreen),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen_type), key
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, SuggestionsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
