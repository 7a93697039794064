"""WorkbenchApp and its factory. Screens live in workbench/tui/screens/."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from workbench.bootstrap import Workbench, open_workbench
from workbench.core.errors import WorkbenchError
from workbench.core.model import Change
from workbench.core.settings import Settings
from workbench.tui.commands import WorkbenchCommands
from workbench.tui.messages import CoderChanged, ProjectChanged
from workbench.tui.queries import ProjectStats

if TYPE_CHECKING:
    from workbench.tui.screens.project import ProjectScreen
    from workbench.tui.widgets.picker import SearchHit


class WorkbenchApp(App[None]):
    """The coding workbench. ``wb`` is the wired project; widgets never hold ORM rows."""

    CSS_PATH = [Path(__file__).parent / "app.tcss"]
    TITLE = "workbench"
    COMMANDS = {WorkbenchCommands}  # includes Textual's system commands, listed after ours
    HELP_GROUP = "Everywhere"
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: F1 also works inside dialogs, which otherwise stop app keys
        Binding(
            "f1",
            "help",
            "Help",
            priority=True,
            tooltip="Help: every key, how to code",
            id="app.help",
        ),
        Binding("question_mark", "help", "Help", show=False, id="app.help-alt"),
        Binding("ctrl+z", "undo", "Undo", tooltip="Undo your last change", id="app.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, tooltip="Redo", id="app.redo"),
        Binding("f2", "switch_coder", "Coder", tooltip="Switch coder", id="app.switch-coder"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            tooltip="Command palette: any action, document or code by name",
            id="app.command-palette",
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    blind: reactive[bool] = reactive(False)

    def __init__(self, wb: Workbench, *, startup_warnings: Sequence[str] = ()) -> None:
        super().__init__()
        self.wb = wb
        self.stats = ProjectStats(wb.store)  # coverage and counts, kept current by refresh_views
        self.startup_warnings = list(startup_warnings)
        self.set_keymap(dict(wb.settings.keymap))

    # -- lifecycle ------------------------------------------------------------
    def on_mount(self) -> None:
        from workbench.tui.screens.project import ProjectScreen

        if self.wb.coder is not None:  # blind mode is remembered per coder
            self.set_reactive(
                WorkbenchApp.blind, self.wb.store.get_meta(f"blind:{self.wb.coder.name}") == "1"
            )
        self.push_screen(ProjectScreen())
        self._update_subtitle()
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", timeout=10)
        if self.wb.settings.keymap:
            from workbench.tui.keymap import unknown_ids

            unknown = unknown_ids(dict(self.wb.settings.keymap))
            if unknown:
                self.notify(
                    f"Key map: no binding has the id {', '.join(unknown)} (see F1 for ids)",
                    severity="warning",
                    timeout=10,
                )
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

    def watch_blind(self, _old: bool, new: bool) -> None:
        if self.wb.coder is not None:  # remembered per coder across sessions
            self.wb.store.set_meta(f"blind:{self.wb.coder.name}", "1" if new else "0")
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
        self.set_reactive(WorkbenchApp.blind, self.wb.store.get_meta(f"blind:{name}") == "1")
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

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 toggles
        else:
            self.push_screen(HelpScreen(self.screen))

    def _project_screen(self) -> ProjectScreen | None:
        from workbench.tui.screens.project import ProjectScreen

        for screen in self.screen_stack:
            if isinstance(screen, ProjectScreen):
                return screen
        return None

    def action_import_files(self) -> None:
        """Import transcripts (the project screen runs the import and shows progress)."""
        project = self._project_screen()
        if project is not None:
            project.action_import_files()

    def action_agreement_report(self) -> None:
        """Inter-coder agreement per code (the agreement screen)."""
        from workbench.tui.screens.agreement import AgreementScreen

        if self._refuse_in_blind_mode("the agreement report"):
            return

        if not isinstance(self.screen, AgreementScreen):
            self.push_screen(AgreementScreen())

    def _refuse_in_blind_mode(self, what: str) -> bool:
        if self.blind:
            self.notify(f"Blind mode is on: {what} shows other coders' work. Press b to turn "
                        "blind mode off first.", severity="warning")  # fmt: skip
        return self.blind

    def action_themes(self) -> None:
        """Theme summary: counts by participant, quotes, exports (the themes screen)."""
        from workbench.tui.screens.themes import ThemesScreen

        if not isinstance(self.screen, ThemesScreen):
            self.push_screen(ThemesScreen())

    def action_export(self) -> None:
        """Export a theme summary, quotes, a matrix, co-occurrence or the codebook (the
        themes screen's export dialog, with its filters)."""
        from workbench.tui.screens.themes import ThemesScreen

        screen = self.screen
        if isinstance(screen, ThemesScreen) and screen.loaded is not None:
            screen.action_export()
        elif not isinstance(screen, ThemesScreen):
            self.push_screen(ThemesScreen(export=True))

    def action_reconcile(self) -> None:
        """Walk the disagreements of the two coders who share most documents."""
        from workbench.tui.screens.reconcile import ReconcileScreen
        from workbench.workflows.agreement import default_coders

        if self._refuse_in_blind_mode("reconciliation"):
            return

        coders = default_coders(self.wb.store)
        if len(coders) < 2:
            self.notify("Reconciliation needs two coders who coded the same documents",
                        severity="warning")  # fmt: skip
            return
        if not isinstance(self.screen, ReconcileScreen):
            self.push_screen(ReconcileScreen(coders[0], coders[1]))

    def open_document(self, document_id: int, hit: SearchHit | None = None) -> None:
        """Open a document on the coding screen, from anywhere (command palette), at a
        project-search ``hit`` if given."""
        from workbench.tui.screens.coding import CodingScreen

        project = self._project_screen()
        if project is not None:
            while self.screen is not project and len(self.screen_stack) > 1:
                self.pop_screen()
        self.push_screen(CodingScreen(document_id, offset=hit.start if hit else None, hit=hit))

    def action_project_search(self) -> None:
        """Find text in every document; Enter opens the document at the hit."""
        from workbench.tui.screens.coding import CodingScreen
        from workbench.tui.widgets.picker import ProjectSearch

        if isinstance(self.screen, CodingScreen):
            self.screen.action_project_search()
            return

        def found(hit: SearchHit | None) -> None:
            if hit is not None:
                self.open_document(hit.document_id, hit)

        self.push_screen(ProjectSearch(""), found)

    def show_code(self, code_id: int) -> None:
        """Put the cursor on a code in the codebook tree of the current screen."""
        from workbench.tui.screens.project import ProjectScreen
        from workbench.tui.widgets.codebook_tree import CodebookTree

        screen = self.screen
        if isinstance(screen, ProjectScreen):
            screen.show_code(code_id)
            return
        if callable(focus_code := getattr(screen, "focus_code", None)):
            focus_code(code_id)  # the coding screen: n / N step through it
            return
        trees = screen.query(CodebookTree)
        if not trees:
            self.notify("There is no codebook on this screen", severity="warning")
            return
        tree = trees.first()
        tree.display = True
        tree.select_code(code_id)
        tree.focus()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, minus Quit (WorkbenchCommands lists it)."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def action_toggle_blind(self) -> None:
        self.blind = not self.blind
        self.notify(f"Blind mode {'on: only your codings are shown' if self.blind else 'off'}")

    def action_undo(self) -> None:
        self._replay(undo=True)

    def action_redo(self) -> None:
        self._replay(undo=False)

    def _replay(self, *, undo: bool) -> None:
        coder_id = self.require_coder()
        if coder_id is None:
            return
        store = self.wb.store
        try:
            done = store.undo_change(coder_id) if undo else store.redo_change(coder_id)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        verb = "Undid" if undo else "Redid"
        if done is None:
            self.notify(f"Nothing to {'undo' if undo else 'redo'}")
            return
        summary, change = done
        self.notify(f"{verb}: {summary}")
        self.refresh_views(change)

    def refresh_views(
        self, change: Change | str = "", *, handled_by: Screen[Any] | None = None
    ) -> None:
        """Tell the screens that the project changed (``change`` says what; a bare word: anything).

        The shared ``stats`` are brought up to date first. ``handled_by`` is a screen that
        has already shown the change itself and needs no message.
        """
        from workbench.tui.screens.base import WorkbenchScreen

        change = change if isinstance(change, Change) else Change(change)
        self.stats.update(change)
        for screen in self.screen_stack:
            if screen is handled_by:
                continue
            if isinstance(screen, WorkbenchScreen):
                screen.note_change(change)
            else:
                screen.post_message(ProjectChanged(change))

    # -- workers ----------------------------------------------------------------
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and isinstance(event.worker.error, WorkbenchError):
            self.notify(str(event.worker.error), severity="error", timeout=8)


def create_app(settings: Settings) -> WorkbenchApp:
    """Build the app on a project; the CLI and the tests use this same wiring.

    The user's keymap file (``<data dir>/keymap.toml``) is merged under
    ``settings.keymap``; a broken keymap file is reported in the app, not fatal.
    """
    from workbench.tui.keymap import load_keymap

    warnings: list[str] = []
    try:
        file_keymap = load_keymap()
    except WorkbenchError as err:
        file_keymap = {}
        warnings.append(f"{err} - using the default keys")
    if file_keymap:
        settings = replace(settings, keymap={**file_keymap, **settings.keymap})
    return WorkbenchApp(open_workbench(settings), startup_warnings=warnings)
