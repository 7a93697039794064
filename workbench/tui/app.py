"""WorkbenchApp and its factory. Screens live in workbench/tui/screens/."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from workbench.bootstrap import Workbench, open_workbench
from workbench.core.errors import WorkbenchError
from workbench.core.settings import Settings
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.messages import CoderChanged, ProjectChanged


class WorkbenchApp(App[None]):
    """The coding workbench. ``wb`` is the wired project; widgets never hold ORM rows."""

    CSS_PATH = [Path(__file__).parent / "app.tcss"]
    TITLE = "workbench"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("question_mark", "help", "Help", show=False, id="app.help-alt"),
        Binding("ctrl+z", "undo", "Undo", id="app.undo"),
        Binding("ctrl+y", "redo", "Redo", id="app.redo"),
        Binding("f2", "switch_coder", "Coder", id="app.switch-coder"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    blind: reactive[bool] = reactive(False)

    def __init__(self, wb: Workbench) -> None:
        super().__init__()
        self.wb = wb
        self.set_keymap(dict(wb.settings.keymap))

    # -- lifecycle ------------------------------------------------------------
    def on_mount(self) -> None:
        from workbench.tui.screens.project import ProjectScreen

        self.push_screen(ProjectScreen())
        self._update_subtitle()
        if self.wb.coder is None:
            last = self.wb.store.get_meta("last_coder")
            if last:
                self.use_coder(last)
            else:
                self.action_switch_coder()

    def on_unmount(self) -> None:
        self.wb.close()

    def _update_subtitle(self) -> None:
        coder = self.wb.coder.name if self.wb.coder else "-"
        self.title = f"workbench · {self.wb.project_label}"
        self.sub_title = f"coder: {coder} · blind: {'on' if self.blind else 'off'}"

    def watch_blind(self, _old: bool, _new: bool) -> None:
        self._update_subtitle()
        self.refresh_views("blind")

    # -- coder ----------------------------------------------------------------
    def use_coder(self, name: str) -> None:
        try:
            self.wb.use_coder(name)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.wb.store.set_meta("last_coder", name)
        self._update_subtitle()
        self.post_message(CoderChanged(name))
        self.refresh_views("coder")

    def action_switch_coder(self) -> None:
        from workbench.tui.screens.coder import CoderScreen

        def chosen(name: str | None) -> None:
            if name:
                self.use_coder(name)

        self.push_screen(CoderScreen(), chosen)

    def require_coder(self) -> int | None:
        """The current coder's id, or None (and a prompt) if no coder is chosen yet."""
        if self.wb.coder is None:
            self.notify("Choose a coder first (F2)", severity="warning")
            return None
        return self.wb.coder.id

    # -- actions available everywhere -------------------------------------------
    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_blind(self) -> None:
        self.blind = not self.blind
        self.notify(f"Blind mode {'on: only your codings are shown' if self.blind else 'off'}")

    def action_undo(self) -> None:
        coder_id = self.require_coder()
        if coder_id is None:
            return
        try:
            summary = self.wb.store.undo(coder_id)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"Undid: {summary}" if summary else "Nothing to undo")
        self.refresh_views("undo")

    def action_redo(self) -> None:
        coder_id = self.require_coder()
        if coder_id is None:
            return
        try:
            summary = self.wb.store.redo(coder_id)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(f"Redid: {summary}" if summary else "Nothing to redo")
        self.refresh_views("redo")

    def refresh_views(self, what: str = "") -> None:
        """Tell every screen on the stack that the project changed."""
        for screen in self.screen_stack:
            screen.post_message(ProjectChanged(what))

    # -- workers ----------------------------------------------------------------
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and isinstance(event.worker.error, WorkbenchError):
            self.notify(str(event.worker.error), severity="error", timeout=8)


def create_app(settings: Settings) -> WorkbenchApp:
    """Build the app on a project; the CLI and the tests use this same wiring."""
    return WorkbenchApp(open_workbench(settings))
