"""The studio database: created on first use, migrated in place, and never recreated over user data."""

from __future__ import annotations

import multiprocessing.queues
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.migrations import MIGRATIONS, applied
from core.storage import StorageError, get_db


def test_first_use_creates_folder_wal_and_every_table(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "studio.db"
    db = get_db(path)
    assert path.is_file()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert int(db.execute("PRAGMA busy_timeout").fetchone()[0]) >= 5000
    for table in ("strategies", "strategy_versions", "ohlcv_cache", "llm_usage", "quota_reservations",
                  "user_quotas", "llm_cache"):
        assert table in db.table_names()
    assert applied(db) == [fn.__name__ for fn in MIGRATIONS]
    pk = db["ohlcv_cache"].pks
    assert pk == ["exchange", "symbol", "timeframe", "ts"]
    assert db["strategy_versions"].pks == ["strategy_id", "version"]


def test_default_path_comes_from_studio_db(tmp_path: Path) -> None:
    target = tmp_path / "from-env.db"
    code = "from core.storage import get_db; print(get_db().execute('PRAGMA database_list').fetchone()[2])"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "STUDIO_DB": str(target)},
                         capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == str(target)
    assert target.is_file()


def test_older_database_upgrades_in_place_and_keeps_data(tmp_path: Path) -> None:
    import sqlite_utils

    from core.migrations import migrate

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    # A database written by a build that only knew m001 and saved one strategy.
    old.execute("CREATE TABLE _studio_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    MIGRATIONS[0](old)
    old.execute("INSERT INTO _studio_migrations VALUES ('m001_initial', '2026-01-01T00:00:00+00:00')")
    old.execute("INSERT INTO strategies VALUES ('s1','local','mine','t','t',1,NULL)")
    old.close()
    db = get_db(path)
    assert "llm_usage" in db.table_names()
    assert db.execute("SELECT name FROM strategies").fetchall() == [("mine",)]
    assert migrate(db) == []  # idempotent


def test_corrupt_file_is_refused_with_file_name_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    junk = b"this is my precious data, not a database" * 100
    path.write_bytes(junk)
    with pytest.raises(StorageError) as info:
        get_db(path)
    msg = str(info.value)
    assert str(path) in msg and "corrupt" in msg and "STUDIO_DB" in msg
    assert info.value.exit_code == 2
    assert path.read_bytes() == junk


def test_damaged_sqlite_pages_are_reported_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    db = get_db(path)
    db.execute("INSERT INTO strategies VALUES ('s1','local','mine','t','t',1,NULL)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    raw = bytearray(path.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page but keep the header
    path.write_bytes(bytes(raw))
    with pytest.raises(StorageError) as info:
        get_db(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == bytes(raw)


def test_read_only_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    get_db(path).close()
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(StorageError) as info:
            get_db(path)
        assert str(path) in str(info.value)
        assert "read-only" in str(info.value) and "chmod" in str(info.value)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_directory_instead_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        get_db(tmp_path)
    assert "directory" in str(info.value)


def test_cli_reports_storage_error_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    path.write_text("garbage, not sqlite")
    out = subprocess.run([sys.executable, "-m", "core", "usage", "--json"],
                         env={**os.environ, "STUDIO_DB": str(path)}, capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert out.returncode == 2, out.stderr
    assert str(path) in out.stderr
    assert "Traceback" not in out.stderr


def _open_and_count(path: str, out: multiprocessing.queues.Queue[object]) -> None:
    try:
        db = get_db(path)
        out.put(db.execute("SELECT count(*) FROM _studio_migrations").fetchone()[0])
    except Exception as exc:  # reported to the parent, which fails the test with it
        out.put(repr(exc))


def test_processes_racing_to_create_the_database_migrate_it_once(tmp_path: Path) -> None:
    import multiprocessing

    path = str(tmp_path / "race.db")
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_open_and_count, args=(path, out)) for _ in range(6)]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    assert results == [len(MIGRATIONS)] * 6
    names = get_db(path).execute("SELECT name FROM _studio_migrations").fetchall()
    assert sorted(n[0] for n in names) == sorted(fn.__name__ for fn in MIGRATIONS)
