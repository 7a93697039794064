"""Home and End on row tables move the cursor (Textual's DataTable only scrolls)."""

from __future__ import annotations

from typing import Any


class RowHomeEnd:
    """Mix into a ``DataTable`` with a row cursor: Home / End go to the first / last row."""

    def action_scroll_home(self: Any) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_scroll_end(self: Any) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
