"""docs/policy-reference.md, written from the policy model itself.

Every table of a policy file, every key with its type, default, meaning and an example,
comes from the model's declarations (:mod:`.model`, :mod:`.scope`, :mod:`.facts`), so the
reference cannot drift from what the loader accepts: a test compares the file with
:func:`reference` (``returns-desk policy reference > docs/policy-reference.md`` rewrites it).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from returns_desk.domain.policy.expectations import Example, PayoutFact
from returns_desk.domain.policy.facts import ReturnFacts, TenderFact
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.scope import SCOPE_KEYS, Scope, ScopeTest

HEADER = """\
# Policy file reference

<!-- Generated from the policy model in returns_desk/domain/policy by
     `returns-desk policy reference > docs/policy-reference.md`; a test fails when it is
     out of date. Edit the model's descriptions, not this file. -->

A return policy is one TOML file (see [policies/README.md](../policies/README.md) for how
to write values and check a file). This is every table and key the desk reads, format 2.
A key not listed here is refused, so a typo never silently does nothing. Names (departments,
categories, tiers ...) ignore upper and lower case.

**Format 1** files (no `format` in `[policy]`) are still read: their `[final_sale]` table is
one final-sale rule with the id `final-sale`, and each `[[windows.tier]]` (`tier`,
`extra_days`) an extension with the tier as its id. `returns-desk policy migrate FILE
--write` rewrites a file as format 2, checking that it reads as the very same policy.
"""


def reference() -> str:
    """The whole reference as Markdown."""
    parts = [HEADER]
    for path, model, many in _tables(Policy, ()):
        parts.append(_section(path, model, many))
    parts.append(_scope_section())
    parts.append(_example_section())
    return "\n".join(parts)


def _tables(model: type[BaseModel], path: tuple[str, ...]) -> Iterator[
    tuple[tuple[str, ...], type[BaseModel], bool]
]:  # fmt: skip
    """(path, model, is an array of tables) for each table below ``model``, in order."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        sub, many = _model_of(info.annotation)
        if sub is None or sub is Example or key == "except":
            continue
        yield (*path, key), sub, many
        yield from _tables(sub, (*path, key))


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    args = get_args(annotation)
    for arg in args:
        found, _ = _model_of(arg)
        if found is not None:
            return found, Ellipsis in args
    return None, False


def _section(path: tuple[str, ...], model: type[BaseModel], many: bool) -> str:
    name = ".".join(path)
    title = f"[[{name}]]" if many else f"[{name}]"
    lines = [f"## `{title}`", "", _doc(model), ""]
    fields = {
        (info.alias or key): info
        for key, info in model.model_fields.items()
        if _model_of(info.annotation)[0] is None
        and not (issubclass(model, Scope) and (info.alias or key) in SCOPE_KEYS)
    }
    if fields:
        lines += _table(fields)
    if issubclass(model, Scope):
        lines += ["", "Also the [scope keys](#scope-keys): which items the rule covers."]
    return "\n".join([*lines, ""])


def _doc(model: type[BaseModel]) -> str:
    text = inspect.cleandoc(model.__doc__ or "")
    first, _, rest = text.partition(":")
    if first.startswith("`"):  # "`[windows]`: how long ..." -> "How long ..."
        text = rest.strip()
        text = text[:1].upper() + text[1:]
    paragraphs = [" ".join(p.split()) for p in text.replace("``", "`").split("\n\n")]
    return "\n\n".join(paragraphs)


def _table(fields: dict[str, FieldInfo], option: bool = False) -> list[str]:
    head = "| key | type | default | meaning | example |"
    rule = "| --- | --- | --- | --- | --- |"
    if option:
        head, rule = head + " `policy decide` |", rule + " --- |"
    rows = [head, rule]
    for key, info in fields.items():
        cells = [f"`{key}`", _kind(info), _default(info), _meaning(info), _example(key, info)]
        if option:
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            cells.append(f"`{extra.get('option', '')}`")
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def _kind(info: FieldInfo) -> str:
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):
        metadata += list(getattr(arg, "__metadata__", ()))
    words = next((m.words for m in metadata if hasattr(m, "words")), "")
    if not words:
        sub, many = _model_of(info.annotation)
        words = "list of tables" if many else "table" if sub else ""
    return words


def _default(info: FieldInfo) -> str:
    if info.default is PydanticUndefined and info.default_factory is None:
        return "required"
    value = info.default if info.default_factory is None else info.get_default(
        call_default_factory=True)  # fmt: skip
    if value is None or value in ((), frozenset(), {}):
        return "none"
    return f"`{_value(value)}`"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return f'"{value.value}"'
    if isinstance(value, Decimal | str):
        return f'"{value}"'
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | list | tuple):
        items = sorted(_value(v) for v in value)
        return f"[{', '.join(items)}]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def _meaning(info: FieldInfo) -> str:
    return " ".join((info.description or "").split())


SAMPLES = (  # an example for a key that gives none, by the words of its type
    ("date", "2026-11-27"), ("amount", '"25.00"'), ("percent", '"15"'), ("rate", '"0.08"'),
    ("days", "30"), ("list of names", '["electronics"]'), ("list of conditions",
    '["opened"]'), ("whole number", "3"), ("true or false", "true"), ("id:", '"electronics"'),
    ("text", '"..."'),
)  # fmt: skip


def _example(key: str, info: FieldInfo) -> str:
    if info.examples:
        return f"`{key} = {_value(info.examples[0])}`"
    default = _default(info)
    words = _kind(info)
    if words.startswith(('list of "', '"')):
        choices = words.split('"')[1::2]
        chosen = next((c for c in choices if f'"{c}"' not in default), choices[0])
        sample = f'["{chosen}"]' if words.startswith("list") else f'"{chosen}"'
        return f"`{key} = {sample}`"
    for needle, sample in SAMPLES:
        if needle in words:
            return f"`{key} = {sample}`"
    return f"`{key} = {default.strip('`')}`" if default.startswith("`") else ""


def _scope_section() -> str:
    lines = [
        "## Scope keys",
        "",
        _doc(ScopeTest),
        "",
        "Rules with scope keys: `[[windows.rule]]`, `[[windows.extension]]`, "
        "`[[windows.holiday]]`, `[[final_sale]]`, `[[restocking_fee]]`, `[[receipt.rule]]`, "
        "`[[id_check]]`, `[[settlement]]`, `[[clearance]]`. `except` takes the same keys "
        "(but no `except` of its own).",
        "",
    ]
    fields = {(info.alias or k): info for k, info in Scope.model_fields.items()}
    return "\n".join(lines + _table(fields))


def _example_section() -> str:
    facts = {k: info for k, info in ReturnFacts.model_fields.items()}
    expects = {
        k: info for k, info in Example.model_fields.items() if k not in ReturnFacts.model_fields
    }
    lines = [
        "## `[[example]]`",
        "",
        _doc(Example),
        "",
        "### The return",
        "",
        "The facts of the return: the same as the options of `returns-desk policy decide`.",
        "",
        *_table(facts, option=True),
        "",
        "Each of `tenders` is a table:",
        "",
        *_table(dict(TenderFact.model_fields)),
        "",
        "### What the policy must answer",
        "",
        *_table(expects),
        "",
        "Each part of `expect_payout` is a table:",
        "",
        *_table(dict(PayoutFact.model_fields)),
        "",
    ]
    return "\n".join(lines)
