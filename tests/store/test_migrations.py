"""The receiptless-ID and started-at migrations go down and up again on a database with
returns in it, and leave the schema the tables describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from returns_desk.domain.customer_id import parse_customer_id
from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.services.returns.complete import complete_return
from returns_desk.store.migrate import _config, current_revision, upgrade
from tests.drafts import receiptless_request
from tests.services.test_returns import TODAY

BEFORE_ID = "03fcfd8a4d27"
ID_COLUMNS = {"id_type", "id_hash", "id_masked", "started_at"}


def _downgrade(engine, revision):
    cfg = _config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def _columns(engine):
    return {c["name"] for c in inspect(engine).get_columns("return_txn")}


def _count(engine, table):
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_receiptless_id_columns_go_down_and_up_with_returns_kept(demo_engine, demo_actors):
    item = ReturnItem(1, code="HM-BLND", reason_code="changed_mind")
    customer = parse_customer_id("passport", "X9988776")
    request = receiptless_request((item,), customer, Settlement.STORE_CREDIT)
    done = complete_return(demo_engine, demo_actors["cleo"], request, TODAY)
    head = current_revision(demo_engine)
    try:
        _downgrade(demo_engine, BEFORE_ID)  # return lines and a voucher point at return_txn
        assert current_revision(demo_engine) == BEFORE_ID
        assert not ID_COLUMNS & _columns(demo_engine)
        assert (_count(demo_engine, "return_txn"), _count(demo_engine, "return_line")) == (1, 1)
    finally:
        upgrade(demo_engine)
    assert current_revision(demo_engine) == head and _columns(demo_engine) >= ID_COLUMNS
    with demo_engine.connect() as connection:
        reference = connection.execute(text("SELECT reference FROM return_txn")).scalar_one()
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert reference == done.reference
    assert diff == []
