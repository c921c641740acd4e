"""Worked examples inside a policy file: cases it must decide as written.

They document the policy for managers and are run by ``returns-desk policy check``, so a
policy that no longer decides its own examples cannot be installed by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from returns_desk.domain.decision import Decision, Outcome, Settlement
from returns_desk.domain.money import ZERO, round_money
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.model import Condition, Example, Policy
from returns_desk.domain.policy.toml_reader import Table
from returns_desk.domain.receipt import Receipt, SoldLine, Tender, TenderKind

NOON = time(12, 0, tzinfo=UTC)


class ReceiptKind:
    """How the example says the receipt was shown."""

    YES, GIFT, NONE = "yes", "gift", "none"


def parse_examples(tables: list[Table]) -> tuple[Example, ...]:
    return tuple(_example(t) for t in tables)


def _line(t: Table) -> SoldLine:
    """The sold line of an example; tax is charged at tax_rate unless given."""
    qty = t.integer("qty_sold", 1, minimum=1)
    price = t.money("unit_price")
    line_discount = t.money("line_discount", ZERO)
    order_share = t.money("order_discount_share", ZERO)
    rate = t.decimal("tax_rate", ZERO)
    net = round_money(price * qty) - line_discount - order_share
    serial = t.text("serial", None)
    return SoldLine(
        line_no=1,
        sku=t.text("sku", "ITEM"),
        description=t.text("description", "example item"),
        department=t.text("department", "general"),
        category=t.text("category", "general"),
        qty=qty,
        unit_price=price,
        line_discount=line_discount,
        order_discount_share=order_share,
        tax_rate=rate,
        tax_charged=t.money("tax_charged", round_money(net * rate)),
        serial=serial,
        serialized=t.boolean("serialized", serial is not None),
        final_sale=t.boolean("final_sale", False),
        qty_returned=t.integer("qty_returned", 0),
        delivered_on=t.day("delivered_on", None),
    )


def _tenders(t: Table, line: SoldLine) -> tuple[Tender, ...]:
    raw = t.raw("tenders", None)
    if raw is None:
        return (Tender(TenderKind.CARD, line.paid, card_last4="4242"),)
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise t.error("tenders", 'expected a list like [{kind = "cash", amount = "10.00"}]')
    sub = [Table(x, t.path + ("tenders",), t.source, t.lines) for x in raw]
    tenders = tuple(Tender(s.choice("kind", TenderKind), s.money("amount")) for s in sub)
    for s in sub:
        s.finish()
    return tenders


def case_from_table(t: Table) -> tuple[ReturnCase, date]:
    """A return case (and the day it is decided) from example-style keys."""
    line = _line(t)
    kind = t.text("receipt", ReceiptKind.YES)
    if kind not in (ReceiptKind.YES, ReceiptKind.GIFT, ReceiptKind.NONE):
        raise t.error("receipt", f'expected "yes", "gift" or "none", got {kind!r}')
    sold_on = t.day("sold_on", None)
    if kind != ReceiptKind.NONE and sold_on is None:
        raise t.error("sold_on", "is required when there is a receipt")
    tenders = _tenders(t, line)
    receipt = None
    if kind != ReceiptKind.NONE:
        receipt = Receipt(
            code="0000000000000",
            store_no=1,
            register_no=1,
            sold_at=datetime.combine(sold_on, NOON),
            lines=(line,),
            tenders=tenders,
            loyalty_tier=t.text("receipt_tier", None),
            gift_receipt=kind == ReceiptKind.GIFT,
        )
    case = ReturnCase(
        receipt=receipt,
        line=line,
        qty=t.integer("qty", 1),
        condition=t.choice("condition", Condition, Condition.UNOPENED),
        reason=t.text("reason", ""),
        has_receipt=kind != ReceiptKind.NONE,
        serial_scanned=t.text("serial_scanned", None),
        customer_tier=t.text("tier", None),
        region=t.text("region", None),
        lowest_recent_price=t.money("lowest_recent_price", None),
        customer_receiptless_count=t.integer("customer_receiptless_count", 0),
        id_checked=t.boolean("id_checked", False),
        tender_refunded=_money_list(t, "tender_refunded"),
        cash_paid_today=t.money("cash_paid_today", ZERO),
    )
    return case, t.day("today")


def build_case(data: dict[str, Any], source: str = "command line") -> tuple[ReturnCase, date]:
    """A case from plain values (the CLI's options); PolicyError names the bad key."""
    table = Table(data, (), source, {})
    result = case_from_table(table)
    table.finish()
    return result


def _example(t: Table) -> Example:
    case, today = case_from_table(t)
    example = Example(
        name=t.text("name"),
        line=t.line_of(),
        case=case,
        today=today,
        outcome=t.choice("expect", Outcome),
        refund=t.money("expect_refund", None),
        fee=t.money("expect_fee", None),
        settlements=_expected_settlements(t),
        window_ends=t.day("expect_window_ends", None),
        reason_contains=t.text("expect_reason", None),
    )
    t.finish()
    return example


def _expected_settlements(t: Table) -> frozenset[Settlement] | None:
    if "expect_settlements" not in t.data:
        t.read.add("expect_settlements")
        return None
    return t.choices("expect_settlements", Settlement, ())


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """An example and what the policy decided; ``failures`` empty means it passed."""

    example: Example
    decision: Decision
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_examples(policy: Policy) -> list[ExampleResult]:
    """Decide every example of the policy and compare with what the file expects."""
    from returns_desk.domain.policy.engine import decide

    results = []
    for example in policy.examples:
        decision = decide(policy, example.case, example.today)
        results.append(ExampleResult(example, decision, _compare(example, decision)))
    return results


def _compare(example: Example, decision: Decision) -> list[str]:
    """Each difference between expected and decided, in words."""
    wanted: list[tuple[str, object, object]] = [("outcome", example.outcome, decision.outcome)]
    if example.refund is not None:
        wanted.append(("refund", example.refund, decision.refund_amount))
    if example.fee is not None:
        wanted.append(("restocking fee", example.fee, decision.restocking_fee))
    if example.settlements is not None:
        wanted.append(("settlements", _words(example.settlements), _words(decision.settlements)))
    if example.window_ends is not None:
        wanted.append(("window ends", example.window_ends, decision.window_ends))
    failures = [f"{what}: expected {want}, got {got}" for what, want, got in wanted if want != got]
    needle = example.reason_contains
    if needle and not any(needle.lower() in r.lower() for r in decision.reasons):
        failures.append(f"no reason mentions {needle!r}")
    return failures


def _words(settlements: frozenset[Settlement]) -> str:
    return ", ".join(sorted(s.value for s in settlements)) or "none"


def _money_list(t: Table, key: str) -> tuple[Decimal, ...]:
    """Amounts already refunded to each tender, in receipt order."""
    raw = t.raw(key, [])
    if not isinstance(raw, list):
        raise t.error(key, 'expected a list of amounts like ["10.00", "0.00"]')
    holder = Table({str(i): v for i, v in enumerate(raw)}, t.path, t.source, t.lines)
    return tuple(holder.money(str(i)) for i in range(len(raw)))
