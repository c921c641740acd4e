"""The chain-scale demo imports every chunk, with unique receipt codes and exact totals."""

from sqlmodel import func, select

from returns_desk.services import audit
from returns_desk.services.demo import seed_scale
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, Tender
from tests.conftest import TODAY


def test_scale_demo_imports_all_chunks_with_progress(engine):
    seen = []
    done = seed_scale(engine, TODAY, 470, chunk=30, progress=lambda n, total: seen.append(n))
    assert done == 470
    assert seen[-1] == 470 and seen == sorted(seen)
    with read_only(engine) as session:
        assert session.exec(select(func.count()).select_from(Sale)).one() == 470
        codes = session.exec(select(func.count(func.distinct(Sale.receipt_code)))).one()
        assert codes == 470
        paid = session.exec(select(func.sum(Sale.total))).one()
        tendered = session.exec(select(func.sum(Tender.amount))).one()
        assert paid == tendered
        assert audit.verify(session).intact
