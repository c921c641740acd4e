"""Which return policy is active: policy files are activated (content and SHA-256 stored,
audited) and every decision records the version that made it.

The active version is looked up per call (one small query) and parsed once per content
hash, so a policy activated at one register is used by the next decision at any other.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from returns_desk.domain.policy import Policy, parse_policy
from returns_desk.domain.roles import Role
from returns_desk.resources import data_dir
from returns_desk.services import audit
from returns_desk.services.staff.security import require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import PolicyVersion

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


def active_policy(engine: Engine) -> ActivePolicy:
    """The active policy; on a database without one, the shipped default is activated."""
    with read_only(engine) as session:
        active = current_policy(session)
    if active is None:
        with suppress(IntegrityError):  # another register activated it at the same moment
            activate_policy(engine, default_policy_path(), None)
        with read_only(engine) as session:
            active = current_policy(session)
    assert active is not None
    return active


def activate_policy(engine: Engine, path: Path, actor: Actor | None) -> ActivePolicy:
    """Check a policy file and make it the active one; ``actor`` None is the system itself.

    Activating the same name and version again with the same text re-activates that row;
    different text under the same version is refused (bump the version).
    """
    if actor is not None:
        require(actor, Role.MANAGER)
    text = path.read_text(encoding="utf-8")
    policy = parse_policy(text, str(path))
    sha = hashlib.sha256(text.encode()).hexdigest()
    who = actor.username if actor else "system"
    with unit_of_work(engine) as session:
        row = _version_row(session, policy, sha, text, who)
        for other in session.exec(select(PolicyVersion).where(PolicyVersion.active)):
            other.active = False
            session.add(other)
        session.flush()
        row.active = True
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=who,
            action="policy.activate",
            entity="policy_version",
            entity_id=row.id,
            details={"name": policy.name, "version": policy.version, "sha256": sha},
            register=actor.register if actor else "",
        )
        assert row.id is not None
        return ActivePolicy(row.id, policy)


def _version_row(session: Session, policy: Policy, sha: str, text: str, who: str) -> PolicyVersion:
    """The row for this name and version, added if new; refuses changed text."""
    row = session.exec(
        select(PolicyVersion).where(
            PolicyVersion.name == policy.name, PolicyVersion.version == policy.version
        )
    ).first()
    if row is not None and row.sha256 != sha:
        raise ValueError(
            f"{policy.name} version {policy.version} was activated before with different "
            "text; give the file a new version"
        )
    if row is None:
        row = PolicyVersion(
            name=policy.name, version=policy.version, sha256=sha, content=text, activated_by=who
        )
        session.add(row)
    return row


def policy_of_version(session: Session, version_id: int) -> Policy | None:
    """The policy stored as version ``version_id`` (the one that decided a return)."""
    stored = session.get(PolicyVersion, version_id)
    if stored is None:
        return None
    policy = _parsed.get(stored.sha256)
    if policy is None:
        policy = parse_policy(stored.content, f"{stored.name} {stored.version}")
        _parsed[stored.sha256] = policy
    return policy


def current_policy(session: Session) -> ActivePolicy | None:
    """The active policy as ``session`` sees it, None before any is activated (then
    :func:`active_policy` activates the default). Reads the version's id and hash (every
    decision asks); its text only when that hash has not been parsed yet."""
    row = session.exec(
        select(PolicyVersion.id, PolicyVersion.sha256).where(PolicyVersion.active)
    ).first()
    if row is None:
        return None
    version_id, sha = row
    policy = _parsed.get(sha)
    if policy is None:
        stored = session.get(PolicyVersion, version_id)
        assert stored is not None
        policy = parse_policy(stored.content, f"{stored.name} {stored.version}")
        _parsed[sha] = policy
    return ActivePolicy(version_id, policy)
