"""A complaint's lifecycle (ISO 10002) and its escalation to a dispute (ISO 10003), as rules.

received -> acknowledged -> investigating -> resolved -> closed; from acknowledged,
investigating or resolved it may go out to an external body as a dispute, which is closed
with that body's outcome. A resolved complaint the customer does not accept may be reopened.
Which roles may make each move lives here too, so services and screens agree on it.
Pure: no Textual, no database. SLA due dates are in :mod:`complaint_sla`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    """Where a complaint stands."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"
    ESCALATED = "escalated"


OPEN = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING})
"""Statuses the store still owes an answer in; only these can be overdue."""


class Needs(StrEnum):
    """What a move must carry besides who and when."""

    NOTHING = "nothing"
    NOTE = "note"  # a resolution or a reason, in words
    BODY = "body"  # the external dispute-resolution body
    OUTCOME = "outcome"  # what that body decided


@dataclass(frozen=True, slots=True)
class Move:
    """One allowed step: from ``source`` to ``target``, by one of ``roles``."""

    source: Status
    target: Status
    verb: str
    roles: frozenset[str]
    needs: Needs = Needs.NOTHING


_CLERK_OR_MANAGER = frozenset({"clerk", "manager"})
_MANAGER = frozenset({"manager"})

MOVES: tuple[Move, ...] = (
    Move(Status.RECEIVED, Status.ACKNOWLEDGED, "acknowledge", _CLERK_OR_MANAGER),
    Move(Status.ACKNOWLEDGED, Status.INVESTIGATING, "investigate", _MANAGER),
    Move(Status.INVESTIGATING, Status.RESOLVED, "resolve", _MANAGER, Needs.NOTE),
    Move(Status.RESOLVED, Status.CLOSED, "close", _MANAGER),
    Move(Status.RESOLVED, Status.INVESTIGATING, "reopen", _MANAGER, Needs.NOTE),
    Move(Status.ACKNOWLEDGED, Status.ESCALATED, "escalate", _MANAGER, Needs.BODY),
    Move(Status.INVESTIGATING, Status.ESCALATED, "escalate", _MANAGER, Needs.BODY),
    Move(Status.RESOLVED, Status.ESCALATED, "escalate", _MANAGER, Needs.BODY),
    Move(Status.ESCALATED, Status.CLOSED, "close", _MANAGER, Needs.OUTCOME),
)


class TransitionError(ValueError):
    """A move the lifecycle or the person's role does not allow; the message says why."""


def moves_from(source: Status, role: str | None = None) -> tuple[Move, ...]:
    """The moves a complaint in ``source`` can make (only those ``role`` may make, if given)."""
    return tuple(m for m in MOVES if m.source == source and (role is None or role in m.roles))


def find_move(source: Status, target: Status) -> Move:
    """The move from ``source`` to ``target``, or a refusal naming both and what is allowed."""
    for move in MOVES:
        if move.source == source and move.target == target:
            return move
    nexts = ", ".join(m.target.value for m in moves_from(source))
    allowed = f"from {source.value} it can go to {nexts}" if nexts else f"{source.value} is final"
    raise TransitionError(f"a complaint cannot go from {source.value} to {target.value}: {allowed}")


def check_move(
    source: Status,
    target: Status,
    role: str,
    *,
    note: str = "",
    body: str = "",
    outcome: str = "",
) -> Move:
    """The move, if the lifecycle allows it, ``role`` may make it, and it carries what it needs."""
    move = find_move(source, target)
    if role not in move.roles:
        who = " or ".join(sorted(move.roles))
        raise TransitionError(
            f"only a {who} may {move.verb} a complaint ({source.value} to {target.value}); "
            f"you are {_a(role)}"
        )
    missing = {
        Needs.NOTE: ("a note saying why", note),
        Needs.BODY: ("the external body it goes to", body),
        Needs.OUTCOME: ("the external body's outcome", outcome),
    }.get(move.needs)
    if missing and not missing[1].strip():
        raise TransitionError(
            f"to {move.verb} a complaint ({source.value} to {target.value}), give {missing[0]}"
        )
    return move


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def is_overdue(status: Status, due_at: datetime, now: datetime) -> bool:
    """Past its due time while the store still owes an answer."""
    return status in OPEN and now > due_at


_REFERENCE = re.compile(r"^CMP-(\d{4})-(\d{6,})$")


def format_reference(year: int, number: int) -> str:
    """``CMP-2026-000123``: the year it was logged and a number unique to the desk."""
    return f"CMP-{year:04d}-{number:06d}"


def parse_reference(text: str) -> str:
    """A reference as typed (any case, spaces around) in its stored form, or a clear error."""
    cleaned = text.strip().upper()
    if not _REFERENCE.match(cleaned):
        raise ValueError(f"{text.strip()!r} is not a complaint reference like CMP-2026-000123")
    return cleaned
