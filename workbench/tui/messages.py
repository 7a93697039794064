"""App-wide messages. Widgets post these up; screens refresh on them."""

from __future__ import annotations

from textual.message import Message


class ProjectChanged(Message):
    """The project changed (codings, codes, documents); views re-read what they show."""

    def __init__(self, what: str = "") -> None:
        super().__init__()
        self.what = what


class CoderChanged(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
