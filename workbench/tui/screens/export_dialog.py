"""The export modal of the themes screen: kind, format and output file.

The modal only collects an :class:`ExportRequest`; the themes screen runs
``workbench.workflows.exports.run_export`` in a thread worker with its current filters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from workbench.core.settings import data_dir
from workbench.tui.screens.import_files import PathSuggester, to_path

# The analysis exports offered here (the REFI-QDA kinds export the whole project: CLI).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "summary": ("themes, counts, spread, memos, quotes", ("md", "html", "docx")),
    "quotes": ("every coding with its exact text", ("csv", "xlsx")),
    "matrix": ("codes x participants", ("csv", "xlsx")),
    "cooccurrence": ("codes that overlap", ("csv", "xlsx", "html")),
    "codebook": ("definitions and examples (appendix)", ("md", "docx", "csv")),
}
EXPORT_FOLDER = "~/workbench-exports"


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    format: str
    path: Path  # ``~`` expanded


def default_export_path(
    kind: str, fmt: str, project_file: Path | None, folder: Path | None = None
) -> Path:
    """Where an export goes unless the user types another path.

    Next to the project file (``study-summary.md`` beside ``study.sqlite``) when the
    project is a file of the user's own; ``~/workbench-exports/summary.md`` for the default
    project in the app's data folder and for server projects. ``folder`` (the folder of
    the last export in this session) wins over both.
    """
    own_file = project_file is not None and not _inside(project_file, data_dir())
    name = f"{project_file.stem}-{kind}.{fmt}" if own_file and project_file else f"{kind}.{fmt}"
    if folder is not None:
        return folder / name
    if own_file and project_file is not None:
        return project_file.parent / name
    return to_path(EXPORT_FOLDER) / name


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def display_path(path: Path) -> str:
    """``path`` with the home folder written as ``~``."""
    home = os.path.expanduser("~")
    text = str(path)
    if home not in ("", "/", "~") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home) :]
    return text


class ChoiceSet(RadioSet):
    """Radio buttons where the arrow keys choose, as in most dialogs (Textual's RadioSet
    only moves a highlight, so ctrl+s exported the old choice)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "choose(1)", "Next option", show=False),
        Binding("up,left", "choose(-1)", "Previous option", show=False),
    ]

    def action_choose(self, step: int) -> None:
        # not in action_next_button: RadioSet calls that when it mounts
        self.action_next_button() if step > 0 else self.action_previous_button()
        if self._selected is not None:
            button = list(self.query(RadioButton))[self._selected]
            if not button.value:
                button.value = True


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Choose what to export, the format and the file; Enter exports, Escape cancels."""

    CSS_PATH = "themes.tcss"
    HELP_GROUP = "Export"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", id="export.run", priority=True),
    ]

    def __init__(
        self,
        filters_text: str,
        *,
        project_file: Path | None = None,
        folder: Path | None = None,
        kind: str = "summary",
    ) -> None:
        super().__init__(classes="wb-modal")
        self.filters_text = filters_text
        self.project_file = project_file
        self.folder = folder
        self.kind = kind if kind in KINDS else "summary"
        self.format = KINDS[self.kind][1][0]
        self._auto_path = ""  # the last path we filled in; the user's own edits are kept

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="wb-dialog wide") as dialog:
            dialog.border_title = "Export"
            dialog.border_subtitle = "enter in the file box or ctrl+s exports · esc cancels"
            yield Static(f"With the filters: {self.filters_text}", id="export-filters")
            with Horizontal(id="export-choices"):
                with Vertical(id="export-kind-box"):
                    yield Label("What", classes="export-label")
                    with ChoiceSet(id="export-kind", compact=True):
                        for name, (help_text, _formats) in KINDS.items():
                            yield RadioButton(
                                Text.assemble(f"{name:<13}", (help_text, "dim")),
                                value=name == self.kind,
                                name=name,
                                compact=True,
                            )
                with Vertical(id="export-format-box"):
                    yield Label("Format", classes="export-label")
            yield Label("File (missing folders are created; mode 0600)", classes="export-label")
            yield Input(
                id="export-path",
                suggester=PathSuggester(),
                placeholder="file to write",
                compact=True,
            )
            yield Static("", id="export-note", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    async def on_mount(self) -> None:
        await self._show_formats()
        self._fill_path()
        self.query_one("#export-kind", RadioSet).focus()

    async def _show_formats(self) -> None:
        """A fresh format set for the kind (a RadioSet sets itself up when mounted)."""
        box = self.query_one("#export-format-box", Vertical)
        await box.query(RadioSet).remove()
        formats = KINDS[self.kind][1]
        if self.format not in formats:
            self.format = formats[0]
        buttons = [
            RadioButton(fmt, value=fmt == self.format, name=fmt, compact=True) for fmt in formats
        ]
        await box.mount(ChoiceSet(*buttons, id="export-format", compact=True))

    def _fill_path(self) -> None:
        """Put the default path in the box, or swap the suffix of the user's own path."""
        field = self.query_one("#export-path", Input)
        current = field.value.strip()
        if not current or current == self._auto_path:
            path = default_export_path(self.kind, self.format, self.project_file, self.folder)
            value = display_path(path)
            self._auto_path = value
        else:
            value = str(Path(current).with_suffix(f".{self.format}"))
        field.value = value
        field.cursor_position = len(value)
        self._update_note(value)

    # -- choices --------------------------------------------------------------------
    @on(RadioSet.Changed, "#export-kind")
    async def _kind_changed(self, event: RadioSet.Changed) -> None:
        name = event.pressed.name
        if name and name != self.kind:
            self.kind = name
            await self._show_formats()
            self._fill_path()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        name = event.pressed.name
        if name and name != self.format:
            self.format = name
            self._fill_path()

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._update_note(event.value)

    def _update_note(self, value: str) -> None:
        note = ""
        if value.strip():
            path = to_path(value)
            suffix = path.suffix.lower().lstrip(".")
            if path.is_dir():
                note = "That is a folder: add a file name."
            elif suffix and suffix != self.format:
                note = f"The file ends in .{suffix}; it will be written as {self.format}."
            elif path.exists():
                note = "The file exists and will be replaced."
            elif not path.parent.exists():
                note = f"The folder {display_path(path.parent)} will be created."
        self.query_one("#export-note", Static).update(note)

    # -- done -----------------------------------------------------------------------
    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        value = self.query_one("#export-path", Input).value
        if not value.strip():
            self.query_one("#export-note", Static).update("Type the file to write.")
            return
        path = to_path(value).absolute()
        if path.is_dir():
            self.query_one("#export-note", Static).update("That is a folder: add a file name.")
            return
        self.dismiss(ExportRequest(self.kind, self.format, path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
