"""Numbered schema migrations (the simonw/llm style), recorded in ``_studio_migrations``.

Add a change as a new ``@migration`` function ``mNNN_what(db)`` at the end; never edit one that has
shipped, so an older database upgrades in place. ``migrate`` runs the missing ones in order inside a
single ``BEGIN IMMEDIATE`` transaction, so two processes opening a fresh file cannot both apply them
and a failure leaves the schema as it was.

Money columns are integer micro-dollars (``*_micro_usd``): exact, summable in SQL without floats.
Timestamps are UTC ISO 8601 text with microseconds (``core.storage.iso``), so text order is time order.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from core.storage import iso, utc_now

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []
migration = MIGRATIONS.append

TABLE = "_studio_migrations"


def _split(script: str) -> list[str]:
    """Split on ';' outside CREATE TRIGGER ... END blocks."""
    out: list[str] = []
    buf: list[str] = []
    in_trigger = False
    for part in script.split(";"):
        buf.append(part)
        text = ";".join(buf)
        if "CREATE TRIGGER" in text.upper() and not in_trigger:
            in_trigger = True
        if in_trigger and not text.strip().upper().endswith("END"):
            continue
        if text.strip():
            out.append(text)
        buf = []
        in_trigger = False
    if buf and ";".join(buf).strip():
        out.append(";".join(buf))
    return out


def _run(db: sqlite_utils.Database, script: str) -> None:
    # executescript would COMMIT the surrounding transaction; run statement by statement instead.
    for statement in _split(script):
        db.conn.execute(statement)


_SUMS = ("requests", "cache_hits", "errors", "cost_micro_usd", "cost_saved_micro_usd", "input_tokens",
         "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
_DAILY_KEYS = {"day": "substr(NEW.created_at, 1, 10)", "user_id": "NEW.user_id", "model": "NEW.model",
               "provider": "NEW.provider", "use_case": "NEW.use_case"}


def _rollup_trigger(table: str, keys: dict[str, str], *, billed_only: bool = True, trigger: str = "") -> str:
    """The AFTER INSERT trigger that adds each ledger row into roll-up ``table`` keyed by ``keys``
    (column -> expression on NEW). Each migration's SQL must stay what it was when it shipped:
    m002 summed every row's tokens (``billed_only=False``); m003 on count billed tokens only, so a
    cache hit's saved tokens stay out of "tokens by kind"."""
    tokens = {k: f"iif(NEW.status = 'cached', 0, NEW.{k})" if billed_only else f"NEW.{k}" for k in _SUMS[5:]}
    values = {
        "requests": "1",
        "cache_hits": "NEW.status = 'cached'",
        "errors": "NEW.status NOT IN ('ok', 'cached')",
        "cost_micro_usd": "NEW.cost_micro_usd",
        "cost_saved_micro_usd": "NEW.cost_saved_micro_usd",
        **tokens,
    }
    key_cols = ", ".join(keys)
    merge = ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS)
    return f"""CREATE TRIGGER {trigger or table + "_rollup"} AFTER INSERT ON llm_usage BEGIN
            INSERT INTO {table} ({key_cols}, {", ".join(_SUMS)})
            VALUES ({", ".join(keys.values())}, {", ".join(values[c] for c in _SUMS)})
            ON CONFLICT ({key_cols}) DO UPDATE SET {merge};
        END"""


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE strategies (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            latest_version INTEGER NOT NULL DEFAULT 1,
            deleted_at TEXT
        );
        CREATE INDEX idx_strategies_user ON strategies (user_id, updated_at);
        CREATE TABLE strategy_versions (
            strategy_id TEXT NOT NULL REFERENCES strategies (id),
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            note TEXT,
            source TEXT,
            model TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (strategy_id, version)
        );
        CREATE TABLE ohlcv_cache (
            exchange TEXT NOT NULL,
            symbol TEXT NOT NULL,
            timeframe TEXT NOT NULL,
            ts INTEGER NOT NULL,
            open REAL,
            high REAL,
            low REAL,
            close REAL,
            volume REAL,
            fetched_at TEXT,
            PRIMARY KEY (exchange, symbol, timeframe, ts)
        )
        """,
    )


@migration
def m002_llm_usage(db: sqlite_utils.Database) -> None:
    """The ledger, its daily roll-up (kept by a trigger), quotas, reservations and the response cache.

    ``llm_usage_daily`` is maintained by an AFTER INSERT trigger in the inserting transaction, so every
    writer (the ledger, a bulk import, the benchmark) keeps it exact, and the dashboard and the quota
    check sum at most (days x models x use cases) rows instead of every call of the month.
    Ledger rows are append-only; there is no UPDATE or DELETE path to mirror.
    """
    _run(
        db,
        """
        CREATE TABLE llm_usage (
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            reservation_id TEXT,
            user_id TEXT NOT NULL,
            use_case TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            requested_model TEXT,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            estimated INTEGER NOT NULL DEFAULT 0,
            cost_micro_usd INTEGER NOT NULL DEFAULT 0,
            cost_saved_micro_usd INTEGER NOT NULL DEFAULT 0,
            price_version TEXT NOT NULL DEFAULT '',
            latency_ms REAL,
            ttft_ms REAL,
            status TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX idx_llm_usage_reservation ON llm_usage (reservation_id)
            WHERE reservation_id IS NOT NULL;
        CREATE INDEX idx_llm_usage_created ON llm_usage (created_at);
        CREATE INDEX idx_llm_usage_user_created ON llm_usage (user_id, created_at);
        CREATE INDEX idx_llm_usage_request ON llm_usage (request_id);
        CREATE TABLE llm_usage_daily (
            day TEXT NOT NULL,
            user_id TEXT NOT NULL,
            model TEXT NOT NULL,
            provider TEXT NOT NULL,
            use_case TEXT NOT NULL,
            requests INTEGER NOT NULL DEFAULT 0,
            cache_hits INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            cost_micro_usd INTEGER NOT NULL DEFAULT 0,
            cost_saved_micro_usd INTEGER NOT NULL DEFAULT 0,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, user_id, model, provider, use_case)
        ) WITHOUT ROWID;
        CREATE INDEX idx_llm_usage_daily_user ON llm_usage_daily (user_id, day);
        """ + _rollup_trigger("llm_usage_daily", _DAILY_KEYS, billed_only=False, trigger="llm_usage_rollup") + """;
        CREATE TABLE quota_reservations (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            request_id TEXT,
            model TEXT,
            amount INTEGER NOT NULL,
            max_tokens INTEGER,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX idx_quota_reservations_user ON quota_reservations (user_id, expires_at);
        CREATE TABLE user_quotas (
            user_id TEXT PRIMARY KEY,
            quota_usd TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE llm_cache (
            user_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            size INTEGER NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            last_hit TEXT NOT NULL,
            PRIMARY KEY (user_id, key)
        );
        CREATE INDEX idx_llm_cache_last_hit ON llm_cache (last_hit);
        CREATE INDEX idx_llm_cache_expires ON llm_cache (expires_at)
        """,
    )


@migration
def m003_rollup_billed_tokens(db: sqlite_utils.Database) -> None:
    """Token sums of the roll-up count billed tokens only: a cache hit's row keeps the tokens it saved
    (for the CSV and the saving), but they were never processed by a vendor, so they stay out of
    "tokens by kind". The roll-up is recomputed from the ledger under the new rule."""
    _run(
        db,
        """
        DROP TRIGGER llm_usage_rollup;
        """ + _rollup_trigger("llm_usage_daily", _DAILY_KEYS, trigger="llm_usage_rollup") + """;
        DELETE FROM llm_usage_daily
        """,
    )
    from core.usage.rollup import aggregate_since

    aggregate_since(db.conn, 0, tables=("llm_usage_daily",))


def _m004_rollup(table: str, keys: dict[str, str]) -> str:
    """CREATE TABLE + AFTER INSERT trigger of one roll-up keyed by ``keys`` (column -> expression on NEW)."""
    key_cols = ", ".join(keys)
    columns = ",\n".join(f"{k} TEXT NOT NULL" for k in keys) + ",\n" + ",\n".join(
        f"{c} INTEGER NOT NULL DEFAULT 0" for c in _SUMS)
    return f"""
        CREATE TABLE {table} ({columns}, PRIMARY KEY ({key_cols})) WITHOUT ROWID;
        {_rollup_trigger(table, keys)}
    """


@migration
def m004_rollups_all_users_and_user_month(db: sqlite_utils.Database) -> None:
    """Two more roll-ups so every dashboard query reads a few hundred rows at most:
    ``llm_usage_daily_all`` (no user: the all-users views) and ``llm_usage_user_month`` (one row per
    user and month: spend by user, the user filter, the month picker)."""
    _run(db, _m004_rollup("llm_usage_daily_all", {
        "day": "substr(NEW.created_at, 1, 10)", "model": "NEW.model", "provider": "NEW.provider",
        "use_case": "NEW.use_case"}))
    _run(db, _m004_rollup("llm_usage_user_month", {"month": "substr(NEW.created_at, 1, 7)", "user_id": "NEW.user_id"}))
    from core.usage.rollup import aggregate_since

    aggregate_since(db.conn, 0, tables=("llm_usage_daily_all", "llm_usage_user_month"))



@migration
def m005_accounts(db: sqlite_utils.Database) -> None:
    """Users and their API keys. A key is stored as its SHA-256 hash with a short visible prefix;
    ``rate_limit_per_minute`` NULL means the configured default."""
    _run(
        db,
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL DEFAULT '',
            email TEXT,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            rate_limit_per_minute INTEGER
        );
        CREATE TABLE api_keys (
            prefix TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX idx_api_keys_user ON api_keys (user_id, created_at)
        """,
    )

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
            conn.execute(f"INSERT INTO {TABLE} (name, applied_at) VALUES (?, ?)", (fn.__name__, iso(utc_now())))
            ran.append(fn.__name__)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return ran
