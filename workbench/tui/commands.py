"""Command palette (ctrl+p): every action by name, documents, and codes ranked like the picker.

Actions are read from the live bindings of the screen the palette was opened on (the
same list the help screen shows), so the palette never offers a key that isn't there.
Codes are ranked with ``rank_codes`` (rapidfuzz), the ranking the code picker uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from rapidfuzz import fuzz, utils
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.core.model import Code, Document
from workbench.core.services.ranking import rank_codes

CODE_HITS = 12
MIN_SCORE = 78  # rapidfuzz partial ratio below which an action or document is no hit
# Shown first when the palette opens with an empty query (by action name).
COMMON = (
    "help",
    "command_palette",
    "switch_coder",
    "undo",
    "redo",
    "toggle_blind",
    "import_files",
    "add_code",
    "add_top_code",
    "quit",
)
SKIP = {"command_palette", "close"}


@dataclass(frozen=True)
class Command:
    name: str
    action: str
    help: str
    run: Callable[[], Any]


class WorkbenchCommands(Provider):
    """App and screen actions, "Open document: …" and "Go to code: …"."""

    async def startup(self) -> None:
        self.commands = self._commands()
        store = self.app.wb.store  # type: ignore[attr-defined]
        self.documents: list[Document] = store.documents()
        self.codes: list[Code] = store.codes()

    def _commands(self) -> list[Command]:
        from workbench.tui.keymap import collect_bindings

        app = self.app
        out: list[Command] = []
        seen: set[str] = set()
        for group in collect_bindings(self.screen):
            for info in group.bindings:
                if not info.ids or not info.enabled or info.action in SKIP:
                    continue
                if info.action in seen:
                    continue
                seen.add(info.action)
                out.append(
                    Command(
                        info.description,
                        info.action,
                        f"{' / '.join(info.keys)} · {group.title}",
                        partial(app.run_action, info.action, info.namespace),
                    )
                )
        extras = (
            ("Toggle blind mode (hide other coders' codings)", "toggle_blind"),
            ("Import files", "import_files"),
            ("Search the project: text in every document", "project_search"),
            ("Switch coder", "switch_coder"),
            ("Agreement report: inter-coder agreement per code", "agreement_report"),
            ("Themes: theme summary, quotes and exports", "themes"),
            (
                "Export: summary, quotes, matrix, co-occurrence or codebook (md, docx, xlsx…)",
                "export",
            ),
            ("Reconcile two coders' disagreements (consensus)", "reconcile"),
        )
        for name, action in extras:
            if action not in seen:
                seen.add(action)
                out.append(Command(name, action, "", partial(app.run_action, action)))
        order = {a: i for i, a in enumerate(COMMON)}
        out.sort(key=lambda c: order.get(c.action, len(order)))
        # Textual's own commands (theme, keys panel, screenshot) last, in this one provider
        # so the palette lists ours first.
        for system in app.get_system_commands(self.screen):
            out.append(Command(system.title, "", system.help, system.callback))
        return out

    def _open(self, document_id: int) -> None:
        self.app.open_document(document_id)  # type: ignore[attr-defined]

    def _go_to(self, code_id: int) -> None:
        self.app.show_code(code_id)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(command.name, command.run, help=command.help or None)
        for doc in self.documents:
            yield DiscoveryHit(
                f"Open document: {doc.name}",
                partial(self._open, doc.id),
                help=_doc_help(doc),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = match_score(query, command.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.name),
                    command.run,
                    text=command.name,
                    help=command.help or None,
                )
        for doc in self.documents:
            name = f"Open document: {doc.name}"
            score = max(match_score(query, name), match_score(query, doc.name))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self._open, doc.id),
                    text=name,
                    help=_doc_help(doc),
                )
        recent = self.app.wb.recent_codes  # type: ignore[attr-defined]
        for code, score in rank_codes(query, self.codes, recent, limit=CODE_HITS):
            name = f"Go to code: {code.path}"
            yield Hit(
                score / 100,
                Text(name),
                partial(self._go_to, code.id),
                text=name,
                help=_shorten(code.definition, 110) or None,
            )


def match_score(query: str, text: str) -> float:
    """0..1 on the same rapidfuzz scale as ``rank_codes``: word starts win, scattered
    letters don't (so "cage" finds the code, not "Undo your last change")."""
    q, t = utils.default_process(query), utils.default_process(text)
    if not q:
        return 0.0
    if t.startswith(q):
        return 1.0
    if f" {q}" in t:  # a later word starts with it: just behind a name that does
        return 0.98
    score = fuzz.partial_ratio(q, t, processor=None)
    return score / 100 * 0.95 if score >= MIN_SCORE else 0.0


def _doc_help(doc: Document) -> str:
    parts = [doc.case_name or "", doc.source_format, f"{doc.words:,} words"]
    return " · ".join(p for p in parts if p)


def _shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary with "…" when longer than ``width``."""
    one = " ".join(text.split())
    if len(one) <= width:
        return one
    cut = one[: width - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
