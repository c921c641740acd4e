"""The returns-desk command as a user runs it: help everywhere, clear errors, exit codes."""

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()
RECEIPTS = __import__("pathlib").Path(__file__).parents[1] / "receipts"


@pytest.mark.parametrize("args", [[], ["db"], ["journal"], ["audit"], ["receipt"], ["demo"]])
def test_every_command_has_help(args):
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_demo_seeds_and_prints_the_pins(engine):
    result = runner.invoke(app, ["demo", "--receipts", "30", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "demo store seeded: 30 receipts" in result.output
    assert "maria" in result.output and "9999" in result.output
    again = runner.invoke(app, ["demo", "--today", "2026-11-23"])
    assert "already has sales" in again.output


OWNER = {"RETURNS_DESK_PIN": "482915"}


def _init(engine):
    made = runner.invoke(app, ["init"], input="dana\nDana Owner\n482915\n482915\n")
    assert made.exit_code == 0, made.output


def _import(path, user="dana", env=OWNER):
    return runner.invoke(app, ["journal", "import", str(path), "--user", user], env=env)


def test_journal_import_then_receipt_show(engine):
    _init(engine)
    result = _import(RECEIPTS / "demo-journal.jsonl")
    assert result.exit_code == 0, result.output
    assert "40 receipts" in result.output
    _import(RECEIPTS / "demo-journal.csv")
    shown = runner.invoke(app, ["receipt", "show", "101-01-0000007-9"], env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.output
    assert "Office chair" in shown.output and "$1,210.24" in shown.output
    assert "gift card $25.00, card ...6300 $1,185.24" in shown.output  # words, not gift_card


def test_bad_journal_fails_with_file_row_and_field(engine, tmp_path):
    _init(engine)
    bad = tmp_path / "pos.csv"
    bad.write_text((RECEIPTS / "demo-journal.csv").read_text().replace("229.00", "229.0O"))
    result = _import(bad)
    assert result.exit_code == 1
    assert "pos.csv, row 2, field 'unit_price'" in result.output
    assert "nothing was imported" in result.output


def test_mistyped_receipt_code_is_caught_before_lookup(engine):
    result = runner.invoke(app, ["receipt", "show", "1010390000019"])
    assert result.exit_code == 1
    assert "fails its check digit" in result.output


def test_audit_verify_reports_an_intact_chain(engine):
    runner.invoke(app, ["demo", "--receipts", "5", "--today", "2026-11-23"])
    result = runner.invoke(app, ["audit", "verify", "--user", "avi"], input="7777\n")
    assert result.exit_code == 0 and "audit chain intact" in result.output


def test_db_upgrade_says_where_the_database_is(engine):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(RECEIPTS.parent / "db")).get_current_head()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and f"revision {head}" in result.output
    assert "already" in result.output
