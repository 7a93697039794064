"""Choose or create the coder (stub; TUI-shell replaces this)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input


class CoderScreen(ModalScreen[str | None]):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="Your coder name", id="coder-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
