"""``returns-desk policy``: check a policy file, or ask it about one return."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import console, err_console, fail
from returns_desk.commands.policy_versions import register as register_versions

if TYPE_CHECKING:
    from returns_desk.domain.decision import Decision
    from returns_desk.domain.policy.examples import ExampleResult
    from returns_desk.domain.policy.model import Policy

policy_app = typer.Typer(
    help="Return policies: check a file, decide one return, and a version's life from draft "
    "(import, diff, replay) to in force per store (activate, history, rollback).",
    no_args_is_help=True,
)

# CLI option name for each case key, so errors speak the language the user typed.
OPTION_NAMES = {
    "unit_price": "--price",
    "qty_sold": "--qty-sold",
    "qty_returned": "--qty-returned",
    "line_discount": "--discount",
    "order_discount_share": "--order-discount",
    "tax_rate": "--tax-rate",
    "tax_charged": "--tax",
    "sold_on": "--sold-on",
    "delivered_on": "--delivered-on",
    "today": "--today",
    "lowest_recent_price": "--lowest-price",
    "tenders": "--tender",
    "customer_receiptless_count": "--receiptless-count",
    "serial_scanned": "--serial-scanned",
    "cash_paid_today": "--cash-paid-today",
}


def default_policy_path() -> Path:
    """The shipped default policy: in the installed package, else in the source tree."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (
        package / "_data" / "policies" / "default.toml",
        package.parent / "policies" / "default.toml",
    ):
        if candidate.exists():
            return candidate
    return package.parent / "policies" / "default.toml"


@policy_app.command("check")
def check(
    file: Path = typer.Argument(..., help="The policy file (TOML) to validate."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Validate a policy file and decide its examples; exit 1 on any error or failed example."""
    from returns_desk.domain.policy import PolicyError, load_policy, run_examples

    try:
        policy = load_policy(file)
    except PolicyError as exc:
        if as_json:
            typer.echo(json.dumps({"file": str(file), "ok": False, "error": _error(exc)}))
        else:  # unwrapped, so editors and grep can jump to file:line
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    results = run_examples(policy)
    ok = all(r.passed for r in results)
    if as_json:
        typer.echo(json.dumps(_check_json(file, policy, results, ok), indent=2))
    else:
        _print_check(file, policy, results)
    if not ok:
        raise typer.Exit(1)


def _error(exc: Any) -> dict[str, Any]:
    return {"source": exc.source, "line": exc.line, "key": exc.key, "message": exc.message}


def _check_json(
    file: Path, policy: Policy, results: list[ExampleResult], ok: bool
) -> dict[str, Any]:
    return {
        "file": str(file),
        "ok": ok,
        "policy": {"name": policy.name, "version": policy.version},
        "examples": [
            {
                "name": r.example.name,
                "line": r.example.line,
                "passed": r.passed,
                "failures": r.failures,
                "decision": r.decision.to_dict(),
            }
            for r in results
        ],
    }


def _print_check(file: Path, policy: Policy, results: list[ExampleResult]) -> None:
    from rich.table import Table

    passed = sum(r.passed for r in results)
    table = Table(title=f"{policy.name} (version {policy.version})", title_justify="left")
    for column in ("line", "example", "result"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for r in results:
        verdict = "[green]pass[/]" if r.passed else "[red]FAIL[/]: " + "; ".join(r.failures)
        table.add_row(str(r.example.line), r.example.name, verdict)
    console.print(table)
    colour = "green" if passed == len(results) else "red"
    console.print(
        f"[{colour}]{file}: {passed} of {len(results)} examples decided as written[/]",
        highlight=False,
        soft_wrap=True,  # one line a script can grep, however long the path
    )


@policy_app.command("decide")
def decide_command(
    price: str = typer.Option(..., "--price", help="Unit price on the receipt (or today's)."),
    sold_on: str = typer.Option(None, "--sold-on", help="Sale date, YYYY-MM-DD."),
    today: str = typer.Option(None, "--today", help="Decision date (default: today)."),
    department: str = typer.Option("general", help="Department of the item."),
    category: str = typer.Option("general", help="Category of the item."),
    sku: str = typer.Option("ITEM", help="SKU of the item."),
    qty_sold: int = typer.Option(1, "--qty-sold", help="Units on the sale line."),
    qty: int = typer.Option(1, "--qty", help="Units coming back now."),
    qty_returned: int = typer.Option(0, "--qty-returned", help="Units already returned."),
    discount: str = typer.Option("0.00", "--discount", help="Line discount."),
    order_discount: str = typer.Option("0.00", "--order-discount", help="Order discount share."),
    tax_rate: str = typer.Option("0", "--tax-rate", help="Tax rate, e.g. 0.08."),
    tax: str = typer.Option(None, "--tax", help="Tax charged on the line (default: at rate)."),
    condition: str = typer.Option("unopened", help="unopened, opened, defective, damaged, ..."),
    receipt: str = typer.Option("yes", help="yes, gift or none."),
    tier: str = typer.Option(None, help="Customer's loyalty tier."),
    region: str = typer.Option(None, help="Store region (for fee waivers)."),
    serial: str = typer.Option(None, help="Serial number sold."),
    serial_scanned: str = typer.Option(None, "--serial-scanned", help="Serial number scanned."),
    lowest_price: str = typer.Option(None, "--lowest-price", help="Lowest recent price."),
    receiptless_count: int = typer.Option(0, "--receiptless-count", help="Recent receiptless."),
    id_checked: bool = typer.Option(False, "--id-checked", help="Photo ID was checked."),
    tender: list[str] = typer.Option(None, "--tender", help="Payment KIND:AMOUNT (repeat)."),
    cash_paid_today: str = typer.Option(
        None, "--cash-paid-today", help="Cash already going back on this receipt today."
    ),
    reason: str = typer.Option("", help="Why the customer is returning it."),
    policy_file: Path = typer.Option(None, "--policy", help="Policy file (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
) -> None:
    """Decide one return from the command line, with the reasons a clerk would read."""
    from returns_desk.domain.policy import PolicyError, decide, load_policy
    from returns_desk.domain.policy.examples import build_case

    values = {
        "unit_price": price, "sold_on": sold_on, "department": department,
        "category": category, "sku": sku, "qty_sold": qty_sold, "qty": qty,
        "qty_returned": qty_returned, "line_discount": discount,
        "order_discount_share": order_discount, "tax_rate": tax_rate, "tax_charged": tax,
        "condition": condition, "receipt": receipt, "tier": tier, "region": region,
        "serial": serial, "serial_scanned": serial_scanned,
        "lowest_recent_price": lowest_price, "customer_receiptless_count": receiptless_count,
        "id_checked": id_checked, "reason": reason,
        "today": today or datetime.now().astimezone().date().isoformat(),
        "tenders": [_tender(t) for t in tender] if tender else None,
        "cash_paid_today": cash_paid_today,
    }  # fmt: skip
    try:
        policy = load_policy(policy_file or default_policy_path())
        case, day = build_case({k: v for k, v in values.items() if v is not None})
    except PolicyError as exc:
        option = OPTION_NAMES.get(exc.key, f"--{exc.key.replace('_', '-')}")
        fail(str(exc) if exc.source != "command line" else f"{option}: {exc.message}")
    decision = decide(policy, case, day)
    if as_json:
        typer.echo(json.dumps(decision.to_dict(), indent=2))
    else:
        _print_decision(decision)


def _tender(text: str) -> dict[str, str]:
    kind, _, amount = text.partition(":")
    if not amount:
        fail(f"--tender: expected KIND:AMOUNT like cash:20.00, got {text!r}")
    return {"kind": kind.strip().lower(), "amount": amount.strip()}


def _print_decision(decision: Decision) -> None:
    from returns_desk.domain.decision import Outcome
    from returns_desk.domain.money import format_money

    colour = {Outcome.APPROVE: "green", Outcome.DENY: "red"}.get(decision.outcome, "yellow")
    console.print(f"[bold {colour}]{decision.headline}[/]", highlight=False)
    if decision.restocking_fee:
        console.print(f"restocking fee {format_money(decision.restocking_fee)}")
    for tender, amount in decision.tender_split:
        console.print(f"  back to {tender.kind.value}: {format_money(amount)}", highlight=False)
    if decision.voucher_amount:
        console.print(f"  as a voucher: {format_money(decision.voucher_amount)}")
    if decision.window_ends:
        console.print(f"window ends {decision.window_ends}", highlight=False)
    for line in decision.reasons:
        console.print(f"  - {line}", highlight=False)
    console.print(
        f"[dim]{decision.policy_name}, version {decision.policy_version}[/]", highlight=False
    )


register_versions(policy_app)
