"""What an auditor relies on: filters select the right lines, manifests vouch for files, the
export is in the audit trail, customers stay masked, PIN hashes never leave, clerks can't."""

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from returns_desk.services import audit
from returns_desk.services.audit.exchange_log import FilterError
from returns_desk.services.audit.exports import export_exchange_log, preview, sha256_of
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, User


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, ["RT-0000001", "RT-0000002", "RT-0000002", "RT-0000003", "RT-0000004"]),
        ({"store": 102}, ["RT-0000003"]),
        ({"store": 101, "register": 2}, ["RT-0000002", "RT-0000002"]),
        ({"clerk": "cleo"}, ["RT-0000001", "RT-0000003"]),
        ({"outcome": "approve_with_override"}, ["RT-0000002", "RT-0000002"]),
        ({"overrides_only": True}, ["RT-0000002", "RT-0000002"]),
        (
            {"date_from": date(2026, 10, 1)},
            ["RT-0000000", "RT-0000001", "RT-0000002", "RT-0000002", "RT-0000003", "RT-0000004"],
        ),
    ],
)
def test_filters_pick_the_lines_asked_for(ledger_engine, november, as_user, change, expected):
    rows = preview(ledger_engine, as_user("avi"), replace(november, **change))
    assert [r.return_ref for r in rows] == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_to": date(2026, 10, 1)}, "is before"),
        ({"outcome": "maybe"}, "is not one of approve"),
    ],
)
def test_nonsense_filters_are_refused_with_a_reason(
    ledger_engine, november, as_user, change, message
):
    with pytest.raises(FilterError, match=message):
        preview(ledger_engine, as_user("avi"), replace(november, **change))


def test_manifest_vouches_for_the_file_and_the_trail_for_the_manifest(
    ledger_engine, november, as_user, tmp_path
):
    result = export_exchange_log(ledger_engine, as_user("avi"), november, "csv", tmp_path / "x.csv")
    manifest = json.loads((tmp_path / "x.csv.manifest.json").read_text())
    assert manifest["sha256"] == sha256_of(tmp_path / "x.csv") and manifest["rows"] == 5
    assert manifest["filters"]["date_from"] == "2026-11-01"
    assert manifest["customer_details"] == "masked" and manifest["generated_by"] == "avi"
    assert not list(tmp_path.glob("*.partial"))
    with read_only(ledger_engine) as session:
        report = audit.verify(
            session,
            anchor=(manifest["audit_chain_head"]["seq"], manifest["audit_chain_head"]["hash"]),
        )
        event = session.get(AuditEvent, manifest["audit_chain_head"]["seq"])
    assert report.intact and result.rows == 5
    assert event.action == "export.exchange_log" and event.actor == "avi"
    assert json.loads(event.details)["sha256"] == manifest["sha256"]


def test_customers_are_masked_unless_asked_and_unmasking_is_audited(
    ledger_engine, november, as_user, tmp_path
):
    avi = as_user("avi")
    export_exchange_log(ledger_engine, avi, november, "jsonl", tmp_path / "masked.jsonl")
    masked = (tmp_path / "masked.jsonl").read_text()
    assert "C1042" not in masked and '"customer": "***42"' in masked
    unmasked = replace(november, unmask=True)
    export_exchange_log(ledger_engine, avi, unmasked, "jsonl", tmp_path / "open.jsonl")
    assert '"customer": "C1042"' in (tmp_path / "open.jsonl").read_text()
    shown = preview(ledger_engine, avi, unmasked)  # a look is never unmasked
    assert all(r.customer in (None, "***42", "***89") for r in shown)
    with read_only(ledger_engine) as session:
        actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["export.exchange_log", "export.exchange_log.unmasked"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "pdf"])
def test_pin_hashes_never_leave_the_database(ledger_engine, november, as_user, tmp_path, fmt):
    with read_only(ledger_engine) as session:
        hashes = session.exec(select(User.pin_hash)).all()
    out = tmp_path / f"log.{fmt}"
    export_exchange_log(ledger_engine, as_user("avi"), replace(november, unmask=True), fmt, out)
    if fmt == "xlsx":
        import zipfile

        with zipfile.ZipFile(out) as book:
            data = b"".join(book.read(name) for name in book.namelist())
    else:
        data = out.read_bytes()
    data += (tmp_path / f"log.{fmt}.manifest.json").read_bytes()
    assert b"argon2" not in data
    assert not any(h.encode() in data or h.split("$")[-1].encode() in data for h in hashes)


@pytest.mark.parametrize("who", ["cleo", "maria"])
def test_only_auditors_export_and_a_refusal_is_recorded(
    ledger_engine, november, as_user, tmp_path, who
):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RoleError, match="this needs an auditor"):
        export_exchange_log(ledger_engine, as_user(who), november, "csv", out / "x.csv")
    with pytest.raises(RoleError):
        preview(ledger_engine, as_user(who), november)
    assert not list(out.iterdir())
    with read_only(ledger_engine) as session:
        event = session.exec(select(AuditEvent)).one()
    assert (event.actor, event.action) == (who, "export.refused")


def test_xlsx_continues_on_a_new_sheet_past_the_row_limit(
    ledger_engine, november, as_user, tmp_path, monkeypatch
):
    from openpyxl import load_workbook

    from returns_desk.services.audit.export_writers import XlsxWriter

    monkeypatch.setattr(XlsxWriter, "ROWS_PER_SHEET", 2)
    out = tmp_path / "log.xlsx"
    export_exchange_log(ledger_engine, as_user("avi"), november, "xlsx", out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["exchange log", "exchange log 2", "exchange log 3"]
    assert [len(list(book[name].values)) for name in book.sheetnames] == [3, 3, 2]
