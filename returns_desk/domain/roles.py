"""Who may do what at the desk. The services enforce it; screens only hide what cannot apply."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do at the desk; enforced in services."""

    CLERK = "clerk"
    MANAGER = "manager"
    AUDITOR = "auditor"
