"""The voucher and slip commands as a user runs them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.slips import SlipKind
from returns_desk.domain.voucher_code import new_voucher_code
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import User, Voucher

runner = CliRunner()


def _voucher(engine, expires: date) -> str:
    code = new_voucher_code()
    with unit_of_work(engine) as session:
        user = session.exec(select(User).where(User.username == "cleo")).one()
        session.add(
            Voucher(
                code=code.compact,
                amount=Decimal("25.00"),
                balance=Decimal("25.00"),
                expires_on=expires,
                issued_by=user.id,
            )
        )
    return code.pretty()


@pytest.mark.parametrize("args", [["voucher"], ["slip"], ["slip", "sample"], ["slip", "reprint"]])
def test_help(args):
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_voucher_check(demo_engine):
    good = _voucher(demo_engine, date(2099, 1, 1))
    result = runner.invoke(app, ["voucher", "check", good.lower()])
    assert result.exit_code == 0, result.output
    assert "balance $25.00" in result.output and "$25.00 left of $25.00" in result.output
    old = _voucher(demo_engine, date(2020, 1, 1))
    refused = runner.invoke(app, ["voucher", "check", old])
    assert refused.exit_code == 1 and "expired on 2020-01-01" in refused.output
    typo = runner.invoke(app, ["voucher", "check", "V-AAAA-BBBB-CCCC-D"])
    assert typo.exit_code == 1 and "check character" in typo.output


def test_slip_reprint_voucher_marks_copy(demo_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_SLIPS", str(tmp_path))
    monkeypatch.delenv("RETURNS_DESK_PRINTER", raising=False)
    code = _voucher(demo_engine, date(2030, 1, 1))
    first = runner.invoke(app, ["slip", "reprint", "voucher", code, "-u", "cleo", "--pin", "1111"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["slip", "reprint", "voucher", code, "-u", "cleo", "--pin", "1111"])
    assert "(COPY)" in second.output and len(list(tmp_path.glob("voucher-*.pdf"))) == 2
    wrong = runner.invoke(
        app, ["slip", "reprint", "return", "RT-404", "-u", "cleo", "--pin", "1111"]
    )
    assert wrong.exit_code == 1 and "no return 'RT-404'" in wrong.output


@pytest.mark.parametrize("paper", ["thermal", "a4", "letter"])
def test_slip_sample_writes_every_kind(engine, tmp_path, paper):  # never the real database
    result = runner.invoke(app, ["slip", "sample", "--paper", paper, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob(f"sample-{paper}-*.pdf"))) == len(SlipKind)
