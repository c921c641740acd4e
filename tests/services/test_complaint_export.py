"""The complaint export as managers and auditors rely on it: every complaint (or the chosen
ones), contacts masked unless an auditor asks, a manifest the trail vouches for, clerks
refused and the refusal recorded, and no half-written file under the real name."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from returns_desk.domain.complaint import Answer, Outcome, Remedy, Status
from returns_desk.services import audit
from returns_desk.services.audit.manifests import sha256_of
from returns_desk.services.complaints import export as module
from returns_desk.services.complaints.decisions import decide, record_answer
from returns_desk.services.complaints.export import ComplaintFilters, export_complaints
from returns_desk.services.complaints.lifecycle import NewComplaint, log_complaint, transition
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)


def _log(engine, actor, now=MONDAY, **kw):
    fields = {
        "category": "product quality",
        "description": "Kettle leaks after a week",
        "remedy_sought": "refund",
    }
    return log_complaint(engine, actor, NewComplaint(**{**fields, **kw}), now=now)


def _records(path, fmt):
    text = path.read_text(encoding="utf-8")
    if fmt == "csv":
        return list(csv.DictReader(text.splitlines()))
    return [json.loads(line) for line in text.splitlines()]


def _events(engine, since=0):
    with read_only(engine) as session:
        query = select(AuditEvent).where(AuditEvent.seq > since).order_by(col(AuditEvent.seq))
        return session.exec(query).all()


def _folder(tmp_path):
    """An empty folder of its own (the test's database lives in ``tmp_path``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _head(engine):
    with read_only(engine) as session:
        return audit.head(session)[0]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_auditor_exports_every_complaint_with_a_manifest_the_trail_vouches_for(
    demo_engine, demo_actors, tmp_path, fmt
):
    for _ in range(3):
        _log(demo_engine, demo_actors["cleo"], customer_name='Zoë, "Z"', contact="555-0142")
    out = tmp_path / f"complaints.{fmt}"
    result = export_complaints(
        demo_engine, demo_actors["avi"], out, fmt, ComplaintFilters(unmask=True)
    )
    records = _records(out, fmt)
    assert [r["reference"] for r in records] == [f"CMP-2026-00000{i}" for i in (1, 2, 3)]
    assert records[0]["customer_name"] == 'Zoë, "Z"' and records[0]["contact"] == "555-0142"
    assert records[0]["clerk"] == "cleo"
    manifest = json.loads((tmp_path / f"complaints.{fmt}.manifest.json").read_text())
    assert result.manifest == manifest and result.rows == manifest["rows"] == 3
    assert manifest["sha256"] == sha256_of(out) and manifest["format"] == fmt
    assert manifest["filters"] == {
        "status": None, "category": None, "overdue": False, "unmask": True
    }  # fmt: skip
    assert manifest["customer_details"] == "unmasked" and manifest["generated_by"] == "avi"
    assert not list(tmp_path.glob("*.partial"))
    head = manifest["audit_chain_head"]
    with read_only(demo_engine) as session:
        report = audit.verify(session, anchor=(head["seq"], head["hash"]))
        event = session.exec(select(AuditEvent).where(AuditEvent.seq == head["seq"])).one()
    assert report.intact and head["seq"] == report.head_seq  # the export's own event is head
    assert (event.action, event.actor, event.entity) == (
        "complaint.export.unmasked", "avi", "complaint"
    )  # fmt: skip
    details = json.loads(event.details)
    assert details["sha256"] == manifest["sha256"] and details["rows"] == 3


@pytest.mark.parametrize("who", ["maria", "avi"])
def test_contacts_are_masked_unless_asked(demo_engine, demo_actors, tmp_path, who):
    _log(demo_engine, demo_actors["cleo"], customer_name="Bo Diddley", contact="bo@example.com")
    _log(demo_engine, demo_actors["cleo"], customer_name="Al", contact="555-0142")
    _log(demo_engine, demo_actors["cleo"])  # gave neither
    out = tmp_path / "masked.jsonl"
    result = export_complaints(demo_engine, demo_actors[who], out, "jsonl")
    text = out.read_text(encoding="utf-8")
    for secret in ("Bo Diddley", "bo@example.com", "555-0142", '"Al"'):
        assert secret not in text
    records = _records(out, "jsonl")
    assert [(r["customer_name"], r["contact"]) for r in records] == [
        ("***ey", "***om"), ("***", "***42"), ("", "")
    ]  # fmt: skip
    assert result.manifest["customer_details"] == "masked"
    assert _events(demo_engine)[-1].action == "complaint.export"


def test_clerks_are_refused_and_the_refusal_is_recorded(demo_engine, demo_actors, tmp_path):
    _log(demo_engine, demo_actors["cleo"], contact="555-0142")
    seen, folder = _head(demo_engine), _folder(tmp_path)
    with pytest.raises(RoleError, match="Cleo Clerk is a clerk; this needs a manager or auditor"):
        export_complaints(demo_engine, demo_actors["cleo"], folder / "x.csv")
    assert list(folder.iterdir()) == []
    [event] = _events(demo_engine, seen)
    assert (event.actor, event.action, event.entity) == ("cleo", "export.refused", "complaint")
    assert json.loads(event.details)["role"] == "clerk"


def test_only_an_auditor_may_unmask(demo_engine, demo_actors, tmp_path):
    _log(demo_engine, demo_actors["cleo"], contact="555-0142")
    seen, folder = _head(demo_engine), _folder(tmp_path)
    unmasked = ComplaintFilters(unmask=True)
    with pytest.raises(RoleError, match="Maria Manager is a manager; showing customer contacts"):
        export_complaints(demo_engine, demo_actors["maria"], folder / "x.csv", "csv", unmasked)
    assert list(folder.iterdir()) == []
    [event] = _events(demo_engine, seen)
    assert (event.actor, event.action) == ("maria", "export.refused")
    assert json.loads(event.details)["what"] == "export csv unmasked"


def test_filters_choose_the_complaints_and_are_in_the_manifest(demo_engine, demo_actors, tmp_path):
    cleo, maria = demo_actors["cleo"], demo_actors["maria"]
    late = _log(demo_engine, cleo, now=LONG_AGO, category="refund")
    fresh = _log(demo_engine, cleo)
    done = _log(demo_engine, cleo, now=LONG_AGO)
    transition(demo_engine, maria, done, Status.INVESTIGATING)
    decide(demo_engine, maria, done, Outcome.UPHELD, "It leaked.", Remedy.APOLOGY)
    record_answer(demo_engine, cleo, done, Answer.ACCEPTED)

    def refs(**kw):
        out = tmp_path / "some.csv"
        result = export_complaints(demo_engine, maria, out, "csv", ComplaintFilters(**kw))
        assert result.manifest["filters"] == ComplaintFilters(**kw).as_dict()
        return [r["reference"] for r in _records(out, "csv")]

    assert refs() == [late, fresh, done]
    assert refs(overdue=True) == [late]
    assert refs(status=Status.RESOLVED) == [done]
    assert refs(category="refund") == [late]
    out = tmp_path / "resolved.csv"
    export_complaints(demo_engine, maria, out, "csv", ComplaintFilters(status=Status.RESOLVED))
    manifest = json.loads((tmp_path / "resolved.csv.manifest.json").read_text())
    assert manifest["filters"]["status"] == "resolved" and manifest["rows"] == 1


def test_a_failed_export_leaves_the_old_file_and_no_partial(
    demo_engine, demo_actors, tmp_path, monkeypatch
):
    _log(demo_engine, demo_actors["cleo"])
    folder = _folder(tmp_path)
    out = folder / "complaints.csv"
    out.write_text("yesterday's export\n")
    seen = _head(demo_engine)

    def disk_full(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "sha256_of", disk_full)
    with pytest.raises(OSError, match="No space left"):
        export_complaints(demo_engine, demo_actors["avi"], out)
    assert [p.name for p in folder.iterdir()] == ["complaints.csv"]
    assert out.read_text() == "yesterday's export\n"
    assert _events(demo_engine, seen) == []  # nothing exported, nothing claimed


def test_an_unknown_format_is_refused(demo_engine, demo_actors, tmp_path):
    folder = _folder(tmp_path)
    with pytest.raises(ValueError, match="choose csv or jsonl"):
        export_complaints(demo_engine, demo_actors["avi"], folder / "x.xlsx", "xlsx")
    assert list(folder.iterdir()) == []
