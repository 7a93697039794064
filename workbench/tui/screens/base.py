"""The base of the app's full screens: the typed app, and refreshing only when shown.

A change made while a screen is covered (by another screen or a dialog) is kept and
merged with later ones; the screen re-reads once, when it is shown again. Re-reading a
hidden project screen after every coding cost seconds at a million codings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual import events, on, work
from textual.screen import ModalScreen, Screen

from workbench.core.model import Change
from workbench.tui.messages import ProjectChanged

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

ResultType = TypeVar("ResultType")


class WorkbenchScreen(Screen[ResultType]):
    """A full screen of the workbench; override ``project_changed`` to refresh."""

    _pending_change: Change | None = None

    @property
    def wb_app(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def project_changed(self, change: Change) -> None:
        """Re-read what ``change`` touched; called only while this screen is shown."""

    @work(thread=True, exit_on_error=False, group="coverage", description="coding progress")
    def read_coverage_then(self, then: Callable[[], None]) -> None:
        """Read the shared coverage in a thread (seconds at a million codings; one read
        however many screens ask), then call ``then`` on the UI thread."""
        self.wb_app.stats.coverage()
        self.app.call_from_thread(lambda: then() if self.is_mounted else None)

    def _is_shown(self) -> bool:
        """On top, or under dialogs only (Textual's ``is_current`` also counts the screen
        under any other screen)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(isinstance(s, ModalScreen) for s in stack[stack.index(self) + 1 :])

    def note_change(self, change: Change) -> None:
        """Shown: refresh (through a message, after the current handler). Hidden: keep the
        change for later without waking the screen (a hidden screen that handles a message
        also runs its pending layout: ~25 ms on the keystroke that caused the change)."""
        if self._is_shown():
            self.post_message(ProjectChanged(change))
        else:
            self._keep(change)

    def _keep(self, change: Change) -> None:
        if self._pending_change is None:
            self._pending_change = change
        else:
            self._pending_change = self._pending_change.merge(change)

    @on(ProjectChanged)
    def _project_changed_gate(self, message: ProjectChanged) -> None:
        if not self.is_mounted:
            return
        if self._is_shown():
            self.project_changed(message.change)
        else:
            self._keep(message.change)

    @on(events.ScreenResume)
    def _catch_up(self) -> None:
        change, self._pending_change = self._pending_change, None
        if change is not None and self.is_mounted:
            self.project_changed(change)
