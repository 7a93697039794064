"""Coding screen (stub; TUI-core replaces this)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class CodingScreen(Screen[None]):
    def __init__(self, document_id: int) -> None:
        super().__init__()
        self.document_id = document_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Document {self.document_id}")
        yield Footer()
