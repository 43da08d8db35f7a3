"""Benchmark: the ledger on SQLite and on PostgreSQL, side by side (``python bench/ledger.py --postgres``).

1. Reserve-and-settle throughput with 1, 4 and 16 concurrent clients (threads, each its own user, plus
   16 clients on one user: the worst case, every reservation on the same quota row), for SQLite
   (``SqliteLedger`` on a temp file, WAL, synchronous=NORMAL) and PostgreSQL (``PgLedger``, pool of 20).
   PostgreSQL is measured twice: with its default ``synchronous_commit=on`` (each commit waits for
   the WAL flush: more durable than SQLite's NORMAL) and with ``synchronous_commit=off`` (what SQLite's
   NORMAL gives: a power cut may lose the last commits, never corrupt).
   On PostgreSQL a reserve and a settle are one statement each (server-side functions, migration 4).
2. The Usage dashboard queries on N ledger rows (default 1,000,000) in PostgreSQL, loaded with COPY,
   each the median of K runs; target <= 300 ms each.

PostgreSQL is a throwaway server started by this script (Debian binaries; as root it runs as the
postgres user) with durable defaults, unless ``--url`` points at one (its database must be empty).
The baseline of the side-by-side table is SQLite with 1 client, measured in the same process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ledger_rows import MONTHS, dashboard_checks, median_ms, rows
from core.backends.postgres import ledger as pg_ledger
from core.backends.postgres.db import PgDatabase
from core.llm.types import ModelPrice, Usage, UsageRow
from core.storage import get_db
from core.usage.ledger import SqliteLedger
from core.usage.period import Month

PRICE = ModelPrice(Decimal("2.5"), Decimal("10"), version="bench")
CLIENTS = (1, 4, 16)
TARGET_QUERY_MS = 300.0


def reserve_and_settle(ledger: Any, user: str) -> None:
    rid = uuid.uuid4().hex
    res = ledger.reserve(user_id=user, request_id=rid, model="gpt-4.1", price=PRICE, input_tokens=1000,
                         max_tokens=500, allow_shrink=False)
    usage = Usage(1000, 300)
    ledger.settle(res, UsageRow(rid, user, "news_sentiment", "openai", "gpt-4.1", "gpt-4.1", usage,
                                PRICE.cost(usage), "ok", price_version="bench"))


def throughput(ledger: Any, clients: int, seconds: float, *, one_user: bool = False) -> float:
    """Completed reserve+settle pairs per second with ``clients`` threads running for ``seconds``."""
    done = [0] * clients
    stop = threading.Event()
    errors: list[BaseException] = []

    def run(i: int) -> None:
        user = "shared" if one_user else f"client{i}"
        try:
            while not stop.is_set():
                reserve_and_settle(ledger, user)
                done[i] += 1
        except BaseException as exc:  # reported below; a benchmark that hides errors is lying
            errors.append(exc)
            stop.set()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return sum(done) / elapsed


def pg_rows(n: int) -> Any:
    """The SQLite benchmark's synthetic rows, in the PostgreSQL column order."""
    for r in rows(n):
        (request_id, reservation_id, user, use_case, provider, model, requested, inp, out, cache_read, cache_write,
         reasoning, estimated, cost, saved, price_version, latency, ttft, status, error, created_at) = r
        yield (request_id, reservation_id, user, use_case, provider, model, requested, inp, out, cache_read,
               cache_write, reasoning, int(estimated), cost, saved, 0, price_version, latency, ttft, status, error,
               created_at, 0, None, None)


def dashboard(db: PgDatabase, runs: int) -> float:
    month: Month = MONTHS[-1]
    checks = dashboard_checks(db, month, overruns=False)
    print(f"\n{'PostgreSQL dashboard query (median of ' + str(runs) + ')':<56} {'ms':>9}  target")
    worst = 0.0
    for name, fn in checks:
        ms = median_ms(fn, runs)
        worst = max(worst, ms)
        print(f"{name:<56} {ms:>9.2f}  {'ok' if ms <= TARGET_QUERY_MS else 'SLOW'}")
    raw = ("SELECT model, count(*), SUM(cost_micro_usd) FROM llm_usage WHERE created_at >= ? AND created_at < ? "
           "GROUP BY model")
    base = median_ms(lambda: db.execute(raw, [month.start_ts, month.end_ts]).fetchall(), 3)
    print(f"baseline: spend by model from raw ledger rows              {base:>9.2f} ms")
    print(f"slowest PostgreSQL dashboard query: {worst:.2f} ms {'ok' if worst <= TARGET_QUERY_MS else 'SLOW'}")
    return worst


def _with_options(url: str, options: str) -> str:
    return url + ("&" if "?" in url else "?") + "options=" + quote(options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help="an empty PostgreSQL database to use instead of a throwaway server")
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput measurement")
    parser.add_argument("--slices", type=int, default=3, help="round-robin slices per measurement (median)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    server = None
    url = args.url
    if url is None:
        from tests.fixtures.servers import start_postgres

        server = start_postgres(durable=True)
        url = server.create_database("bench")
    tmp = tempfile.TemporaryDirectory(prefix="bench-ledger-pg-")
    try:
        now = datetime.now(UTC)
        sqlite_ledger = SqliteLedger(get_db(Path(tmp.name) / "studio.db"), Decimal(10**9), clock=lambda: now)
        pg_sync = PgDatabase(url, pool_max=20)
        pg_async = PgDatabase(_with_options(url, "-c synchronous_commit=off"), pool_max=20)
        ledgers = {
            "SQLite (WAL, synchronous=NORMAL)": sqlite_ledger,
            "PostgreSQL (synchronous_commit=on)": pg_ledger.PgLedger(pg_sync, Decimal(10**9)),
            "PostgreSQL (synchronous_commit=off)": pg_ledger.PgLedger(pg_async, Decimal(10**9)),
        }
        cases = [(f"{n} client{'s' if n > 1 else ''}", n, False) for n in CLIENTS]
        cases.append(("16 clients, one user", 16, True))
        # Round-robin slices, median per cell: on a shared machine the load drifts over a run, and
        # measuring every cell in each slice keeps the side-by-side ratios honest.
        samples: dict[str, list[list[float]]] = {name: [[] for _ in cases] for name in ledgers}
        for _ in range(args.slices):
            for name, ledger in ledgers.items():
                for i, (_, n, one) in enumerate(cases):
                    samples[name][i].append(throughput(ledger, n, args.seconds / args.slices, one_user=one))
        table = {name: [statistics.median(cell) for cell in cells] for name, cells in samples.items()}
        base = table["SQLite (WAL, synchronous=NORMAL)"][0]
        print(f"reserve + settle per second ({args.seconds:.0f} s each in {args.slices} round-robin slices, median; "
              "threads; ratio vs SQLite 1 client)")
        print(f"{'':<38}" + "".join(f"{label:>24}" for label, _, _ in cases))
        for name, figures in table.items():
            print(f"{name:<38}" + "".join(f"{f:>14,.0f} ({f / base:>4.2f}x)" for f in figures))

        # The dashboard on a large ledger, in a database of its own (the throughput rows stay apart).
        big_url = server.create_database("bench_dashboard") if server else url
        big = PgDatabase(big_url, pool_max=4)
        t0 = time.perf_counter()
        pg_ledger.bulk_insert(big, pg_rows(args.rows))
        fill_s = time.perf_counter() - t0
        big.execute("ANALYZE")
        print(f"\nPostgreSQL: COPY of {args.rows:,} ledger rows in {fill_s:.1f} s "
              f"({args.rows / fill_s:,.0f} rows/s, roll-ups by the statement trigger included)")
        worst = dashboard(big, args.runs)
        for db in (pg_sync, pg_async, big):
            db.dispose()
    finally:
        tmp.cleanup()
        if server is not None:
            from tests.fixtures.servers import stop_postgres

            stop_postgres(server)
    return 0 if worst <= TARGET_QUERY_MS else 1


if __name__ == "__main__":
    sys.exit(main())
