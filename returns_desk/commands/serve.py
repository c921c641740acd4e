"""``returns-desk serve`` (the desk, or the kiosk, in a browser through textual-serve) and
``returns-desk kiosk`` (the customer-facing app in this terminal)."""

from __future__ import annotations

import ipaddress
import shlex
import sys

import typer

from returns_desk.commands.common import console, err_console, fail


def _register(value: str, option: str) -> str:
    text = value.strip()
    if not (text and len(text) <= 20 and all(c.isalnum() or c in "-_" for c in text)):
        fail(f"{option} {value!r}: a register name like R1 or K2 (letters, digits, - and _)")
    return text


def _desk_register(value: str, option: str) -> str:
    """A desk register's name (``R1`` ... ``R50``), each with its own number."""
    from returns_desk.domain.codes import RegisterNameError, desk_register_number

    text = _register(value, option)
    try:
        desk_register_number(text)
    except RegisterNameError as exc:
        fail(f"{option} {exc}")
    return text


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on; loopback by default."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    kiosk: bool = typer.Option(
        False, "--kiosk", help="Serve the customer kiosk (no log-in, no staff functions)."
    ),
    register: str = typer.Option(
        None, help="The register each session is (default: RETURNS_DESK_REGISTER; K1 kiosk)."
    ),
    pair: str = typer.Option(
        None, help="Kiosk only: the desk register it stands beside, to rate its returns."
    ),
    public_url: str = typer.Option(
        None, help="The address browsers use, behind a reverse proxy (https://desk.example)."
    ),
) -> None:
    """Serve the desk in a browser: each browser tab gets its own desk, which starts at the
    log-in (the PIN is the only authentication). Slips and exports download in the browser.
    Use TLS through a reverse proxy before opening it beyond this machine."""
    from textual_serve.server import Server

    args = [sys.executable, "-m", "returns_desk", "kiosk" if kiosk else "desk"]
    env = ""
    if register and kiosk:
        args += ["--register", _register(register, "--register")]
    elif register:  # the desk reads its register from its setting
        env = f"RETURNS_DESK_REGISTER={shlex.quote(_desk_register(register, '--register'))} "
    if pair:
        if not kiosk:
            fail("--pair is for --kiosk: a customer display beside a desk register")
        args += ["--pair", _desk_register(pair, "--pair")]
    if not _loopback(host):
        err_console.print(
            f"note: serving on {host}: anyone who can reach it gets the log-in screen, over "
            "plain HTTP. Put a TLS reverse proxy in front (README: Desk in a browser).",
            highlight=False,
        )
    what = "customer kiosk" if kiosk else "desk"
    server = Server(
        env + shlex.join(args),
        host=host,
        port=port,
        title=f"Returns Desk {what}",
        public_url=public_url,
    )
    console.print(f"serving the {what} on {server.public_url} (Ctrl+C stops)", highlight=False)
    server.serve()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def kiosk(
    register: str = typer.Option("K1", help="This kiosk's name in the audit trail."),
    pair: str = typer.Option(
        None, help="The desk register it stands beside (R1): it offers that desk's returns "
        "for the customer to rate."
    ),
) -> None:  # fmt: skip
    """The customer-facing kiosk in this terminal: start a return, check a voucher, report a
    problem, rate a visit. Nobody logs in; no staff function is here."""
    from returns_desk.tui.kiosk import KioskApp
    from returns_desk.tui.launch import prepare_database

    KioskApp(
        prepare_database,
        register=_register(register, "--register"),
        pair=_desk_register(pair, "--pair") if pair else None,
    ).run()
