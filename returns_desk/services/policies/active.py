"""Which return policy is in force: at a store, at a moment.

Managers import policy files as draft versions and assign them to one store or to every
store from an effective moment (see :mod:`.lifecycle`). The version in force at a store is
the latest assignment (its own, or a chain-wide one) whose moment has come. It is looked
up per call (one small indexed query) and parsed once per content hash, so a policy
activated at one register is used by the next decision at every other register from its
effective moment. Every decision records the version that made it.
"""

from __future__ import annotations

import functools
import hashlib
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, or_, select

from returns_desk.domain.policy import Policy, parse_policy
from returns_desk.resources import data_dir
from returns_desk.store.db import read_only
from returns_desk.store.models import PolicyAssignment, PolicyVersion, Store
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

DEFAULT_POLICY = "default.toml"
_parsed: dict[str, Policy] = {}


@dataclass(frozen=True)
class ActivePolicy:
    """The policy in force and the ``policy_version`` row that holds its text."""

    version_id: int
    policy: Policy


def default_policy_path() -> Path:
    """The shipped default policy file."""
    return data_dir("policies") / DEFAULT_POLICY


def active_policy(
    engine: Engine, store_id: int | None = None, at: datetime | None = None
) -> ActivePolicy:
    """The policy in force at store ``store_id`` (None: the chain-wide one) at ``at``
    (default now). On a database where none was ever assigned, the shipped default is
    put in force at every store, by the system."""
    with read_only(engine) as session:
        active = current_policy(session, store_id, at)
    if active is None:
        with suppress(IntegrityError):  # another register did it at the same moment
            activate_policy(engine, default_policy_path(), None, moment=_before_any(engine))
        with read_only(engine) as session:
            active = current_policy(session, store_id, at)
    assert active is not None
    return active


def activate_policy(
    engine: Engine,
    path: Path,
    actor: Actor | None,
    reason: str = "",
    moment: datetime | None = None,
) -> ActivePolicy:
    """Store a policy file (if new) and put it in force at every store now; ``actor``
    None is the system itself. Managers only. ``moment``: from then instead of now (the
    shipped default on first use starts before any store's own policy).

    For setting a desk up (and tests): the file's examples are not run. Managers at work go
    through ``lifecycle.import_policy`` (which runs them, as `policy check` does) and
    ``lifecycle.activate``."""
    from returns_desk.services.policies.lifecycle import Activation, activate, import_policy

    why = reason or ("first use: the shipped default" if actor is None else "activated")
    stored = import_policy(engine, actor, path, why, require_examples=False)
    activate(engine, actor, Activation(stored.version_id, None, None, why, moment))
    return ActivePolicy(stored.version_id, stored.policy)


def _before_any(engine: Engine) -> datetime:
    """When the system's default starts: now, or just before the first assignment a
    manager made, so the default never displaces a store's own policy."""
    with read_only(engine) as session:
        first = session.exec(select(func.min(PolicyAssignment.effective_from))).one()
    now = utcnow()
    return now if first is None or first > now else first - timedelta(seconds=1)


def _in_force(assignment: Any, store_id: Any) -> tuple[list[Any], tuple[Any, ...]]:
    """The rule for which assignment is in force at ``:at``, as (conditions, order): not
    cancelled, effective by then, the store's own (``store_id``, an expression) or
    chain-wide (``store_id`` None: chain-wide only); the latest effective one wins."""
    where = [
        col(assignment.effective_from) <= bindparam("at"),
        col(assignment.cancelled_at).is_(None),
        col(assignment.store_id).is_(None)
        if store_id is None
        else or_(col(assignment.store_id).is_(None), col(assignment.store_id) == store_id),
    ]
    return where, (col(assignment.effective_from).desc(), col(assignment.id).desc())


@functools.cache
def in_force_query(for_store: bool) -> Any:
    """SELECT (version id, sha256) of the assignment in force at the store ``:store_id``
    (``for_store``; else chain-wide only) at ``:at``. Built once per shape: every
    completion asks."""
    where, order = _in_force(PolicyAssignment, bindparam("store_id") if for_store else None)
    return (
        select(PolicyAssignment.version_id, PolicyVersion.sha256)
        .join(PolicyVersion, col(PolicyVersion.id) == col(PolicyAssignment.version_id))
        .where(*where)
        .order_by(*order)
        .limit(1)
    )


def current_policy(
    session: Session, store_id: int | None = None, at: datetime | None = None
) -> ActivePolicy | None:
    """The policy in force at ``store_id`` at ``at`` (default now) as ``session`` sees it;
    None before any is assigned (then :func:`active_policy` assigns the default). Reads the
    version's id and hash (every decision asks); its text only when that hash has not been
    parsed yet."""
    query = in_force_query(store_id is not None)
    params = {"at": at or utcnow(), "store_id": store_id}
    row = session.connection().execute(query, params).first()
    if row is None:
        return None
    version_id, sha = row
    return ActivePolicy(version_id, parsed_version(session, version_id, sha))


@functools.cache
def store_and_policy_query(by_number: bool) -> Any:
    """SELECT the store (``:number``, else the first) with the (version id, sha256) in force
    there at ``:at`` (NULLs before any), in one query: every completion asks for both."""
    chosen = aliased(PolicyAssignment)
    where, order = _in_force(chosen, col(Store.id))
    in_force = (
        select(chosen.id).where(*where).order_by(*order).limit(1).correlate(Store).scalar_subquery()
    )
    query = (
        select(Store, PolicyAssignment.version_id, PolicyVersion.sha256)
        .select_from(Store)
        .outerjoin(PolicyAssignment, col(PolicyAssignment.id) == in_force)
        .outerjoin(PolicyVersion, col(PolicyVersion.id) == col(PolicyAssignment.version_id))
    )
    if by_number:
        return query.where(Store.number == bindparam("number"))
    return query.order_by(col(Store.id)).limit(1)


def store_and_policy(
    session: Session, store_no: int | None, at: datetime | None = None
) -> tuple[Store, ActivePolicy | None] | None:
    """The store numbered ``store_no`` (None: the first) and the policy in force there at
    ``at`` (default now; None before any is assigned), as ``session`` sees them; None if
    there is no such store."""
    query = store_and_policy_query(store_no is not None)
    row = session.exec(query, params={"number": store_no, "at": at or utcnow()}).first()
    if row is None:
        return None
    store, version_id, sha = row
    if version_id is None:
        return store, None
    return store, ActivePolicy(version_id, parsed_version(session, version_id, sha))


def parsed_version(session: Session, version_id: int, sha: str | None = None) -> Policy:
    """A stored version as a Policy, parsed once per content hash."""
    policy = _parsed.get(sha) if sha else None
    if policy is None:
        stored = session.get(PolicyVersion, version_id)
        if stored is None:
            raise LookupError(f"there is no policy version #{version_id}")
        policy = _parsed.get(stored.sha256)
        if policy is None:
            policy = parse_policy(stored.content, f"{stored.name} {stored.version}")
            _parsed[stored.sha256] = policy
    return policy


def text_sha256(text: str) -> str:
    """The content hash a version is known by."""
    return hashlib.sha256(text.encode()).hexdigest()


def policy_of_version(session: Session, version_id: int) -> Policy | None:
    """The policy stored as version ``version_id`` (the one that decided a return)."""
    try:
        return parsed_version(session, version_id)
    except LookupError:
        return None
