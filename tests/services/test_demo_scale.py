"""The chain-scale demo imports every chunk, with unique receipt codes and exact totals."""

from sqlmodel import func, select

from returns_desk.services import audit
from returns_desk.services.journal.demo import seed_scale
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, Tender
from tests.conftest import TODAY


def test_scale_demo_imports_all_chunks_with_progress(engine):
    seen = []
    # 8 chunks: more than the 3 generated ahead, so the queue refills as chunks import
    done = seed_scale(engine, TODAY, 550, chunk=20, progress=lambda n, total: seen.append(n))
    assert done == 550
    assert seen[-1] == 550 and len(seen) == 9 and seen == sorted(seen)
    with read_only(engine) as session:
        assert session.exec(select(func.count()).select_from(Sale)).one() == 550
        codes = session.exec(select(func.count(func.distinct(Sale.receipt_code)))).one()
        assert codes == 550
        paid = session.exec(select(func.sum(Sale.total))).one()
        tendered = session.exec(select(func.sum(Tender.amount))).one()
        assert paid == tendered
        assert audit.verify(session).intact
