"""The append-only audit chain and the policy versions decisions refer to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class AuditEvent(SQLModel, table=True):
    """One state change; ``hash`` = HMAC-SHA-256 over the previous hash and this row's content.

    ``chain_version`` says how the hash was made: 1, plain SHA-256 over fields joined by a
    separator (events written before the chain was keyed); 2, HMAC with the audit key over a
    length-prefixed encoding (``services.audit``).
    """

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True)
    chain_version: int = Field(default=2, sa_column_kwargs={"server_default": "1"})
    at: datetime = time_field(index=True)
    actor: str
    register_label: str = ""
    action: str = Field(index=True)
    entity: str
    entity_id: str = ""
    details: str = "{}"
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """The chain's head in one row (id 1): appending locks it, so events queue in one line.

    ``key_id`` names the audit key the chain is being written with (a digest of it, not the
    key), so a register configured with another key is refused before it breaks the chain.
    """

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)
    key_id: str = Field(default="", max_length=16)


class PolicyVersion(SQLModel, table=True):
    """A policy file as a manager imported it. Decisions record which one decided them; where
    and from when it is in force is in ``policy_assignment``. A version never assigned is a
    draft."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    version: str
    sha256: str = Field(max_length=64)
    content: str
    imported_at: datetime = time_field()
    imported_by: str = ""
    reason: str = ""


class PolicyAssignment(SQLModel, table=True):
    """A version put in force at one store (``store_id``) or at every store (None) from
    ``effective_from`` on. Rows are only added (a cancelled future one keeps its row), so
    they are the policy history; the latest effective row for a store is in force there."""

    __tablename__ = "policy_assignment"
    __table_args__ = (Index("ix_policy_assignment_store_from", "store_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="policy_version.id", index=True)
    store_id: int | None = Field(default=None, foreign_key="store.id")
    effective_from: datetime = time_field(index=True)
    kind: str = "activate"  # activate | rollback
    assigned_at: datetime = time_field()
    assigned_by: str = ""
    reason: str = ""
    cancelled_at: datetime | None = time_field(now=False)
    cancelled_by: str = ""
