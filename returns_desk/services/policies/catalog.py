"""The names of the store's catalogue, for checking a policy's scopes against it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import select

from returns_desk.store.db import read_only
from returns_desk.store.models import Product

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def catalogue_names(engine: Engine) -> dict[str, set[str]]:
    """The departments, categories and brands of every product, lower-case."""
    names: dict[str, set[str]] = {"departments": set(), "categories": set(), "brands": set()}
    with read_only(engine) as session:
        rows = session.exec(
            select(Product.department, Product.category, Product.brand).distinct()
        ).all()
    for department, category, brand in rows:
        for kind, value in (("departments", department), ("categories", category),
                            ("brands", brand)):  # fmt: skip
            if value:
                names[kind].add(value.strip().lower())
    return names
