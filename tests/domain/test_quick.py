"""The quick builder makes the same frozen objects as the dataclasses' own constructors."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from returns_desk.domain.policy import ReturnCase
from returns_desk.domain.quick import builder, row_builder
from returns_desk.domain.receipt import Receipt, SoldLine


def test_a_sold_line_receipt_and_case_built_quickly_equal_the_ordinary_ones():
    fields = (3, "BT-9", "Boots", "footwear", "boots", 2, Decimal("64.75"), Decimal("1.00"))
    line, quick_line = SoldLine(*fields, serial="S1"), builder(SoldLine)(*fields, serial="S1")
    assert quick_line == line and hash(quick_line) == hash(line)
    assert type(quick_line) is SoldLine and quick_line.qty_reserved == 0
    with pytest.raises(FrozenInstanceError):
        quick_line.qty = 5  # type: ignore[misc]
    sold = datetime(2026, 11, 2, 12, tzinfo=UTC)
    receipt = builder(Receipt)("101", 101, 1, sold, (line,), rewards_spent=Decimal("2.00"))
    assert receipt == Receipt("101", 101, 1, sold, (line,), rewards_spent=Decimal("2.00"))
    assert receipt.extra == {} and receipt.extra is not builder(Receipt)("1", 1, 1, sold, ()).extra
    case = builder(ReturnCase)(receipt, quick_line, 1, reason="too small")
    assert case == ReturnCase(receipt, line, 1, reason="too small")


def test_what_the_builder_cannot_build_is_refused():
    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int
        b: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            assert self.a >= 0

    with pytest.raises(TypeError, match="not a dataclass with slots"):
        builder(NoSlots)
    with pytest.raises(TypeError, match="__post_init__"):
        builder(Checked)


def test_a_line_built_from_a_drivers_row_converts_its_values_and_takes_names():
    """The counter's lookup builds lines from the driver's rows, money still in cents."""
    procs: list[object] = [None] * 7
    procs[6] = lambda cents: Decimal(cents).scaleb(-2)
    row = (1, "A", "d", "dep", "", 1, 1499)
    made = builder(SoldLine, procs)(*row)  # type: ignore[arg-type]
    assert made.unit_price == Decimal("14.99") and type(made) is SoldLine
    with pytest.raises(FrozenInstanceError):
        made.qty = 3  # type: ignore[misc]
    receipt = builder(Receipt)(code="1", store_no=1, register_no=2, sold_at=None, lines=())
    assert receipt == Receipt("1", 1, 2, None, ()) and receipt.register_no == 2


def test_a_line_built_from_a_whole_row_reads_its_own_columns_and_remembers_conversions():
    """The replay builds each line from the driver's row in one call: the line's values
    start after the sale's id, money in cents, each distinct amount converted once."""
    calls: list[int] = []

    def cents(value: int) -> Decimal:
        calls.append(value)
        return Decimal(value).scaleb(-2)

    procs: list[object] = [None] * 7
    procs[6] = cents
    make = row_builder(SoldLine, procs, start=1, remember=True)  # type: ignore[arg-type]
    rows = [(77, 1, "A", "d", "dep", "", 2, 1499), (77, 2, "B", "e", "dep", "c", 1, 1499)]
    first, second = make(rows[0]), make(rows[1])
    assert first == SoldLine(1, "A", "d", "dep", "", 2, Decimal("14.99"))
    assert second == SoldLine(2, "B", "e", "dep", "c", 1, Decimal("14.99"))
    assert type(first) is SoldLine and first.qty_reserved == 0 and calls == [1499]
    receipt = row_builder(Receipt, [None] * 5)(("1", 1, 2, None, ()))
    assert receipt == Receipt("1", 1, 2, None, ()) and receipt.extra == {}
    with pytest.raises(TypeError, match="no default and no column"):
        row_builder(SoldLine, [None] * 3)
