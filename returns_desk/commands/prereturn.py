"""``returns-desk prereturn``: returns a customer starts before coming in (an associate on the
phone starts one here), shows, cancels, and the nightly expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from returns_desk.commands.common import (
    console,
    day,
    engine,
    fail,
    logged_in,
    pin_option,
    user_option,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.prereturns.lookup import PreReturnView
    from returns_desk.services.prereturns.start import PickedLine
    from returns_desk.services.staff.security import Actor

prereturn_app = typer.Typer(
    help="Pre-registered returns: start, show, cancel, expire.", no_args_is_help=True
)

USER = user_option("clerk or manager who does it")
PIN = pin_option()


def _actor(eng: Engine, user: str, pin: str) -> Actor:
    """The clerk or manager, logged in (audited) through the shared log-in, or a clean
    failure."""
    from returns_desk.domain.roles import Role

    return logged_in(eng, user, pin, Role.CLERK, Role.MANAGER)


def _picked(text: str, note: str) -> PickedLine:
    """``LINE[:QTY[:REASON[:CONDITION]]]`` as a picked line, or a clean failure."""
    from returns_desk.domain.policy.model import Condition
    from returns_desk.services.prereturns.start import PickedLine

    parts = text.split(":")
    if len(parts) > 4 or not all(p.strip().isdigit() for p in parts[:2] if p.strip()):
        fail(f"--line {text!r}: give LINE[:QTY[:REASON[:CONDITION]]], e.g. 2:1:wrong_size")
    line_no = int(parts[0])
    qty = int(parts[1]) if len(parts) > 1 and parts[1].strip() else 1
    reason = parts[2].strip() if len(parts) > 2 and parts[2].strip() else "changed_mind"
    try:
        condition = Condition(parts[3].strip()) if len(parts) > 3 else Condition.UNOPENED
    except ValueError:
        known = ", ".join(c.value for c in Condition)
        fail(f"--line {text!r}: condition {parts[3]!r} is not one of {known}")
    return PickedLine(line_no, qty, reason, note if reason == "other" else "", condition)


def _sale_of(eng: Engine, receipt: str | None, loyalty: str | None, on: str | None) -> str:
    """The receipt code: given, or the one sale of that loyalty id on that day."""
    from returns_desk.services.prereturns.customer import sales_on

    if receipt:
        return receipt
    if not (loyalty and on):
        fail("give --receipt CODE, or --loyalty ID with --date YYYY-MM-DD")
    hits = sales_on(eng, loyalty, day(on, "--date"))
    if not hits:
        fail(f"no sale for loyalty id {loyalty!r} on {on}")
    if len(hits) > 1:
        codes = ", ".join(h.receipt_code for h in hits)
        fail(f"{len(hits)} sales for {loyalty!r} on {on} ({codes}): give --receipt")
    return hits[0].receipt_code


@prereturn_app.command("start")
def start(
    line: list[str] = typer.Option(
        ..., "--line", "-l",
        help="LINE[:QTY[:REASON[:CONDITION]]], e.g. 2:1:wrong_size; repeat for more lines.",
    ),
    receipt: str = typer.Option(None, "--receipt", "-r", help="The receipt code."),
    loyalty: str = typer.Option(None, "--loyalty", help="Or the loyalty id ..."),
    on: str = typer.Option(None, "--date", help="... and the day of the sale (YYYY-MM-DD)."),
    outcome: str = typer.Option(
        "refund", help="What the customer wants: refund, exchange, store_credit."
    ),
    note: str = typer.Option("", help="The customer's words, for lines with the reason 'other'."),
    channel: str = typer.Option("phone", help="How it came in: phone, cli, kiosk, browser."),
    user: str = USER,
    pin: str = PIN,
) -> None:  # fmt: skip
    """Start a pre-registered return: the policy pre-checks each line; approved, the units are
    held and the code slip (QR and Code128) is saved, and printed where a printer is set."""
    from datetime import date

    from returns_desk.domain.decision import Settlement
    from returns_desk.services.prereturns.slip import print_code_slip
    from returns_desk.services.prereturns.start import PreReturnRequest, start_prereturn

    try:
        wanted = Settlement(outcome.strip().lower())
    except ValueError:
        fail(f"--outcome {outcome!r}: choose refund, exchange or store_credit")
    picked = tuple(_picked(text, note) for text in line)
    eng = engine()
    actor = _actor(eng, user, pin)
    code = _sale_of(eng, receipt, loyalty, on)
    request = PreReturnRequest(code, picked, wanted, channel.strip().lower())
    today = date.today()  # noqa: DTZ011 (the store's local day)
    started = start_prereturn(eng, actor, request, today)
    for checked in started.lines:
        console.print(
            f"  line {checked.line_no}: {checked.qty} x {checked.description}: "
            f"{checked.outcome.value} ({checked.reasons[0] if checked.reasons else ''})",
            highlight=False,
        )
    if started.code is None:
        fail(f"{started.reference} declined by the policy; nothing is held")
    printed = print_code_slip(eng, actor, started)
    console.print(
        f"{started.reference} approved: code {started.code.pretty}, held until "
        f"{started.expires_at:%Y-%m-%d %H:%M} UTC\nQR token {started.code.token} "
        f"(shown once)\n{printed.message}",
        highlight=False,
    )


@prereturn_app.command("show")
def show(
    ref: str = typer.Argument(..., help="PR-0000012, or the short code P-XXXX-XXXX-X."),
    user: str = USER,
    pin: str = PIN,
) -> None:
    """A pre-registered return: its state, receipt, lines with the policy's pre-check."""
    from returns_desk.services.prereturns.lookup import show_prereturn

    eng = engine()
    _actor(eng, user, pin)
    _print(show_prereturn(eng, ref))


def _print(view: PreReturnView) -> None:
    closed = f", closed {view.closed_at:%Y-%m-%d %H:%M} UTC" if view.closed_at else ""
    done = f" as return {view.return_reference}" if view.return_reference else ""
    console.print(
        f"{view.reference} {view.status.value}{done}: code {view.pretty_code}, receipt "
        f"{view.receipt_code}, wants {view.outcome.value}, via {view.channel} by "
        f"{view.created_by}\nstarted {view.created_at:%Y-%m-%d %H:%M} UTC, holds until "
        f"{view.expires_at:%Y-%m-%d %H:%M} UTC{closed}" + (f"\n{view.note}" if view.note else ""),
        highlight=False,
    )
    for line in view.lines:
        why = f" ({line.reason_text})" if line.reason_text else ""
        console.print(
            f"  line {line.line_no}: {line.qty} x {line.description} [{line.sku}], "
            f"{line.reason_code}{why}, {line.condition}: {line.outcome}",
            highlight=False,
        )


@prereturn_app.command("cancel")
def cancel(
    ref: str = typer.Argument(..., help="PR-0000012."),
    reason: str = typer.Option(..., "--reason", help="Why (the customer's words will do)."),
    user: str = USER,
    pin: str = PIN,
) -> None:
    """Cancel a pre-registered return: its units are free again and its code opens nothing."""
    from returns_desk.services.prereturns.moves import cancel_prereturn

    eng = engine()
    actor = _actor(eng, user, pin)
    console.print(f"{cancel_prereturn(eng, actor, ref, reason)} cancelled", highlight=False)


@prereturn_app.command("expire")
def expire(user: str = USER, pin: str = PIN) -> None:
    """Expire every pre-registered return past its date (run it nightly): units are freed."""
    from returns_desk.services.prereturns.moves import expire_prereturns

    eng = engine()
    done = expire_prereturns(eng, _actor(eng, user, pin))
    console.print(f"{len(done)} expired" + (f": {', '.join(done)}" if done else ""))
