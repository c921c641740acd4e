"""Who may do what at the desk. The services enforce it; screens only hide what cannot apply."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person (or a system) may do at the desk; enforced in services.

    ``INTEGRATION`` is a system account, such as the nightly POS feed: it logs in with a
    long generated key instead of a PIN, may import sales journals and nothing else, and
    cannot use the desk's screens.
    """

    CLERK = "clerk"
    MANAGER = "manager"
    AUDITOR = "auditor"
    INTEGRATION = "integration"


PEOPLE = (Role.CLERK, Role.MANAGER, Role.AUDITOR)  # the roles that log in at the desk
