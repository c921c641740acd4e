"""What changes between two policy versions, rule by rule, in words a manager reads.

The parsed policies are compared, not their text, so moving a table or a comment changes
nothing and every rule the format can express is covered: the walk goes through the
policy's dataclasses field by field, matches rules in a list by their id (or tier, or
name), and words each difference ("Electronics window 30 → 15 days"). A few common
changes get their own phrasing; anything else reads "<rule>: <what> <old> → <new>".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from returns_desk.domain.policy.model import Policy

SKIPPED = frozenset({"cache", "source", "line", "examples", "name", "version"})
KEYS = ("id", "tier", "name", "key")
SECTIONS = {
    "head": "About",
    "description": "About",
    "windows": "Return windows",
    "final_sale": "Final sale",
    "conditions": "Condition",
    "defective": "Defective items",
    "restocking_fees": "Restocking fees",
    "receipt": "Receipts",
    "refund": "Refunds",
}
ITEM_NAMES = {
    "rules": "window rule",
    "holidays": "holiday window",
    "tiers": "tier extension",
    "extensions": "extension",
    "restocking_fees": "restocking fee",
    "final_sale": "final-sale rule",
    "id_checks": "ID check",
    "settlement_rules": "settlement rule",
    "clearance": "clearance rule",
}
DAYS_FIELDS = frozenset({"days", "default_days", "extra_days", "warranty_days"})


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: the part of the policy, and what changes there."""

    section: str
    kind: str  # added | removed | changed
    words: str

    def to_dict(self) -> dict[str, str]:
        return {"section": self.section, "kind": self.kind, "words": self.words}


def diff_policies(old: Policy, new: Policy) -> list[Change]:
    """Every rule-level difference from ``old`` to ``new``, in the policy's own order."""
    out: list[Change] = []
    for name in _names(old) or ():
        if name in SKIPPED:
            continue
        section = SECTIONS.get(name, _words(name).capitalize())
        _walk(section, (name,), getattr(old, name), getattr(new, name), out)
    return out


def _names(obj: Any) -> list[str] | None:
    """The fields of a policy part (a pydantic model or a dataclass); None for a value."""
    if isinstance(obj, type):
        return None
    if is_dataclass(obj):
        return [f.name for f in fields(obj)]
    declared = getattr(type(obj), "model_fields", None)
    return list(declared) if isinstance(declared, dict) else None


def _walk(section: str, path: tuple[str, ...], a: Any, b: Any, out: list[Change]) -> None:
    if a == b:
        return
    names = _names(a)
    if names is not None and type(a) is type(b) and not _is_scope(a):
        for name in names:
            if name not in SKIPPED:
                _walk(section, (*path, name), getattr(a, name), getattr(b, name), out)
        return
    if isinstance(a, tuple | list) and isinstance(b, tuple | list) and _keyed(a, b):
        _walk_items(section, path, a, b, out)
        return
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in [*a, *(k for k in b if k not in a)]:
            _walk(section, (*path, _value(key)), a.get(key), b.get(key), out)
        return
    out.append(Change(section, "changed", _changed(path, a, b)))


def _keyed(a: tuple[Any, ...] | list[Any], b: tuple[Any, ...] | list[Any]) -> bool:
    items = [*a, *b]
    return bool(items) and all(_names(i) is not None and _key(i) is not None for i in items)


def _key(item: Any) -> str | None:
    for name in KEYS:
        value = getattr(item, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _walk_items(section: str, path: tuple[str, ...], a: Any, b: Any, out: list[Change]) -> None:
    """Rules matched by key: added, removed, or changed field by field."""
    noun = ITEM_NAMES.get(path[-1], _words(path[-1]).rstrip("s"))
    old = {_key(i): i for i in a}
    new = {_key(i): i for i in b}
    for key, item in old.items():
        if key not in new:
            out.append(Change(section, "removed", f"Removed {noun} {key} ({_summary(item)})"))
    for key, item in new.items():
        if key not in old:
            out.append(Change(section, "added", f"New {noun} {key}: {_summary(item)}"))
        else:
            _walk(section, (*path, f"{noun} {key}"), old[key], item, out)


def _changed(path: tuple[str, ...], a: Any, b: Any) -> str:
    """'Electronics window 30 → 15 days', or '<where>: <what> <old> → <new>'."""
    last = path[-1]
    if last in DAYS_FIELDS and _days_like(a) and _days_like(b):
        owner = _owner(path)
        noun = {"extra_days": "extra days", "warranty_days": "warranty"}.get(last, "window")
        both = a is not None and b is not None
        span = f"{a} → {_days(b)}" if both else f"{_days(a)} → {_days(b)}"
        words = f"{owner} {noun} {span}".strip()
        return words[:1].upper() + words[1:]
    parts = [p for p in path[:-1] if p not in SECTIONS]
    where = _words(parts[-1]) if parts else ""  # the rule it belongs to, if any
    what = _words(last)
    lead = f"{where}: {what}" if where else what
    return f"{lead[:1].upper()}{lead[1:]} {_value(a)} → {_value(b)}"


def _owner(path: tuple[str, ...]) -> str:
    """Whose days these are: 'standard', 'electronics', 'gold tier'."""
    for part in reversed(path[:-1]):
        for noun in ITEM_NAMES.values():
            if part.startswith(noun + " "):
                key = part[len(noun) + 1 :]
                return f"{key} tier" if noun == "tier extension" else key
    return "standard" if path[-1] == "default_days" else ""


def _days_like(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _days(value: int | None) -> str:
    if value is None:
        return "no limit"
    return f"{value} day" if value == 1 else f"{value} days"


def _is_scope(value: Any) -> bool:
    """A bare scope (which lines a rule covers) reads as its description; a rule, which is
    a scope with an id, is compared key by key."""
    return callable(getattr(value, "describe", None)) and _key(value) is None


def _summary(item: Any) -> str:
    """A rule in a few words: its description, or its set fields."""
    text = getattr(item, "description", "")
    parts = []
    defaults = getattr(type(item), "model_fields", {})
    for name in _names(item) or ():
        value = getattr(item, name)
        if name in KEYS or name in SKIPPED or value in (None, "", (), frozenset()):
            continue
        declared = defaults.get(name)
        if declared is not None and value == declared.default:
            continue  # a pydantic rule: only what the file set
        if _is_scope(value) and value.describe() == "all items":
            continue
        if _is_scope(value):
            parts.append(value.describe())
        elif name != "description":
            parts.append(f"{_words(name)} {_value(value)}")
    if isinstance(text, str) and text:
        return f"{text} ({', '.join(parts)})" if parts else text
    return ", ".join(parts)


def _words(name: str) -> str:
    return str(name).replace("_", " ")


def _value(value: Any) -> str:
    """A value as a manager reads it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return _words(str(value.value))
    if isinstance(value, Decimal | int | float | str):
        return _words(str(value)) if isinstance(value, str) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if _is_scope(value):
        return str(value.describe())
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(_value(v) for v in value)) or "nothing"
    if isinstance(value, tuple | list):
        return "; ".join(_value(v) for v in value) or "none"
    if _names(value) is not None:
        return f"({_summary(value)})"
    return str(value)
