"""Instant feedback on the real database: one 1-5 rating per completed return, given by the
customer on a customer-facing screen (the kiosk account), never keyed by staff."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from returns_desk.services.complaints.feedback import FeedbackError, feedback_for, record_feedback
from returns_desk.services.staff.kiosk import kiosk_actor
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent, Feedback


@pytest.fixture
def kiosk(demo_engine):
    return kiosk_actor(demo_engine, "K1")


def test_rating_and_comment_are_stored_with_the_return(demo_engine, kiosk, demo_return_id):
    assert feedback_for(demo_engine, demo_return_id) is None
    record_feedback(demo_engine, kiosk, demo_return_id, 4, "  quick, friendly ")
    stored = feedback_for(demo_engine, demo_return_id)
    assert (stored.rating, stored.comment) == (4, "quick, friendly")
    with read_only(demo_engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "feedback.record")).one()
    assert event.entity_id == "RET-TEST-0001" and '"rating":4' in event.details


def test_a_second_rating_for_the_same_return_is_refused(demo_engine, kiosk, demo_return_id):
    record_feedback(demo_engine, kiosk, demo_return_id, 5)
    with pytest.raises(FeedbackError, match="RET-TEST-0001 already has the customer's rating"):
        record_feedback(demo_engine, kiosk, demo_return_id, 1)
    assert feedback_for(demo_engine, demo_return_id).rating == 5


def test_the_database_also_refuses_a_second_rating(demo_engine, demo_return_id):
    with unit_of_work(demo_engine) as session:
        session.add(Feedback(return_id=demo_return_id, rating=3))
    with pytest.raises(IntegrityError), unit_of_work(demo_engine) as session:
        session.add(Feedback(return_id=demo_return_id, rating=2))


@pytest.mark.parametrize("rating", [0, 6, -1, True])
def test_ratings_outside_1_to_5_are_refused(demo_engine, kiosk, demo_return_id, rating):
    with pytest.raises(FeedbackError, match="rating: give 1 to 5"):
        record_feedback(demo_engine, kiosk, demo_return_id, rating)
    assert feedback_for(demo_engine, demo_return_id) is None


def test_unknown_return_is_refused_and_staff_cannot_key_a_score(
    demo_engine, demo_actors, kiosk, demo_return_id
):
    with pytest.raises(FeedbackError, match="no completed return has id 424242"):
        record_feedback(demo_engine, kiosk, 424242, 3)
    for who in ("cleo", "maria", "avi"):
        with pytest.raises(RoleError, match="this needs a kiosk"):
            record_feedback(demo_engine, demo_actors[who], demo_return_id, 3)
    assert feedback_for(demo_engine, demo_return_id) is None
