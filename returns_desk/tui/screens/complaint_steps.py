"""What each step on a complaint asks for, and which service carries it out.

The detail screen offers a step by its key; :func:`fields_for` gives the questions (none:
the step runs at once) and :func:`carry_out` calls the one service for the answers, in a
worker thread. Services check everything again; their refusals come back as messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from returns_desk.domain.complaint import (
    TRANSACTION_REMEDIES,
    Answer,
    Closure,
    DisputeMethod,
    DisputeOutcome,
    Outcome,
    Remedy,
    Status,
    WaitingOn,
    words,
)
from returns_desk.domain.complaint_sla import Severity
from returns_desk.tui.dialogs.complaint_move import Field

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.engine import Engine

    from returns_desk.services.complaints.views import ComplaintDetail
    from returns_desk.services.staff.security import Actor

KEYS = {
    "acknowledge": "a",
    "investigate": "i",
    "pause": "p",
    "resume": "r",
    "decide": "d",
    "answer": "y",
    "refer": "e",
    "close": "c",
    "reopen": "o",
}
EXTRA_KEYS = {  # steps that are not moves: (key, label, roles)
    "note": ("n", "Note", ("clerk", "manager")),
    "remedy": ("m", "Remedy done", ("manager",)),
    "counter": ("k", "At the counter", ("clerk", "manager")),
    "outcome": ("u", "Dispute outcome", ("manager",)),
    "implement": ("l", "Implement", ("manager",)),
    "owner": ("w", "Owner", ("manager",)),
    "severity": ("v", "Severity", ("manager",)),
    "slip": ("P", "Decision slip", ("clerk", "manager")),
}
LABELS = {"answer": "Customer's answer", "refer": "Refer out"}


def _choices(values: Iterable[StrEnum]) -> tuple[tuple[str, str], ...]:
    return tuple((words(v).capitalize(), str(v)) for v in values)


def fields_for(step: str, detail: ComplaintDetail, today: date) -> tuple[Field, ...]:
    """The questions a step asks; empty when it needs none."""
    if step == "pause":
        return (
            Field("waiting_on", "Waiting on", True, _choices(WaitingOn)),
            Field("note", "What for", True, placeholder="photos from the customer"),
        )
    if step == "decide":
        return (
            Field("outcome", "Outcome", True, _choices(Outcome)),
            Field("remedy", "Remedy", True, _choices(Remedy)),
            Field("amount", "Voucher amount (goodwill voucher only)", placeholder="15.00"),
            Field("reasons", "Reasons, as the customer will read them", True),
        )
    if step == "answer":
        return (Field("answer", "The customer", True, _choices(Answer)), Field("note", "Note"))
    if step == "refer":
        return (
            Field("provider", "Dispute body", True, placeholder="Retail Dispute Service"),
            Field("method", "Method", True, _choices(DisputeMethod)),
            Field(
                "consent",
                "The customer agrees to take part (never a condition of a sale or return)",
                check=True,
            ),
            Field("notice", "Notice received on", True, value=today.isoformat()),
            Field("position", "Our initial position"),
        )
    if step == "close":
        return _closing(detail)
    if step in ("reopen",):
        return (Field("note", "Why reopen", True),)
    if step == "note":
        return (Field("note", "Note", True), Field("visible", "Told the customer", check=True))
    if step == "remedy":
        return _remedy(detail)
    if step == "owner":
        return (Field("owner", "Owner (a manager's user name)", True),)
    if step == "outcome":
        return (
            Field("kind", "How it ended", True, _choices(DisputeOutcome)),
            Field("outcome", "What was settled, recommended or decided", True),
        )
    if step == "implement":
        return (
            Field("return", "The return that carried it out", placeholder="RT-0000123"),
            Field("amount", "Or a voucher of", placeholder="25.00"),
            Field("note", "Note"),
        )
    if step == "severity":
        return (
            Field("severity", "Severity", True, _choices(Severity), value=detail.row.severity),
            Field("note", "Why", True),
        )
    return ()


def _closing(detail: ComplaintDetail) -> tuple[Field, ...]:
    fields = [Field("reason", "Closure reason", True, _choices(detail.closures))]
    if Closure.DUPLICATE in detail.closures:
        fields.append(Field("duplicate_of", "Duplicate of (only if a duplicate)"))
    fields.append(Field("note", "Note"))
    ratings = tuple(
        (f"{n} - {w}", str(n))
        for n, w in enumerate(("poor", "fair", "good", "very good", "excellent"), start=1)
    )
    fields.append(Field("rating", "Ask: how well did we handle your complaint?", False, ratings))
    return tuple(fields)


def _remedy(detail: ComplaintDetail) -> tuple[Field, ...]:
    decision = detail.decision
    if decision is None:
        return ()
    if decision.remedy in TRANSACTION_REMEDIES:
        label = f"The return that carried out the {words(decision.remedy)}"
        return (Field("return", label, True, placeholder="RT-0000123"),)
    if decision.remedy is Remedy.GOODWILL_VOUCHER:
        return (Field("confirm", f"Issue the goodwill voucher of {decision.amount}", check=True),)
    return (Field("note", "What was done", True),)


def offered(detail: ComplaintDetail | None, role: str | None) -> tuple[str, ...]:
    """The steps this person may take on this complaint now, in key order."""
    if detail is None or role is None:
        return ()
    steps = list(dict.fromkeys(m.verb for m in detail.moves))
    status = detail.row.status
    for step, (_, _, roles) in EXTRA_KEYS.items():
        if role not in roles:
            continue
        if step == "remedy" and not _remedy_due(detail):
            continue
        if step == "counter" and not _at_counter(detail):
            continue
        if step == "slip" and detail.decision is None:
            continue
        if step in ("outcome", "implement") and not _dispute_step(detail, step):
            continue
        if step in ("owner", "severity") and status is Status.CLOSED:
            continue
        steps.append(step)
    return tuple(steps)


def _dispute_step(detail: ComplaintDetail, step: str) -> bool:
    """The dispute body's outcome is due, or its implementation."""
    d = detail.dispute
    if d is None or detail.row.status is not Status.REFERRED:
        return False
    if step == "outcome":
        return d.outcome_kind is None
    return d.outcome_kind is not None and not (d.implemented_by or d.implemented_note)


def _at_counter(detail: ComplaintDetail) -> bool:
    """A decided refund, exchange or exception on a receipt: the counter carries it out."""
    d = detail.decision
    return (
        _remedy_due(detail)
        and bool(detail.receipt_code)
        and (d is not None and d.remedy in TRANSACTION_REMEDIES)
    )


def _remedy_due(detail: ComplaintDetail) -> bool:
    d = detail.decision
    return (
        d is not None
        and detail.row.status in (Status.DECIDED, Status.RESOLVED)
        and d.remedy not in (Remedy.APOLOGY, Remedy.NONE)
        and d.remedy_done is None
    )


def carry_out(
    engine: Engine,
    actor: Actor,
    detail: ComplaintDetail,
    step: str,
    answers: dict[str, str],
    deliver: Callable[[Path | None], None] | None = None,
) -> str:
    """Run ``step`` through its service; returns what to tell the person. ``deliver`` gets
    the file a step writes (the decision slip), for a browser to download."""
    from returns_desk.services.complaints import decisions, lifecycle

    ref = detail.row.reference
    if step in ("acknowledge", "investigate", "resume", "reopen"):
        target = Status.ACKNOWLEDGED if step == "acknowledge" else Status.INVESTIGATING
        lifecycle.transition(engine, actor, ref, target, note=answers.get("note", ""))
        return f"{ref}: {step} done"
    if step == "pause":
        lifecycle.pause(engine, actor, ref, WaitingOn(answers["waiting_on"]), answers["note"])
        return f"{ref}: clock paused"
    if step == "decide":
        made = decisions.decide(
            engine,
            actor,
            ref,
            Outcome(answers["outcome"]),
            answers["reasons"],
            Remedy(answers["remedy"]),
            amount=answers.get("amount") or None,
        )
        return f"{ref}: decided ({words(made.outcome)}); print the decision slip with P"
    if step == "answer":
        now = decisions.record_answer(
            engine, actor, ref, Answer(answers["answer"]), answers.get("note", "")
        )
        return f"{ref}: the customer's answer is recorded; now {now.value}"
    if step == "refer":
        return _refer(engine, actor, ref, answers)
    if step == "close":
        return _close(engine, actor, ref, answers)
    return _extra(engine, actor, detail, step, answers, deliver)


def _refer(engine: Engine, actor: Actor, ref: str, answers: dict[str, str]) -> str:
    from returns_desk.services.complaints import disputes

    try:
        notice = date.fromisoformat(answers["notice"])
    except ValueError:
        raise ValueError(
            f"notice received on: {answers['notice']!r} is not a date like 2026-11-23"
        ) from None
    disputes.refer(
        engine,
        actor,
        ref,
        disputes.DisputeNotice(
            answers["provider"],
            DisputeMethod(answers["method"]),
            answers.get("consent") == "yes",
            notice,
            answers.get("position", ""),
        ),
    )
    return f"{ref}: referred to {answers['provider']}"


def _dispute(engine: Engine, actor: Actor, ref: str, step: str, answers: dict[str, str]) -> str:
    from returns_desk.services.complaints import disputes

    if step == "outcome":
        kind = DisputeOutcome(answers["kind"])
        disputes.record_outcome(engine, actor, ref, kind, answers["outcome"])
        return f"{ref}: dispute outcome recorded ({words(kind)})"
    done = disputes.implement(
        engine,
        actor,
        ref,
        return_reference=answers.get("return", ""),
        goodwill=answers.get("amount", ""),
        note=answers.get("note", ""),
    )
    return f"{ref}: dispute outcome implemented ({done})"


def _close(engine: Engine, actor: Actor, ref: str, answers: dict[str, str]) -> str:
    from returns_desk.services.complaints import lifecycle, satisfaction

    lifecycle.close(
        engine,
        actor,
        ref,
        Closure(answers["reason"]),
        answers.get("note", ""),
        duplicate_of=answers.get("duplicate_of", ""),
    )
    if answers.get("rating"):
        satisfaction.record_satisfaction(engine, actor, ref, int(answers["rating"]))
        return f"{ref}: closed ({words(answers['reason'])}); rating {answers['rating']} kept"
    return f"{ref}: closed ({words(answers['reason'])})"


def _extra(
    engine: Engine,
    actor: Actor,
    detail: ComplaintDetail,
    step: str,
    answers: dict[str, str],
    deliver: Callable[[Path | None], None] | None = None,
) -> str:
    from returns_desk.services.complaints import decisions, lifecycle
    from returns_desk.services.slips.issue import print_decision

    ref = detail.row.reference
    if step == "note":
        visible = answers.get("visible") == "yes"
        lifecycle.add_note(engine, actor, ref, answers["note"], customer_visible=visible)
        return f"{ref}: note added"
    if step == "remedy":
        if "return" in answers:
            done = decisions.link_return(engine, actor, ref, answers["return"])
        elif "confirm" in answers:
            if answers["confirm"] != "yes":
                raise ValueError("tick the box to issue the voucher")
            done = decisions.issue_goodwill(engine, actor, ref)
        else:
            done = decisions.mark_done(engine, actor, ref, answers["note"])
        link = done.return_reference or done.voucher_code or "noted"
        return f"{ref}: remedy carried out ({link})"
    if step == "owner":
        return f"{ref}: owner {lifecycle.assign(engine, actor, ref, answers['owner'])}"
    if step == "severity":
        lifecycle.reassess(engine, actor, ref, Severity(answers["severity"]), answers["note"])
        return f"{ref}: severity {answers['severity']}; due times worked out again"
    if step == "slip":
        printed = print_decision(engine, actor, ref)
        if deliver is not None:
            deliver(printed.path)
        return printed.message
    if step in ("outcome", "implement"):
        return _dispute(engine, actor, ref, step, answers)
    raise ValueError(f"no step {step!r}")
