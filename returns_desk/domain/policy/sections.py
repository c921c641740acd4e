"""The building blocks of the policy model: a table, a rule with an id, the choice types.

See :mod:`.model` for the whole policy; the tables are grouped by what they decide in
:mod:`.window_rules`, :mod:`.item_rules` and :mod:`.proof_rules`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from returns_desk.domain.policy.fields import Kind, RuleId, Text, choice_of, choices_of
from returns_desk.domain.policy.scope import Scope
from returns_desk.domain.policy.terms import (
    CountFrom,
    ReceiptKind,
    Reclaim,
    Settlement,
    TierBasis,
    Verdict,
)

ALL = frozenset(Settlement)


VerdictChoice = Annotated[
    Verdict, PlainValidator(choice_of(Verdict)), Kind('"accept", "needs_override" or "deny"')
]


LateChoice = Annotated[
    Verdict, PlainValidator(choice_of(Verdict)), Kind('"deny" or "needs_override"')
]


Settlements = Annotated[
    frozenset[Settlement],
    PlainValidator(choices_of(Settlement)),
    Kind('list of "refund", "exchange", "store_credit"'),
]


Receipts = Annotated[
    frozenset[ReceiptKind],
    PlainValidator(choices_of(ReceiptKind)),
    Kind('list of "yes", "gift", "none"'),
]


Warranty = Annotated[
    int | None,
    PlainValidator(lambda v: None if v == "unlimited" else _warranty(v)),
    Kind('days (0 to 36,500) or "unlimited"'),
]


def _warranty(value: object) -> int:
    from returns_desk.domain.policy.fields import MAX_DAYS, _whole

    return _whole(value, 0, MAX_DAYS)


class Section(BaseModel):
    """A table of a policy file: frozen, and any key not declared here is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Rule(Scope):
    """A rule with an id (unique in its list), its scope keys, and words for the clerk."""

    id: RuleId = Field(description="unique in its list; named in decisions and audits")
    description: Text = Field(default="", description="the words the clerk reads")


def _whole_days(value: object) -> int:
    from returns_desk.domain.policy.fields import MAX_DAYS, _whole

    return _whole(value, 1, MAX_DAYS)


CountFromChoice = Annotated[
    CountFrom, PlainValidator(choice_of(CountFrom)), Kind('"purchase" or "delivery"')
]
ReclaimChoice = Annotated[Reclaim, PlainValidator(choice_of(Reclaim)), Kind('"deduct" or "ignore"')]
TierBasisChoice = Annotated[
    TierBasis | None,
    PlainValidator(choice_of(TierBasis)),
    Kind('"counter", "purchase" or "either"'),
]
