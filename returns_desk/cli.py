"""The ``returns-desk`` command: plain, it opens the desk; subcommands do the rest."""

from __future__ import annotations

import typer

from returns_desk.commands.audit import audit_app
from returns_desk.commands.common import DeskGroup
from returns_desk.commands.complaints import complaints_app
from returns_desk.commands.db import db_app
from returns_desk.commands.demo import demo
from returns_desk.commands.journal import journal_app
from returns_desk.commands.kpi import kpi_command
from returns_desk.commands.policy import policy_app
from returns_desk.commands.prereturn import prereturn_app
from returns_desk.commands.receipt import receipt_app
from returns_desk.commands.serve import kiosk, serve
from returns_desk.commands.slip import slip_app
from returns_desk.commands.staff import init, staff_app
from returns_desk.commands.voucher import voucher_app

app = typer.Typer(
    help="Returns Desk: the returns and exchanges counter. Run without a command to open the desk.",
    invoke_without_command=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    rich_markup_mode="rich",
    cls=DeskGroup,
    pretty_exceptions_show_locals=False,  # --debug tracebacks never print a PIN
)
app.add_typer(db_app, name="db")
app.add_typer(journal_app, name="journal")
app.add_typer(audit_app, name="audit")
app.add_typer(receipt_app, name="receipt")
app.add_typer(policy_app, name="policy")
app.add_typer(complaints_app, name="complaints")
app.add_typer(voucher_app, name="voucher")
app.add_typer(slip_app, name="slip")
app.add_typer(prereturn_app, name="prereturn")
app.add_typer(staff_app, name="staff")
app.command("demo")(demo)
app.command("kpi")(kpi_command)
app.command("init")(init)
app.command("serve")(serve)
app.command("kiosk")(kiosk)


@app.callback()
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(
        False, "--debug", help="Show the full traceback when a command fails."
    ),
) -> None:
    """Open the desk when no command is given."""
    if ctx.invoked_subcommand is None:
        desk()


@app.command("desk")
def desk() -> None:
    """Open the desk (seeds the demo store on an empty database)."""
    from returns_desk.tui.launch import run_desk

    run_desk()


def main() -> None:
    app()
