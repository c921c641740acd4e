"""What an adapter needs to know of the desk's database: its stores (to place a POS
location), the SKUs it knows (to add only new products), and the receipt codes of sales
already imported by their POS reference (so a re-imported export finds them again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, func, select

from returns_desk.domain.codes import make_receipt_code
from returns_desk.store.models import Product, Sale, Store

DEFAULT_REGISTER = 99  # imported sales get a register of their own: no clash with the tills'


@dataclass(frozen=True)
class ExportOptions:
    """How to read an export: ``store``/``register`` for its sales (else the store named by
    the export's location), the currency it must be in, a time zone for times without an
    offset, and (Shopify) the transactions export that says what each payment took."""

    store: int | None = None
    register: int = DEFAULT_REGISTER
    currency: str | None = None
    timezone: str | None = None
    payments: Path | None = None


@dataclass
class Desk:
    """The database as the adapter reads it (one read-only session)."""

    session: Session
    stores: dict[str, int] = field(default_factory=dict)  # lower-case name -> number
    zones: dict[int, str] = field(default_factory=dict)
    skus: set[str] = field(default_factory=set)
    codes: dict[tuple[int, str], str] = field(default_factory=dict)
    _next: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> Desk:
        desk = cls(session)
        for store in session.exec(select(Store)):
            desk.stores[store.name.strip().lower()] = store.number
            desk.zones[store.number] = store.timezone
        desk.skus = set(session.exec(select(Product.sku)))
        return desk

    def store_for(self, location: str, options: ExportOptions) -> int | None:
        """``--store``, else the store whose name is the export's location."""
        if options.store is not None:
            return options.store
        return self.stores.get(location.strip().lower())

    def know_references(self, references: list[str]) -> None:
        """Load the codes of sales already imported under these references."""
        for i in range(0, len(references), 500):
            chunk = references[i : i + 500]
            rows = self.session.exec(
                select(Store.number, Sale.reference, Sale.receipt_code)
                .join(Store, col(Store.id) == col(Sale.store_id))
                .where(col(Sale.reference).in_(chunk))
            )
            for number, reference, code in rows:
                if reference is not None:
                    self.codes[(number, reference)] = code

    def code_for(self, reference: str, store: int, register: int) -> str:
        """The receipt code for a POS sale: the one it was imported under before, else the
        register's next."""
        known = self.codes.get((store, reference))
        if known is not None:
            return known
        code = make_receipt_code(store, register, self._next_sequence(store, register)).digits
        self.codes[(store, reference)] = code
        return code

    def _next_sequence(self, store: int, register: int) -> int:
        key = (store, register)
        if key not in self._next:
            prefix = f"{store:03d}{register:02d}"
            top = self.session.exec(
                select(func.max(Sale.receipt_code)).where(col(Sale.receipt_code).startswith(prefix))
            ).one()
            self._next[key] = int(top[5:12]) if top else 0
        self._next[key] += 1
        return self._next[key]
