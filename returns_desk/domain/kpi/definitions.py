"""Every KPI the desk measures, with its definition in words and a version.

A definition's version changes whenever its formula does (what is counted, over what), so
a value is only ever compared with one measured by the same formula. Sources for each
definition: ``shared/reference/service-research.md`` section 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    """How a KPI's value reads."""

    PERCENT = "percent"  # numerator ÷ denominator, shown as %
    MONEY = "money"  # an amount (the numerator); the denominator is a count for context
    SECONDS = "seconds"  # a duration (median or p90)
    COUNT = "count"


class Dim(StrEnum):
    """What a KPI can be broken down by."""

    STORE = "store"
    REGISTER = "register"
    CLERK = "clerk"
    DEPARTMENT = "department"
    TIER = "tier"


RETURN_DIMS = frozenset(Dim)
NO_DEPARTMENT = frozenset({Dim.STORE, Dim.REGISTER, Dim.CLERK, Dim.TIER})
SALES_DIMS = frozenset({Dim.STORE, Dim.DEPARTMENT, Dim.TIER})  # sales have no desk clerk
COMPLAINT_DIMS = frozenset({Dim.STORE, Dim.CLERK, Dim.TIER})  # no register, no department
CLERK_DIMS = frozenset({Dim.STORE, Dim.CLERK})  # always by store and clerk


@dataclass(frozen=True, slots=True)
class KpiDef:
    """One KPI: its id and version, what it is, and what it divides by what."""

    id: str
    version: int
    name: str
    numerator: str
    denominator: str
    unit: Unit
    higher_is_better: bool | None  # None: neither (a volume, a split)
    dims: frozenset[Dim] = RETURN_DIMS
    note: str = ""

    @property
    def key(self) -> str:
        """``return_rate@1``: the id and the formula's version, as exports record it."""
        return f"{self.id}@{self.version}"

    @property
    def definition(self) -> str:
        """The definition in one line, as the screen, CLI and PDF print it."""
        if self.unit is Unit.PERCENT:
            words = f"{self.numerator} ÷ {self.denominator}"
        else:
            words = f"{self.numerator} (out of {self.denominator})"
        return f"{words}. {self.note}".strip() if self.note else words


STARTED_SPLIT = (
    "Split by how the return started: pre-registered (a pre-return code from the kiosk or "
    "the browser, scanned at the counter) or walk-up, each with its own {} of its own returns."
)
KPIS: tuple[KpiDef, ...] = (
    KpiDef(
        "return_rate", 1, "Return rate",
        "value returned (refund due before fees)", "gross sales in the same period",
        Unit.PERCENT, False, SALES_DIMS,
        note="Returns by the store that took them back, sales by the store that sold.",
    ),
    KpiDef(
        "return_rate_units", 1, "Return rate (units)",
        "units returned", "units sold in the same period", Unit.PERCENT, False, SALES_DIMS,
    ),
    KpiDef(
        "revenue_retained", 1, "Revenue retained",
        "exchange value kept + store credit issued", "value returned", Unit.PERCENT, True,
        note="Exchange value kept: what went into the new sale, up to the value returned.",
    ),
    KpiDef(
        "override_rate", 1, "Override rate",
        "returns completed after a manager override", "returns decided", Unit.PERCENT, False,
        NO_DEPARTMENT,
        note="Split: a denial overridden (late, final sale, condition, serial, ID or limit "
        "rules) or an approval that needs a manager (no receipt, cash limit, tenders).",
    ),
    KpiDef(
        "receiptless_rate", 1, "Receiptless rate",
        "returns without a receipt", "all returns", Unit.PERCENT, False, NO_DEPARTMENT,
        note="A receipt found by search counts as receipted. By value too.",
    ),
    KpiDef(
        "restocking_fees", 1, "Restocking fees collected",
        "restocking fees kept", "returned lines", Unit.MONEY, None,
    ),
    KpiDef(
        "refunds_by_tender", 1, "Refunds by tender",
        "money paid back, by how (card, cash, gift card, voucher ...)", "returns",
        Unit.MONEY, None, NO_DEPARTMENT,
    ),
    KpiDef(
        "time_per_return", 1, "Time per return (median)",
        "seconds from the first scan to the slip printed, median", "returns timed",
        Unit.SECONDS, False, NO_DEPARTMENT, note=STARTED_SPLIT.format("median"),
    ),
    KpiDef(
        "time_per_return_p90", 1, "Time per return (p90)",
        "seconds from the first scan to the slip printed, 90th percentile", "returns timed",
        Unit.SECONDS, False, NO_DEPARTMENT, note=STARTED_SPLIT.format("p90"),
    ),
    # Version 2: counted from issue 19's complaint timestamps, as the complaint monitoring
    # report counts them (version 1 read the status changes, with its own time limits).
    KpiDef(
        "complaints_acknowledged", 2, "Complaints acknowledged at once",
        "complaints acknowledged within a minute of being logged", "complaints logged",
        Unit.PERCENT, True, COMPLAINT_DIMS,
    ),
    KpiDef(
        "complaints_within_sla", 2, "Complaints resolved within SLA",
        "complaints decided by their due time",
        "complaints decided, or past their due time undecided", Unit.PERCENT, True,
        COMPLAINT_DIMS, note="A paused complaint has no due time until its clock runs again.",
    ),
    KpiDef(
        "first_contact_resolution", 2, "First-contact resolution",
        "complaints resolved before the customer left the desk", "complaints logged",
        Unit.PERCENT, True, COMPLAINT_DIMS,
    ),
    KpiDef(
        "csat", 1, "Customer satisfaction",
        "ratings of 4 or 5", "ratings given", Unit.PERCENT, True, NO_DEPARTMENT,
        note="The 1-5 rating asked after each return (top-2-box).",
    ),
    KpiDef(
        "feedback_response_rate", 1, "Feedback response rate",
        "returns rated", "returns", Unit.PERCENT, True, NO_DEPARTMENT,
    ),
    # Version 2: customer numbers and ID fingerprints are each counted on their own (version
    # 1 took a return's customer number, else its ID fingerprint, as one identity).
    KpiDef(
        "serial_returners", 2, "Serial returners",
        "customer numbers and ID fingerprints over the return threshold in the rolling window",
        "customer numbers and ID fingerprints that returned in the period", Unit.COUNT, False,
        frozenset(), note="Thresholds in the preset's [abuse] table; the window ends with the "
        "period. Split by customer number and by ID fingerprint.",
    ),
    KpiDef(
        "return_velocity", 2, "Return velocity",
        "customer numbers and ID fingerprints with a burst of returns in a short window",
        "customer numbers and ID fingerprints that returned in the period", Unit.COUNT, False,
        frozenset(), note="Within any span of the preset's velocity_days inside the period.",
    ),
    KpiDef(
        "own_sale_refunds", 1, "Refunds of own sales",
        "returns a clerk took back on a sale the same person rang up", "returns",
        Unit.COUNT, False, frozenset({Dim.STORE, Dim.CLERK}),
    ),
    KpiDef(
        "clerk_receiptless_share", 1, "Clerk's share of receiptless returns",
        "a clerk's receiptless returns at a store", "the store's receiptless returns",
        Unit.PERCENT, None, CLERK_DIMS,
        note="Beside it the clerk's share of all the store's returns: far above it is a signal.",
    ),
    KpiDef(
        "clerk_override_share", 1, "Clerk's share of overrides",
        "a clerk's returns completed after a manager override at a store",
        "the store's overridden returns", Unit.PERCENT, None, CLERK_DIMS,
        note="Beside it the clerk's share of all the store's returns: far above it is a signal.",
    ),
)  # fmt: skip
BY_ID = {k.id: k for k in KPIS}


def kpi(kpi_id: str) -> KpiDef:
    """A KPI by id, or a KeyError that lists the ids there are."""
    try:
        return BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"no KPI {kpi_id!r}; there are: {', '.join(BY_ID)}") from None
