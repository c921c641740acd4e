"""Bulk writes (journal import's fast path) store the same values the ORM would."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlmodel import SQLModel, select

from returns_desk.store import bulk
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Register, Sale, Store

SALE = SQLModel.metadata.tables["sale"]
COLUMNS = [
    "id",
    "receipt_code",
    "store_id",
    "register_id",
    "sold_at",
    "total",
    "order_discount",
    "gift_receipt",
]


def _register(engine) -> tuple[int, int]:
    with unit_of_work(engine) as s:
        store = Store(number=101, name="Riverside", region="TX")
        s.add(store)
        s.flush()
        reg = Register(store_id=store.id, number=2)
        s.add(reg)
        s.flush()
        return store.id, reg.id


def _bulk_sales(engine, store_id: int, reg_id: int, codes: list[str]) -> list[int]:
    sold = datetime(2026, 11, 2, 14, 5, tzinfo=timezone(timedelta(hours=-6)))
    with unit_of_work(engine) as s:
        conn = s.connection()
        ids = bulk.reserve_ids(conn, SALE, len(codes))
        insert = bulk.prepare_insert(conn.dialect, SALE, COLUMNS)
        rows = [
            {
                "id": i,
                "receipt_code": code,
                "store_id": store_id,
                "register_id": reg_id,
                "sold_at": sold,
                "total": Decimal("140.72"),
                "order_discount": Decimal("0.05"),
                "gift_receipt": True,
            }
            for i, code in zip(ids, codes, strict=True)
        ]
        assert bulk.insert_many(conn, insert, rows) == len(codes)
    return ids


def test_bulk_rows_read_back_exact_through_the_orm(engine):
    store_id, reg_id = _register(engine)
    ids = _bulk_sales(engine, store_id, reg_id, ["1010200001236", "1010200001243"])
    with read_only(engine) as s:
        sales = s.exec(select(Sale).order_by(Sale.id)).all()
    assert [x.id for x in sales] == ids
    assert sales[0].total == Decimal("140.72") and sales[0].order_discount == Decimal("0.05")
    assert sales[0].sold_at == datetime(2026, 11, 2, 20, 5, tzinfo=UTC)
    assert sales[0].gift_receipt is True


def test_ids_reserved_in_bulk_never_collide_with_later_inserts(engine):
    store_id, reg_id = _register(engine)
    ids = _bulk_sales(engine, store_id, reg_id, ["1010200001236", "1010200001243"])
    more = _bulk_sales(engine, store_id, reg_id, ["1010200001250"])
    with unit_of_work(engine) as s:
        one = Sale(
            receipt_code="1010200001267",
            store_id=store_id,
            register_id=reg_id,
            sold_at=datetime(2026, 11, 3, tzinfo=UTC),
            total=Decimal("1.00"),
        )
        s.add(one)
        s.flush()
        orm_id = one.id
    assert len(set(ids + more + [orm_id])) == 4
    assert min(more) > max(ids)


def test_a_failed_bulk_write_leaves_nothing(engine):
    store_id, reg_id = _register(engine)
    try:
        _bulk_sales(engine, store_id, reg_id, ["1010200001236", "1010200001236"])
    except Exception as exc:  # the unique receipt code, whichever driver reports it
        assert "receipt_code" in str(exc) or "unique" in str(exc).lower()
    else:  # pragma: no cover - the duplicate must be refused
        raise AssertionError("duplicate receipt codes were accepted")
    with read_only(engine) as s:
        assert s.exec(select(Sale)).all() == []
