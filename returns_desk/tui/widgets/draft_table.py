"""The counter's table: a receipt's lines, each with the policy's decision beside it, or the
items scanned without a receipt. It renders a draft; the screen owns the draft."""

from __future__ import annotations

from textual.widgets import DataTable

from returns_desk.domain.draft import ReturnDraft
from returns_desk.tui.widgets import draft_words as words


class DraftTable(DataTable[str]):
    """Rows keyed by line (or item) number; the cursor stays put across re-renders."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns: tuple[str, ...] = ()

    def on_mount(self) -> None:
        self.display = False

    def show(self, draft: ReturnDraft | None) -> None:
        """Render ``draft``; hidden when there is none."""
        self.display = draft is not None
        keep = self.cursor_row
        if draft is None:
            self.clear()
            return
        columns = words.columns(draft)
        if columns != self._columns:
            self.clear(columns=True)
            self.add_columns(*columns)
            self._columns = columns
        else:
            self.clear()
        for number, cells in words.rows(draft):
            self.add_row(*cells, key=str(number))
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))

    def show_number(self, number: int) -> None:
        """Move the cursor to the row of that line or item."""
        for index, row in enumerate(self.ordered_rows):
            if row.key.value == str(number):
                self.move_cursor(row=index)
                return

    @property
    def number(self) -> int | None:
        """The highlighted line's (or item's) number."""
        if not self.row_count or not self.display:
            return None
        row = self.ordered_rows[self.cursor_row]
        return int(row.key.value or 0) or None
