"""Command palette provider: every action, plus codes ranked with rapidfuzz."""

from __future__ import annotations

from textual.command import Hit, Hits, Provider


class WorkbenchCommands(Provider):
    """Placeholder: lists app actions. (TUI-shell replaces this.)"""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action in (("Help", "help"), ("Switch coder", "switch_coder")):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), lambda a=action: self.app.run_action(a))
