"""Premium care in the complaint queue: open complaints of the higher tiers are listed first
(gold before silver before none), and a closed one goes back to its place by date."""

from __future__ import annotations

from datetime import timedelta

from returns_desk.domain.complaint import Closure, Status
from returns_desk.services.complaints.lifecycle import close, transition
from returns_desk.services.complaints.views import list_complaints
from tests.services.test_complaints import MONDAY, log


def test_open_premium_complaints_are_listed_first(demo_engine, demo_actors):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    gold = log(demo_engine, cleo, tier="gold", now=MONDAY)
    silver = log(demo_engine, cleo, tier="silver", now=MONDAY + timedelta(minutes=1))
    plain = log(demo_engine, cleo, now=MONDAY + timedelta(minutes=2))
    gold_done = log(demo_engine, cleo, tier="gold", now=MONDAY + timedelta(minutes=3))
    later = MONDAY + timedelta(minutes=4)
    transition(demo_engine, maria, gold_done, Status.INVESTIGATING, now=later)
    close(demo_engine, maria, gold_done, Closure.WITHDRAWN, "customer withdrew it", now=later)
    shown = [r.reference for r in list_complaints(demo_engine, now=later)]
    assert shown == [gold, silver, gold_done, plain]  # the closed one by date, newest first
