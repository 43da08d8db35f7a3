"""Schema versions: a database from a newer build is read but never written (byte-identical after the
refusal), a foreign SQLite file is refused untouched, and a configured STUDIO_DB that did not exist is
announced when it is created (a typo would otherwise read as a month with $0 spent)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from core.llm.types import Usage, UsageRow
from core.migrations import SCHEMA_VERSION, TABLE, migrate
from core.storage import SchemaTooNew, StorageError, get_db
from core.usage.ledger import SqliteLedger

ROOT = Path(__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "GLM_", "LLM_"))}
    env.update(STUDIO_DB=str(db), STUDIO_SECRETS_FILE=str(db.parent / "no-secrets.toml"))
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def _newer_database(path: Path) -> None:
    """A database as a later build leaves it: one migration this build does not know, and its version."""
    db = sqlite_utils.Database(path)
    migrate(db)
    db.execute("INSERT INTO llm_usage (request_id, user_id, use_case, provider, model, cost_micro_usd, status, "
               "created_at) VALUES ('old', 'local', 'news_sentiment', 'openai', 'gpt-5.4-nano', 1234, 'ok', ?)",
               (datetime.now(UTC).isoformat(timespec="microseconds"),))
    db.execute(f"INSERT INTO {TABLE} (name, applied_at) VALUES ('m099_from_the_future', 't')")
    db.execute("PRAGMA user_version = 99")
    db.conn.commit()
    db.close()


def test_a_newer_schema_is_read_but_never_written(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    _newer_database(path)
    before = _digest(path)

    read = _cli(path, "usage", "--json")
    assert read.returncode == 0, read.stderr
    assert Decimal(json.loads(read.stdout)["spend_usd"]) == Decimal("0.001234")

    write = _cli(path, "generate", "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수", "--model", "offline")
    assert write.returncode == 2
    assert str(path) in write.stderr and "schema version 99" in write.stderr
    assert f"version {SCHEMA_VERSION}" in write.stderr
    assert "Traceback" not in write.stderr

    # In process too: reads work, every write path refuses with the same message.
    db = get_db(path)
    assert db.execute("SELECT count(*) FROM llm_usage").fetchone()[0] == 1
    ledger = SqliteLedger(db, Decimal(10))
    assert ledger.month_spend_usd("local") == Decimal("0.001234")
    with pytest.raises(SchemaTooNew, match="newer than this build"):
        ledger.record(UsageRow("r", "local", "news_sentiment", "openai", "gpt-5.4-nano", None, Usage(1, 1),
                               Decimal("0.01"), "ok"))
    with pytest.raises(StorageError, match="schema version 99"):
        ledger.set_user_quota("local", "3")
    assert _digest(path) == before  # nothing in the file changed: no WAL switch, no migration, no row


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('my data')")
    conn.commit()
    conn.close()
    before = _digest(path)

    done = _cli(path, "usage", "--json")
    assert done.returncode == 2
    assert "another application" in done.stderr and str(path) in done.stderr
    with pytest.raises(StorageError, match="left untouched"):
        get_db(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm, no journal


def test_a_configured_database_that_did_not_exist_is_announced_once(tmp_path: Path) -> None:
    path = tmp_path / "studoi.db"  # the typo a user would make
    first = _cli(path, "usage", "--json")
    assert first.returncode == 0, first.stderr
    assert "created a new, empty database" in first.stderr and str(path) in first.stderr
    again = _cli(path, "usage", "--json")
    assert again.returncode == 0 and "new, empty database" not in again.stderr
