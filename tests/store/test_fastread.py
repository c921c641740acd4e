"""The receipt lookup's quick constructors give the same objects as the classes' own."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

import pytest

from returns_desk.domain.receipt import Receipt, SoldLine
from returns_desk.store.fastread import maker


def test_a_made_line_equals_one_built_by_its_class():
    values = [
        (1, "EL-CBL", "USB-C cable", "electronics", "cables", 2, Decimal("14.99"),
         Decimal("0"), Decimal("0.50"), Decimal("0.0825"), Decimal("2.47"), None, False,
         True, 1, None, 7, "Acme", '{"m":"2"}', None, "B1", Decimal("0"), 0)
    ][0]  # fmt: skip
    made = maker(SoldLine)(*values)
    assert made == SoldLine(*values)
    assert type(made) is SoldLine and made.paid == SoldLine(*values).paid
    with pytest.raises(AttributeError):  # still frozen
        made.qty = 3  # type: ignore[misc]


def test_processors_convert_their_values_and_names_work():
    procs = [None] * len(fields(SoldLine))
    procs[6] = lambda cents: Decimal(cents).scaleb(-2)
    row = [1, "A", "d", "dep", "", 1, 1499] + [None] * (len(procs) - 7)
    assert maker(SoldLine, procs)(*row).unit_price == Decimal("14.99")
    receipt = maker(Receipt)(
        code="1", store_no=1, register_no=2, sold_at=None, lines=(), tenders=(),
        customer_id=None, loyalty_tier=None, gift_receipt=False, order_discount=Decimal(0),
        sale_id=None, extra={}, rewards_earned=Decimal(0), rewards_spent=Decimal(0),
        points_earned=0,
    )  # fmt: skip
    assert receipt.register_no == 2 and receipt.extra == {}


def test_only_slotted_dataclasses_without_post_init():
    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a > 0

    for cls in (NoSlots, Checked):
        with pytest.raises(TypeError):
            maker(cls)
