"""Log-in for every command that changes data: the first manager (`init`), staff management,
journal imports by a manager or the POS feed's own account, the demo kept out of real
stores, and schema upgrades by a manager."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.services.staff.security import log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, JournalImport

runner = CliRunner()
RECEIPTS = Path(__file__).parents[1] / "receipts"
JOURNAL = RECEIPTS / "demo-journal.jsonl"
MARIA = {"RETURNS_DESK_PIN": "9999", "COLUMNS": "160"}


def _init(name="dana", pin="482915"):
    return runner.invoke(app, ["init"], input=f"{name}\nDana Owner\n{pin}\n{pin}\n")


def test_init_makes_the_first_manager_once(engine):
    bad = _init(pin="123456")
    assert bad.exit_code == 1 and "too easy to guess" in bad.output
    made = _init()
    assert made.exit_code == 0, made.output
    assert "dana is this store's first manager" in made.output
    assert log_in(engine, "dana", "482915").role.value == "manager"
    again = _init(name="mallory")
    assert again.exit_code == 1 and "already has staff" in again.output


def test_the_desk_on_a_stores_empty_database_says_to_run_init_and_never_seeds_the_demo(engine):
    """Only the embedded default gets the demo store; DATABASE_URL names a store's database."""
    from returns_desk.services.staff.people import has_staff
    from returns_desk.tui.launch import NoStaffYet, prepare_database

    with pytest.raises(NoStaffYet, match="run `returns-desk init`"):
        prepare_database()
    assert not has_staff(engine)
    assert _init().exit_code == 0
    prepare_database().dispose()  # opens now: someone can log in


def test_journal_import_needs_a_manager_or_the_feeds_key_never_free_text(engine):
    assert _init().exit_code == 0
    dana = {"RETURNS_DESK_PIN": "482915"}
    staff = ["staff", "add", "--user", "dana"]
    runner.invoke(app, [*staff, "cleo", "--name", "Cleo"], env=dana, input="4821\n4821\n")
    refused = runner.invoke(app, ["journal", "import", str(JOURNAL), "--user", "cleo"],
                            input="4821\n")  # fmt: skip
    assert refused.exit_code == 1
    assert "importing sales needs a manager or an integration account" in refused.output
    anonymous = runner.invoke(app, ["journal", "import", str(JOURNAL)])
    assert anonymous.exit_code == 2 and "--user" in anonymous.output
    old_way = runner.invoke(app, ["journal", "import", str(JOURNAL), "--actor", "pos"])
    assert old_way.exit_code == 2
    added = runner.invoke(app, [*staff, "posfeed", "--name", "POS feed", "--role", "integration"],
                          env=dana)  # fmt: skip
    assert added.exit_code == 0, added.output
    key = added.output.strip().splitlines()[-1]
    feed = runner.invoke(app, ["journal", "import", str(JOURNAL), "--user", "posfeed"],
                         env={"RETURNS_DESK_PIN": key})  # fmt: skip
    assert feed.exit_code == 0, feed.output
    with read_only(engine) as session:
        imports = session.exec(select(JournalImport)).all()
        refusals = session.exec(
            select(AuditEvent).where(AuditEvent.action == "journal.import.refused")
        ).all()
    assert [i.imported_by for i in imports] == ["posfeed"]
    assert [e.actor for e in refusals] == ["cleo"]


def test_the_demo_is_refused_on_a_store_and_on_a_touched_demo(engine, demo_actors):
    fresh = runner.invoke(app, ["demo", "--receipts", "5", "--today", "2026-11-23"])
    assert "already has sales" in fresh.output  # the untouched demo: nothing changes
    runner.invoke(app, ["staff", "add", "dana", "--name", "Dana", "--user", "maria"],
                  env=MARIA, input="4821\n4821\n")  # fmt: skip
    refused = runner.invoke(app, ["demo", "--today", "2026-11-23"])
    assert refused.exit_code == 1
    assert "not the untouched demo store" in refused.output and "published PINs" in refused.output


def test_the_demo_is_refused_once_its_people_are_renamed(demo_engine):
    from sqlalchemy import text

    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE \"user\" SET username = 'mgr' WHERE username = 'maria'"))
    refused = runner.invoke(app, ["demo", "--today", "2026-11-23"])
    assert refused.exit_code == 1 and "store's own people" in refused.output
    with read_only(demo_engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.actor == "demo")).all()
    assert runner.invoke(app, ["demo"]).exit_code == 1


def test_staff_commands_for_a_manager(demo_engine):
    added = runner.invoke(app, ["staff", "add", "dana", "--name", "Dana Clerk", "--user",
                                "maria"], env=MARIA, input="4821\n4821\n")  # fmt: skip
    assert added.exit_code == 0 and "added dana (clerk)" in added.output
    weak = runner.invoke(app, ["staff", "add", "eve", "--name", "Eve", "--role", "auditor",
                               "--user", "maria"], env=MARIA, input="4821\n4821\n")  # fmt: skip
    assert weak.exit_code == 1 and "an auditor's PIN is 6 to 8 digits" in weak.output
    for _ in range(5):
        runner.invoke(app, ["audit", "log", "--user", "dana"], input="0000\n")
    listed = runner.invoke(app, ["staff", "list", "--user", "maria"], env=MARIA)
    assert listed.exit_code == 0, listed.output
    dana = next(line for line in listed.output.splitlines() if "Dana Clerk" in line)
    assert "locked until" in dana
    unlocked = runner.invoke(app, ["staff", "unlock", "dana", "--user", "maria"], env=MARIA)
    assert unlocked.exit_code == 0 and "dana is unlocked" in unlocked.output
    disabled = runner.invoke(app, ["staff", "disable", "dana", "--reason", "left", "--user",
                                   "maria"], env=MARIA)  # fmt: skip
    assert disabled.exit_code == 0
    listed = runner.invoke(app, ["staff", "list", "--user", "maria"], env=MARIA)
    assert "disabled" in next(ln for ln in listed.output.splitlines() if "Dana Clerk" in ln)
    clerk = runner.invoke(app, ["staff", "unlock", "sam", "--user", "cleo"], input="1111\n")
    assert clerk.exit_code == 1 and "this needs a manager" in clerk.output


def test_people_set_their_own_pin_managers_reset_others(demo_engine):
    own = runner.invoke(app, ["staff", "set-pin", "cleo", "--user", "cleo"],
                        input="1111\n5830\n5830\n")  # fmt: skip
    assert own.exit_code == 0 and "cleo's PIN is set" in own.output
    assert log_in(demo_engine, "cleo", "5830").username == "cleo"
    other = runner.invoke(app, ["staff", "set-pin", "sam", "--user", "cleo"], input="5830\n")
    assert other.exit_code == 1 and "this needs a manager" in other.output
    reset = runner.invoke(app, ["staff", "set-pin", "sam", "--user", "maria"], env=MARIA,
                          input="7261\n7261\n")  # fmt: skip
    assert reset.exit_code == 0 and log_in(demo_engine, "sam", "7261")


def test_db_upgrade_of_a_store_needs_a_manager(demo_engine):
    from alembic.script import ScriptDirectory

    from returns_desk.store.migrate import current_revision, head_revision, upgrade
    from tests.store.test_migrations import _downgrade

    scripts = ScriptDirectory(str(RECEIPTS.parent / "db"))
    before = scripts.get_revision(head_revision()).down_revision
    _downgrade(demo_engine, before)  # as a store's database was before this version
    try:
        stale = runner.invoke(app, ["receipt", "show", "101-03-9000001-8"])
        assert stale.exit_code == 1 and "a manager runs `returns-desk db upgrade" in stale.output
        anonymous = runner.invoke(app, ["db", "upgrade"])
        assert (
            anonymous.exit_code == 1 and "a manager upgrades it (--user NAME)" in anonymous.output
        )
        clerk = runner.invoke(app, ["db", "upgrade", "--user", "cleo"],
                              env={"RETURNS_DESK_PIN": "1111"})  # fmt: skip
        assert clerk.exit_code == 1 and "needs a manager" in clerk.output
        wrong = runner.invoke(app, ["db", "upgrade", "--user", "maria"], input="0000\n")
        assert wrong.exit_code == 1 and "wrong PIN; 4 tries left" in wrong.output
        assert current_revision(demo_engine) == before
        done = runner.invoke(app, ["db", "upgrade", "--user", "maria"], input="9999\n")
        assert done.exit_code == 0, done.output
        assert f"was {before} by maria" in done.output
    finally:
        upgrade(demo_engine)
    assert current_revision(demo_engine) == head_revision()
    with read_only(demo_engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "db.upgrade")).one()
    assert event.actor == "maria" and json.loads(event.details)["from"] == before
