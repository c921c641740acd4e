"""``journal import`` with a day's files, a folder of them, and repeats."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.services.staff.people import create_first_manager

runner = CliRunner()
RECEIPTS = Path(__file__).parents[1] / "receipts"


@pytest.fixture(autouse=True)
def _manager(request, engine, monkeypatch):
    """Imports are a manager's (or the POS feed's): the store's first manager, logged in;
    on the demo store, maria."""
    if "demo_engine" in request.fixturenames:
        monkeypatch.setenv("RETURNS_DESK_PIN", "9999")
        return
    create_first_manager(engine, "dana", "Dana Owner", "482915")
    monkeypatch.setenv("RETURNS_DESK_PIN", "482915")


def _import(*args: str, user: str = "dana"):
    return runner.invoke(app, ["journal", "import", *args, "--user", user])


def _feed(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(RECEIPTS / "demo-journal.jsonl", folder / "2026-11-20.jsonl")
    shutil.copy(RECEIPTS / "demo-journal.csv", folder / "2026-11-21.csv")
    (folder / "notes.txt").write_text("not a journal")
    return folder


def test_a_folder_is_imported_file_by_file_in_name_order(engine, tmp_path):
    feed = _feed(tmp_path / "feed")
    result = _import(str(feed))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("imported 2026-11-20.jsonl: 40 receipts")
    assert lines[1].startswith("imported 2026-11-21.csv: 2 receipts (3 lines)")
    again = _import(str(feed / "2026-11-20.jsonl"))
    assert again.exit_code == 0
    assert "skipped 2026-11-20.jsonl: already imported on " in again.output
    assert "as 2026-11-20.jsonl" in again.output


def test_a_copy_under_another_name_is_skipped_and_said_so(engine, tmp_path):
    copy = tmp_path / "resent.jsonl"
    shutil.copy(RECEIPTS / "demo-journal.jsonl", copy)
    result = _import(str(RECEIPTS / "demo-journal.jsonl"), str(copy))
    assert result.exit_code == 0, result.output
    assert "skipped resent.jsonl: already imported" in result.output
    assert "as demo-journal.jsonl" in result.output


def test_the_run_stops_at_a_refused_file_and_names_the_ones_not_tried(engine, tmp_path):
    bad = tmp_path / "b.csv"
    bad.write_text((RECEIPTS / "demo-journal.csv").read_text().replace("FN-CHR", "FN-NOPE"))
    later = tmp_path / "c.csv"
    later.write_text((RECEIPTS / "demo-journal.csv").read_text())
    args = [str(RECEIPTS / "demo-journal.jsonl"), str(bad), str(later)]
    result = _import(*args)
    assert result.exit_code == 1
    assert "imported demo-journal.jsonl: 40 receipts" in result.output
    assert "b.csv, row 2, field 'sku': unknown SKU 'FN-NOPE'" in result.output
    assert "not tried (after a refused file): c.csv" in result.output


def test_a_missing_file_or_an_empty_folder_is_one_clear_line(engine, tmp_path):
    missing = _import(str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 1
    assert "nope.jsonl: no such file or folder" in missing.output
    (tmp_path / "empty").mkdir()
    empty = _import(str(tmp_path / "empty"))
    assert empty.exit_code == 1 and "no .jsonl or .csv files in it" in empty.output


def test_shopify_and_square_exports_from_the_command_line(demo_engine):
    samples = RECEIPTS / "samples"
    shop = _import(
        "--from", "shopify-orders", str(samples / "shopify-orders.csv"),
        "--payments", str(samples / "shopify-transactions.csv"), user="maria",
    )  # fmt: skip
    assert shop.exit_code == 0, shop.output
    assert "imported shopify-orders.csv: 3 receipts" in shop.output
    assert "order #1004 skipped: cancelled" in shop.output
    square = _import("--from", "square-items", str(samples / "square-items.csv"), user="maria")
    assert square.exit_code == 0 and "3 receipts" in square.output
    shown = runner.invoke(app, ["receipt", "show", "#1003"])
    assert shown.exit_code == 0 and "Speckled mug" in shown.output
    wrong = _import("--from", "lightspeed", "x.csv", user="maria")
    assert wrong.exit_code == 2 and "choose journal, shopify-orders, square-items" in wrong.output
