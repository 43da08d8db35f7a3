"""Bulk loading and repair of the roll-up tables that the dashboard and the quota read.

Roll-ups (each kept exact by its own AFTER INSERT trigger on ``llm_usage``, created by migrations
m002-m004; their keys and sums are defined in core/usage/schema.py):
- ``llm_usage_daily``: per day, user, model, provider and use case (per-user views, the quota check);
- ``llm_usage_daily_all``: per day, model, provider and use case (all-users views);
- ``llm_usage_user_month``: per month and user (spend by user, user filter, month picker).
Counting rules: one request per row; cache hits and failures counted; tokens are billed tokens only.

The triggers cost ~100 us per inserted row together. For a bulk load (an import, the benchmark) that
is most of the cost, so ``bulk_insert`` drops them, inserts, aggregates the new rows with one
GROUP BY per roll-up and recreates the triggers from their stored SQL, all in one write
transaction: no other writer can insert while they are absent, and a failure rolls everything back.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from core.usage.schema import INSERT_AUDITED_SQL, INSERT_SQL, LEDGER_COLUMNS, ROLLUP_SUMS, ROLLUPS

__all__ = ["INSERT_SQL", "ROLLUPS", "aggregate_since", "bulk_insert", "rebuild"]


def aggregate_since(conn: sqlite3.Connection, after_id: int, tables: Sequence[str] = tuple(ROLLUPS)) -> None:
    """Add the ledger rows with ``id > after_id`` to the given roll-ups (inside the caller's transaction)."""
    merge = ", ".join(f"{c} = {c} + excluded.{c}" for c in ROLLUP_SUMS)
    for table in tables:
        keys = ROLLUPS[table]
        groups = ", ".join(str(i + 1) for i in range(len(keys)))
        select = (f"SELECT {', '.join(keys.values())}, {', '.join(ROLLUP_SUMS.values())} FROM llm_usage WHERE id > ? "
                  f"GROUP BY {groups}")
        # "WHERE true" disambiguates the upsert's ON CONFLICT from a join constraint (SQLite's documented rule).
        conn.execute(
            f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(ROLLUP_SUMS)}) SELECT * FROM ({select}) WHERE true "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {merge}",
            (after_id,),
        )


def bulk_insert(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ledger rows fast; returns how many. Rows are ``core.usage.ledger.row_values`` tuples, or
    those followed by the audit columns (``overrun, note, adjusts_id``), as ``SELECT *`` minus ``id`` gives."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return 0
    sql = INSERT_SQL if len(first) == len(LEDGER_COLUMNS) else INSERT_AUDITED_SQL
    conn.execute("BEGIN IMMEDIATE")
    try:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'llm_usage'").fetchall()
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM llm_usage").fetchone()[0]
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        count = conn.executemany(sql, itertools.chain([first], it)).rowcount
        aggregate_since(conn, last)
        for _, sql in triggers:
            conn.execute(sql)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return count


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every roll-up from the ledger (a repair tool; the triggers normally suffice)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in ROLLUPS:
            conn.execute(f"DELETE FROM {table}")
        aggregate_since(conn, 0)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
