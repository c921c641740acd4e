"""A return draft as the counter shows it: two lines about where the items come from, the
table of lines (or scanned items) with the policy's decision beside each, the reasons for
the highlighted one, and a status line. It renders; the screen owns the draft."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from returns_desk.domain.draft import ReturnDraft
from returns_desk.tui.widgets import draft_words as words
from returns_desk.tui.widgets.draft_table import DraftTable


class DraftPanel(Vertical):
    """Summary, table, reasons and status of one draft (None: the empty-counter hint)."""

    DEFAULT_CSS = """
    DraftPanel { height: 1fr; }
    DraftPanel #receipt-summary { height: auto; padding: 0; }
    DraftPanel #lines { height: 1fr; min-height: 3; }
    DraftPanel #line-detail { height: auto; max-height: 7; color: $text-muted; }
    DraftPanel #status { height: 1; text-style: bold; }
    """

    def __init__(self, hint: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.hint = hint
        self.draft: ReturnDraft | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.hint, id="receipt-summary", classes="hint")
        yield DraftTable(id="lines")
        yield Static("", id="line-detail")
        yield Static("", id="status")

    @property
    def table(self) -> DraftTable:
        return self.query_one(DraftTable)

    @property
    def number(self) -> int | None:
        """The highlighted line's (or item's) number; None while the table is not there (the
        panel still being built, or taken down as the desk closes: a key binding's check may
        come then)."""
        tables = self.query(DraftTable)
        return tables.first().number if tables else None

    def show(self, draft: ReturnDraft | None) -> None:
        self.draft = draft
        self.table.show(draft)
        summary = words.summary(draft) if draft else self.hint
        self.query_one("#receipt-summary", Static).update(summary)
        self.query_one("#status", Static).update(words.status(draft) if draft else "")
        self._detail()

    @on(DataTable.RowHighlighted, "#lines")
    def _detail(self) -> None:
        text = words.detail(self.draft, self.number) if self.draft else ""
        self.query_one("#line-detail", Static).update(text)
        self.screen.refresh_bindings()
