"""The coding screen: documents and codebook | transcript | what is coded here and definitions.

Every change goes through ``app.wb.store`` and then ``app.refresh_views()``. A change
this screen makes (a coding in its document) it shows at once and re-reads only what
it touched: the document's codings, the counts of that code, that document's progress;
anything else (``ProjectChanged`` with a wide ``Change``) re-reads codes and codings,
keeping the cursor and the scroll position. Widgets get frozen objects only.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.core.errors import WorkbenchError
from workbench.core.model import Change, Code, Coding, Document
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.codebook_tree import CodebookTree
from workbench.tui.widgets.definition import DefinitionPanel
from workbench.tui.widgets.here import HerePanel, RecentPanel, here_summary, swatch
from workbench.tui.widgets.picker import (
    CodePicker,
    CodingChooser,
    MemoEditor,
    Pick,
    ProjectSearch,
    SearchHit,
)
from workbench.tui.widgets.transcript import TranscriptView

NARROW = 100  # below this many columns the side panels fold away
MAX_RECENT = 9


def _key(key: str, action: str, description: str, name: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"coding.{name}")


class FindInput(Input):
    """The in-document search box: Enter next hit, shift+Enter/up previous, Escape closes."""

    HELP_GROUP = "Find in document"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", id="find.close"),
        Binding("shift+enter,up", "step(-1)", "Previous hit", id="find.previous"),
        Binding("down", "step(1)", "Next hit", id="find.next"),
    ]

    class Step(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Close(Message):
        pass

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(step))

    def action_close(self) -> None:
        self.post_message(self.Close())


class CodingScreen(WorkbenchScreen[None]):
    """Read a transcript, select passages, apply codes; see what is coded under the cursor."""

    HELP_GROUP = "Coding screen"
    AUTO_FOCUS = "#coding-transcript"
    CSS_PATH = "coding.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _key("s", "select('sentence')", "Sentence", "select-sentence"),
        _key("t", "select('turn')", "Turn", "select-turn"),
        _key("right_square_bracket", "grow('sentence', 1)", "Extend by a sentence",
             "extend-sentence", show=False),
        _key("left_square_bracket", "grow('sentence', -1)", "Shrink by a sentence",
             "shrink-sentence", show=False),
        _key("w", "grow('word', 1)", "Extend by a word", "extend-word", show=False),
        _key("W", "grow('word', -1)", "Shrink by a word", "shrink-word", show=False),
        _key("c", "pick_code", "Code", "pick-code"),
        _key("enter", "pick_code", "Code", "pick-code-enter", show=False),
        Binding("1", "quick_code(1)", "Quick code", key_display="1-9", id="coding.quick-code"),
        *[_key(str(n), f"quick_code({n})", f"Recent code {n}", f"quick-code-{n}", show=False)
          for n in range(2, 10)],
        _key("x", "uncode", "Uncode", "uncode"),
        _key("R", "resize", "Resize coding to selection", "resize", show=False),
        _key("m", "memo", "Memo", "memo"),
        _key("asterisk", "star", "Star / unstar coding", "star", show=False),
        _key("n", "next(1)", "Next", "next"),
        _key("N", "next(-1)", "Previous coding or hit", "previous", show=False),
        _key("slash", "find", "Find", "find"),
        _key("ctrl+f", "project_search", "Search the project", "search-project", show=False),
        _key("b", "blind", "Blind", "blind"),
        _key("g", "suggestions", "Suggestions", "suggestions", show=False),
        _key("f3", "toggle_panel('left')", "Documents panel", "toggle-left", show=False),
        _key("tab", "next_panel", "Next panel (opens the folded documents panel)", "next-panel",
             show=False),
        _key("f4", "toggle_panel('right')", "Here panel", "toggle-right", show=False),
        _key("escape", "escape", "Clear search / selection, back", "escape", show=False),
        _key("q", "back", "Back to the project", "back", show=False),
    ]  # fmt: skip

    def __init__(
        self, document_id: int, *, offset: int | None = None, hit: SearchHit | None = None
    ) -> None:
        super().__init__()
        self.document_id = document_id
        self.document: Document | None = None
        self._initial_offset = offset
        self._initial_hit = hit  # opened from a project search: show its matches
        self.codes: list[Code] = []
        self._code_by_id: dict[int, Code] = {}
        self.documents: list[Document] = []
        self.coder_names: dict[int, str] = {}
        self.codings: list[Coding] = []  # every coder's codings in this document
        self.recent: list[int] = []
        self.focus_code_id: int | None = None
        self._counts: dict[int, int] = {}
        self._panels: dict[str, bool | None] = {"left": None, "right": None}
        self._wide: bool | None = None
        self._browsing = False  # the left column (documents, codebook) has focus
        self._unfolded_by_tab = False
        self._status_at = -1  # where the cursor was when the status was set
        self._definition_code: Code | None = None
        self._status = ""

    # -- composition ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="coding-body"):
            with Vertical(id="coding-left"):
                yield OptionList(id="coding-documents")
                yield CodebookTree(id="coding-codebook")
                yield DefinitionPanel(id="coding-left-definition")
            yield TranscriptView(id="coding-transcript")
            with Vertical(id="coding-right"):
                yield HerePanel(id="coding-here")
                yield DefinitionPanel(id="coding-definition")
                yield RecentPanel(id="coding-recent")
        with Horizontal(id="coding-findbar"):
            yield Label("Find", id="coding-find-label")
            yield FindInput(placeholder="text in this document", id="coding-find")
            yield Label("", id="coding-find-count")
        yield Footer()

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def codebook(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    def on_mount(self) -> None:
        self.query_one("#coding-documents").border_title = "Documents"
        self.codebook.border_title = "Codebook"
        self.query_one("#coding-here").border_title = "Here"
        self.query_one("#coding-definition").border_title = "Definition"
        self.query_one("#coding-left-definition").border_title = "Definition"
        self.query_one("#coding-recent").border_title = "Recent (1-9)"
        self._reload_project()
        if not self._open(self.document_id, self._initial_offset or 0):
            self.call_after_refresh(self.action_back)
            return
        self._layout_panels(self.app.size.width)
        if self._initial_hit is not None:
            self.call_after_refresh(self.show_hit, self._initial_hit)
        # The loaded transcript, layout and codings live as long as the screen; moving
        # them out of the cyclic collector's reach keeps full collections (measured at
        # ~140 ms on a 20,000-word transcript, bench/bench_tui.py) off the keystroke path.
        gc.freeze()

    # -- loading ---------------------------------------------------------------------
    def _me(self) -> int | None:
        coder = self.wb_app.wb.coder
        return coder.id if coder else None

    def _open(self, document_id: int, offset: int = 0) -> bool:
        """Show another document in this screen; False (and a message) if it is gone."""
        store = self.wb_app.wb.store
        try:
            document = store.document(document_id)
            text = store.text(document_id)
            turns = store.turns(document_id)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return False
        self.document_id = document_id
        self.document = document
        self._close_find(clear=True)
        view = self.transcript
        view.set_document(text, turns, offset)
        view.border_title = f"{document.name} · {document.source_format} · {document.words:,} words"
        self._reload_codings()
        self._fill_documents()
        return True

    def _reload_project(self) -> None:
        store = self.wb_app.wb.store
        self.codes = store.codes()
        self._code_by_id = {c.id: c for c in self.codes}
        self.coder_names = {c.id: c.name for c in store.coders()}
        self.documents = store.documents()
        self.recent = self._load_recent()
        self.wb_app.wb.recent_codes = list(self.recent)
        self._counts = self._current_counts()
        self.codebook.set_codes(self.codes, self._counts)
        if self.focus_code_id not in self._code_by_id:
            self.focus_code_id = None
        self.query_one(RecentPanel).show([self._code_by_id[i] for i in self.recent])

    def _current_counts(self) -> dict[int, int]:
        """Codings per code: every coder's, or only mine in blind mode."""
        me = self._me()
        blind = self.wb_app.blind and me is not None
        return dict(self.wb_app.stats.counts(me if blind else None))

    def _reload_codings(self, ids: frozenset[int] | None = None) -> None:
        """Re-read this document's codings, or only the codings ``ids`` (added, edited or
        removed): a document of a big project holds thousands."""
        store = self.wb_app.wb.store
        if ids is None:
            self.codings = store.codings(document_id=self.document_id)
        else:
            fresh = [c for c in store.codings(ids=sorted(ids)) if c.document_id == self.document_id]
            kept = [c for c in self.codings if c.id not in ids]
            self.codings = sorted([*kept, *fresh], key=lambda c: (c.start, c.end, c.id))
        me = self._me()
        shown = self.codings
        if self.wb_app.blind:
            shown = [c for c in self.codings if c.coder_id == me]
        self.transcript.set_codings(shown, {c.id: c.colour for c in self.codes})
        self._update_here()

    def _document_prompt(self, doc: Document) -> Text:
        me, stats = self._me(), self.wb_app.stats
        prompt = Text()
        is_current = doc.id == self.document_id
        prompt.append("▸" if is_current else " ", "bold")
        name = doc.name if len(doc.name) <= 14 else doc.name[:13] + "…"
        prompt.append(f"{name:<14}", "bold" if is_current else "")
        if not stats.has_coverage:  # still being read (a big project): filled in after
            prompt.append("    …", "dim")
            return prompt
        coded = stats.coverage().get((doc.id, me), 0) if me is not None else 0
        prompt.append(f"{100 * coded / max(doc.length, 1):4.0f}%", "dim")
        return prompt

    def _fill_documents(self) -> None:
        option_list = self.query_one("#coding-documents", OptionList)
        options = []
        current = 0
        for i, doc in enumerate(self.documents):
            options.append(Option(self._document_prompt(doc), id=str(doc.id)))
            if doc.id == self.document_id:
                current = i
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = current
        if not self.wb_app.stats.has_coverage:
            self.read_coverage_then(self._fill_documents)

    def project_changed(self, change: Change) -> None:
        if self.document is None:
            return
        if change.what in ("undo", "redo", "coder", "blind"):  # "coded X" would be stale
            self._status = ""
        if change.is_narrow:
            self._show_codings_changed(change)
            return
        try:
            self.wb_app.wb.store.document(self.document_id)
        except WorkbenchError:
            self.notify("This document is no longer in the project", severity="warning")
            self.action_back()
            return
        self._reload_project()
        self._reload_codings()
        self._fill_documents()

    def _show_codings_changed(self, change: Change) -> None:
        """Re-read only what a change to some codings touched (``change.is_narrow``)."""
        assert change.documents is not None
        if self.document_id in change.documents:
            self._reload_codings(change.coding_ids)
        counts = self._current_counts()
        if counts != self._counts:
            self._counts = counts
            self.codebook.update_counts(counts)
        option_list = self.query_one("#coding-documents", OptionList)
        for doc in self.documents:
            if doc.id in change.documents:
                option_list.replace_option_prompt(str(doc.id), self._document_prompt(doc))
        self.query_one(RecentPanel).show([self._code_by_id[i] for i in self.recent])

    # -- recent codes ------------------------------------------------------------------
    def _recent_key(self) -> str | None:
        coder = self.wb_app.wb.coder
        return f"recent:{coder.name}" if coder else None

    def _load_recent(self) -> list[int]:
        key = self._recent_key()
        raw = self.wb_app.wb.store.get_meta(key) if key else None
        try:
            ids = [int(i) for i in json.loads(raw)] if raw else []
        except (ValueError, TypeError):
            ids = []
        return [i for i in ids if i in self._code_by_id][:MAX_RECENT]

    def _remember(self, code_id: int) -> None:
        self.recent = ([code_id] + [i for i in self.recent if i != code_id])[:MAX_RECENT]
        self.wb_app.wb.recent_codes = list(self.recent)
        key = self._recent_key()
        if key:
            self.wb_app.wb.store.set_meta(key, json.dumps(self.recent))

    # -- the panels ----------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        self._layout_panels(event.size.width)

    def _layout_panels(self, width: int) -> None:
        wide = width >= NARROW
        if wide != self._wide:
            self._wide = wide
            self._panels = {"left": None, "right": None}
        # working in the left column (Tab) widens it: into the right column's place when
        # that is shown (the transcript keeps its width), otherwise over some transcript
        in_left = self._browsing and self._panel_shown("left")
        browse = in_left and self._panel_shown("right")
        self.query_one("#coding-left").set_class(browse, "-browse")
        self.query_one("#coding-left").set_class(in_left and not browse, "-browse-narrow")
        if browse:
            self.query_one("#coding-left-definition", DefinitionPanel).show(self._definition_code)
        for side in ("left", "right"):
            shown = self._panel_shown(side) and not (browse and side == "right")
            self.query_one(f"#coding-{side}").display = shown
        self._show_subtitle()
        focused = self.focused
        if focused is not None and not all(a.display for a in focused.ancestors_with_self):
            self.transcript.focus()

    def _show_definition(self, code: Code | None) -> None:
        self._definition_code = code
        for panel in self.query(DefinitionPanel):
            if panel.display and panel.parent is not None and panel.parent.display:
                panel.show(code)  # a hidden panel is filled when it is shown (no layout now)

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _focus_moved(self) -> None:
        left = self.query_one("#coding-left")
        browsing = self.focused is not None and left in self.focused.ancestors
        if browsing != self._browsing:
            self._browsing = browsing
            if not browsing and self._unfolded_by_tab:
                self._unfolded_by_tab = False
                self._panels["left"] = None  # back to this width's default (folded)
            self._layout_panels(self.app.size.width)
        tree = self.codebook
        if self.focused is tree and tree.highlighted_code is not None:
            self._show_definition(tree.highlighted_code)  # entering the tree: its code

    def _panel_shown(self, side: str) -> bool:
        chosen = self._panels.get(side)
        return bool(self._wide) if chosen is None else chosen

    def action_next_panel(self) -> None:
        """Tab: the next panel; with the side panels folded away (narrow terminals) it
        unfolds the documents and codebook panel instead of doing nothing."""
        if not self._panel_shown("left") and self.transcript.has_focus:
            self.action_toggle_panel("left")
            self._unfolded_by_tab = True  # folds again when the focus leaves it
            self.query_one("#coding-documents").focus()
        else:
            self.focus_next()

    def action_toggle_panel(self, side: str) -> None:
        self._panels[side] = not self._panel_shown(side)
        self._layout_panels(self.app.size.width)
        if self._panels[side] is False:
            self.transcript.focus()

    def _set_status(self, text: str) -> None:
        self._status = text
        self._status_at = self.transcript.cursor
        self._show_subtitle()

    def _show_subtitle(self) -> None:
        view = self.transcript
        parts = [self._status]
        if view.hits:
            query = self.query_one(FindInput).value.strip()
            if view.current_hit is None:
                parts.append(f"“{query}” {len(view.hits)} hit{'s' if len(view.hits) != 1 else ''}")
            else:
                parts.append(f"“{query}” {view.current_hit + 1}/{len(view.hits)}")
        if not self._panel_shown("right") and not self._status:
            parts.append(here_summary(view.codings_at(view.point), self._code_by_id))
        sel = view.selection
        if sel:
            words = len(view.text[sel[0] : sel[1]].split())
            parts.append(f"{words} word{'s' if words != 1 else ''} selected")
        view.border_subtitle = " · ".join(p for p in parts if p)

    def _update_here(self) -> None:
        view = self.transcript
        here = view.codings_at(view.point)
        sel = view.selection
        words = len(view.text[sel[0] : sel[1]].split()) if sel else 0
        self.query_one(HerePanel).show(here, self._code_by_id, self.coder_names, words)
        ids = [c.code_id for c in here]
        if here and self.focus_code_id not in ids:
            self.focus_code_id = ids[0]
        self._show_definition(self._code_by_id.get(self.focus_code_id or -1))
        self._show_subtitle()

    @on(TranscriptView.CursorMoved)
    def _cursor_moved(self) -> None:
        if self.transcript.cursor != self._status_at:  # a status set at this spot stays
            self._status = ""
        self._update_here()

    @on(CodebookTree.Highlighted)
    def _tree_highlighted(self, event: CodebookTree.Highlighted) -> None:
        if event.code is not None and self.codebook.has_focus:
            self.focus_code_id = event.code.id
            self._show_definition(event.code)

    @on(CodebookTree.Chosen)
    def _tree_chosen(self, event: CodebookTree.Chosen) -> None:
        self.focus_code_id = event.code.id
        self._show_definition(event.code)
        if self.transcript.selection_for_coding() is not None:
            self.apply_code(event.code.id)

    @on(OptionList.OptionSelected, "#coding-documents")
    def _document_chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        doc_id = int(event.option.id)
        if doc_id != self.document_id:
            self._open(doc_id)
        self.transcript.focus()

    # -- selection (delegated to the transcript, so they work from any panel) ----------------
    def action_select(self, unit: str) -> None:
        view = self.transcript
        view.action_select_sentence() if unit == "sentence" else view.action_select_turn()

    def action_grow(self, unit: str, step: int) -> None:
        view = self.transcript
        if unit == "sentence":
            view.action_extend_sentence() if step > 0 else view.action_shrink_sentence()
        else:
            view.action_extend_word() if step > 0 else view.action_shrink_word()

    # -- coding ----------------------------------------------------------------------------
    def _need_selection(self) -> tuple[int, int] | None:
        span = self.transcript.selection_for_coding()
        if span is None:
            self.notify(
                "Select a passage first: s sentence, t turn, shift+arrows or drag",
                severity="warning",
                timeout=3,
            )
        return span

    def apply_code(self, code_id: int) -> Coding | None:
        """Code the selection with ``code_id`` as the current coder."""
        coder_id = self.wb_app.require_coder()
        if coder_id is None:
            return None
        span = self._need_selection()
        if span is None:
            return None
        try:
            coding = self.wb_app.wb.store.add_coding(self.document_id, code_id, coder_id, *span)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return None
        self._remember(code_id)
        code = self._code_by_id.get(code_id)
        self._set_status(f"coded {code.name if code else 'new code'}")
        self._changed_codings(coding)
        return coding

    def _changed_codings(self, coding: Coding) -> None:
        """``coding`` (in this document) was added, edited or removed: show it, then tell
        the other screens."""
        change = Change.codings("coding", {self.document_id}, {coding.code_id}, {coding.id})
        self.wb_app.refresh_views(change, handled_by=self)
        self._show_codings_changed(change)

    def action_pick_code(self) -> None:
        if self.wb_app.require_coder() is None:
            return
        span = self._need_selection()
        if span is None:
            return
        quote = self.transcript.text[span[0] : span[1]]

        def picked(pick: Pick | None) -> None:
            if pick is None:
                return
            if pick.new_name:
                self._create_and_apply(pick.new_name)
            elif pick.code_id is not None:
                self.apply_code(pick.code_id)

        self.app.push_screen(CodePicker(self.codes, self.recent, quote, self._counts), picked)

    def _create_and_apply(self, name: str) -> None:
        coder_id = self.wb_app.require_coder()
        if coder_id is None:
            return
        try:
            code = self.wb_app.wb.store.add_code(name, coder_id)
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return
        self.codes.append(code)
        self._code_by_id[code.id] = code
        self.notify(f"Created code '{code.name}'", timeout=3)
        self.apply_code(code.id)
        # the codebook grew: every view re-reads it (the tree here too)
        self.wb_app.refresh_views(Change("code", frozenset(), frozenset({code.id})))

    def action_quick_code(self, n: int) -> None:
        if n > len(self.recent):
            self.notify(
                f"No recent code {n} yet: code with c first" if self.recent or n == 1 else
                f"Only {len(self.recent)} recent code(s)",
                severity="warning", timeout=3,
            )  # fmt: skip
            return
        self.apply_code(self.recent[n - 1])

    # -- codings under the cursor ------------------------------------------------------------
    def _coding_label(self, coding: Coding) -> Text:
        code = self._code_by_id.get(coding.code_id)
        out = swatch(code, coding.code_id)
        out.append(code.name if code else f"code {coding.code_id}", "bold")
        out.append(f" · {self.coder_names.get(coding.coder_id, '?')}", "dim")
        quote = " ".join(self.transcript.text[coding.start : coding.end].split())
        out.append(f" · “{quote[:40]}{'…' if len(quote) > 40 else ''}”", "italic dim")
        return out

    def _mine(self, candidates: Sequence[Coding], what: str) -> list[Coding] | None:
        me = self.wb_app.require_coder()
        if me is None:
            return None
        mine = [c for c in candidates if c.coder_id == me]
        if not mine:
            others = sorted({self.coder_names.get(c.coder_id, "?") for c in candidates})
            if others:
                self.notify(
                    f"Only your own codings can be {what}; the ones here are {', '.join(others)}'s",
                    severity="warning",
                )
            else:
                self.notify("No coding under the cursor", severity="warning", timeout=3)
            return None
        return mine

    def _with_coding(
        self, candidates: Sequence[Coding], title: str, then: Callable[[Coding], None]
    ) -> None:
        if len(candidates) == 1:
            then(candidates[0])
            return
        by_id = {c.id: c for c in candidates}
        rows = [(c.id, self._coding_label(c)) for c in candidates]

        def chosen(coding_id: int | None) -> None:
            if coding_id is not None and coding_id in by_id:
                then(by_id[coding_id])

        self.app.push_screen(CodingChooser(title, rows), chosen)

    def _write(self, action: Callable[[], object], status: str, coding: Coding) -> bool:
        try:
            action()
        except WorkbenchError as err:
            self.notify(str(err), severity="error")
            return False
        self._set_status(status)
        self._changed_codings(coding)
        return True

    def _code_name(self, coding: Coding) -> str:
        code = self._code_by_id.get(coding.code_id)
        return code.name if code else "?"

    def action_uncode(self) -> None:
        mine = self._mine(self.transcript.codings_at(self.transcript.point), "removed")
        if not mine:
            return
        me = mine[0].coder_id

        def remove(c: Coding) -> None:
            store = self.wb_app.wb.store
            if self._write(
                lambda: store.delete_coding(c.id, me), f"removed {self._code_name(c)}", c
            ):
                self.notify(
                    f"Removed your coding '{self._code_name(c)}' (ctrl+z undoes)", timeout=3
                )

        self._with_coding(mine, "Remove which of your codings?", remove)

    def action_resize(self) -> None:
        span = self._need_selection()
        if span is None:
            return
        view = self.transcript
        candidates = sorted(
            view.codings_overlapping(*span), key=lambda c: (abs(c.start - span[0]), c.id)
        )
        mine = self._mine(candidates, "resized")
        if not mine:
            return
        me = mine[0].coder_id

        def resize(c: Coding) -> None:
            store = self.wb_app.wb.store
            self._write(
                lambda: store.update_coding(c.id, me, start=span[0], end=span[1]),
                f"resized {self._code_name(c)}",
                c,
            )

        self._with_coding(mine, "Resize which of your codings?", resize)

    def action_memo(self) -> None:
        mine = self._mine(self.transcript.codings_at(self.transcript.point), "memoed")
        if not mine:
            return
        me = mine[0].coder_id

        def edit(c: Coding) -> None:
            def saved(text: str | None) -> None:
                if text is None or text == c.memo:
                    return
                store = self.wb_app.wb.store
                self._write(lambda: store.update_coding(c.id, me, memo=text), "memo saved", c)

            quote = " ".join(self.transcript.text[c.start : c.end].split())
            quote = quote if len(quote) <= 50 else quote[:49] + "…"
            title = f"Memo · {self._code_name(c)} · “{quote}”"
            self.app.push_screen(MemoEditor(title, c.memo), saved)

        self._with_coding(mine, "Memo on which of your codings?", edit)

    def action_star(self) -> None:
        mine = self._mine(self.transcript.codings_at(self.transcript.point), "starred")
        if not mine:
            return
        me = mine[0].coder_id

        def star(c: Coding) -> None:
            store = self.wb_app.wb.store
            verb = "unstarred" if c.starred else "starred"
            self._write(lambda: store.update_coding(c.id, me, starred=not c.starred), verb, c)

        self._with_coding(mine, "Star which of your codings?", star)

    # -- navigation ---------------------------------------------------------------------------
    def action_next(self, step: int) -> None:
        view = self.transcript
        if view.hits:
            self._step_hit(step)
            return
        code_id = self.focus_code_id
        if code_id is None:
            self.notify("Highlight a code in the codebook first", severity="warning", timeout=3)
            return
        name = self._code_by_id[code_id].name if code_id in self._code_by_id else "?"
        starts = sorted({c.start for c in view.visible_codings if c.code_id == code_id})
        if not starts:
            self._next_document_with(code_id, name, step)
            return
        cur = view.cursor
        after = [s for s in starts if s > cur] if step > 0 else [s for s in starts if s < cur]
        if not after and self._next_document_with(code_id, name, step, quiet=True):
            return  # past the last one here: on to the next document that has the code
        wrapped = not after
        target = (after[0] if step > 0 else after[-1]) if after else starts[0 if step > 0 else -1]
        view.move_cursor(target)
        self.focus_code_id = code_id
        self._update_here()
        n = starts.index(target) + 1
        self._set_status(f"{name} {n}/{len(starts)}{' (wrapped)' if wrapped else ''}")

    def focus_code(self, code_id: int) -> None:
        """Make ``code_id`` the code that n / N step through (the command palette's "Go to
        code"); the transcript keeps the focus and the tree's cursor follows."""
        code = self._code_by_id.get(code_id)
        if code is None:
            return
        self.focus_code_id = code_id
        self._show_definition(code)
        self.codebook.select_code(code_id)
        self.transcript.focus()
        n = sum(1 for c in self.transcript.visible_codings if c.code_id == code_id)
        self._set_status(f"{code.name}: {n} here · n / N next / previous")

    def _next_document_with(self, code_id: int, name: str, step: int, quiet: bool = False) -> bool:
        """``n`` / ``N`` past the last coding of the code here (or with none here): open the
        next (or previous) document that has one, at its first (or last) coding. False if
        no other document has one (``quiet``: without saying so)."""
        me = self._me()
        coders = [me] if self.wb_app.blind and me is not None else None
        found = self.wb_app.wb.store.codings(coder_ids=coders, code_ids=[code_id])
        by_doc: dict[int, list[int]] = {}
        for c in found:
            by_doc.setdefault(c.document_id, []).append(c.start)
        order = [d.id for d in self.documents]
        here = order.index(self.document_id) if self.document_id in order else len(order)
        ring = order[here + 1 :] + order[:here]  # the other documents, after this one first
        target = next((d for d in (ring if step > 0 else ring[::-1]) if d in by_doc), None)
        if target is None:
            if not quiet:
                self.notify(f"No codings of '{name}' in the project", timeout=3)
            return False
        offset = min(by_doc[target]) if step > 0 else max(by_doc[target])
        if not self.open_at(target, offset):
            return False
        self.focus_code_id = code_id
        self._update_here()
        n = len(by_doc[target])
        doc = self.document.name if self.document else "?"
        self._set_status(f"{name}: on to {doc} ({n} there)")
        return True

    # -- search -----------------------------------------------------------------------------------
    @property
    def _findbar(self) -> Horizontal:
        return self.query_one("#coding-findbar", Horizontal)

    def action_find(self) -> None:
        self._findbar.add_class("-open")
        find = self.query_one(FindInput)
        find.focus()
        find.select_all()

    def _close_find(self, clear: bool) -> None:
        if clear:
            self.transcript.set_hits([])
            self.query_one(FindInput).value = ""
            self.query_one("#coding-find-count", Label).update("")
        self._findbar.remove_class("-open")

    @on(Input.Changed, "#coding-find")
    def _find_changed(self, event: Input.Changed) -> None:
        self.search_document(event.value)

    def search_document(self, query: str) -> int:
        """Highlight every match of ``query`` (case-insensitive); returns the number of hits."""
        view = self.transcript
        query = query.strip()
        hits: list[tuple[int, int]] = []
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            hits = [(m.start(), m.end()) for m in pattern.finditer(view.text)]
        view.set_hits(hits)
        self._show_hit_count()
        return len(hits)

    def _show_hit_count(self) -> None:
        view = self.transcript
        hits, cur = view.hits, view.current_hit
        label = self.query_one("#coding-find-count", Label)
        self._show_subtitle()
        if not self.query_one(FindInput).value.strip():
            label.update("")
        elif not hits:
            label.update("no hits")
        else:
            label.update(f"{cur + 1}/{len(hits)}" if cur is not None else f"{len(hits)} hits")

    def _step_hit(self, step: int) -> None:
        if self.transcript.goto_hit(step) is None:
            self.app.bell()
        self._show_hit_count()

    @on(Input.Submitted, "#coding-find")
    def _find_submitted(self) -> None:
        self._step_hit(1)

    @on(FindInput.Step)
    def _find_step(self, event: FindInput.Step) -> None:
        self._step_hit(event.step)

    @on(FindInput.Close)
    def _find_close(self) -> None:
        self._close_find(clear=not self.transcript.hits)
        self.transcript.focus()

    def action_project_search(self) -> None:
        query = self.query_one(FindInput).value

        def found(hit: SearchHit | None) -> None:
            if hit is not None:
                self.show_hit(hit)

        self.app.push_screen(ProjectSearch(query), found)

    def show_hit(self, hit: SearchHit) -> None:
        """Open the hit's document at the hit, with the search's matches highlighted."""
        if not self.open_at(hit.document_id, hit.start):
            return
        self.query_one(FindInput).value = hit.query
        self.search_document(hit.query)
        self._step_hit(1)
        self.transcript.focus()

    def open_at(self, document_id: int, offset: int) -> bool:
        """Show ``document_id`` with the cursor at ``offset`` (centred); False if it is gone."""
        if document_id != self.document_id and not self._open(document_id, offset):
            return False
        self.transcript.move_cursor(offset, scroll=False)
        self.transcript.scroll_to_offset(offset, center=True)
        return True

    # -- modes and leaving ----------------------------------------------------------------------
    def action_blind(self) -> None:
        self.wb_app.action_toggle_blind()

    def action_suggestions(self) -> None:
        """Open the suggestions panel for this document (spaCy loads there, in a worker)."""
        from workbench.tui.screens.suggestions import SuggestionsScreen

        self.app.push_screen(SuggestionsScreen(self.document_id))

    def action_escape(self) -> None:
        if self.transcript.hits or self._findbar.has_class("-open"):
            self._close_find(clear=True)
            self.transcript.focus()
        elif self.transcript.clear_selection():
            pass
        else:
            self.action_back()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            from workbench.tui.screens.project import ProjectScreen

            self.app.switch_screen(ProjectScreen())
