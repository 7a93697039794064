"""The "Here" panel (every coding under the cursor) and the recent-codes list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from workbench.core.model import Code, Coding
from workbench.tui.widgets.transcript import code_colour


def swatch(code: Code | None, code_id: int) -> Text:
    colour = code_colour(code.colour if code else "", code_id)
    return Text("● ", style=colour.hex)


def _snippet(text: str, width: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def here_text(
    codings: Sequence[Coding],
    codes: Mapping[int, Code],
    coders: Mapping[int, str],
    selected_words: int = 0,
) -> Text:
    """What the Here panel shows: each code under the cursor with the coders who applied it."""
    out = Text()
    if selected_words:
        out.append(f"{selected_words} word{'s' if selected_words != 1 else ''} selected\n", "dim")
    if not codings:
        out.append("Nothing coded here.", "dim")
        return out
    by_code: dict[int, list[Coding]] = {}
    for c in codings:
        by_code.setdefault(c.code_id, []).append(c)
    for i, (code_id, group) in enumerate(by_code.items()):
        code = codes.get(code_id)
        if i:
            out.append("\n")
        out.append_text(swatch(code, code_id))
        out.append(code.name if code else f"code {code_id}", "bold")
        out.append("\n  ")
        for j, c in enumerate(group):
            if j:
                out.append(" · ", "dim")
            out.append(coders.get(c.coder_id, f"coder {c.coder_id}"), "italic")
            if c.starred:
                out.append(" ★", "yellow")
        for c in group:
            if c.memo:
                who = coders.get(c.coder_id, "?")
                out.append(f"\n  {who}: {_snippet(c.memo, 60)}", "dim")
    return out


def here_summary(codings: Sequence[Coding], codes: Mapping[int, Code]) -> str:
    """One line for narrow screens: the code names under the cursor."""
    names = dict.fromkeys(codes[c.code_id].name if c.code_id in codes else "?" for c in codings)
    return "here: " + ", ".join(names) if names else ""


def recent_text(recent: Sequence[Code]) -> Text:
    out = Text()
    if not recent:
        out.append("Codes you apply show here;\n1-9 reapplies them.", "dim")
        return out
    for i, code in enumerate(recent[:9], start=1):
        if i > 1:
            out.append("\n")
        out.append(f"{i} ", "bold")
        out.append_text(swatch(code, code.id))
        out.append(code.name)
    return out


class HerePanel(VerticalScroll, can_focus=False):
    """Lists every coding under the cursor: colour swatch, code name, coder, star and memo."""

    DEFAULT_CSS = """
    HerePanel > Static { width: 1fr; }
    """

    _shown: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing coded here.", "dim"), id="here-body")

    def show(
        self,
        codings: Sequence[Coding],
        codes: Mapping[int, Code],
        coders: Mapping[int, str],
        selected_words: int = 0,
    ) -> None:
        text = here_text(codings, codes, coders, selected_words)
        if text != self._shown:  # the cursor moves far more often than this changes
            self._shown = text
            self.query_one("#here-body", Static).update(text)


class RecentPanel(Static):
    """The codes 1-9 apply, most recent first."""

    _shown: Text | None = None

    def show(self, recent: Sequence[Code]) -> None:
        text = recent_text(recent)
        if text != self._shown:
            self._shown = text
            self.update(text)
