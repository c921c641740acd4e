"""``returns-desk serve``: what it starts through textual-serve (the desk or the kiosk, as
this Python's module), where it listens (loopback unless told), and its mistakes caught."""

from __future__ import annotations

import shlex
import sys

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()


class FakeServer:
    """textual-serve's Server, recording what it was asked to serve instead of serving."""

    started: list[FakeServer] = []

    def __init__(self, command: str, host: str, port: int, title: str, public_url=None):
        self.command, self.host, self.port, self.title = command, host, port, title
        self.public_url = public_url or f"http://{host}:{port}"

    def serve(self) -> None:
        FakeServer.started.append(self)


@pytest.fixture
def served(monkeypatch):
    import textual_serve.server

    FakeServer.started = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    return FakeServer.started


def test_the_desk_is_served_on_loopback_by_default(served):
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    (server,) = served
    assert (server.host, server.port) == ("127.0.0.1", 8000)
    assert shlex.split(server.command) == [sys.executable, "-m", "returns_desk", "desk"]
    assert "serving the desk on http://127.0.0.1:8000" in result.output
    assert "TLS" not in result.output


def test_the_kiosk_beside_a_register_on_the_lan_warns_about_tls(served):
    result = runner.invoke(
        app, ["serve", "--kiosk", "--host", "0.0.0.0", "--port", "8100", "--pair", "R2"]
    )
    assert result.exit_code == 0, result.output
    (server,) = served
    assert shlex.split(server.command)[-3:] == ["kiosk", "--pair", "R2"]
    assert (server.host, server.port) == ("0.0.0.0", 8100)
    assert "TLS reverse proxy" in result.output


def test_a_desk_register_is_passed_as_its_setting(served):
    result = runner.invoke(app, ["serve", "--register", "R3"])
    assert result.exit_code == 0, result.output
    assert served[0].command.startswith("RETURNS_DESK_REGISTER=R3 ")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--pair", "R1"], "--pair is for --kiosk"),
        (["--register", "R1; rm -rf /"], "a register name like R1"),
        (["--port", "70000"], "65535"),
        (["--register", "R0"], "a returns desk is named R1 to R50"),
        (["--kiosk", "--pair", "K2"], "--pair register 'K2': a returns desk is named R1"),
    ],
)
def test_mistakes_are_refused_and_nothing_is_served(served, args, said):
    result = runner.invoke(app, ["serve", *args])
    assert result.exit_code != 0
    assert said in result.output
    assert served == []
