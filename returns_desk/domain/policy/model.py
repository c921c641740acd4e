"""A store's return policy: the declared schema of a policy file, and the rules the engine reads.

One set of frozen models is both: the loader validates a TOML file into them (every key
typed and bounded, unknown keys refused), docs/policy-reference.md is generated from their
field descriptions, and the engine reads them. Rules sit in named lists (``windows.rules``,
``final_sale``, ``settlement_rules`` ...) with unique ids; :meth:`Policy.rules` walks them
all, rule by rule, for tools that compare two policies. The tables are declared by what
they decide: :mod:`.window_rules` (time), :mod:`.item_rules` (the item), :mod:`.proof_rules`
(receipts and payment), on the building blocks of :mod:`.sections` and :mod:`.scope`.

Matching values (departments, categories, SKUs, tiers, regions) are stored lower-case so
the engine compares plain strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, Field, PlainValidator, model_validator

from returns_desk.domain.policy.expectations import Example
from returns_desk.domain.policy.fields import FieldProblem, Kind, Name, Text, Version, choice_of
from returns_desk.domain.policy.item_rules import (
    Clearance,
    Conditions,
    FinalSaleRule,
    Promotions,
    RestockingFee,
    SettlementRule,
)
from returns_desk.domain.policy.prereturn_rules import PreReturns
from returns_desk.domain.policy.proof_rules import IdCheck, Receipt, ReceiptRule, Refund
from returns_desk.domain.policy.sections import Rule, Section
from returns_desk.domain.policy.terms import (
    CashOverLimit,
    Condition,
    CountFrom,
    DayCounting,
    TierBasis,
    Verdict,
)
from returns_desk.domain.policy.window_rules import (
    Defective,
    Extension,
    HolidayWindow,
    WindowRule,
    Windows,
)

__all__ = [
    "CashOverLimit",
    "Clearance",
    "Condition",
    "Conditions",
    "CountFrom",
    "DayCounting",
    "Defective",
    "Extension",
    "FinalSaleRule",
    "HolidayWindow",
    "IdCheck",
    "Policy",
    "PreReturns",
    "Promotions",
    "Receipt",
    "ReceiptRule",
    "Refund",
    "RestockingFee",
    "Rule",
    "RuleEntry",
    "SettlementRule",
    "TierBasis",
    "Verdict",
    "WindowRule",
    "Windows",
]

FORMAT = 2  # the newest policy file format; files without `format` are format 1


class Head(Section):
    """`[policy]`: what the policy is called and which version of it this is."""

    name: Name = Field(description="shown on every decision", examples=["Default store policy"])
    version: Version = Field(
        description="recorded on every decision; change it whenever the rules change",
        examples=["2026.11-1"],
    )
    description: Text = Field(default="", description="one line for people")
    format: Annotated[int, PlainValidator(lambda v: _format(v)), Kind("1 or 2")] = Field(
        default=1,
        description="the file format: 2 for this reference; a file without it is format 1 "
        "and is read as format 1 (`returns-desk policy migrate` rewrites it)",
        examples=[2],
    )
    tier_basis: Annotated[
        TierBasis, PlainValidator(choice_of(TierBasis)), Kind('"counter", "purchase" or "either"')
    ] = Field(
        default=TierBasis.COUNTER,
        description="which tier rules read unless they say otherwise: `counter` (the tier "
        "the customer holds today, told at the counter; the receipt's if none is told), "
        "`purchase` (the tier on the receipt, held when buying) or `either`",
    )


def _format(value: object) -> int:
    if value not in (1, 2) or isinstance(value, bool):
        raise ValueError(f"expected 1 or 2, got {value!r}")
    assert isinstance(value, int)
    return value


class RuleEntry(NamedTuple):
    """One rule of a policy, as :meth:`Policy.rules` lists them: where it sits, its id."""

    section: str
    rule_id: str
    rule: BaseModel


class Policy(Section):
    """A whole store policy. Build it with ``load_policy``/``parse_policy``."""

    head: Head = Field(alias="policy", description="[policy]")
    windows: Windows = Field(default=Windows(), description="[windows]")
    final_sale: tuple[FinalSaleRule, ...] = Field(default=(), description="[[final_sale]]")
    conditions: Conditions = Field(default=Conditions(), description="[conditions]")
    defective: Defective = Field(default=Defective(), description="[defective]")
    restocking_fees: tuple[RestockingFee, ...] = Field(
        default=(), alias="restocking_fee", description="[[restocking_fee]]"
    )
    receipt: Receipt = Field(default=Receipt(), description="[receipt]")
    id_checks: tuple[IdCheck, ...] = Field(default=(), alias="id_check", description="[[id_check]]")
    refund: Refund = Field(default=Refund(), description="[refund]")
    settlement_rules: tuple[SettlementRule, ...] = Field(
        default=(), alias="settlement", description="[[settlement]]"
    )
    clearance: tuple[Clearance, ...] = Field(default=(), description="[[clearance]]")
    promotions: Promotions = Field(default=Promotions(), description="[promotions]")
    prereturn: PreReturns = Field(default=PreReturns(), description="[prereturn]")
    examples: tuple[Example, ...] = Field(default=(), alias="example", description="[[example]]")

    if TYPE_CHECKING:
        source: str
        cache: dict[Any, Any]
        reads_tenders: bool | None

    def model_post_init(self, context: Any, /) -> None:
        # Not fields: where it was read from, the engine's per-kind-of-line plans, and
        # whether any rule reads the tenders (None: not worked out yet).
        object.__setattr__(self, "source", "<policy>")
        object.__setattr__(self, "cache", {})
        object.__setattr__(self, "reads_tenders", None)

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        """Rule ids appear in decisions and audits, so two rules of a list must differ."""
        for path, rules in self.rule_lists():
            seen: set[str] = set()
            for index, rule in enumerate(rules):
                if rule.id in seen:
                    raise FieldProblem((*path, index, "id"), f"duplicate id {rule.id!r}")
                seen.add(rule.id)
        return self

    def rule_lists(self) -> Iterator[tuple[tuple[str, ...], tuple[Rule, ...]]]:
        """Each list of rules with ids and its path in the file: ``(("windows", "rule"),
        (rule, ...))``, ``(("final_sale",), ...)`` ..."""
        yield ("windows", "rule"), self.windows.rules
        yield ("windows", "extension"), self.windows.extensions
        yield ("windows", "holiday"), self.windows.holidays
        yield ("final_sale",), self.final_sale
        yield ("restocking_fee",), self.restocking_fees
        yield ("receipt", "rule"), self.receipt.rules
        yield ("id_check",), self.id_checks
        yield ("settlement",), self.settlement_rules
        yield ("clearance",), self.clearance

    def rules(self) -> Iterator[RuleEntry]:
        """Every rule, section by section (``windows.rule``, ``final_sale`` ...), in file
        order, then the single tables (``conditions``, ``refund`` ...) as one rule each:
        what a diff of two policies compares, id by id."""
        for path, rules in self.rule_lists():
            for rule in rules:
                yield RuleEntry(".".join(path), rule.id, rule)
        tables = ("windows", "conditions", "defective", "receipt", "refund", "promotions")
        for name in (*tables, "prereturn"):
            section = getattr(self, name)
            yield RuleEntry(name, name, section)

    def with_changes(self, **changes: Any) -> Policy:
        """A copy with some fields replaced (by attribute name), with its own cache."""
        copy = self.model_copy(update=changes)
        object.__setattr__(copy, "source", self.source)
        object.__setattr__(copy, "cache", {})
        object.__setattr__(copy, "reads_tenders", None)
        return copy

    @property
    def name(self) -> str:
        return self.head.name

    @property
    def version(self) -> str:
        return self.head.version

    @property
    def description(self) -> str:
        return self.head.description

    def condition_verdict(self, condition: Condition) -> Verdict:
        """What the `[conditions]` table says for ``condition``."""
        verdict: Verdict = getattr(self.conditions, condition.value)
        return verdict

    def describe_windows(self) -> list[str]:
        """The windows in words, one line each, for slips and screens: see
        :func:`returns_desk.domain.policy.summary.window_lines`."""
        from returns_desk.domain.policy.summary import window_lines

        return window_lines(self)
