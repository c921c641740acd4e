"""How the customer gets their money's worth: refund, store credit or exchange."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from returns_desk.domain.decision import Settlement
from returns_desk.domain.money import format_money
from returns_desk.domain.quote import Quote
from returns_desk.tui.dialogs.words import split_words

KEYS = {Settlement.REFUND: "r", Settlement.STORE_CREDIT: "c", Settlement.EXCHANGE: "x"}
LABELS = {
    Settlement.REFUND: "Refund (R)",
    Settlement.STORE_CREDIT: "Store credit (C)",
    Settlement.EXCHANGE: "Exchange (X)",
}


class SettleDialog(ModalScreen[Settlement | None]):
    """Only the ways every selected line allows are offered."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="settle-cancel"),
        Binding("r", "choose('refund')", "Refund", id="settle-refund"),
        Binding("c", "choose('store_credit')", "Store credit", id="settle-credit"),
        Binding("x", "choose('exchange')", "Exchange", id="settle-exchange"),
    ]

    def __init__(self, quote: Quote) -> None:
        super().__init__()
        self.quote = quote

    def compose(self) -> ComposeResult:
        quote = self.quote
        rows = [
            f"Line {q.line.line_no} x{q.item.qty} {q.line.description}: "
            f"{format_money(q.decision.refund_amount)}"
            for q in quote.lines
        ]
        fees = f"  (restocking fees {format_money(quote.fees)})" if quote.fees else ""
        with Vertical(classes="dialog", id="settle-dialog"):
            yield Static(f"Settle {format_money(quote.total)}{fees}", classes="title")
            yield Static("\n".join(rows), id="settle-lines")
            yield Static(split_words(quote), id="settle-split")
            with Horizontal(classes="buttons"):
                for way in Settlement:
                    if way in quote.settlements:
                        yield Button(LABELS[way], id=f"way-{way.value}")
                yield Button("Cancel", id="cancel")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return Settlement(str(parameters[0])) in self.quote.settlements
        return True

    def action_choose(self, way: str) -> None:
        self.dismiss(Settlement(way))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        self.dismiss(Settlement(button[4:]) if button.startswith("way-") else None)
