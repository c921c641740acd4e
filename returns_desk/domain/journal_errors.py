"""Schema errors said as a person fixing the file needs them: what is wrong, in words.

pydantic reports each error with a type, a location and its context; this turns one into
the field path (``('lines', 0, 'qty')``) and a plain message that quotes the bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic_core import ErrorDetails

from returns_desk.domain.journal_types import show

Where = tuple[str | int, ...]


def describe(error: ErrorDetails) -> tuple[Where, str]:
    """(field path, message) for one pydantic error."""
    where: Where = tuple(error["loc"])
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    kind = error["type"]
    if kind == "located":
        extra = tuple(int(p) if p.isdigit() else p for p in str(ctx["field"]).split("."))
        return where + extra, str(ctx["message"])
    words = _MESSAGES.get(kind)
    if words is not None:
        return where, words(error.get("input"), ctx)
    if kind == "value_error":
        return where, str(ctx.get("error", error["msg"]))
    return where, error["msg"]


def _bound(word: str, key: str) -> Callable[[Any, Mapping[str, Any]], str]:
    return lambda value, ctx: f"{show(value)} is {word} {ctx[key]}"


def _kind(what: str) -> Callable[[Any, Mapping[str, Any]], str]:
    return lambda value, ctx: f"{show(value)} is not {what}"


_MESSAGES: dict[str, Callable[[Any, Mapping[str, Any]], str]] = {
    "missing": lambda value, ctx: "is missing",
    "extra_forbidden": lambda value, ctx: "is not a field of this record (receipts/JOURNAL.md)",
    "less_than_equal": _bound("more than the most allowed,", "le"),
    "less_than": _bound("not under", "lt"),
    "greater_than_equal": _bound("less than the least allowed,", "ge"),
    "greater_than": _bound("not more than", "gt"),
    "decimal_max_places": lambda value, ctx: (
        f"{show(value)} has more than {ctx['decimal_places']} decimal places"
    ),
    "decimal_max_digits": lambda value, ctx: f"{show(value)} has too many digits",
    "decimal_whole_digits": lambda value, ctx: f"{show(value)} has too many digits",
    "string_too_long": lambda value, ctx: (
        f"is {len(value)} characters long; at most {ctx['max_length']} fit"
    ),
    "string_too_short": lambda value, ctx: "is blank",
    "string_pattern_mismatch": lambda value, ctx: (
        f"{show(value)} has a control character (NUL, tab, line break ...)"
    ),
    "string_unicode": lambda value, ctx: f"{show(value)} is not valid text (a lone surrogate)",
    "string_type": _kind("text"),
    "int_type": _kind("a whole number"),
    "int_parsing": _kind("a whole number"),
    "int_from_float": _kind("a whole number"),
    "decimal_type": _kind("an amount"),
    "decimal_parsing": _kind("an amount"),
    "finite_number": _kind("a finite amount"),
    "enum": lambda value, ctx: f"{show(value)} is not one of {ctx['expected']}",
    "literal_error": lambda value, ctx: f"{show(value)} is not {ctx['expected']}",
    "list_type": lambda value, ctx: f"{show(value)} is not a list",
    "too_short": lambda value, ctx: "needs at least one",
    "too_long": lambda value, ctx: f"has more than {ctx['max_length']}",
    "model_type": lambda value, ctx: f"{show(value)} is not an object with fields",
    "model_attributes_type": lambda value, ctx: f"{show(value)} is not an object with fields",
    "dict_type": lambda value, ctx: f"{show(value)} is not an object with fields",
    "bool_type": _kind("yes/no"),
    "bool_parsing": _kind("yes/no"),
}
