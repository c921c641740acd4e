"""One typed settings object: every variable documented in the README, read nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from returns_desk.settings import Settings, SettingsError, load_settings, settings_table

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text()
    assert settings_table() in readme, "README settings table is stale: paste settings_table()"


def test_no_module_reads_the_environment_but_settings():
    readers = []
    for path in (ROOT / "returns_desk").rglob("*.py"):
        text = path.read_text()
        if re.search(r"os\.environ|os\.getenv", text) and path.name not in {
            "settings.py",
            "launch.py",  # the register's name only, before pydantic is loaded (cold start)
            "entry.py",  # only whether the shell asks typer for completions (not a setting)
        }:
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_STORE", "abc")
    with pytest.raises(SettingsError, match=r"RETURNS_DESK_STORE='abc'"):
        load_settings()


def test_values_come_from_their_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("RETURNS_DESK_STORE", " 102 ")
    monkeypatch.setenv("RETURNS_DESK_DATA", str(tmp_path))
    monkeypatch.setenv("RETURNS_DESK_PRINTER", "counter-1")
    settings = load_settings()
    assert settings.store == 102
    assert settings.printer == "counter-1"
    assert settings.slips_folder == tmp_path / "slips"
    assert settings.register_name == "R1"


def test_every_field_is_documented():
    for name, field in Settings.model_fields.items():
        assert field.alias and field.description, name


def test_a_changed_variable_is_read_at_the_next_call(monkeypatch):
    """Settings are parsed once per set of values (a register reads them on every return),
    so a change must show at once, whatever was read before, and going back too."""
    monkeypatch.setenv("RETURNS_DESK_STORE", "101")
    assert load_settings().store == 101
    assert load_settings() is load_settings()  # the same values: parsed once
    monkeypatch.setenv("RETURNS_DESK_STORE", "102")
    assert load_settings().store == 102
    monkeypatch.setenv("returns_desk_store", "103")  # read whatever the case, as pydantic does
    monkeypatch.delenv("RETURNS_DESK_STORE")
    assert load_settings().store == 103
    monkeypatch.delenv("returns_desk_store")
    assert load_settings().store is None
    monkeypatch.setenv("RETURNS_DESK_STORE", "101")
    assert load_settings().store == 101


def test_a_shells_bare_variables_are_not_the_desks(monkeypatch):
    """Only RETURNS_DESK_* (and DATABASE_URL) are read: a shell's PIN, STORE or PRINTER is
    somebody else's and must not log a clerk in or move the desk to another store."""
    for name in ("RETURNS_DESK_PIN", "RETURNS_DESK_STORE", "RETURNS_DESK_PRINTER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIN", "424242")
    monkeypatch.setenv("STORE", "7")
    monkeypatch.setenv("PRINTER", "office-laser")
    settings = load_settings()
    assert settings.pin is None
    assert settings.store != 7
    assert settings.printer != "office-laser"
