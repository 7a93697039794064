"""Project screen (stub; TUI-shell replaces this)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class ProjectScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Project")
        yield Footer()
