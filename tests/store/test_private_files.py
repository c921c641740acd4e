"""What the desk writes to disk is readable by its owner only: the SQLite database with its
WAL and SHM files, the data folder, the slips folder and the key files."""

from __future__ import annotations

import os

from sqlalchemy import text

from returns_desk.printing.printers import save_pdf
from returns_desk.store.db import make_engine


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path):
    usual = os.umask(0o022)  # a usual umask: left alone, files would be 0644
    try:
        path = tmp_path / "desk.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            files = [path, tmp_path / "desk.db-wal", tmp_path / "desk.db-shm"]
            assert all(f.exists() for f in files)
            assert [_mode(f) for f in files] == [0o600] * 3
        engine.dispose()
    finally:
        os.umask(usual)


def test_an_older_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "desk.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def test_the_slips_folder_is_owner_only(tmp_path):
    folder = tmp_path / "slips"
    save_pdf(folder, "RT-0000001", b"%PDF-1.4\n")
    assert _mode(folder) == 0o700


def test_the_data_folder_is_owner_only(tmp_path, monkeypatch):
    from returns_desk.settings import load_settings

    monkeypatch.setenv("RETURNS_DESK_DATA", str(tmp_path / "data"))
    assert _mode(load_settings().data_folder) == 0o700
