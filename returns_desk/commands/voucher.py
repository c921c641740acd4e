"""``returns-desk voucher``: what a store-credit voucher is worth, and whether it can pay."""

from __future__ import annotations

import typer

from returns_desk.commands.common import console, engine, fail

voucher_app = typer.Typer(help="Store-credit vouchers: check one.", no_args_is_help=True)


@voucher_app.command("check")
def check_voucher(
    code: str = typer.Argument(..., help="The voucher code (V-XXXX-XXXX-XXXX-X; dashes optional)."),
) -> None:
    """Show a voucher's balance, expiry and uses; exit 1 if it cannot be spent today."""
    from returns_desk.domain.money import format_money
    from returns_desk.domain.voucher_code import VoucherCodeError, parse_voucher_code
    from returns_desk.services.vouchers.ledger import VoucherRefused, check

    try:
        parse_voucher_code(code)  # a typo is caught before the database is opened
        state = check(engine(), code)
    except (VoucherCodeError, VoucherRefused) as exc:
        fail(str(exc))
    console.print(
        f"{state.pretty}: value {format_money(state.amount)}, "
        f"balance {format_money(state.balance)}, expires {state.expires_on.isoformat()}, "
        f"{state.status}",
        highlight=False,
    )
    for used_at, amount in state.uses:
        console.print(
            f"  used {used_at:%Y-%m-%d %H:%M} UTC  {format_money(amount)}", highlight=False
        )
    if not state.usable:
        fail(state.message)
    console.print(state.message, highlight=False)
