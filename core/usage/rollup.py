"""Bulk loading and repair of the daily roll-up (``llm_usage_daily``).

Normally the AFTER INSERT trigger keeps the roll-up exact, at ~50 us per inserted row. For a bulk
load (an import, the benchmark) that is most of the cost, so ``bulk_insert`` drops the trigger,
inserts, aggregates the new rows in one GROUP BY and recreates the trigger from its stored SQL,
all in one write transaction: no other writer can insert while the trigger is absent, and a failure
rolls everything back, trigger included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from core.llm.ledger import INSERT_SQL

TRIGGER = "llm_usage_rollup"
# Billed tokens only: a cache hit's tokens were saved, not processed (migration m003).
_TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
_COLUMNS = ("requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, "
            "cache_read_tokens, cache_write_tokens, reasoning_tokens")
_AGGREGATE = (
    "SELECT substr(created_at, 1, 10), user_id, model, provider, use_case, count(*), "
    "SUM(status = 'cached'), SUM(status NOT IN ('ok', 'cached')), SUM(cost_micro_usd), SUM(cost_saved_micro_usd), "
    + ", ".join(f"SUM(iif(status = 'cached', 0, {k}))" for k in _TOKENS)
    + " FROM llm_usage WHERE id > ? GROUP BY 1, 2, 3, 4, 5"
)
_MERGE = ", ".join(f"{c} = {c} + excluded.{c}" for c in _COLUMNS.split(", "))


def aggregate_since(conn: sqlite3.Connection, after_id: int) -> None:
    # "WHERE true" disambiguates the upsert's ON CONFLICT from a join constraint (SQLite's documented rule).
    conn.execute(
        f"INSERT INTO llm_usage_daily (day, user_id, model, provider, use_case, {_COLUMNS}) "
        f"SELECT * FROM ({_AGGREGATE}) WHERE true "
        f"ON CONFLICT (day, user_id, model, provider, use_case) DO UPDATE SET {_MERGE}",
        (after_id,),
    )


def bulk_insert(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ledger rows (``core.llm.ledger.row_values`` tuples) fast; returns how many."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        trigger_sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (TRIGGER,)).fetchone()[0]
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM llm_usage").fetchone()[0]
        conn.execute(f"DROP TRIGGER {TRIGGER}")
        cursor = conn.executemany(INSERT_SQL, rows)
        count = cursor.rowcount
        aggregate_since(conn, last)
        conn.execute(trigger_sql)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return count


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute the roll-up from every ledger row (a repair tool; the trigger normally suffices)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM llm_usage_daily")
        aggregate_since(conn, 0)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
