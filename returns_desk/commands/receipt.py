"""``returns-desk receipt``: look a receipt up as the counter would, or find one to try."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import (
    console,
    day,
    engine,
    fail,
    maybe_logged_in,
    optional_pin_option,
    optional_user_option,
)

if TYPE_CHECKING:
    from returns_desk.services.returns.search import SaleHit

receipt_app = typer.Typer(
    help="Receipts: show one by its code, find one, or list the latest.", no_args_is_help=True
)
USER_HELP = "a clerk or manager sees customer ids in full; a customer search needs it."


@receipt_app.command("show")
def show(
    code: str = typer.Argument(
        ..., help="The 13-digit receipt code (dashes allowed), or the POS's reference (#1001)."
    ),
) -> None:
    """Show a receipt's lines, what is still returnable, and its tenders."""
    from rich.table import Table

    from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code
    from returns_desk.domain.money import format_money
    from returns_desk.domain.words import tender_words
    from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt

    try:
        receipt = find_receipt(engine(), code)
    except (ReceiptCodeError, ReceiptNotFound) as exc:
        fail(str(exc))
    pretty = parse_receipt_code(receipt.code).pretty()
    table = Table(title=f"Receipt {pretty}  {receipt.sold_at:%Y-%m-%d %H:%M} UTC")
    for column in ("#", "SKU", "item", "qty", "returned", "paid"):
        table.add_column(
            column, justify="right" if column in ("qty", "returned", "paid") else "left"
        )
    for line in receipt.lines:
        table.add_row(
            str(line.line_no),
            line.sku,
            line.description,
            str(line.qty),
            str(line.qty_returned),
            format_money(line.paid),
        )
    console.print(table)
    tenders = ", ".join(
        f"{tender_words(t.kind.value, t.card_last4)} {format_money(t.amount)}"
        for t in receipt.tenders
    )
    console.print(f"total {format_money(receipt.total)}; paid by {tenders}", highlight=False)
    if receipt.gift_receipt:
        console.print("gift receipt")


@receipt_app.command("find")
def find(
    customer: str = typer.Option("", help="Customer or loyalty id (needs --user)."),
    on: str = typer.Option("", "--date", help="The day of the sale (YYYY-MM-DD), store's own."),
    sku: str = typer.Option("", help="An item on the receipt, by SKU."),
    card: str = typer.Option("", help="The card's last 4 digits (with --date)."),
    limit: int = typer.Option(20, min=1, help="At most this many, newest first."),
    user: str | None = optional_user_option(USER_HELP),
    pin: str | None = optional_pin_option(),
) -> None:
    """Find receipts by customer, day, item or card, newest first (any of them together)."""
    sold_on = day(on, "--date") if on else None
    criteria = {"customer_id": customer, "on": sold_on, "sku": sku, "card_last4": card}
    _print(_look_up(user, pin, latest=None, limit=limit, **criteria), "no sale matches")


@receipt_app.command("list")
def list_receipts(
    recent: bool = typer.Option(
        True, "--recent/--oldest", help="The latest sales (default), or the oldest."
    ),
    limit: int = typer.Option(20, min=1, help="How many."),
    user: str | None = optional_user_option(USER_HELP),
    pin: str | None = optional_pin_option(),
) -> None:
    """The latest receipts (or the oldest: late ones to try an override on)."""
    _print(_look_up(user, pin, latest=recent, limit=limit), "no sales yet: run returns-desk demo")


def _look_up(user: str | None, pin: str | None, **how: Any) -> list[SaleHit]:
    from returns_desk.services.returns.search import SearchError, look_up
    from returns_desk.services.staff.security import RoleError

    eng = engine()
    viewer = maybe_logged_in(eng, user, pin)
    try:
        return look_up(eng, viewer, **how)
    except (RoleError, SearchError) as exc:
        fail(str(exc))


def _print(hits: list[SaleHit], empty: str) -> None:
    from rich import box
    from rich.table import Table

    from returns_desk.domain.codes import parse_receipt_code
    from returns_desk.domain.money import format_money

    if not hits:
        console.print(empty, highlight=False)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("receipt", "sold (store time)", "store", "total", "customer"):
        table.add_column(name, no_wrap=True, justify="right" if name == "total" else "left")
    table.add_column("items", overflow="fold", min_width=12, ratio=1)
    for hit in hits:
        table.add_row(
            parse_receipt_code(hit.receipt_code).pretty(),
            f"{hit.sold_local:%Y-%m-%d %H:%M}",
            str(hit.store),
            format_money(hit.total),
            hit.customer_id or "",
            ", ".join(hit.skus),
        )
    console.print(table)
    console.print("returns-desk receipt show CODE shows one; the desk opens it when scanned.")
