"""The append-only audit chain and the policy versions decisions refer to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
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
    """A policy file as it was activated; decisions record which one decided them."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    version: str
    sha256: str = Field(max_length=64)
    content: str
    active: bool = False
    activated_at: datetime = time_field()
    activated_by: str = ""
