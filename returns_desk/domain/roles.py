"""Who may do what at the desk. The services enforce it; screens only hide what cannot apply."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person (or a system) may do at the desk; enforced in services.

    ``INTEGRATION`` is a system account, such as the nightly POS feed: it logs in with a
    long generated key instead of a PIN, may import sales journals and nothing else, and
    cannot use the desk's screens.

    ``KIOSK`` is a customer-facing screen (a kiosk, a customer display beside a register, the
    desk served with ``--kiosk``): nobody logs in there; it may start pre-registered returns,
    check a voucher's balance, log a complaint and record a customer's rating, nothing else.
    """

    CLERK = "clerk"
    MANAGER = "manager"
    AUDITOR = "auditor"
    INTEGRATION = "integration"
    KIOSK = "kiosk"


PEOPLE = (Role.CLERK, Role.MANAGER, Role.AUDITOR)  # the roles that log in at the desk
ACCOUNTS = (*PEOPLE, Role.INTEGRATION)  # the roles a manager gives an account
