"""Import transcripts from inside the app: choose a file or folder, see what will come in.

The modal only collects the request; the project screen runs the import in a thread
worker (``ProjectScreen.run_import``) that posts ``ImportProgress`` and ``ImportFinished``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Static
from textual.worker import get_current_worker

PREVIEW_LIMIT = 2000  # files looked at in a folder before the preview stops counting
PREVIEW_NAMES = 5


def supported_extensions() -> tuple[str, ...]:
    from workbench.io.transcripts import SUPPORTED_EXTENSIONS

    return SUPPORTED_EXTENSIONS


def to_path(value: str) -> Path:
    """What the user typed as a path: quotes stripped, ``~`` expanded."""
    return Path(os.path.expanduser(value.strip().strip("'\"")))


@dataclass(frozen=True)
class ImportRequest:
    paths: tuple[Path, ...]
    skip_errors: bool = False


class ImportProgress(Message):
    """One step of a running import (collapses into the latest)."""

    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ImportProgress)


class ImportFinished(Message):
    """The import worker is done (finished, cancelled or failed); outcomes as they came."""

    def __init__(
        self, outcomes: list[Any], cancelled: bool, files: int = 0, completed: bool = True
    ) -> None:
        super().__init__()
        self.outcomes = outcomes  # list[ImportOutcome]
        self.cancelled = cancelled
        self.files = files  # how many files were read
        self.completed = completed  # False when the worker raised


class PathSuggester(Suggester):
    """Completes the last part of a path from the file system (→ accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        path = to_path(value)
        folder, stem = (path, "") if value.endswith(("/", os.sep)) else (path.parent, path.name)
        try:
            names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name.startswith(stem) and name != stem:
                rest = name[len(stem) :]
                if (folder / name).is_dir():
                    rest += "/"
                return value + rest
        return None


@dataclass(frozen=True)
class Preview:
    ok: bool
    text: str


def preview(path: Path, extensions: tuple[str, ...]) -> Preview:
    """Describe what importing ``path`` would bring in (no parsing)."""
    if not str(path) or str(path) == ".":
        return Preview(False, "Type the path of a transcript or of a folder of transcripts.")
    if not path.exists():
        return Preview(False, f"No such file or folder: {path}")
    if path.is_file():
        if path.suffix.lower() not in extensions:
            return Preview(
                True,
                f"1 file: {path.name} - '{path.suffix or 'no extension'}' is not a supported "
                f"type ({' '.join(extensions)}); it will be reported as a failure.",
            )
        return Preview(True, f"1 file: {path.name}")
    found: list[str] = []
    others = looked = 0
    capped = False
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            looked += 1
            if Path(name).suffix.lower() in extensions:
                found.append(str(Path(root, name).relative_to(path)))
            else:
                others += 1
            if looked >= PREVIEW_LIMIT:
                capped = True
                break
        if capped:
            break
    if not found:
        return Preview(
            False, f"No transcripts in {path} (looking for {' '.join(extensions)} files)."
        )
    more = "+" if capped else ""
    text = f"{len(found)}{more} transcript{'s' if len(found) != 1 else ''} in {path}:\n  "
    text += "\n  ".join(found[:PREVIEW_NAMES])
    if len(found) > PREVIEW_NAMES:
        text += f"\n  … and {len(found) - PREVIEW_NAMES}{more} more"
    if others:
        text += f"\n({others}{more} other files are ignored)"
    return Preview(True, text)


class ImportScreen(ModalScreen[ImportRequest | None]):
    """Path of a file or folder (``~`` works); a preview; Enter imports, Escape cancels."""

    HELP_GROUP = "Import"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
    ]

    def __init__(self, initial: str = "") -> None:
        super().__init__(classes="wb-modal")
        self.initial = initial
        self._preview = Preview(False, "")

    def compose(self) -> ComposeResult:
        with Vertical(classes="wb-dialog wide", id="import-dialog") as dialog:
            dialog.border_title = "Import transcripts"
            yield Input(
                self.initial,
                placeholder="~/interviews or ~/interviews/P01.docx",
                suggester=PathSuggester(),
                id="import-path",
            )
            yield Static("", id="import-preview", markup=False)
            yield Checkbox("Import the good files even if some fail", id="skip-errors")
            with Horizontal(classes="buttons"):
                yield Button("Import (enter)", variant="primary", id="import")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._update_preview(self.initial)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update_preview(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-preview")
    def _update_preview(self, value: str) -> None:
        result = preview(to_path(value), supported_extensions()) if value.strip() else None
        if not get_current_worker().is_cancelled:
            self.post_message(self._PreviewReady(result))

    class _PreviewReady(Message):
        def __init__(self, result: Preview | None) -> None:
            super().__init__()
            self.result = result

    @on(_PreviewReady)
    def _show_preview(self, message: _PreviewReady) -> None:
        self._preview = message.result or Preview(
            False, "Type the path of a transcript or of a folder of transcripts."
        )
        self.query_one("#import-preview", Static).update(self._preview.text)
        self.query_one("#import", Button).disabled = not self._preview.ok

    @on(Input.Submitted)
    @on(Button.Pressed, "#import")
    def _submit(self) -> None:
        value = self.query_one(Input).value
        if not value.strip():
            return
        path = to_path(value)
        if not path.exists():
            self.query_one("#import-preview", Static).update(f"No such file or folder: {path}")
            return
        skip = self.query_one(Checkbox).value
        self.dismiss(ImportRequest((path,), skip_errors=skip))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
