"""Numbered schema migrations (the simonw/llm style), recorded in ``_studio_migrations``.

Each migration is a module ``mNNN_what.py`` holding ``NAME`` and ``STATEMENTS``: frozen SQL text, never
edited once shipped and never importing live code, so an old database upgrades to exactly the schema a
fresh one gets, whatever today's code looks like. Add a change as a new module and list it in ``_ORDER``.
``migrate`` runs the missing ones in order inside a single ``BEGIN IMMEDIATE`` transaction, so two
processes opening a fresh file cannot both apply them and a failure leaves the schema as it was.

Money columns are integer micro-dollars (``*_micro_usd``): exact, summable in SQL without floats.
Timestamps are UTC ISO 8601 text with microseconds, so text order is time order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import ModuleType

import sqlite_utils

from core.migrations import (
    m001_initial,
    m002_llm_usage,
    m003_rollup_billed_tokens,
    m004_rollups_all_users_and_user_month,
    m005_accounts,
    m006_ledger_leases,
    m007_cache_totals,
    m008_user_language,
    m009_reservations_without_rowid,
)

Migration = Callable[[sqlite_utils.Database], None]
TABLE = "_studio_migrations"

_ORDER: tuple[ModuleType, ...] = (
    m001_initial,
    m002_llm_usage,
    m003_rollup_billed_tokens,
    m004_rollups_all_users_and_user_month,
    m005_accounts,
    m006_ledger_leases,
    m007_cache_totals,
    m008_user_language,
    m009_reservations_without_rowid,
)


def _frozen(name: str, statements: Sequence[str]) -> Migration:
    def apply(db: sqlite_utils.Database) -> None:
        # executescript would COMMIT the surrounding transaction; run statement by statement instead.
        for statement in statements:
            db.conn.execute(statement)

    apply.__name__ = apply.__qualname__ = name
    return apply


MIGRATIONS: list[Migration] = [_frozen(m.NAME, m.STATEMENTS) for m in _ORDER]


def number(name: str) -> int:
    """``m006_ledger_leases`` -> 6 (0 for a name that is not a numbered migration)."""
    digits = name[1:4]
    return int(digits) if name.startswith("m") and digits.isdigit() else 0


# The schema version this build writes: the number of its last migration. The database records its
# own in ``PRAGMA user_version`` (readable from the file header without opening it) and in TABLE.
SCHEMA_VERSION = max(number(fn.__name__) for fn in MIGRATIONS)


def schema_version(names: list[str] | set[str]) -> int:
    """The schema version a set of applied migration names amounts to."""
    return max((number(n) for n in names), default=0)


def applied(db: sqlite_utils.Database) -> list[str]:
    if TABLE not in db.table_names():
        return []
    return [row[0] for row in db.execute(f"SELECT name FROM {TABLE} ORDER BY rowid").fetchall()]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the missing migrations in order; returns the names applied now."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in conn.execute(f"SELECT name FROM {TABLE}").fetchall()}
        ran: list[str] = []
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            fn(db)
            now = datetime.now(UTC).isoformat(timespec="microseconds")
            conn.execute(f"INSERT INTO {TABLE} (name, applied_at) VALUES (?, ?)", (fn.__name__, now))
            ran.append(fn.__name__)
            done.add(fn.__name__)
        version = schema_version(done)
        if conn.execute("PRAGMA user_version").fetchone()[0] != version:
            conn.execute(f"PRAGMA user_version = {int(version)}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return ran
