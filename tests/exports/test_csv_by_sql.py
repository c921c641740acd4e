"""On SQLite the exchange-log CSV is written by the query itself; the file must be the same,
byte for byte, as Python's csv module writes from the rows, on awkward values too."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal as D

import pytest
from sqlmodel import select

from returns_desk.services.audit.exchange_log import COLUMNS, stream_text
from returns_desk.services.audit.export_writers import csv_lines
from returns_desk.services.audit.exports import export_exchange_log
from returns_desk.store.db import snapshot, unit_of_work
from returns_desk.store.models import Exchange, Product, Register, Store, User
from tests.exports.conftest import _return, _sale, at

AWKWARD = [
    'said "no", then\nleft',  # quote, comma, line feed
    "carriage\rreturn",
    "naïve café — 東京 😀",
    "trailing comma,",
    '"',
    "",
]


def _awkward_returns(engine) -> None:
    """More returns on the ledger, each with something a CSV must quote or keep."""
    with unit_of_work(engine) as s:
        store = s.exec(select(Store).where(Store.number == 101)).one()
        register = s.exec(
            select(Register).where(Register.store_id == store.id, Register.number == 1)
        ).one()
        cleo = s.exec(select(User).where(User.username == "cleo")).one()
        odd = Product(sku='SKU,"1"', description="Crème\nbrûlée, 2 pack", department="food")
        s.add(odd)
        s.flush()
        for i, text in enumerate(AWKWARD):
            sale, (line, second) = _sale(
                s, f"10101000001{i:02d}", store, register, at(3, 9 + i), f"Ç{i}",
                [(odd, D("1.05")), (odd, D("2.00"))],
            )  # fmt: skip
            txn = _return(
                s, f"RT-9{i:06d}", at(23, 9 + i), store, register, cleo, "refund",
                [(line, odd, "approve", f"window.30d,{text}", D("1.05"), D("0.00")),
                 (second, odd, "deny" if i % 2 else "approve", "hygiene", D("0"), D("0"))],
                [("card", D("0.55")), ("cash", D("0.50"))] if i % 3 else [],
                reason=("other", text), sale_id=sale.id,
                customer_id=[f"C{i}", "CX", "C1234😀", None, "", "Ç,\"9"][i],
                override_reason=text or None,
            )  # fmt: skip
            if i == 2:
                new, _ = _sale(s, "1010100000999", store, register, at(23, 20), None,
                               [(odd, D("0.10"))])  # fmt: skip
                s.add(Exchange(return_id=txn.id, new_sale_id=new.id, difference=D("-0.95"),
                               created_at=at(23, 20)))  # fmt: skip


def _by_csv_module(engine, filters) -> str:
    """The file as the Python path writes it from the rows (the csv module, through
    ``csv_lines``)."""
    parts = [csv_lines([COLUMNS])]
    with snapshot(engine) as session:
        for _, rows in stream_text(session, filters):
            parts.append(csv_lines(rows))
    return "".join(parts)


@pytest.mark.parametrize(
    "change",
    [{}, {"unmask": True}, {"outcome": "deny"}, {"outcome": "approve"}, {"store": 102}],
)
def test_the_sql_csv_is_the_csv_modules_to_the_byte(
    ledger_engine, november, as_user, tmp_path, change
):
    _awkward_returns(ledger_engine)
    filters = replace(november, **change)
    out = tmp_path / "log.csv"
    export_exchange_log(ledger_engine, as_user("avi"), filters, "csv", out)
    written = out.read_bytes().decode("utf-8")
    assert written == _by_csv_module(ledger_engine, filters)
    rows = list(csv.reader(io.StringIO(written, newline="")))  # strict: a bare CR fails
    assert all(len(row) == len(COLUMNS) for row in rows)
    if not change:
        assert len(rows) == 1 + 5 + 2 * len(AWKWARD)
        assert any("carriage\rreturn" in row for row in rows)  # kept, quoted
        assert any("naïve café — 東京 😀" in row for row in rows)
        assert any(row[COLUMNS.index("exchange_difference")] == "-0.95" for row in rows)
        assert any(row[COLUMNS.index("tenders")] == "card 0.55; cash 0.50" for row in rows)
