"""``returns-desk receipt``: look a receipt up as the counter would."""

from __future__ import annotations

import typer

from returns_desk.commands.common import console, engine, fail

receipt_app = typer.Typer(help="Receipts: look one up by its code.", no_args_is_help=True)


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
    tenders = ", ".join(f"{t.kind.value} {format_money(t.amount)}" for t in receipt.tenders)
    console.print(f"total {format_money(receipt.total)}; paid by {tenders}")
    if receipt.gift_receipt:
        console.print("gift receipt")
