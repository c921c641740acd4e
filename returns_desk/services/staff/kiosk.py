"""The account a customer-facing screen acts as: a kiosk, or a customer display beside a
register. Nobody logs in with it (it is never active, and has no PIN anyone knows); the
screen acts under it, so what customers do there is recorded like anything else."""

from __future__ import annotations

import secrets

from sqlalchemy.engine import Engine
from sqlmodel import select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor, hash_pin
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import User

KIOSK_USER = "kiosk"


def kiosk_actor(engine: Engine, register: str) -> Actor:
    """The kiosk account (made, and audited, the first time) acting at ``register``."""
    with unit_of_work(engine) as session:
        user = session.exec(select(User).where(User.username == KIOSK_USER)).first()
        if user is None:
            user = User(
                username=KIOSK_USER,
                display_name="Customer kiosk",
                role=Role.KIOSK.value,
                pin_hash=hash_pin(f"{secrets.randbelow(10**8):08d}"),
                active=False,  # log_in refuses it: no one signs in as the kiosk
            )
            session.add(user)
            session.flush()
            audit.append(
                session,
                actor=KIOSK_USER,
                action="kiosk.account",
                entity="user",
                entity_id=user.id,
                register=register,
            )
        elif user.role != Role.KIOSK.value:
            raise PermissionError(f"user {KIOSK_USER!r} exists and is not the kiosk account")
        return Actor(user.id or 0, user.username, user.display_name, Role.KIOSK, register)
