"""Every command fails with one clear line and exit 1 (2 for usage), never a traceback;
``--debug`` shows the traceback."""

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()


def _boom(*args, **kwargs):
    raise RuntimeError("the printer caught fire")


def test_an_unexpected_error_is_one_line_and_exit_1(engine, monkeypatch):
    monkeypatch.setattr("returns_desk.services.returns.receipts.find_receipt", _boom)
    result = runner.invoke(app, ["receipt", "show", "1010390000018"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "error: unexpected RuntimeError: the printer caught fire "
        "(run again with --debug for the details)"
    ]


def test_debug_shows_the_traceback(engine, monkeypatch):
    monkeypatch.setattr("returns_desk.services.returns.receipts.find_receipt", _boom)
    result = runner.invoke(app, ["--debug", "receipt", "show", "1010390000018"])
    assert isinstance(result.exception, RuntimeError)  # left to Python: the traceback


def test_a_bad_input_error_a_command_catches_is_one_line(engine):
    result = runner.invoke(app, ["receipt", "show", "12345"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["error: receipt code '12345' has 5 digits; a receipt code has 13"]


def test_debug_shows_the_traceback_of_an_error_a_command_catches(engine):
    result = runner.invoke(app, ["--debug", "receipt", "show", "12345"])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "ReceiptCodeError" in result.output
    assert "parse_receipt_code" in result.output  # where it was raised
    last = [line for line in result.output.splitlines() if line.strip()][-1]
    assert last == "error: receipt code '12345' has 5 digits; a receipt code has 13"


def test_debug_shows_the_traceback_of_a_policy_file_refused(engine, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy\n", encoding="utf-8")
    plain = runner.invoke(app, ["policy", "check", str(bad)])
    debugged = runner.invoke(app, ["--debug", "policy", "check", str(bad)])
    assert plain.exit_code == debugged.exit_code == 1
    assert "Traceback" not in plain.output and "error:" in plain.output
    assert "Traceback" in debugged.output and "PolicyError" in debugged.output


def test_an_unreachable_database_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/no/such/folder/desk.db")
    result = runner.invoke(app, ["receipt", "show", "1010390000018"])
    assert result.exit_code == 1
    assert "the database refused or could not be reached: unable to open database file" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_file_that_cannot_be_written_is_one_line(engine, tmp_path):
    result = runner.invoke(
        app, ["demo", "--receipts", "3", "--write-journal", str(tmp_path / "no" / "x.jsonl")]
    )
    assert result.exit_code == 1
    assert "x.jsonl: No such file or directory" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["receipt", "show"],  # missing argument
        ["receipt", "show", "1", "--colour"],  # unknown option
        ["demo", "--receipts", "many"],  # not a number
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(engine, args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("today", ["2026-02-30", "tomorrow", "２０２６-01-01", "9999-12-31"])
def test_a_bad_day_is_named_with_its_option(engine, today):
    result = runner.invoke(app, ["demo", "--receipts", "3", "--today", today])
    assert result.exit_code == 1
    assert "--today" in result.output and "expected a day from 2000 to 2100" in result.output
