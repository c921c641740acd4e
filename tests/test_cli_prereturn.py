"""``returns-desk prereturn start/show/cancel/expire``: a clerk on the phone starts one; the
code slip is saved with a QR code and a Code128 that real decoders read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()
LOGIN = ["-u", "cleo", "--pin", "1111"]


@pytest.fixture
def receipt(engine):
    """A demo store whose sales end today (the command decides on the local day): a receipt
    sold in the last ten days with a line that is not final sale."""
    from datetime import date

    from sqlmodel import col, select

    from returns_desk.services.journal.demo import seed_demo
    from returns_desk.store.db import read_only
    from returns_desk.store.models import Sale
    from returns_desk.store.receipts import read_receipt

    today = date.today()  # noqa: DTZ011 (as the command sees it)
    seed_demo(engine, today, receipts=60)
    with read_only(engine) as session:
        codes = session.exec(select(Sale.receipt_code).order_by(col(Sale.id))).all()
    for code in codes:
        found = read_receipt(engine, code)
        if (today - found.sold_at.date()).days < 10 and not found.lines[0].final_sale:
            return found
    raise AssertionError("no recent demo receipt with a returnable first line")


def test_start_show_cancel_from_the_command_line(receipt, tmp_path):
    line = receipt.lines[0]
    started = runner.invoke(
        app, ["prereturn", "start", "-r", receipt.code, "-l", f"{line.line_no}:1", *LOGIN]
    )
    assert started.exit_code == 0, started.output
    assert "approved: code P-" in started.output
    reference = started.output.split(" approved")[0].split()[-1]
    slips = list(Path(tmp_path / "slips").glob("prereturn-*.pdf"))
    assert len(slips) == 1
    shown = runner.invoke(app, ["prereturn", "show", reference, *LOGIN])
    assert shown.exit_code == 0 and f"{reference} approved" in shown.output
    cancelled = runner.invoke(app, ["prereturn", "cancel", reference, "--reason", "kept", *LOGIN])
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    again = runner.invoke(app, ["prereturn", "show", reference, *LOGIN])
    assert f"{reference} cancelled" in again.output and "kept" in again.output


def test_bad_input_is_one_clear_line(demo_engine):
    cases = [
        (["start", "-r", "1010100000011", "-l", "x", *LOGIN], "--line 'x'"),
        (["start", "-l", "1", *LOGIN], "give --receipt CODE"),
        (["start", "-r", "1010100000012", "-l", "1", *LOGIN], "receipt"),
        (["show", "PR-0000999", *LOGIN], "no pre-registered return"),
        (["show", "PR-1", "-u", "avi", "--pin", "7777"], "this needs a clerk or manager"),
        (["expire", "-u", "cleo", "--pin", "0000"], "wrong PIN"),
    ]
    for args, words in cases:
        result = runner.invoke(app, ["prereturn", *args])
        assert result.exit_code == 1, (args, result.output)
        assert words in result.output and "Traceback" not in result.output


def test_expire_says_how_many(demo_engine):
    result = runner.invoke(app, ["prereturn", "expire", *LOGIN])
    assert result.exit_code == 0 and "0 expired" in result.output
