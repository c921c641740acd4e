"""The append-only audit chain and the policy versions decisions refer to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class AuditEvent(SQLModel, table=True):
    """One state change; ``hash`` = SHA-256 over the previous hash and this row's content."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True)
    at: datetime = time_field(index=True)
    actor: str
    register_label: str = ""
    action: str = Field(index=True)
    entity: str
    entity_id: str = ""
    details: str = "{}"
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


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
