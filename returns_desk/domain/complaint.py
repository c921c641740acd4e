"""A complaint's lifecycle (ISO 10002) and its referral to a dispute body (ISO 10003), as rules.

received -> acknowledged -> investigating (<-> waiting: the resolution clock is paused)
-> decided (the store's decision is given to the customer) -> the customer's answer:
accepted -> resolved -> closed; rejected -> review (a second manager) -> decided (final).
A complaint stays open until the customer accepts or a final decision stands; then it
closes with a reason. Any open complaint may be referred to an external dispute body, or
closed as withdrawn or a duplicate; a resolved or closed one may be reopened (counted).
Which roles may make each move lives here too, so services and screens agree on it.
Pure: no Textual, no database. Due dates are in :mod:`complaint_clock`.
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
    WAITING = "waiting"  # on the customer or a third party: the resolution clock is paused
    DECIDED = "decided"  # the decision is with the customer
    REVIEW = "review"  # the customer rejected it: a second manager reviews
    RESOLVED = "resolved"  # the customer accepted
    REFERRED = "referred"  # with an external dispute body (ISO 10003)
    CLOSED = "closed"


OPEN = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.WAITING})
"""Statuses the store still owes its decision in; only these can be overdue."""

UNFINISHED = frozenset(set(Status) - {Status.CLOSED})
"""Every status but closed: the complaint is still being handled."""


class Needs(StrEnum):
    """What a move must carry besides who and when."""

    NOTHING = "nothing"
    NOTE = "note"  # a reason, in words
    WAITING_ON = "waiting_on"  # whom the store waits on, and why
    DECISION = "decision"  # outcome, reasons, remedy
    ANSWER = "answer"  # the customer's answer
    DISPUTE = "dispute"  # the dispute body, method, consent, notice date
    CLOSURE = "closure"  # a closure reason


class WaitingOn(StrEnum):
    CUSTOMER = "customer"
    THIRD_PARTY = "third_party"


class Outcome(StrEnum):
    """What the store decided about the complaint."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class Remedy(StrEnum):
    """What the store does about it. The first four are carried out through the desk's
    normal services and linked to the transaction they made."""

    REFUND = "refund"
    EXCHANGE = "exchange"
    GOODWILL_VOUCHER = "goodwill_voucher"
    POLICY_EXCEPTION = "policy_exception"
    REPAIR = "repair"
    APOLOGY = "apology"
    NONE = "none"


TRANSACTION_REMEDIES = frozenset({Remedy.REFUND, Remedy.EXCHANGE, Remedy.POLICY_EXCEPTION})
"""Remedies carried out as a return at the counter, then linked to the complaint."""
NOTHING_TO_CARRY_OUT = frozenset({Remedy.APOLOGY, Remedy.NONE})


class Answer(StrEnum):
    """The customer's answer to a decision."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_REPLY = "no_reply"


class Closure(StrEnum):
    """Why a complaint was closed."""

    ACCEPTED = "accepted"
    FINAL_DECISION_NOT_ACCEPTED = "final_decision_not_accepted"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"
    REFERRED_EXTERNALLY = "referred_externally"
    NO_CONTACT = "no_contact"


class DisputeMethod(StrEnum):
    """How an external body resolves a dispute (ISO 10003, Annex A)."""

    FACILITATIVE = "facilitative"  # mediation, conciliation: the parties agree
    ADVISORY = "advisory"  # the body recommends
    DETERMINATIVE = "determinative"  # the body decides (arbitration, ombudsman)


class DisputeOutcome(StrEnum):
    SETTLEMENT = "settlement"
    RECOMMENDATION_ACCEPTED = "recommendation_accepted"
    RECOMMENDATION_REJECTED = "recommendation_rejected"
    DETERMINATION = "determination"
    WITHDRAWN = "withdrawn"


def words(value: StrEnum | str) -> str:
    """A code as people read it: 'partly_upheld' -> 'partly upheld'."""
    return str(value).replace("_", " ")


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
_REFERABLE = (
    Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.WAITING, Status.DECIDED, Status.REVIEW,
)  # fmt: skip
_CLOSABLE = tuple(s for s in Status if s is not Status.CLOSED)

MOVES: tuple[Move, ...] = (
    Move(Status.RECEIVED, Status.ACKNOWLEDGED, "acknowledge", _CLERK_OR_MANAGER),
    Move(Status.ACKNOWLEDGED, Status.INVESTIGATING, "investigate", _MANAGER),
    Move(Status.ACKNOWLEDGED, Status.WAITING, "pause", _MANAGER, Needs.WAITING_ON),
    Move(Status.INVESTIGATING, Status.WAITING, "pause", _MANAGER, Needs.WAITING_ON),
    Move(Status.WAITING, Status.INVESTIGATING, "resume", _MANAGER),
    Move(Status.INVESTIGATING, Status.DECIDED, "decide", _MANAGER, Needs.DECISION),
    Move(Status.REVIEW, Status.DECIDED, "decide", _MANAGER, Needs.DECISION),
    Move(Status.DECIDED, Status.RESOLVED, "answer", _CLERK_OR_MANAGER, Needs.ANSWER),
    Move(Status.DECIDED, Status.REVIEW, "answer", _CLERK_OR_MANAGER, Needs.ANSWER),
    Move(Status.DECIDED, Status.DECIDED, "answer", _CLERK_OR_MANAGER, Needs.ANSWER),
    *(Move(s, Status.REFERRED, "refer", _MANAGER, Needs.DISPUTE) for s in _REFERABLE),
    *(Move(s, Status.CLOSED, "close", _MANAGER, Needs.CLOSURE) for s in _CLOSABLE),
    Move(Status.RESOLVED, Status.INVESTIGATING, "reopen", _MANAGER, Needs.NOTE),
    Move(Status.CLOSED, Status.INVESTIGATING, "reopen", _MANAGER, Needs.NOTE),
)  # fmt: skip


class TransitionError(ValueError):
    """A move the lifecycle or the person's role does not allow; the message says why."""


def moves_from(source: Status, role: str | None = None) -> tuple[Move, ...]:
    """The moves a complaint in ``source`` can make (only those ``role`` may make, if given)."""
    return tuple(m for m in MOVES if m.source == source and (role is None or role in m.roles))


def verbs_from(source: Status, role: str | None = None) -> tuple[str, ...]:
    """The verbs offered in ``source``, each once, in lifecycle order."""
    return tuple(dict.fromkeys(m.verb for m in moves_from(source, role)))


def find_move(source: Status, target: Status) -> Move:
    """The move from ``source`` to ``target``, or a refusal naming both and what is allowed."""
    for move in MOVES:
        if move.source == source and move.target == target:
            return move
    nexts = ", ".join(dict.fromkeys(m.target.value for m in moves_from(source)))
    allowed = f"from {source.value} it can go to {nexts}" if nexts else f"{source.value} is final"
    raise TransitionError(f"a complaint cannot go from {source.value} to {target.value}: {allowed}")


def find_verb(source: Status, verb: str) -> Move:
    """The first move called ``verb`` from ``source``, or a refusal saying what can be done."""
    for move in moves_from(source):
        if move.verb == verb:
            return move
    allowed = ", ".join(verbs_from(source)) or "nothing"
    raise TransitionError(
        f"a {source.value} complaint cannot be {_past(verb)}: it can be {allowed}"
        if allowed != "nothing"
        else f"a {source.value} complaint cannot be {_past(verb)}"
    )


def _past(verb: str) -> str:
    irregular = {"decide": "decided", "pause": "paused", "resume": "resumed", "close": "closed",
                 "refer": "referred", "answer": "answered for", "reopen": "reopened"}  # fmt: skip
    return irregular.get(verb, f"{verb}d" if verb.endswith("e") else f"{verb}ed")


def check_role(move: Move, role: str) -> None:
    """Refuse unless ``role`` may make ``move``."""
    if role not in move.roles:
        who = " or ".join(sorted(move.roles))
        raise TransitionError(
            f"only a {who} may {move.verb} a complaint ({move.source.value}); you are {_a(role)}"
        )


def check_move(source: Status, target: Status, role: str, *, note: str = "") -> Move:
    """The move, if the lifecycle allows it, ``role`` may make it, and a required note is
    there. Moves needing more than a note are checked by their own rules below."""
    move = find_move(source, target)
    check_role(move, role)
    if move.needs is Needs.NOTE and not note.strip():
        raise TransitionError(f"to {move.verb} a complaint ({source.value}), give a reason")
    return move


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


# --- closing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClosingFacts:
    """What decides which closure reasons a complaint can take."""

    status: Status
    remedy_done: bool = True  # the remedy of the last decision is carried out (or none)
    final_decision: bool = False  # the last decision was the review's (final)
    answer: Answer | None = None  # the customer's answer to the last decision
    dispute_outcome: bool = False  # the dispute body's outcome is recorded


def closure_reasons(facts: ClosingFacts) -> tuple[Closure, ...]:
    """The reasons a complaint in this state may be closed with."""
    s = facts.status
    if s is Status.CLOSED:
        return ()
    if s is Status.RESOLVED:
        return (Closure.ACCEPTED,)
    if s is Status.REFERRED:
        return (Closure.REFERRED_EXTERNALLY, Closure.WITHDRAWN)
    reasons: list[Closure] = []
    if s is Status.DECIDED:
        if facts.final_decision and facts.answer is Answer.REJECTED:
            reasons.append(Closure.FINAL_DECISION_NOT_ACCEPTED)
        if facts.answer is Answer.NO_REPLY:
            reasons.append(Closure.NO_CONTACT)
    return (*reasons, Closure.WITHDRAWN, Closure.DUPLICATE)


def check_closure(facts: ClosingFacts, reason: Closure) -> None:
    """Refuse a closure reason the complaint's state does not support, saying what would."""
    allowed = closure_reasons(facts)
    if reason in allowed:
        if reason is Closure.ACCEPTED and not facts.remedy_done:
            raise TransitionError("carry out the remedy (or link its transaction) before closing")
        if reason is Closure.REFERRED_EXTERNALLY and not facts.dispute_outcome:
            raise TransitionError("record the dispute body's outcome before closing")
        return
    hint = _closure_hint(facts, reason)
    options = ", ".join(words(r) for r in allowed) or "none"
    raise TransitionError(
        f"a {facts.status.value} complaint cannot be closed as {words(reason)}{hint}; "
        f"it can be closed as: {options}"
    )


def _closure_hint(facts: ClosingFacts, reason: Closure) -> str:
    if reason is Closure.ACCEPTED:
        return " until the customer accepts the decision"
    if reason is Closure.FINAL_DECISION_NOT_ACCEPTED:
        return " until a reviewed (final) decision is rejected by the customer"
    if reason is Closure.NO_CONTACT:
        return " until 'no reply' is recorded after the reply-by date"
    if reason is Closure.REFERRED_EXTERNALLY:
        return " unless it was referred to a dispute body"
    return ""


# --- deciding ------------------------------------------------------------------------------


def check_decision(outcome: Outcome, reasons: str, remedy: Remedy) -> None:
    """A decision says why, and an upheld complaint gets a remedy (an apology counts)."""
    if not reasons.strip():
        raise TransitionError("a decision needs its reasons, in words the customer reads")
    if outcome is not Outcome.NOT_UPHELD and remedy is Remedy.NONE:
        raise TransitionError(
            f"a complaint {words(outcome)} needs a remedy (an apology counts); "
            "choose one, or decide it is not upheld"
        )


@dataclass(frozen=True, slots=True)
class Involved:
    """Who the complaint is about: the staff member it names and the manager who overrode
    the linked return, as user ids; and who decided it before (a review needs another)."""

    named_staff: int | None = None
    override_manager: int | None = None
    earlier_deciders: tuple[int, ...] = ()


def check_objectivity(involved: Involved, person: int, action: str, name: str = "") -> None:
    """ISO 10002 objectivity: nobody handles a complaint about themselves, a complaint about
    a manager's override needs another manager, and a review needs a second person."""
    who = name or "this person"
    if involved.named_staff == person:
        raise TransitionError(f"{who} is named in this complaint and cannot {action} it")
    if involved.override_manager == person and action in ("decide", "review"):
        raise TransitionError(
            f"the complaint is about {who}'s override; a different manager must {action} it"
        )
    if action == "review" and person in involved.earlier_deciders:
        raise TransitionError(
            f"{who} made the decision under review; a second manager must review it"
        )


# --- references and overdue ----------------------------------------------------------------


def is_overdue(status: Status, due_at: datetime | None, now: datetime) -> bool:
    """Past its due time while the store still owes a decision (a paused clock is never
    overdue by itself; a breach before the pause stays)."""
    return status in OPEN and due_at is not None and now > due_at


_REFERENCE = re.compile(r"^CMP-(\d{4})-(\d{6,})$")


def format_reference(year: int, number: int) -> str:
    """``CMP-2026-000123``: the year it was logged and a number unique to the desk."""
    return f"CMP-{year:04d}-{number:06d}"


def looks_like_reference(text: str) -> bool:
    """True for a scanned or typed complaint reference (an acknowledgement slip's barcode)."""
    return bool(_REFERENCE.match(text.strip().upper()))


def parse_reference(text: str) -> str:
    """A reference as typed (any case, spaces around) in its stored form, or a clear error."""
    cleaned = text.strip().upper()
    if not _REFERENCE.match(cleaned):
        raise ValueError(f"{text.strip()!r} is not a complaint reference like CMP-2026-000123")
    return cleaned
