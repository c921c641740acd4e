"""Which lines a rule covers: the scope keys every rule table of a policy shares.

A scope is matched against a :class:`LineKind` (the static facts of a returned line) when
the engine first meets that kind of line; the result is cached, so matching may take its
time (SKU patterns, attribute ranges, exceptions) without slowing the counter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, model_validator

from returns_desk.domain.policy.fields import Kind, Words, _name, choices_of
from returns_desk.domain.policy.terms import Condition

MAX_ATTRIBUTE_TESTS = 20


@dataclass(frozen=True, slots=True)
class LineKind:
    """What a scope can look at: lower-case names, the item's attributes, where and how
    it was paid (tender kinds and card brands of the receipt)."""

    department: str = ""
    category: str = ""
    sku: str = ""
    brand: str = ""
    condition: str = Condition.UNOPENED.value
    region: str = ""
    paid_with: frozenset[str] = frozenset()
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttributeTest:
    """One product attribute: one of some values, or a number in a range."""

    name: str
    values: frozenset[str] = frozenset()
    at_least: Decimal | None = None
    below: Decimal | None = None

    def matches(self, attributes: Mapping[str, str]) -> bool:
        value = attributes.get(self.name)
        if value is None:
            return False
        if self.values:
            return value.strip().lower() in self.values
        try:
            number = Decimal(value)
        except InvalidOperation:
            return False
        low_ok = self.at_least is None or number >= self.at_least
        return low_ok and (self.below is None or number < self.below)

    def describe(self) -> str:
        name = self.name.replace("_", " ")
        if self.values:
            return f"{name} {' or '.join(sorted(self.values))}"
        bounds = []
        if self.at_least is not None:
            bounds.append(f"at least {self.at_least}")
        if self.below is not None:
            bounds.append(f"below {self.below}")
        return f"{name} {' and '.join(bounds)}"


def _decimal(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}: expected a number, got {value!r}") from None
    if not number.is_finite() or abs(number) > 10**12:
        raise ValueError(f"{where}: expected a number, got {value!r}")
    return number


def _attribute(name: str, value: object) -> AttributeTest:
    if isinstance(value, dict):
        unknown = set(value) - {"at_least", "below"}
        if unknown or not value:
            raise ValueError(
                f"{name}: a range takes at_least and/or below, like {{ at_least = 20 }}"
            )
        low, high = value.get("at_least"), value.get("below")
        return AttributeTest(
            name,
            at_least=None if low is None else _decimal(low, f"{name}.at_least"),
            below=None if high is None else _decimal(high, f"{name}.below"),
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    words = value if isinstance(value, list) else [value]
    if not words or not all(isinstance(w, str) for w in words):
        raise ValueError(f"{name}: expected text, a list of texts or a range, got {value!r}")
    return AttributeTest(name, values=frozenset(_name(w).lower() for w in words))


def _attributes(value: object) -> tuple[AttributeTest, ...]:
    if not isinstance(value, dict):
        raise ValueError(
            'expected a table of attribute tests, like { fuel = "gas", '
            "capacity_cu_ft = { at_least = 20 } }"
        )
    if len(value) > MAX_ATTRIBUTE_TESTS:
        raise ValueError(f"at most {MAX_ATTRIBUTE_TESTS} attribute tests")
    return tuple(_attribute(_name(k).lower(), v) for k, v in value.items())


Attributes = Annotated[
    tuple[AttributeTest, ...],
    PlainValidator(_attributes),
    Kind('table of product attributes: { fuel = "gas", capacity_cu_ft = { at_least = 20 } }'),
]
Conditions = Annotated[
    frozenset[Condition], PlainValidator(choices_of(Condition)), Kind("list of conditions")
]


class ScopeTest(BaseModel):
    """Which lines a rule covers. Every key given must match; within a list any value
    matches; a rule without scope keys covers every line. Names ignore upper/lower case."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    departments: Words = Field(
        default=frozenset(), description="departments covered", examples=[["electronics", "toys"]]
    )
    categories: Words = Field(
        default=frozenset(), description="categories covered", examples=[["cameras"]]
    )
    skus: Words = Field(
        default=frozenset(),
        description="SKUs covered; `*` and `?` match any text or one character",
        examples=[["APL-*", "TV-55-OLED"]],
    )
    brands: Words = Field(
        default=frozenset(), description="product brands covered", examples=[["own-brand"]]
    )
    attributes: Attributes = Field(
        default=(),
        description="product attributes covered: a value, a list of values, or a number "
        "range (`at_least`, `below`)",
        examples=[{"capacity_cu_ft": {"at_least": 20}}],
    )
    conditions: Conditions = Field(
        default=frozenset(), description="conditions covered", examples=[["opened"]]
    )
    regions: Words = Field(
        default=frozenset(),
        description="store regions covered (the returning store's region)",
        examples=[["TX", "QC"]],
    )
    paid_with: Words = Field(
        default=frozenset(),
        description="sales paid (in part) with one of these tender kinds (`cash`, `card`, "
        "`gift_card`, `store_credit`) or card brands (from the journal's `card_brand`)",
        examples=[["store-card"]],
    )

    def covers(self, kind: LineKind) -> bool:
        """Whether every key given matches this kind of line."""
        return (
            (not self.departments or kind.department in self.departments)
            and (not self.categories or kind.category in self.categories)
            and (not self.skus or any(fnmatchcase(kind.sku, p) for p in self.skus))
            and (not self.brands or kind.brand in self.brands)
            and (not self.conditions or kind.condition in self.conditions)
            and (not self.regions or kind.region in self.regions)
            and (not self.paid_with or not self.paid_with.isdisjoint(kind.paid_with))
            and all(test.matches(kind.attributes) for test in self.attributes)
        )

    @property
    def empty(self) -> bool:
        return not (
            self.departments or self.categories or self.skus or self.brands
            or self.attributes or self.conditions or self.regions or self.paid_with
        )  # fmt: skip

    def words(self) -> str:
        """Plain words: 'electronics department, cameras category'."""
        parts = []
        for values, noun in (
            (self.departments, "department"),
            (self.categories, "category"),
            (self.skus, "item"),
            (self.brands, "brand"),
            (self.conditions, "condition"),
            (self.regions, "region"),
            (self.paid_with, "payment"),
        ):
            if values:
                shown = sorted(str(v).replace("_", " ") for v in values)
                parts.append(f"{' or '.join(shown)} {noun}")
        parts.extend(test.describe() for test in self.attributes)
        return ", ".join(parts) or "all items"


class Scope(ScopeTest):
    """Scope keys, plus ``except``: lines the rule leaves out even though they match."""

    except_: ScopeTest | None = Field(
        default=None,
        alias="except",
        description="lines left out: a table of scope keys, e.g. "
        '`except = { categories = ["gift-cards"] }`',
        examples=[{"categories": ["gift-cards"]}],
    )

    @model_validator(mode="after")
    def _except_has_keys(self) -> Scope:
        if self.except_ is not None and self.except_.empty:
            raise ValueError("except: give at least one scope key, or leave it out")
        return self

    def matches(self, kind: LineKind) -> bool:
        """Covered, and not left out by ``except``."""
        if not self.covers(kind):
            return False
        return self.except_ is None or not self.except_.covers(kind)

    def describe(self) -> str:
        words = self.words()
        if self.except_ is not None:
            words += f", except {self.except_.words()}"
        return words


SCOPE_KEYS: tuple[str, ...] = (*ScopeTest.model_fields, "except")


def scope_fields(model: type[BaseModel]) -> dict[str, Any]:
    """The fields of ``model`` that are not scope keys (for the reference doc)."""
    return {
        name: info
        for name, info in model.model_fields.items()
        if (info.alias or name) not in SCOPE_KEYS
    }
