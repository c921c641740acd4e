"""`[prereturn]`: returns customers start before they come in (at a kiosk, in a browser, on
the phone), and how long the desk holds them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PlainValidator

from returns_desk.domain.policy.fields import Kind, _whole
from returns_desk.domain.policy.sections import Section

MAX_HOLD_DAYS = 365

HoldDays = Annotated[
    int,
    PlainValidator(lambda v: _whole(v, 1, MAX_HOLD_DAYS)),
    Kind(f"days (1 to {MAX_HOLD_DAYS})"),
]


class PreReturns(Section):
    """`[prereturn]`: pre-registered returns. The customer picks the lines and gets a code;
    the units stay reserved for them until the code expires, and the policy decides again
    at the counter on the day they come in."""

    expiry_days: HoldDays = Field(
        default=14,
        description="days a pre-registered return holds its units and its code works; "
        "after that it expires and the units are free again",
        examples=[14],
    )
