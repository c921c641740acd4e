"""Items of a return the customer pre-registered: lines of its receipt, checked at the counter.

The policy decides again today, as for any receipt (a window may have closed since). To
complete, every item must have been checked by the clerk (scanned, or by hand when the scan
did not match), as recorded in ``prereturn_check``; the pre-return must still be approved
and within its date. Inside the
completion's unit of work it is marked completed and its held units are let go, then the
units are claimed like any receipt's, so nothing is held and returned at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session

from returns_desk.domain.draft import FromPreReturn, FromReceipt, ReturnError, ReturnItem
from returns_desk.domain.prereturn import Status
from returns_desk.services.prereturns.checks import checked_lines
from returns_desk.services.prereturns.holds import locked, release
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.returns.sources import Taken
from returns_desk.services.returns.sources.receipt import HANDLER as RECEIPT
from returns_desk.services.returns.sources.receipt import quote_receipt
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.draft import CompletionRequest
    from returns_desk.domain.policy import Policy
    from returns_desk.domain.quote import Quote


class PreReturnSource:
    """The handler for :class:`FromPreReturn` (see ``sources.SourceHandler``)."""

    def quote(
        self, engine: Engine, source: FromPreReturn, items: Sequence[ReturnItem], today: date
    ) -> Quote:
        receipt = find_receipt(engine, source.receipt.code)  # as it stands now
        lines = tuple(
            replace(line, qty_reserved=max(line.qty_reserved - source.held.get(line.line_no, 0), 0))
            for line in receipt.lines
        )
        return quote_receipt(engine, replace(receipt, lines=lines), items, today, source.id_checked)

    def admit(self, policy: Policy, source: FromPreReturn) -> None:
        RECEIPT.admit(policy, FromReceipt(source.receipt, source.id_checked))

    def subject(self, source: FromPreReturn, items: Sequence[ReturnItem]) -> tuple[str, list[int]]:
        return RECEIPT.subject(FromReceipt(source.receipt), items)

    def take(
        self,
        session: Session,
        policy: Policy,
        source: FromPreReturn,
        request: CompletionRequest,
        today: date,
    ) -> Taken:
        row, now = locked(session, source.prereturn_id), utcnow()
        checks = checked_lines(session, source.prereturn_id)  # the records, not the screen
        unchecked = [i.line_no for i in request.items if i.line_no not in checks]
        if unchecked:
            numbers = ", ".join(str(n) for n in unchecked)
            raise ReturnError(f"scan the item of line {numbers} (or check it by hand) first")
        if row.status != Status.APPROVED.value:
            raise ReturnError(f"pre-return {row.reference} is {row.status}; it cannot complete")
        if row.expires_at.date() < today:  # the completion's own day: its clock is injectable
            raise ReturnError(f"pre-return {row.reference} expired on {row.expires_at:%Y-%m-%d}")
        # Completed and let go here; the return's own audit event names the pre-return.
        release(session, row)
        row.status, row.closed_at = Status.COMPLETED.value, now
        session.add(row)
        as_receipt = FromReceipt(source.receipt, source.id_checked)
        taken = RECEIPT.take(session, policy, as_receipt, request, today)
        how = {str(i.line_no): checks[i.line_no] for i in request.items}
        return replace(
            taken,
            origin=replace(taken.origin, prereturn_id=row.id),
            details={**taken.details, "prereturn": row.reference, "checks": how},
        )


HANDLER = PreReturnSource()
