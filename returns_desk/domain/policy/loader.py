"""TOML policy file -> Policy. The format is documented for managers in policies/README.md."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from returns_desk.domain.decision import Settlement
from returns_desk.domain.policy.examples import parse_examples
from returns_desk.domain.policy.model import (
    CashOverLimit,
    Condition,
    CountFrom,
    DayCounting,
    DefectivePolicy,
    FinalSale,
    HolidayWindow,
    Policy,
    ReceiptPolicy,
    RefundPolicy,
    RestockingFee,
    Scope,
    TierExtension,
    Verdict,
    WindowPolicy,
    WindowRule,
)
from returns_desk.domain.policy.toml_reader import PolicyError, Table, key_lines

ALL = frozenset(Settlement)
OPENED_LIKE = (Condition.OPENED, Condition.MISSING_PARTS)


def load_policy(path: Path) -> Policy:
    """Read and check a policy file; PolicyError names the line and key of any mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(path), 1, "", f"cannot read the file: {exc.strerror}") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str) -> Policy:
    """Build a Policy from TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise PolicyError(source, line, "", f"not valid TOML: {exc}") from None
    root = Table(data, (), source, key_lines(text))
    head = root.table("policy")
    policy = Policy(
        name=head.text("name"),
        version=_version(head),
        source=source,
        description=head.text("description", ""),
        windows=_windows(root.table("windows")),
        final_sale=_final_sale(root.table("final_sale")),
        conditions=_conditions(root.table("conditions")),
        defective=_defective(root.table("defective")),
        restocking_fees=tuple(_fee(t) for t in root.tables("restocking_fee")),
        receipt=_receipt(root.table("receipt")),
        refund=_refund(root.table("refund")),
    )
    head.finish()
    examples = parse_examples(root.tables("example"))
    root.finish()
    _check_unique_ids(root, policy)
    return replace(policy, examples=examples)


def _line_from_message(message: str) -> int:
    """tomllib says '(at line 12, column 3)'; older versions carry no lineno attribute."""
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
        if digits.isdigit():
            return int(digits)
    return 1


def _version(head: Table) -> str:
    value = head.raw("version")
    if not isinstance(value, str) or not value.strip():
        raise head.error(
            "version", f'expected a version in quotes, like "2026.11-1", got {value!r}'
        )
    return value.strip()


def _scope(table: Table, conditions: tuple[Condition, ...] = ()) -> Scope:
    return Scope(
        departments=table.words("departments"),
        categories=table.words("categories"),
        skus=table.words("skus"),
        conditions=table.choices("conditions", Condition, conditions),
    )


def _days(table: Table, key: str, default: object) -> int | None:
    """Days of a window: a whole number of at least 1, or "unlimited"."""
    value = table.raw(key, default)
    if value == "unlimited":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise table.error(
            key, f'expected a number of days (1 or more) or "unlimited", got {value!r}'
        )
    return value


def _windows(table: Table) -> WindowPolicy:
    result = WindowPolicy(
        default_days=_days(table, "default_days", 30),
        count_from=table.choice("count_from", CountFrom, CountFrom.PURCHASE),
        day_counting=table.choice("day_counting", DayCounting, DayCounting.INCLUSIVE),
        late=table.choice("late", Verdict, Verdict.DENY),
        rules=tuple(_window_rule(t) for t in table.tables("rule")),
        holidays=tuple(_holiday(t) for t in table.tables("holiday")),
        tiers=tuple(_tier(t) for t in table.tables("tier")),
    )
    table.finish()
    return result


def _window_rule(table: Table) -> WindowRule:
    rule = WindowRule(
        id=table.text("id"),
        scope=_scope(table),
        days=_days(table, "days", None),
        priority=table.integer("priority", 0),
        description=table.text("description", ""),
    )
    table.finish()
    return rule


def _holiday(table: Table) -> HolidayWindow:
    rule = HolidayWindow(
        id=table.text("id"),
        bought_from=table.day("bought_from"),
        bought_until=table.day("bought_until"),
        returnable_until=table.day("returnable_until"),
        scope=_scope(table),
        description=table.text("description", ""),
    )
    if rule.bought_until < rule.bought_from:
        raise table.error("bought_until", "is before bought_from")
    if rule.returnable_until < rule.bought_until:
        raise table.error("returnable_until", "is before bought_until")
    table.finish()
    return rule


def _tier(table: Table) -> TierExtension:
    rule = TierExtension(
        tier=table.text("tier").strip().lower(),
        extra_days=table.integer("extra_days", minimum=1),
        scope=_scope(table),
    )
    table.finish()
    return rule


def _final_sale(table: Table) -> FinalSale:
    scope = _scope(table) if table.data else None
    rule = FinalSale(scope=scope, allow_defective=table.boolean("allow_defective", False))
    table.finish()
    return rule


def _conditions(table: Table) -> dict[Condition, Verdict]:
    result = {cond: table.choice(cond.value, Verdict) for cond in Condition if cond in table.data}
    for cond in Condition:
        table.read.add(cond.value)
    table.finish()
    return result


def _defective(table: Table) -> DefectivePolicy:
    rule = DefectivePolicy(
        warranty_days=table.integer("warranty_days", 0),
        within_window=table.choices("within_window", Settlement, ALL),
        after_window=table.choices("after_window", Settlement, {Settlement.EXCHANGE}),
    )
    table.finish()
    return rule


def _fee(table: Table) -> RestockingFee:
    percent, amount = table.decimal("percent", None), table.money("amount", None)
    if (percent is None) == (amount is None):
        raise table.error(None, "give either percent or amount")
    if percent is not None and percent > 100:
        raise table.error("percent", f"must be at most 100, got {percent}")
    rule = RestockingFee(
        id=table.text("id"),
        scope=_scope(table, OPENED_LIKE),
        percent=percent,
        amount=amount,
        waived_regions=table.words("waived_regions"),
        waived_tiers=table.words("waived_tiers"),
        description=table.text("description", ""),
    )
    table.finish()
    return rule


def _receipt(table: Table) -> ReceiptPolicy:
    store_credit = {Settlement.STORE_CREDIT}
    limit = table.integer("limit_count", None, minimum=1)
    rule = ReceiptPolicy(
        gift_receipt=table.choices("gift_receipt", Settlement, store_credit),
        receiptless=table.choice("receiptless", Verdict, Verdict.DENY),
        receiptless_settlements=table.choices("receiptless_settlements", Settlement, store_credit),
        lowest_price_days=table.integer("lowest_price_days", 90, minimum=1),
        id_required=table.boolean("id_required", True),
        limit_count=limit,
        limit_period_days=table.integer("limit_period_days", 365, minimum=1),
        over_limit=table.choice("over_limit", Verdict, Verdict.DENY),
    )
    table.finish()
    return rule


def _refund(table: Table) -> RefundPolicy:
    rule = RefundPolicy(
        settlements=table.choices("settlements", Settlement, ALL),
        cash_limit=table.money("cash_limit", None),
        over_cash_limit=table.choice("over_cash_limit", CashOverLimit, CashOverLimit.VOUCHER),
        serial_mismatch=table.choice("serial_mismatch", Verdict, Verdict.DENY),
    )
    table.finish()
    return rule


def _check_unique_ids(root: Table, policy: Policy) -> None:
    """Rule ids appear in decisions and audits, so two rules must not share one."""
    groups = (
        ("windows", "rule", [r.id for r in policy.windows.rules]),
        ("windows", "holiday", [h.id for h in policy.windows.holidays]),
        (None, "restocking_fee", [f.id for f in policy.restocking_fees]),
    )
    for parent, key, ids in groups:
        seen: set[str] = set()
        for index, rule_id in enumerate(ids):
            if rule_id in seen:
                base = (parent, key, index) if parent else (key, index)
                line = root.lines.get(base + ("id",), 1)  # type: ignore[operator]
                where = ".".join(p for p in (parent, key) if p)
                raise PolicyError(
                    root.source, line, f"{where}[{index + 1}].id", f"duplicate id {rule_id!r}"
                )
            seen.add(rule_id)
