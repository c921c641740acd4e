"""Confidentiality on the real database: clerks see their own store's complaints, personal
details only where the role needs them, and closed complaints are anonymised after the
retention period by an audited command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.complaint import Closure, Status
from returns_desk.services.complaints.lifecycle import ComplaintNotFound, add_note, close
from returns_desk.services.complaints.retention import GONE, anonymise_closed
from returns_desk.services.complaints.views import complaint_detail, list_complaints
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent, Complaint, ComplaintNote, Sale, Store, User
from tests.services.test_complaints import MONDAY, log

runner = CliRunner()


def _harbor_receipt(engine):
    with read_only(engine) as session:
        return session.exec(select(Sale).join(Store).where(Store.number == 102)).first()


def _home(engine, username, number):
    with unit_of_work(engine) as session:
        store = session.exec(select(Store).where(Store.number == number)).one()
        user = session.exec(select(User).where(User.username == username)).one()
        user.store_id = store.id
        session.add(user)


def test_clerks_see_their_own_stores_complaints(demo_engine, demo_actors, monkeypatch):
    cleo, sam, maria = demo_actors["cleo"], demo_actors["sam"], demo_actors["maria"]
    harbor = log(demo_engine, maria, receipt_code=_harbor_receipt(demo_engine).receipt_code)
    river = log(demo_engine, cleo)  # no receipt: the desk's store, 101
    assert [r.reference for r in list_complaints(demo_engine, actor=cleo)] == [river]
    assert {r.reference for r in list_complaints(demo_engine, actor=maria)} == {harbor, river}
    assert {r.reference for r in list_complaints(demo_engine, actor=demo_actors["avi"])} == {
        harbor,
        river,
    }
    with pytest.raises(ComplaintNotFound, match=f"no complaint {harbor}"):
        complaint_detail(demo_engine, harbor, actor=cleo)
    _home(demo_engine, "sam", 102)  # Sam works at Harbor Point
    assert [r.reference for r in list_complaints(demo_engine, actor=sam)] == [harbor]
    monkeypatch.setenv("RETURNS_DESK_STORE", "102")  # a desk at Harbor Point
    assert [r.reference for r in list_complaints(demo_engine, actor=cleo)] == [harbor]


def test_personal_details_only_for_those_who_need_them(demo_engine, demo_actors):
    cleo, sam, maria = demo_actors["cleo"], demo_actors["sam"], demo_actors["maria"]
    ref = log(demo_engine, cleo, customer_name="Ada Lovelace", contact="ada@example.org")
    mine = complaint_detail(demo_engine, ref, actor=cleo)  # she took it: she calls back
    assert (mine.row.customer, mine.contact, mine.personal_data) == (
        "Ada Lovelace",
        "ada@example.org",
        True,
    )
    manager = complaint_detail(demo_engine, ref, actor=maria)
    assert manager.contact == "ada@example.org"
    for reader in (sam, demo_actors["avi"]):
        seen = complaint_detail(demo_engine, ref, actor=reader)
        assert (seen.row.customer, seen.contact, seen.personal_data) == ("***ce", "***rg", False)
    [row] = list_complaints(demo_engine, actor=sam)
    assert row.customer == "***ce"


def test_closed_complaints_are_anonymised_after_the_retention(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    old = log(
        demo_engine,
        cleo,
        now=MONDAY - timedelta(days=800),
        customer_name="Ada",
        contact="555-0100",
        description="Ada's kettle, bought for her flat at 3 Elm St",
    )
    add_note(demo_engine, maria, old, "Called Ada on 555-0100", customer_visible=True)
    close(
        demo_engine,
        maria,
        old,
        Closure.WITHDRAWN,
        "Ada found the receipt",
        now=MONDAY - timedelta(days=790),
    )
    recent = log(demo_engine, cleo, customer_name="Bo")
    close(demo_engine, maria, recent, Closure.WITHDRAWN, now=MONDAY)
    still_open = log(demo_engine, cleo, now=MONDAY - timedelta(days=900), customer_name="Cy")
    with pytest.raises(RoleError):
        anonymise_closed(demo_engine, cleo, now=MONDAY)
    dry = anonymise_closed(demo_engine, maria, dry_run=True, now=MONDAY)
    assert dry.references == (old,)
    assert complaint_detail(demo_engine, old).row.customer == "Ada"
    done = anonymise_closed(demo_engine, maria, now=MONDAY)  # 24 months by default
    assert done.references == (old,)
    gone = complaint_detail(demo_engine, old)
    assert (gone.row.customer, gone.contact, gone.description) == ("", "", GONE)
    assert all("Ada" not in h.note for h in gone.history)
    with read_only(demo_engine) as session:
        notes = session.exec(select(ComplaintNote.text)).all()
        row = session.exec(select(Complaint).where(Complaint.reference == old)).one()
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action.like("complaint.anonymise%"))
        ).all()
    assert notes == [GONE] and row.anonymised_at is not None
    assert (row.category, row.status, row.closure_reason) == (
        "product quality",
        "closed",
        "withdrawn",
    )
    assert [e.action for e in events] == ["complaint.anonymise.dry_run", "complaint.anonymise"]
    assert old in events[1].details and "Ada" not in events[1].details
    assert complaint_detail(demo_engine, recent).row.customer == "Bo"
    assert complaint_detail(demo_engine, still_open).row.status is Status.ACKNOWLEDGED
    assert anonymise_closed(demo_engine, maria, now=MONDAY).references == ()  # once only


def test_anonymise_from_the_command_line(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    old = log(
        demo_engine, demo_actors["cleo"], now=MONDAY - timedelta(days=400), customer_name="Ada"
    )
    close(demo_engine, maria, old, Closure.WITHDRAWN, now=MONDAY - timedelta(days=399))
    args = ["complaints", "anonymise", "--user", "maria", "--months", "6"]
    dry = runner.invoke(app, [*args, "--dry-run"], input="9999\n")
    assert dry.exit_code == 0, dry.output
    assert "would anonymise 1 complaint closed before" in dry.output and old in dry.output
    done = runner.invoke(app, args, input="9999\n")
    assert done.exit_code == 0 and "anonymised 1 complaint" in done.output
    clerk = runner.invoke(app, ["complaints", "anonymise", "--user", "cleo"], input="1111\n")
    assert clerk.exit_code == 1 and "this needs a manager" in clerk.output
