"""Hypothesis strategies for journals: well-formed sales, and the nasty values a broken
POS export or a hostile file holds."""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from returns_desk.domain.codes import make_receipt_code

SKUS = ["AP-JKT", "HM-TWL", "EL-HDP"]
STORE = {"type": "store", "number": 101, "name": "Riverside", "timezone": "America/Chicago"}
PRODUCTS = [
    {"type": "product", "sku": sku, "description": sku.lower(), "department": "general",
     "price": "10.00", "price_from": "2026-01-01"}
    for sku in SKUS
]  # fmt: skip

# What broken or hostile files hold where a value should be.
NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            " ",
            "1e20",
            "1E+999999",
            "-1",
            "NaN",
            "Infinity",
            "١٢٣",
            "１２",
            "0x10",
            "1_000",
            "9999-12-31T23:59:59-14:00",
            "2026-11-20T15:42:00",
            "2026-02-30",
            "../../etc/passwd",
            "\x00",
            "\ud800",
            "a\nb",
            "card:1234",
            "cash::",
            "|||",
            "x" * 70_000,
            "[]",
            "{}",
            "1.005",
            "0.0000001",
            "-0.00",
            "+1",
            " 7 ",
            "\u2028",
        ]
    ),  # fmt: skip
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.recursive(st.none(), lambda inner: st.lists(inner, max_size=2), max_leaves=20),
)


@st.composite
def sales(draw: st.DrawFn, seq: int) -> dict[str, Any]:
    """A sale that adds up to the cent, at store 101 register 3."""
    lines = []
    total = Decimal(0)
    for n in range(draw(st.integers(1, 3))):
        qty = draw(st.integers(1, 3))
        price = Decimal(draw(st.integers(1, 50_000))) / 100
        tax = Decimal(draw(st.integers(0, 500))) / 100
        lines.append(
            {"line_no": n + 1, "sku": draw(st.sampled_from(SKUS)), "qty": qty,
             "unit_price": str(price), "tax_rate": "0.0825", "tax": str(tax)}
        )  # fmt: skip
        total += price * qty + tax
    cash = min(total, Decimal(draw(st.integers(0, int(total * 100)))) / 100)
    tenders = (
        [{"type": "card", "last4": "4242", "amount": str(total - cash)}] if total > cash else []
    )
    tenders += [{"type": "cash", "amount": str(cash)}] if cash else []
    return {
        "type": "sale",
        "receipt": make_receipt_code(101, 3, seq).digits,
        "store": 101,
        "register": 3,
        "sold_at": "2026-11-20T15:42:00-06:00",
        "lines": lines,
        "tenders": tenders,
    }


@st.composite
def mutated(draw: st.DrawFn, record: dict[str, Any]) -> dict[str, Any]:
    """The record with one field (or a line's or tender's) replaced, dropped or added."""
    target = record
    nested = [k for k in ("lines", "tenders") if isinstance(record.get(k), list)]
    if nested and draw(st.booleans()):
        # An earlier mutation may have left a list of anything here: only objects have fields.
        items = [item for item in record[draw(st.sampled_from(nested))] if isinstance(item, dict)]
        if items:
            target = items[draw(st.integers(0, len(items) - 1))]
    keys = sorted(target)
    how = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
    if how == "add":
        target[draw(st.sampled_from(["extra", "line_discont", "refunded", "qty_returned"]))] = draw(
            NASTY
        )
    elif keys:
        key = draw(st.sampled_from(keys))
        if how == "drop":
            del target[key]
        else:
            target[key] = draw(NASTY)
    return record


@st.composite
def journals(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A day's records: the catalogue and a few sales, some of them broken."""
    records: list[dict[str, Any]] = [dict(STORE), *(dict(p) for p in PRODUCTS)]
    start = draw(st.integers(1, 9_000_000))
    records += [draw(sales(start + i)) for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(records) - 1))
        records[index] = draw(mutated(json.loads(json.dumps(records[index]))))
    return records


def jsonl(records: list[dict[str, Any]]) -> str:
    """Records as JSON Lines (surrogates and NUL escaped, as a real encoder writes them)."""
    return "\n".join(json.dumps(r, default=str) for r in records) + "\n"


def toml(value: object) -> str:
    """A TOML value: strings with JSON's escapes (the same as TOML's basic strings), dates
    bare (for the layout and policy file fuzzers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value) if isinstance(value, str) else str(value)
