"""Stores, registers, people and the product catalogue with its price history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.domain.roles import Role
from returns_desk.store.tables._base import money_field, time_field


class Store(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)
    name: str
    region: str = ""
    address: str = ""
    timezone: str = "UTC"


class Register(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("store_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    number: int
    name: str = ""


class User(SQLModel, table=True):
    """A clerk, manager, auditor or integration account; the PIN (an integration account's
    key) is kept only as an argon2 hash. ``failed_pins`` counts wrong PINs since the last
    good one; it is raised in the database before a PIN is checked, so registers guessing
    at once share one limit."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    display_name: str
    role: str = Field(default=Role.CLERK)
    pin_hash: str
    failed_pins: int = 0
    locked_until: datetime | None = time_field(now=False)
    active: bool = True
    store_id: int | None = None  # home store: a clerk sees its complaints (no FK: see Complaint)
    last_login_at: datetime | None = time_field(now=False)


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True, index=True)
    upc: str | None = Field(default=None, unique=True, index=True)
    description: str
    department: str = Field(index=True)
    category: str = ""
    serialized: bool = False
    final_sale: bool = False
    brand: str | None = Field(default=None, max_length=80)
    attributes: str | None = Field(default=None, max_length=2000)  # canonical JSON, see receipt


class ProductPrice(SQLModel, table=True):
    """Shelf price from a date on; receiptless returns look for the lowest recent one."""

    __tablename__ = "product_price"
    __table_args__ = (UniqueConstraint("product_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    price: Decimal = money_field()
    effective_from: date
