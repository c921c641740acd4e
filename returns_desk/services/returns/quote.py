"""Ask the active policy about what a customer brings back, before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.sources import handler_for
from returns_desk.services.returns.sources.receipt import decide_items, receipt_facts

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.draft import Source
    from returns_desk.domain.quote import LineQuote, Quote
    from returns_desk.domain.receipt import Receipt


def quote(engine: Engine, source: Source, items: Sequence[ReturnItem], today: date) -> Quote:
    """The decisions for ``items`` from ``source`` today, without changing anything."""
    return handler_for(source).quote(engine, source, items, today)


def preview(engine: Engine, receipt: Receipt, today: date) -> dict[int, LineQuote]:
    """Each still-returnable line decided as if all of it came back as sold, by line number."""
    active, facts = receipt_facts(engine, receipt, today)
    result = {}
    for line in receipt.lines:
        if line.returnable_qty < 1:
            continue
        item = ReturnItem(line.line_no, line.returnable_qty, serial=line.serial)
        (quoted,) = decide_items(active.policy, receipt, [item], facts, today)
        result[line.line_no] = quoted
    return result
