"""A policy's life: imported as a draft, put in force per store from a moment, rolled back.

Every step is a manager's, needs a reason, and is one unit of work with its audit event.
Assignments are only ever added (a future one that is called off is marked cancelled, not
deleted), so they are the history a manager and an auditor read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from returns_desk.domain.local_day import store_zone
from returns_desk.domain.policy import Policy, PolicyError, parse_policy, run_examples
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy, parsed_version, text_sha256
from returns_desk.services.staff.security import require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import PolicyAssignment, PolicyVersion, Store
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor


class LifecycleError(ValueError):
    """A step that cannot be taken as asked; the message says what and why."""


@dataclass(frozen=True)
class StoredVersion:
    """A version as stored: its row id and the parsed policy."""

    version_id: int
    policy: Policy
    new: bool


@dataclass(frozen=True)
class Activation:
    """Put ``version_id`` in force at store number ``store`` (None: every store) from the
    start of the store's local day ``effective`` (None: now)."""

    version_id: int
    store: int | None
    effective: date | None
    reason: str
    moment: datetime | None = None  # an exact moment instead (the system's default)


def _who(actor: Actor | None) -> tuple[str, str]:
    return (actor.username, actor.register) if actor else ("system", "")


def _reason(reason: str) -> str:
    words = reason.strip()
    if not words:
        raise LifecycleError("give a reason: it is kept in the audit trail with the step")
    return words


def import_policy(
    engine: Engine,
    actor: Actor | None,
    path: Path,
    reason: str,
    *,
    require_examples: bool = True,
) -> StoredVersion:
    """Check a policy file and store it as a draft version (managers; ``actor`` None is
    the system). The same name, version and text again is the stored version; other text
    under a stored version is refused (give the file a new version)."""
    if actor is not None:
        require(actor, Role.MANAGER)
    why = _reason(reason)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LifecycleError(f"{path}: {exc.strerror or exc}") from None
    policy = parse_policy(text, str(path))  # PolicyError says file, line and key
    if require_examples:
        failed = [r for r in run_examples(policy) if not r.passed]
        if failed:
            first = failed[0]
            raise LifecycleError(
                f"{path}:{first.example.line}: example {first.example.name!r} is not decided "
                f"as written ({'; '.join(first.failures)}); "
                f"{len(failed)} failing, run `policy check`"
            )
    sha = text_sha256(text)
    who, register = _who(actor)
    with unit_of_work(engine) as session:
        row = session.exec(
            select(PolicyVersion).where(
                PolicyVersion.name == policy.name, PolicyVersion.version == policy.version
            )
        ).first()
        if row is not None and row.sha256 != sha:
            raise LifecycleError(
                f"{policy.name} version {policy.version} is stored already with different "
                "text; give the file a new version"
            )
        if row is not None:
            assert row.id is not None
            return StoredVersion(row.id, policy, False)
        row = PolicyVersion(
            name=policy.name, version=policy.version, sha256=sha, content=text,
            imported_by=who, reason=why,
        )  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        details = {"name": policy.name, "version": policy.version, "sha256": sha, "reason": why}
        audit.append(
            session, actor=who, action="policy.import", entity="policy_version",
            entity_id=row.id, details=details, register=register,
        )  # fmt: skip
        return StoredVersion(row.id, policy, True)


def find_version(engine: Engine, ref: str) -> int:
    """A version by ``#12`` / ``12`` (its number), ``NAME@VERSION`` or a version string
    that only one stored policy has."""
    text = ref.strip().lstrip("#")
    active_policy(engine)  # first use: the shipped default is stored and in force
    with read_only(engine) as session:
        rows = session.exec(select(PolicyVersion.id, PolicyVersion.name, PolicyVersion.version))
        found = [
            vid
            for vid, name, version in rows.all()
            if vid is not None and text in (str(vid), version, f"{name}@{version}")
        ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise LifecycleError(f"no stored policy version {ref!r}: see `policy list`")
    raise LifecycleError(f"{ref!r} names {len(found)} versions; use NAME@VERSION or #number")


def activate(engine: Engine, actor: Actor | None, activation: Activation) -> list[int]:
    """Put a version in force (managers only); returns the new assignment ids.

    One store: from its local midnight of ``effective`` (or now). Every store: one
    chain-wide assignment; with a future date and stores in several time zones, each
    store gets its own from its midnight, and the chain-wide one (for stores added later)
    starts at the last of those midnights.
    """
    if actor is not None:
        require(actor, Role.MANAGER)
    why = _reason(activation.reason)
    who, register = _who(actor)
    now = utcnow()
    with unit_of_work(engine) as session:
        version = session.get(PolicyVersion, activation.version_id)
        if version is None:
            raise LifecycleError(f"there is no policy version #{activation.version_id}")
        targets = _targets(session, activation, now)
        rows = [
            PolicyAssignment(
                version_id=activation.version_id,
                store_id=store_id,
                effective_from=moment,
                assigned_by=who,
                reason=why,
            )  # fmt: skip
            for store_id, moment in targets
        ]
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows if row.id is not None]
        audit.append(
            session, actor=who, action="policy.activate", entity="policy_version",
            entity_id=version.id, register=register,
            details={
                "name": version.name, "version": version.version, "sha256": version.sha256,
                "store": activation.store, "effective_from": min(m for _, m in targets),
                "assignments": ids, "reason": why,
            },
        )  # fmt: skip
        return ids


def _targets(
    session: Session, activation: Activation, now: datetime
) -> list[tuple[int | None, datetime]]:
    """(store id or None, effective moment) for each assignment an activation adds."""
    stores = session.exec(select(Store).order_by(col(Store.number))).all()
    if activation.moment is not None:
        return [(store_id_of(session, activation.store), activation.moment)]
    if activation.store is not None:
        store = next((s for s in stores if s.number == activation.store), None)
        if store is None:
            raise LifecycleError(f"there is no store {activation.store}")
        return [(store.id, _moment(activation.effective, store_zone(store.timezone), now))]
    zones = {s.timezone for s in stores} or {"UTC"}
    if activation.effective is None or len(zones) == 1:
        zone = store_zone(next(iter(zones)))
        return [(None, _moment(activation.effective, zone, now))]
    own = [(s.id, _moment(activation.effective, store_zone(s.timezone), now)) for s in stores]
    return [*own, (None, max(moment for _, moment in own))]


def _moment(day: date | None, zone: tzinfo, now: datetime) -> datetime:
    """Midnight starting ``day`` in ``zone``, as UTC; today (or no day) is now."""
    if day is None:
        return now
    today = now.astimezone(zone).date()
    if day < today:
        raise LifecycleError(f"--from {day}: that day has begun already; the earliest is today")
    if day == today:
        return now
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def store_id_of(session: Session, number: int | None) -> int | None:
    """The row id of store ``number`` (None stays None: every store)."""
    if number is None:
        return None
    store = session.exec(select(Store).where(Store.number == number)).first()
    if store is None or store.id is None:
        raise LifecycleError(f"there is no store {number}")
    return store.id


def rollback(engine: Engine, actor: Actor, store: int | None, reason: str) -> int:
    """Put back the version that was in force before the current one, from now on, at
    store number ``store`` (None: the chain-wide policy). Changes scheduled there for later
    are called off. Managers only; returns the version now in force."""
    require(actor, Role.MANAGER)
    why = _reason(reason)
    now = utcnow()
    with unit_of_work(engine) as session:
        store_id = store_id_of(session, store)
        rows = applicable(session, store_id)
        past = [r for r in rows if r.effective_from <= now]
        if not past:
            raise LifecycleError("no policy has been in force there yet: nothing to roll back")
        current = past[-1].version_id
        earlier = [r for r in past[:-1] if r.version_id != current]
        if not earlier:
            raise LifecycleError("only one policy has been in force there: nothing to go back to")
        back = earlier[-1].version_id
        called_off = []
        for row in rows:
            if row.effective_from > now and row.store_id == store_id:
                row.cancelled_at, row.cancelled_by = now, actor.username
                session.add(row)
                called_off.append(row.id)
        entry = PolicyAssignment(
            version_id=back, store_id=store_id, effective_from=now, kind="rollback",
            assigned_by=actor.username, reason=why,
        )  # fmt: skip
        session.add(entry)
        session.flush()
        audit.append(
            session, actor=actor.username, action="policy.rollback", entity="policy_version",
            entity_id=back, register=actor.register,
            details={"store": store, "from_version": current, "to_version": back,
                     "cancelled": called_off, "assignment": entry.id, "reason": why},
        )  # fmt: skip
        return back


def applicable(session: Session, store_id: int | None) -> list[PolicyAssignment]:
    """Live assignments that can apply at ``store_id`` (its own and chain-wide; None:
    chain-wide only), in the order they take effect."""
    query = select(PolicyAssignment).where(col(PolicyAssignment.cancelled_at).is_(None))
    if store_id is None:
        query = query.where(col(PolicyAssignment.store_id).is_(None))
    else:
        query = query.where(
            (col(PolicyAssignment.store_id) == store_id) | col(PolicyAssignment.store_id).is_(None)
        )
    order = (col(PolicyAssignment.effective_from), col(PolicyAssignment.id))
    return list(session.exec(query.order_by(*order)).all())


def stored_policy(engine: Engine, version_id: int) -> Policy:
    """A stored version, parsed."""
    with read_only(engine) as session:
        try:
            return parsed_version(session, version_id)
        except PolicyError as exc:  # stored text that no longer parses (a format change)
            raise LifecycleError(f"policy version #{version_id} no longer reads: {exc}") from None
        except LookupError as exc:
            raise LifecycleError(str(exc)) from None
