"""How the customer gets their money's worth: refund, store credit or exchange (then the
replacement items, in the exchange dialog)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ExchangeBasket
from returns_desk.domain.money import format_money
from returns_desk.domain.quote import Quote
from returns_desk.tui.dialogs.words import split_words

LABELS = {
    Settlement.REFUND: "Refund (R)",
    Settlement.STORE_CREDIT: "Store credit (C)",
    Settlement.EXCHANGE: "Exchange (X)",
}


@dataclass(frozen=True)
class Settled:
    """The way chosen, and for an exchange the replacement items."""

    settlement: Settlement
    basket: ExchangeBasket | None = None


class SettleDialog(ModalScreen[Settled | None]):
    """Only the ways every item allows are offered. ``store_no``, ``today`` and ``basket``
    go to the exchange dialog (the basket: items scanned before a refusal)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="settle-cancel"),
        Binding("r", "choose('refund')", "Refund", id="settle-refund"),
        Binding("c", "choose('store_credit')", "Store credit", id="settle-credit"),
        Binding("x", "choose('exchange')", "Exchange", id="settle-exchange"),
    ]

    def __init__(
        self,
        quote: Quote,
        store_no: int | None = None,
        today: date | None = None,
        basket: ExchangeBasket | None = None,
    ) -> None:
        super().__init__()
        self.quote, self.store_no, self.today, self.basket = quote, store_no, today, basket

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
        from returns_desk.tui.dialogs.exchange import ExchangeDialog

        settlement = Settlement(way)
        if settlement is not Settlement.EXCHANGE:
            self.dismiss(Settled(settlement))
            return
        today = self.today or date.today()  # noqa: DTZ011 (the store's local day)

        def scanned(basket: ExchangeBasket | None) -> None:
            if basket is not None:
                self.dismiss(Settled(settlement, basket))

        dialog = ExchangeDialog(self.quote.total, self.store_no, today, self.basket)
        self.app.push_screen(dialog, scanned)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("way-"):
            self.action_choose(button[4:])
        else:
            self.dismiss(None)
