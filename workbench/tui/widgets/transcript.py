"""TranscriptView: a Line API view of one transcript with codings, cursor and selection.

The document is laid out once per width into display lines (a speaker header per
turn, then the turn's text word-wrapped; text between turns shown dim), each
mapping to a character range of the stored text. ``render_line`` draws only the
visible lines, from an LRU cache keyed by what can change on that line (the
selection, cursor and search hits crossing it); coding changes clear the cache.
Codings per line are found with bisect, so a 20,000-word transcript with
hundreds of codings stays fast.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.model import Coding, Turn
from workbench.tui.keys import handle_key_now
from workbench.tui.selection import Caret, Span, Units, trim_span

GUTTER = 3  # two coding marks and a space
PALETTE = (
    "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd",
    "#56b6c2", "#d19a66", "#f78fb3", "#7bed9f", "#a29bfe",
)  # fmt: skip
_CONTROL = {i: " " for i in range(32) if i != 10} | {0x7F: " "}


def code_colour(colour: str, code_id: int) -> Color:
    """The code's own colour, or a stable palette colour when it has none (or a bad one)."""
    if colour:
        try:
            return Color.parse(colour)
        except Exception:  # noqa: BLE001 - any unparsable colour string falls back
            pass
    return Color.parse(PALETTE[code_id % len(PALETTE)])


def media_time(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# -- layout (pure) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisplayLine:
    """One screen line: ``kind`` is text, gap (outside turns), blank or header."""

    kind: str
    start: int
    end: int
    indent: int = 0
    label: str = ""
    time: str = ""

    @property
    def flow(self) -> bool:
        """True for lines that hold document characters (the cursor can be on them)."""
        return self.kind != "header"


def _fit(disp: str, start: int, end: int, width: int) -> int:
    """The largest index ``i`` with ``cells(disp[start:i]) <= width``."""
    chunk = disp[start : start + width]
    if chunk.isascii():
        return min(end, start + width)
    used, i = 0, start
    while i < end:
        w = get_character_cell_size(disp[i])
        if used + w > width:
            break
        used += w
        i += 1
    return i


def _wrap_para(disp: str, ps: int, pe: int, width: int) -> list[Span]:
    out: list[Span] = []
    start = ps
    while start < pe:
        lim = _fit(disp, start, pe, width)
        if lim >= pe:
            out.append((start, pe))
            break
        j = disp.rfind(" ", start + 1, lim + 1)
        if j == -1:
            brk = max(lim, start + 1)
        else:
            brk = j + 1
            while brk < pe and disp[brk] == " ":
                brk += 1
        out.append((start, brk))
        start = brk
    return out


def _wrap_region(
    disp: str, start: int, end: int, width: int, indent: int, kind: str, out: list[DisplayLine]
) -> None:
    wrap = max(8, width - indent - 1)  # one spare cell for the cursor at the end of a line
    ps = start
    while ps <= end:
        nl = disp.find("\n", ps, end)
        pe = end if nl == -1 else nl
        if pe == ps:
            if nl != -1:
                out.append(DisplayLine("blank", ps, ps, indent))
        else:
            for a, b in _wrap_para(disp, ps, pe, wrap):
                out.append(DisplayLine(kind, a, b, indent))
        if nl == -1:
            break
        ps = nl + 1


def _visible_gap(text: str, start: int, end: int, speaker: str | None) -> Span:
    """The part of the text between turns worth showing (the speaker label is in the header)."""
    a, b = start, end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if speaker:
        label = f"{speaker}:"
        if text[a:b].endswith(label):
            b -= len(label)
            while b > a and text[b - 1].isspace():
                b -= 1
    return (a, b)


def build_layout(text: str, turns: Sequence[Turn], width: int) -> list[DisplayLine]:
    """Display lines for ``text`` at ``width`` cells (the gutter already taken off)."""
    disp = text.translate(_CONTROL)
    lines: list[DisplayLine] = []
    width = max(width, 12)
    if not turns:
        _wrap_region(disp, 0, len(text), width, 0, "text", lines)
    else:
        pos = 0
        for t in sorted(turns, key=lambda t: (t.start, t.end)):
            if t.start > pos:
                a, b = _visible_gap(text, pos, t.start, t.speaker)
                if b > a:
                    _wrap_region(disp, a, b, width, 0, "gap", lines)
            indent = 0
            if t.speaker or t.media_start is not None:
                time = f"[{media_time(t.media_start)}] " if t.media_start is not None else ""
                lines.append(DisplayLine("header", t.start, t.start, 0, t.speaker or "", time))
                indent = 2
            start = max(t.start, pos)
            if t.end > start:
                _wrap_region(disp, start, t.end, width, indent, "text", lines)
            pos = max(pos, t.end)
        if pos < len(text):
            a, b = _visible_gap(text, pos, len(text), None)
            if b > a:
                _wrap_region(disp, a, b, width, 0, "gap", lines)
    if not any(line.flow for line in lines):
        lines.append(DisplayLine("blank", 0, 0))
    return lines


class Layout:
    """Display lines plus the lookups the cursor needs (offset <-> line and column)."""

    def __init__(self, text: str, lines: list[DisplayLine], width: int) -> None:
        self.disp = text.translate(_CONTROL)
        self.lines = lines
        self.width = width
        self.flow = [i for i, line in enumerate(lines) if line.flow]
        self._flow_starts = [lines[i].start for i in self.flow]

    def __len__(self) -> int:
        return len(self.lines)

    def line_of(self, offset: int) -> int:
        """The display line showing ``offset`` (the nearest one before it if it is hidden)."""
        k = bisect_right(self._flow_starts, offset) - 1
        return self.flow[max(k, 0)]

    def neighbour(self, y: int, step: int) -> int | None:
        """The next (step 1) or previous (-1) flow line from display line ``y``, if any."""
        k = bisect_left(self.flow, y)
        if k < len(self.flow) and self.flow[k] == y:
            j = k + step
        else:  # y is a header: k is the flow line after it
            j = k if step > 0 else k - 1
        return self.flow[j] if 0 <= j < len(self.flow) else None

    def nearest_flow(self, y: int) -> int:
        y = max(0, min(y, len(self.lines) - 1))
        k = bisect_left(self.flow, y)
        return self.flow[min(k, len(self.flow) - 1)]

    def line_max(self, y: int) -> int:
        """The last cursor offset on line ``y`` (a wrapped line hands its end to the next)."""
        line = self.lines[y]
        k = bisect_left(self.flow, y)
        if k + 1 < len(self.flow) and line.end > line.start:
            nxt = self.lines[self.flow[k + 1]]
            if nxt.start == line.end:
                return line.end - 1
        return line.end

    def col_of(self, y: int, offset: int) -> int:
        line = self.lines[y]
        o = max(line.start, min(offset, line.end))
        seg = self.disp[line.start : o]
        return line.indent + (len(seg) if seg.isascii() else cell_len(seg))

    def offset_at(self, y: int, col: int) -> int:
        y = max(0, min(y, len(self.lines) - 1))
        line = self.lines[y]
        if not line.flow:
            return self.lines[self.nearest_flow(y)].start
        c = col - line.indent
        if c <= 0:
            return line.start
        seg = self.disp[line.start : line.end]
        if seg.isascii():
            o = line.start + min(c, len(seg))
        else:
            used, o = 0, line.start
            for ch in seg:
                w = get_character_cell_size(ch)
                if used + w > c:
                    break
                used += w
                o += 1
        return min(o, self.line_max(y))

    def normalise(self, offset: int, forward: bool = True) -> int:
        """Snap an offset in a hidden stretch (speaker label) onto a visible line."""
        y = self.line_of(offset)
        line = self.lines[y]
        if line.start <= offset <= line.end:
            return offset
        if offset < line.start:
            return line.start
        nxt = self.neighbour(y, 1)
        if forward and nxt is not None:
            return self.lines[nxt].start
        return line.end


# -- the widget -----------------------------------------------------------------


def _hidden(key: str, action: str, description: str, name: str) -> Binding:
    """A transcript key that stays out of the footer (the help screen lists it)."""
    return Binding(key, action, description, show=False, id=f"transcript.{name}")


class TranscriptView(ScrollView, can_focus=True):
    """One transcript, its codings tinted in their code's colour, a cursor and a selection."""

    async def on_key(self, event: events.Key) -> None:
        await handle_key_now(self, event)

    HELP_GROUP = "Transcript"
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--speaker",
        "transcript--time",
        "transcript--gap",
        "transcript--cursor",
        "transcript--cursor-blur",
        "transcript--hit",
        "transcript--hit-current",
    }

    DEFAULT_CSS = """
    TranscriptView {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    TranscriptView > .transcript--speaker { color: $accent; text-style: bold; }
    TranscriptView > .transcript--time { color: $text-muted; }
    TranscriptView > .transcript--gap { color: $text-muted; text-style: italic; }
    TranscriptView > .transcript--cursor { background: $warning; color: $background; }
    TranscriptView > .transcript--cursor-blur { text-style: underline; }
    TranscriptView > .transcript--hit { background: $warning 35%; }
    TranscriptView > .transcript--hit-current { background: $warning 70%; color: $background; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _hidden("left", "move(-1)", "Left", "left"),
        _hidden("right", "move(1)", "Right", "right"),
        _hidden("up", "move_line(-1)", "Up", "up"),
        _hidden("down", "move_line(1)", "Down", "down"),
        _hidden("shift+left", "move(-1, True)", "Extend left", "extend-left"),
        _hidden("shift+right", "move(1, True)", "Extend right", "extend-right"),
        _hidden("shift+up", "move_line(-1, True)", "Extend up", "extend-up"),
        _hidden("shift+down", "move_line(1, True)", "Extend down", "extend-down"),
        _hidden("ctrl+left", "word(-1)", "Word left", "word-left"),
        _hidden("ctrl+right", "word(1)", "Word right", "word-right"),
        _hidden("pageup", "page(-1)", "Page up", "page-up"),
        _hidden("pagedown", "page(1)", "Page down", "page-down"),
        _hidden("shift+pageup", "page(-1, True)", "Extend page up", "extend-page-up"),
        _hidden("shift+pagedown", "page(1, True)", "Extend page down", "extend-page-down"),
        _hidden("home", "line_edge(-1)", "Line start", "home"),
        _hidden("end", "line_edge(1)", "Line end", "end"),
        _hidden("shift+home", "line_edge(-1, True)", "Extend to line start", "extend-home"),
        _hidden("shift+end", "line_edge(1, True)", "Extend to line end", "extend-end"),
        _hidden("ctrl+home", "doc_edge(-1)", "Document start", "top"),
        _hidden("ctrl+end", "doc_edge(1)", "Document end", "bottom"),
    ]

    class CursorMoved(Message):
        """The cursor or the selection changed (floods collapse into the latest)."""

        def __init__(self, view: TranscriptView, cursor: int, selection: Span | None) -> None:
            super().__init__()
            self.view = view
            self.cursor = cursor
            self.selection = selection

        @property
        def control(self) -> TranscriptView:
            return self.view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TranscriptView.CursorMoved)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = ""
        self._turns: tuple[Turn, ...] = ()
        self.units = Units("")
        self._layout: Layout | None = None
        self.caret = Caret()
        self._goal_col: int | None = None
        self._codings: tuple[Coding, ...] = ()
        self._coding_starts: list[int] = []
        self._max_coding_len = 0
        self._colours: dict[int, Color] = {}
        self._hits: list[Span] = []
        self._hit_ends: list[int] = []
        self._current_hit: int | None = None
        self._line_codings: dict[int, tuple[Coding, ...]] = {}
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._part_styles: dict[str, Style] = {}
        self._dragging = False
        self._pending_center = False
        self._view_size = Size(0, 0)
        self._line_width = 0

    # -- content ----------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._text

    @property
    def layout_lines(self) -> list[DisplayLine]:
        return self._layout.lines if self._layout else []

    def set_document(self, text: str, turns: Sequence[Turn], offset: int = 0) -> None:
        self._text = text
        self._turns = tuple(turns)
        self.units = Units(text, turns)
        self._layout = None
        self._hits, self._hit_ends, self._current_hit = [], [], None
        self.caret = Caret(max(0, min(offset, len(text))))
        self._goal_col = None
        self._pending_center = True
        self.scroll_to(y=0, animate=False)
        self._relayout()
        self._post_moved()

    def set_codings(self, codings: Iterable[Coding], colours: Mapping[int, str]) -> None:
        """Show these codings (already filtered for blind mode); ``colours`` by code id."""
        self._codings = tuple(sorted(codings, key=lambda c: (c.start, c.end, c.id)))
        self._coding_starts = [c.start for c in self._codings]
        self._max_coding_len = max((c.end - c.start for c in self._codings), default=0)
        self._colours = {cid: code_colour(col, cid) for cid, col in colours.items()}
        self._line_codings.clear()
        self._cache.clear()
        self.refresh()

    @property
    def visible_codings(self) -> tuple[Coding, ...]:
        """The codings this view shows (only the current coder's in blind mode)."""
        return self._codings

    def codings_overlapping(self, start: int, end: int) -> list[Coding]:
        """Shown codings overlapping ``start..end`` (a point when ``end == start + 1``)."""
        lo = bisect_left(self._coding_starts, start - self._max_coding_len)
        hi = bisect_left(self._coding_starts, end)
        return [c for c in self._codings[lo:hi] if c.end > start]

    def codings_at(self, offset: int) -> list[Coding]:
        """Shown codings covering the character at ``offset``, shortest first."""
        found = self.codings_overlapping(offset, offset + 1)
        return sorted(found, key=lambda c: (c.end - c.start, c.start, c.id))

    # -- cursor and selection -----------------------------------------------------
    @property
    def cursor(self) -> int:
        return self.caret.cursor

    @property
    def selection(self) -> Span | None:
        return self.caret.selection

    @property
    def point(self) -> int:
        return self.caret.point

    def selection_for_coding(self) -> Span | None:
        """The selection clamped to the text and trimmed of surrounding whitespace."""
        sel = self.caret.selection
        return trim_span(self._text, sel) if sel else None

    def set_caret(self, caret: Caret, *, scroll: bool = True, keep_goal: bool = False) -> None:
        caret = caret.clamped(len(self._text))
        if self._layout is not None:
            caret = Caret(self._layout.normalise(caret.cursor), caret.anchor)
        if not keep_goal:
            self._goal_col = None
        if caret != self.caret:
            self.caret = caret
            self.refresh()
            self._post_moved()
        if scroll:
            self.scroll_to_offset(caret.cursor)

    def move_cursor(self, offset: int, *, extend: bool = False, scroll: bool = True) -> None:
        self.set_caret(self.caret.moved(offset, extend=extend), scroll=scroll)

    def select_span(self, start: int, end: int, *, cursor_at_start: bool = True) -> None:
        self.set_caret(self.caret.spanning(start, end, cursor_at_start=cursor_at_start))

    def clear_selection(self) -> bool:
        """Drop the selection; True if there was one."""
        had = self.caret.selection is not None
        self.set_caret(self.caret.cleared(), scroll=False)
        return had

    def _post_moved(self) -> None:
        self.post_message(self.CursorMoved(self, self.caret.cursor, self.caret.selection))

    # -- search hits ----------------------------------------------------------------
    def set_hits(self, hits: Sequence[Span]) -> None:
        self._hits = list(hits)
        self._hit_ends = [b for _, b in self._hits]
        self._current_hit = None
        self._cache.clear()
        self.refresh()

    @property
    def hits(self) -> list[Span]:
        return list(self._hits)

    @property
    def current_hit(self) -> int | None:
        return self._current_hit

    def goto_hit(self, step: int) -> int | None:
        """Move to the next (step 1) or previous (-1) hit from the cursor; its index."""
        if not self._hits:
            return None
        starts = [a for a, _ in self._hits]
        cur = self.caret.cursor
        if step > 0:
            i = bisect_right(starts, cur)
            if self._current_hit is None and i > 0 and starts[i - 1] == cur:
                i -= 1
            i %= len(self._hits)
        else:
            i = (bisect_left(starts, cur) - 1) % len(self._hits)
        self._current_hit = i
        self._cache.clear()
        self.set_caret(Caret(self._hits[i][0]), scroll=False)
        self.scroll_to_offset(self._hits[i][0], center=True)
        self.refresh()
        return i

    # -- layout -------------------------------------------------------------------
    def _content_width(self) -> int:
        return self._view_size.width

    def _relayout(self) -> None:
        width = self._content_width()
        if width <= 0:
            return
        top_offset = None
        cursor_shown = False
        if self._layout is not None and self._layout.lines:
            top = min(int(self.scroll_offset.y), len(self._layout.lines) - 1)
            top_offset = self._layout.lines[top].start
            shown = range(top, top + max(1, self._view_size.height))
            cursor_shown = self._layout.line_of(self.caret.cursor) in shown
        lines = build_layout(self._text, self._turns, width - GUTTER)
        self._layout = Layout(self._text, lines, width)
        self._line_codings.clear()
        self._cache.clear()
        self.virtual_size = Size(width, len(lines))
        self.caret = Caret(self._layout.normalise(self.caret.cursor), self.caret.anchor)
        if self._pending_center:
            self._pending_center = False
            self.call_after_refresh(lambda: self.scroll_to_offset(self.caret.cursor, center=True))
        elif top_offset is not None:
            # the same text stays at the top, unless that would push the cursor out of sight
            y = self._layout.line_of(top_offset)
            if cursor_shown:
                height = max(1, self._view_size.height)
                at = self._layout.line_of(self.caret.cursor)
                y = min(max(y, at - height + 1), at)
            self.call_after_refresh(self.scroll_to, y=y, animate=False)
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        # Region lookups are slow while the screen lays out, so keep the sizes here.
        self._view_size = self.scrollable_content_region.size
        self._line_width = self.size.width
        if self._layout is None or self._layout.width != self._content_width():
            self._relayout()

    def scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        y = layout.line_of(offset)
        height = max(1, self._view_size.height)
        top = int(self.scroll_offset.y)
        if center and not top <= y < top + height:
            target = max(0, y - height // 3)
        elif y < top:
            target = y
            if y > 0 and not layout.lines[y - 1].flow:
                target = y - 1  # show the speaker header too
        elif y >= top + height:
            target = y - height + 1
        else:
            return
        self.scroll_to(y=target, animate=False)

    # -- actions ----------------------------------------------------------------------
    def action_move(self, step: int, extend: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        cur = self.caret.cursor
        y = layout.line_of(cur)
        line = layout.lines[y]
        if step > 0:
            if cur < layout.line_max(y):
                target = cur + 1
            else:
                nxt = layout.neighbour(y, 1)
                target = layout.lines[nxt].start if nxt is not None else cur
        else:
            if cur > line.start:
                target = cur - 1
            else:
                prev = layout.neighbour(y, -1)
                target = layout.line_max(prev) if prev is not None else cur
        self.move_cursor(target, extend=extend)

    def action_move_line(self, step: int, extend: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        y = layout.line_of(self.caret.cursor)
        col = self._goal_col if self._goal_col is not None else layout.col_of(y, self.caret.cursor)
        target_y = layout.neighbour(y, step)
        if target_y is None:
            target = 0 if step < 0 else len(self._text)
            target = layout.normalise(target, forward=step > 0)
            if step > 0:
                target = layout.line_max(layout.line_of(target))
        else:
            target = layout.offset_at(target_y, col)
        self.set_caret(self.caret.moved(target, extend=extend), keep_goal=True)
        self._goal_col = col

    def action_page(self, step: int, extend: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        height = max(1, self._view_size.height - 1)
        y = layout.line_of(self.caret.cursor)
        col = self._goal_col if self._goal_col is not None else layout.col_of(y, self.caret.cursor)
        target_y = layout.nearest_flow(y + step * height)
        self.scroll_to(y=self.scroll_offset.y + step * height, animate=False)
        target = layout.offset_at(target_y, col)
        self.set_caret(self.caret.moved(target, extend=extend), keep_goal=True)
        self._goal_col = col

    def action_line_edge(self, step: int, extend: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        y = layout.line_of(self.caret.cursor)
        target = layout.lines[y].start if step < 0 else layout.line_max(y)
        self.move_cursor(target, extend=extend)

    def action_doc_edge(self, step: int, extend: bool = False) -> None:
        layout = self._layout
        if layout is None:
            return
        if step < 0:
            target = layout.lines[layout.flow[0]].start
        else:
            last = layout.flow[-1]
            target = layout.lines[last].end
        self.move_cursor(target, extend=extend)

    def action_word(self, step: int) -> None:
        cur = self.caret.cursor
        target = self.units.next_word_start(cur) if step > 0 else self.units.prev_word_start(cur)
        if self._layout is not None:
            target = self._layout.normalise(target, forward=step > 0)
        self.move_cursor(target)

    def action_select_sentence(self) -> None:
        span = self.units.sentence_at(self.caret.point)
        if span:
            self.select_span(*span)

    def action_select_turn(self) -> None:
        span = self.units.turn_at(self.caret.point)
        if span:
            self.select_span(*span)

    def _grow(self, grow: bool, unit: str) -> None:
        sel = self.caret.selection
        if sel is None:
            if not grow:
                return
            if unit == "sentence":
                self.action_select_sentence()
                return
            sel = (self.caret.cursor, self.caret.cursor)
        if unit == "sentence":
            span = self.units.extend_sentence(sel) if grow else self.units.shrink_sentence(sel)
        else:
            span = self.units.extend_word(sel) if grow else self.units.shrink_word(sel)
        if span[1] > span[0]:
            self.set_caret(self.caret.with_selection(span) if self.caret.selection else
                           Caret(span[1], span[0]), scroll=False)  # fmt: skip
            self.scroll_to_offset(max(span[1] - 1, span[0]))

    def action_extend_sentence(self) -> None:
        self._grow(True, "sentence")

    def action_shrink_sentence(self) -> None:
        self._grow(False, "sentence")

    def action_extend_word(self) -> None:
        self._grow(True, "word")

    def action_shrink_word(self) -> None:
        self._grow(False, "word")

    # -- mouse ------------------------------------------------------------------------
    def _offset_at_event(self, event: events.MouseEvent) -> int | None:
        layout = self._layout
        if layout is None:
            return None
        pos = event.get_content_offset_capture(self)
        y = max(0, min(pos.y + int(self.scroll_offset.y), len(layout.lines) - 1))
        return layout.offset_at(y, pos.x - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = self._offset_at_event(event)
        if offset is None:
            return
        self._dragging = True
        self.capture_mouse()
        self.move_cursor(offset, extend=event.shift, scroll=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at_event(event)
        if offset is not None:
            self.move_cursor(offset, extend=True)

    def on_mouse_up(self, _event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2:
            self.action_select_sentence()
        elif event.chain >= 3:
            self.action_select_turn()

    def on_focus(self, _event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._part_styles.clear()
        self._cache.clear()

    # -- rendering --------------------------------------------------------------------
    def _component(self, name: str) -> Style:
        style = self._part_styles.get(name)
        if style is None:
            style = self.get_component_rich_style(name, partial=True)
            self._part_styles[name] = style
        return style

    def _codings_on_line(self, y: int) -> tuple[Coding, ...]:
        found = self._line_codings.get(y)
        if found is None:
            assert self._layout is not None
            line = self._layout.lines[y]
            if not line.flow:
                found = ()
            else:
                found = tuple(self.codings_overlapping(line.start, max(line.end, line.start + 1)))
            self._line_codings[y] = found
        return found

    def _hits_on_line(self, start: int, end: int) -> tuple[tuple[int, int, bool], ...]:
        if not self._hits:
            return ()
        out = []
        i = bisect_right(self._hit_ends, start)
        while i < len(self._hits) and self._hits[i][0] < end:
            a, b = self._hits[i]
            out.append((a, b, i == self._current_hit))
            i += 1
        return tuple(out)

    def render_line(self, y: int) -> Strip:
        width = self._line_width
        layout = self._layout
        index = int(self.scroll_offset.y) + y
        if layout is None or index >= len(layout.lines):
            return Strip.blank(width, self.rich_style)
        line = layout.lines[index]
        cursor = self.caret.cursor
        cursor_here = line.flow and line.start <= cursor <= line.end
        if cursor_here and cursor == line.end and layout.line_max(index) < line.end:
            cursor_here = False  # a wrapped line's end is drawn at the start of the next one
        sel = self.caret.selection
        sel_part = None
        if sel and line.flow and sel[0] < line.end and sel[1] > line.start:
            sel_part = (max(sel[0], line.start), min(sel[1], line.end))
        hits = self._hits_on_line(line.start, line.end) if line.flow else ()
        key = (index, width, sel_part, cursor if cursor_here else None, self.has_focus, hits)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_display_line(
                index, line, width, sel_part, cursor if cursor_here else None, hits
            )
            self._cache[key] = strip
        return strip

    def _render_display_line(
        self,
        y: int,
        line: DisplayLine,
        width: int,
        sel: Span | None,
        cursor: int | None,
        hits: tuple[tuple[int, int, bool], ...],
    ) -> Strip:
        base = self.rich_style
        segments: list[Segment] = []
        if line.kind == "header":
            segments.append(Segment(" " * GUTTER, base))
            if line.time:
                segments.append(Segment(line.time, base + self._component("transcript--time")))
            segments.append(Segment(line.label, base + self._component("transcript--speaker")))
            return Strip(segments).adjust_cell_length(width, base)

        codings = self._codings_on_line(y)
        segments.extend(self._gutter(codings, base))
        if line.indent:
            segments.append(Segment(" " * line.indent, base))
        text_style = base + self._component("transcript--gap") if line.kind == "gap" else base
        start, end = line.start, line.end
        cuts = {start, end}
        for c in codings:
            cuts.update(x for x in (c.start, c.end) if start < x < end)
        if sel:
            cuts.update(sel)
        if cursor is not None and cursor < end:
            cuts.update((cursor, cursor + 1))
        cuts = {x for x in cuts if start <= x <= end}
        for a, b, _ in hits:
            cuts.update(x for x in (a, b) if start < x < end)
        points = sorted(cuts)
        disp = self._layout.disp if self._layout else ""
        bg = self.background_colors[1]
        for a, b in zip(points, points[1:], strict=False):
            if a >= b:
                continue
            style = text_style
            covering = [c for c in codings if c.start <= a < c.end]
            if covering:
                c = min(covering, key=lambda c: c.end - c.start)
                tint = bg.blend(self._colours.get(c.code_id, code_colour("", c.code_id)), 0.4)
                style += Style(bgcolor=tint.rich_color, underline=len(covering) > 1)
            for ha, hb, current in hits:
                if ha <= a < hb:
                    name = "transcript--hit-current" if current else "transcript--hit"
                    style += self._component(name)
                    break
            if sel and sel[0] <= a < sel[1]:
                style += Style(reverse=True)
            if cursor is not None and a == cursor:
                style += self._cursor_style()
            segments.append(Segment(disp[a:b], style))
        if cursor is not None and cursor == end:
            segments.append(Segment(" ", base + self._cursor_style()))
        return Strip(segments).adjust_cell_length(width, base)

    def _cursor_style(self) -> Style:
        if self.has_focus:
            return Style(reverse=False) + self._component("transcript--cursor")
        return self._component("transcript--cursor-blur")

    def _gutter(self, codings: Sequence[Coding], base: Style) -> list[Segment]:
        n = len(codings)
        if n == 0:
            return [Segment(" " * GUTTER, base)]

        def mark(c: Coding) -> Segment:
            colour = self._colours.get(c.code_id, code_colour("", c.code_id))
            return Segment("▌", base + Style(color=colour.rich_color))

        if n == 1:
            return [mark(codings[0]), Segment("  ", base)]
        if n == 2:
            return [mark(codings[0]), mark(codings[1]), Segment(" ", base)]
        more = str(n) if n < 10 else "+"
        return [mark(codings[0]), Segment(more, base + Style(bold=True)), Segment(" ", base)]
