"""Who may do what at the desk. The services enforce it; screens only hide what cannot apply."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do at the desk; enforced in services.

    ``KIOSK`` is a customer-facing screen (a kiosk, a customer display beside a register, the
    desk served with ``--kiosk``): nobody logs in there; it may start pre-registered returns,
    check a voucher's balance, log a complaint and record a customer's rating, nothing else.
    """

    CLERK = "clerk"
    MANAGER = "manager"
    AUDITOR = "auditor"
    KIOSK = "kiosk"
