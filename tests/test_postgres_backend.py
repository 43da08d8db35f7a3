"""What only the PostgreSQL backend has to prove: fleet migrations, schema-version refusal, the CHECK
behind the conditional reservation, and surviving a database restart (a real, throwaway server)."""

from __future__ import annotations

import multiprocessing as mp
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from core.backends.postgres.db import SCHEMA_VERSION, DatabaseUnavailable, SchemaTooNew, forget, open_database
from core.backends.postgres.ledger import PgLedger
from core.config import ConfigError, load_settings
from core.errors import QuotaExceeded
from core.llm.types import ModelPrice, Usage, UsageRow
from tests.fixtures.servers import PostgresServer

PRICE = ModelPrice(input=Decimal(0), output=Decimal(50), version="test-1")  # 1000 tokens = $0.05


def _reserve(ledger: PgLedger, tokens: int = 1000, user: str = "trader") -> Any:
    return ledger.reserve(user_id=user, request_id="r", model="fake-model", price=PRICE, input_tokens=0,
                          max_tokens=tokens, allow_shrink=False)


def _row(rid: str, cost: str, user: str = "trader") -> UsageRow:
    return UsageRow(rid, user, "news_sentiment", "fake", "fake-model", None, Usage(0, 100), Decimal(cost), "ok")


def _open_and_report(url: str, start: Any, out: Any) -> None:
    start.wait()
    db = open_database(url)
    out.put(db.schema_version)


def test_replicas_starting_together_migrate_exactly_once(pg_url: str) -> None:
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_open_and_report, args=(pg_url, start, out)) for _ in range(6)]
    for p in procs:
        p.start()
    start.set()
    versions = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert versions == [SCHEMA_VERSION] * 6
    with psycopg.connect(pg_url) as conn:
        applied = conn.execute("SELECT version, count(*) FROM studio_schema GROUP BY 1 ORDER BY 1").fetchall()
    assert applied == [(v, 1) for v in range(1, SCHEMA_VERSION + 1)]


def test_an_older_replica_reads_a_newer_schema_but_refuses_every_write(pg_url: str) -> None:
    ledger = PgLedger(open_database(pg_url), Decimal("1.00"))
    ledger.record(_row("before", "0.10"))
    forget(pg_url)
    with psycopg.connect(pg_url) as conn:  # a newer build migrated the database meanwhile
        conn.execute("INSERT INTO studio_schema (version, name) VALUES (%s, 'm999_from_the_future')",
                     (SCHEMA_VERSION + 1,))
    old = PgLedger(open_database(pg_url), Decimal("1.00"))
    assert old.month_spend_usd("trader") == Decimal("0.1")  # reading is fine
    for write in (lambda: _reserve(old), lambda: old.record(_row("after", "0.01")),
                  lambda: old.set_user_quota("trader", "5")):
        with pytest.raises(SchemaTooNew) as info:
            write()
        msg = str(info.value)
        assert f"schema version {SCHEMA_VERSION + 1}" in msg and f"this build's {SCHEMA_VERSION}" in msg
        assert "refuses to write" in msg and "127.0.0.1" in msg
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT request_id FROM llm_usage").fetchall() == [("before",)]
        assert conn.execute("SELECT count(*) FROM quota_reservations").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM user_quotas").fetchone() == (0,)
        # Nothing was migrated "down" or re-run either.
        assert conn.execute("SELECT max(version) FROM studio_schema").fetchone() == (SCHEMA_VERSION + 1,)


def test_a_running_replica_stops_writing_once_a_newer_build_migrates_the_database(pg_url: str) -> None:
    from core.backends.postgres.db import PgDatabase

    db = PgDatabase(pg_url, schema_recheck_s=0.0)  # looks at the version before every write
    running = PgLedger(db, Decimal("1.00"))
    running.record(_row("before", "0.10"))
    with psycopg.connect(pg_url) as conn:  # a rolling upgrade: a newer replica migrates meanwhile
        conn.execute("INSERT INTO studio_schema (version, name) VALUES (%s, 'm999_from_the_future')",
                     (SCHEMA_VERSION + 1,))
    for write in (lambda: _reserve(running), lambda: running.record(_row("after", "0.01")),
                  lambda: running.set_user_quota("trader", "5")):
        with pytest.raises(SchemaTooNew) as info:
            write()
        assert f"schema version {SCHEMA_VERSION + 1}" in str(info.value)
    assert running.month_spend_usd("trader") == Decimal("0.1")  # reading goes on
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT request_id FROM llm_usage").fetchall() == [("before",)]
        assert conn.execute("SELECT count(*) FROM quota_reservations").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM user_quotas").fetchone() == (0,)
    db.dispose()


def test_the_check_constraint_refuses_a_hold_past_the_quota_even_if_code_forgot_the_condition(pg_url: str) -> None:
    ledger = PgLedger(open_database(pg_url), Decimal("1.00"))
    _reserve(ledger, 12_000)  # $0.60 held of $1.00
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.errors.CheckViolation):
        # What a SELECT-then-UPDATE race would do: add a second $0.60 hold without the condition.
        conn.execute("UPDATE quota_months SET held_micro = held_micro + 600000 WHERE user_id = 'trader'")
    with pytest.raises(QuotaExceeded):
        _reserve(ledger, 12_000)


def test_spend_recorded_beyond_a_hold_is_counted_and_blocks_further_holds(pg_url: str) -> None:
    ledger = PgLedger(open_database(pg_url), Decimal("1.00"))
    res = _reserve(ledger, 1000)  # holds $0.05
    ledger.settle(res, _row("over", "1.20"))  # the vendor billed more than the hold
    assert ledger.month_spend_usd("trader") == Decimal("1.2")
    with pytest.raises(QuotaExceeded) as info:
        _reserve(ledger, 1)
    assert "$1.20 spent" in str(info.value)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT held_micro, unreserved_micro FROM quota_months").fetchone() == (0, 1_150_000)


def test_a_database_restart_gives_a_clear_error_then_recovers_without_a_new_ledger(
        pg_server: PostgresServer, pg_url: str) -> None:
    ledger = PgLedger(open_database(pg_url), Decimal("1.00"))
    ledger.settle(_reserve(ledger), _row("settled-before", "0.04"))
    pg_server.stop()
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            _reserve(ledger)
        msg = str(info.value)
        assert "cannot be reached" in msg and "nothing was saved" in msg and "Try again" in msg
        assert "password" not in msg
    finally:
        pg_server.start()
    # Same ledger object, same pool: stale connections are replaced, nothing settled was lost.
    assert ledger.month_spend_usd("trader") == Decimal("0.04")
    ledger.settle(_reserve(ledger), _row("settled-after", "0.01"))
    assert ledger.month_spend_usd("trader") == Decimal("0.05")


def test_database_url_must_be_postgresql() -> None:
    with pytest.raises(ConfigError, match=r"STUDIO_DATABASE_URL: .*postgresql://"):
        load_settings(studio_database_url="mysql://db/studio")
    assert load_settings(studio_database_url="  ").studio_database_url is None
    with pytest.raises(ConfigError, match=r"STUDIO_REDIS_URL: .*redis://"):
        load_settings(studio_redis_url="http://cache:6379")
