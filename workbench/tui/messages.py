"""App-wide messages. Widgets post these up; screens refresh on them."""

from __future__ import annotations

from textual.message import Message

from workbench.core.model import Change


class ProjectChanged(Message):
    """The project changed; views re-read what ``change`` says was touched."""

    def __init__(self, change: Change | str = "") -> None:
        super().__init__()
        self.change = change if isinstance(change, Change) else Change(change)
        self.what = self.change.what


class CoderChanged(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
