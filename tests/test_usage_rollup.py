"""The daily roll-up always agrees with the ledger, whether rows arrive one by one or in bulk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.storage import get_db
from core.usage import rollup
from core.usage.ledger import row_values
from core.usage.period import Month
from tests.test_usage_seed import seed


def _snapshot(db) -> list[tuple]:
    out = []
    for table in rollup.ROLLUPS:
        out += [(table, *r) for r in db.execute(f"SELECT * FROM {table}").fetchall()]
    return sorted(out)


def test_bulk_insert_matches_row_by_row_and_keeps_the_triggers(tmp_path: Path) -> None:
    one = get_db(tmp_path / "one.db")
    seed(tmp_path / "one.db", Month(2026, 10))
    rows = one.execute("SELECT * FROM llm_usage ORDER BY id").fetchall()

    bulk = get_db(tmp_path / "bulk.db")
    seed(tmp_path / "bulk.db", Month(2026, 9))  # existing rows the bulk load must add to, not replace
    before = _snapshot(bulk)
    assert rollup.bulk_insert(bulk.conn, [tuple(r[1:]) for r in rows]) == len(rows)
    after = _snapshot(bulk)
    assert after == sorted(before + _snapshot(one))
    # The trigger is back: a normal insert still rolls up.
    from decimal import Decimal

    from core.llm.types import Usage, UsageRow
    row = UsageRow("late", "local", "market_analysis", "glm", "glm-4.6", None, Usage(1, 1), Decimal("0.5"), "ok",
                   created_at=datetime(2026, 10, 30, tzinfo=UTC))
    bulk.execute(rollup.INSERT_SQL, row_values(row))
    assert bulk.execute("SELECT cost_micro_usd FROM llm_usage_daily WHERE day = '2026-10-30'").fetchone() == (500000,)
    assert bulk.execute("SELECT cost_micro_usd FROM llm_usage_daily_all WHERE day = '2026-10-30'").fetchone() == (
        500000,)


def test_rebuild_recomputes_a_damaged_rollup(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    seed(path, Month(2026, 10))
    db = get_db(path)
    good = _snapshot(db)
    db.execute("UPDATE llm_usage_daily SET cost_micro_usd = 0")
    rollup.rebuild(db.conn)
    assert _snapshot(db) == good


def test_m003_upgrades_an_m002_rollup_to_billed_tokens(tmp_path: Path) -> None:
    import sqlite_utils

    from core.migrations import MIGRATIONS, TABLE, migrate

    db = sqlite_utils.Database(tmp_path / "old.db")
    db.execute(f"CREATE TABLE {TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for fn in MIGRATIONS[:2]:
        fn(db)
        db.execute(f"INSERT INTO {TABLE} VALUES (?, 't')", (fn.__name__,))
    db.execute(rollup.INSERT_SQL, ("r", None, "local", "market_analysis", "openai", "m", None, 900, 100, 0, 0, 0, 0,
                                   0, 77, "", 0, None, "cached", None, "2026-10-01T00:00:00.000000+00:00"))
    assert db.execute("SELECT input_tokens FROM llm_usage_daily").fetchone() == (900,)
    assert migrate(db)[:2] == ["m003_rollup_billed_tokens", "m004_rollups_all_users_and_user_month"]
    for table in rollup.ROLLUPS:  # rows written before the upgrade are in every roll-up, by the new rules
        assert db.execute(f"SELECT input_tokens, cache_hits, cost_saved_micro_usd FROM {table}").fetchone() == (
            0, 1, 77)
