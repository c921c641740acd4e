"""One example of every slip, for `slip sample`, the layout tests and the benchmark."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from returns_desk.domain.slips import (
    ComplaintDecisionSlip,
    ComplaintSlip,
    DefectTag,
    ExchangeSlip,
    PreReturnSlip,
    ReturnSlip,
    SlipData,
    SlipHead,
    SlipLine,
    VoucherSlip,
)

SAMPLE_AT = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
SAMPLE_VOUCHER = "VK7M2Q9XW4HTBA"
SAMPLE_PRERETURN_TOKEN = "PTK7M2Q9XW4HTBAK7M2Q9XW4HTBA"


def sample_slips(at: datetime = SAMPLE_AT, head: SlipHead | None = None) -> list[SlipData]:
    """A return, an exchange, a voucher, a complaint acknowledgement and decision, a defect
    tag, a pre-registered return's code; ``head`` puts them in a real store (its name and
    address)."""
    head = head or SlipHead(
        "Portside, store 101", "Register 2", "Cleo", at, "12 Harbour Street, Portside"
    )
    jacket = SlipLine("Rain jacket, navy, M", "APP-20931", 1, Decimal("89.00"), "wrong size")
    kettle = SlipLine("Electric kettle 1.7 l", "HOM-55102", 1, Decimal("34.99"), "defective")
    jacket_l = SlipLine("Rain jacket, navy, L", "APP-20932", 1, Decimal("94.00"))
    return [
        ReturnSlip(
            head,
            "1010200004217",
            (jacket, kettle),
            Decimal("115.99"),
            (("Visa ...4242", Decimal("89.00")), ("Store credit", Decimal("26.99"))),
            receipt_code="101-03-9000001-8",
            restocking_fees=Decimal("3.00"),
            approved_by="Maria",
            deductions=(("Free promotional item kept", Decimal("5.00")),),
            points_reversed=120,
        ),
        ExchangeSlip(
            head,
            "1010200004218",
            (jacket,),
            (jacket_l,),
            Decimal("5.00"),
            (("Cash", Decimal("5.00")),),
            new_receipt_code="1010200004225",
            receipt_code="101-03-9000001-8",
        ),
        VoucherSlip(
            head,
            SAMPLE_VOUCHER,
            "V-K7M2-Q9XW-4HTB-A",
            Decimal("26.99"),
            Decimal("26.99"),
            date(2027, 11, 23),
            issued_for="1010200004217",
        ),
        ComplaintSlip(
            head,
            "C-2026-000123",
            "product quality",
            "Kettle stopped heating after two weeks; customer asks for a replacement.",
            at + timedelta(days=10),
            customer="J. Doe",
            respond_by=at + timedelta(days=2),
            targets="a first answer within 2 working days, our decision within 10 working days",
            remedy_sought="exchange",
            promises=("Complaints are acknowledged at once at the desk.",),
            recourse="Not satisfied? Ask for a review by another manager.",
        ),
        ComplaintDecisionSlip(
            head,
            "C-2026-000123",
            "partly upheld",
            "The kettle failed early; the receipt shows it was bought on sale.",
            "goodwill voucher $15.00",
            at + timedelta(days=14),
            recourse_internal="Ask for a review by another manager within 14 days.",
            recourse_external="Then the Retail Dispute Service, free of charge.",
        ),
        DefectTag(
            head,
            "RTV-1010200004217-2",
            "HOM-55102",
            "Electric kettle 1.7 l",
            1,
            "does not heat",
            "1010200004217",
            serial="KT-88812-A",
            receipt_code="101-03-9000001-8",
        ),
        PreReturnSlip(
            replace(head, register="Self-service kiosk K1", clerk="Customer kiosk"),
            "PR-0000042",
            "PK7M2Q9XWM",
            "P-K7M2-Q9XW-M",
            SAMPLE_PRERETURN_TOKEN,
            "101-03-9000001-8",
            (SlipLine("Rain jacket, navy, M", "APP-20931", 1, Decimal("89.00")),),
            "refund",
            at + timedelta(days=14),
        ),
    ]
