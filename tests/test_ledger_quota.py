"""Monthly quota and ledger: atomic reservations, exact settlement, expiry after a crash.

A contract suite: every test runs on SQLite and on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.errors import QuotaExceeded
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, Usage, UsageRow
from tests.fixtures.backends import Backend, Spec, open_ledger

# --- child-process bodies (module level, so they also work under the spawn start method) ---

# $50 per million output tokens: max_tokens=1000 -> worst case exactly $0.05.
PRICE = ModelPrice(input=Decimal(0), output=Decimal(50), version="test-1")
WORST_TOKENS = 1000


def spend(spec: Spec, proc: int, threads: int, attempts: int, out: Any) -> None:
    """``threads`` threads each try ``attempts`` calls against one user's $1.00 quota."""
    ledger = open_ledger(spec, "1.00")
    settled: list[str] = []
    failed: list[str] = []
    refused = [0]
    guard = threading.Lock()

    def run(tid: int) -> None:
        rng = random.Random(proc * 1000 + tid)
        for i in range(attempts):
            rid = f"p{proc}-t{tid}-{i}"
            try:
                res = ledger.reserve(user_id="trader", request_id=rid, model="fake-model", price=PRICE,
                                     input_tokens=0, max_tokens=WORST_TOKENS, allow_shrink=False)
            except QuotaExceeded:
                with guard:
                    refused[0] += 1
                continue
            time.sleep(rng.random() * 0.003)  # the "vendor call": lets other requests interleave
            if rng.random() < 0.1:
                row = UsageRow(rid, "trader", "news_sentiment", "fake", "fake-model", None, Usage(),
                               Decimal(0), "unavailable", error="503 from vendor")
                ledger.release(res, row)
                with guard:
                    failed.append(rid)
                continue
            usage = Usage(input_tokens=0, output_tokens=rng.randint(1, WORST_TOKENS))
            row = UsageRow(rid, "trader", "news_sentiment", "fake", "fake-model", "fake-model", usage,
                           PRICE.cost(usage), "ok", price_version=PRICE.version)
            ledger.settle(res, row)
            with guard:
                settled.append(rid)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    out.put({"proc": proc, "settled": settled, "failed": failed, "refused": refused[0]})


def reserve_then_hang(spec: Spec, amount_tokens: int, ttl_s: float, settle_first: bool, ready: Any) -> None:
    """Reserve (and maybe settle), tell the parent, then wait to be SIGKILLed."""
    ledger = open_ledger(spec, "1.00", reservation_ttl_s=ttl_s)
    res = ledger.reserve(user_id="trader", request_id="doomed", model="fake-model", price=PRICE,
                         input_tokens=0, max_tokens=amount_tokens, allow_shrink=False)
    if settle_first:
        usage = Usage(output_tokens=amount_tokens)
        ledger.settle(res, UsageRow("doomed", "trader", "market_analysis", "fake", "fake-model", None, usage,
                                    PRICE.cost(usage), "ok"))
    ready.put(res.id)
    time.sleep(600)


# --- tests ---


def _row(rid: str, cost: str, *, user: str = "trader", status: str = "ok", when: datetime | None = None,
         error: str | None = None) -> UsageRow:
    row = UsageRow(rid, user, "strategy_generation", "openai", "gpt-x", "gpt-x", Usage(100, 50), Decimal(cost),
                   status, error=error)
    if when is not None:
        row.created_at = when
    return row


def _reserve(ledger: Any, tokens: int = WORST_TOKENS, *, user: str = "trader", shrink: bool = False,
             price: ModelPrice = PRICE):
    return ledger.reserve(user_id=user, request_id="r", model="fake-model", price=price, input_tokens=0,
                          max_tokens=tokens, allow_shrink=shrink)


def test_200_concurrent_spenders_never_exceed_the_quota(backend: Backend) -> None:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=spend, args=(backend.spec, p, 25, 4, out)) for p in range(8)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    settled = [rid for r in results for rid in r["settled"]]
    failed = [rid for r in results for rid in r["failed"]]
    refused = sum(r["refused"] for r in results)

    db = backend.db()
    spent = db.execute("SELECT SUM(cost_micro_usd) FROM llm_usage").fetchone()[0]
    assert spent <= 1_000_000, f"recorded spend {spent} micro-USD exceeds the $1.00 quota"
    assert refused > 0 and len(settled) >= 20  # the quota was really reached, and really used
    counts = dict(db.execute("SELECT request_id, count(*) FROM llm_usage WHERE status = 'ok' GROUP BY 1").fetchall())
    assert set(counts) == set(settled)
    assert all(n == 1 for n in counts.values())
    assert db.execute("SELECT count(*) FROM llm_usage WHERE status = 'unavailable'").fetchone()[0] == len(failed)
    assert db.execute("SELECT count(*) FROM quota_reservations").fetchone()[0] == 0
    # The roll-ups the dashboard and the quota read agree with the ledger to the micro-dollar.
    for table in ("llm_usage_daily", "llm_usage_daily_all", "llm_usage_user_month"):
        assert db.execute(f"SELECT SUM(cost_micro_usd), SUM(requests) FROM {table}").fetchone() == (
            spent, len(settled) + len(failed))


def _kill_after(spec: Spec, tokens: int, settle_first: bool) -> str:
    ctx = mp.get_context("fork")
    ready = ctx.Queue()
    child = ctx.Process(target=reserve_then_hang, args=(spec, tokens, 60.0, settle_first, ready))
    child.start()
    reservation_id = ready.get(timeout=60)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert child.exitcode == -signal.SIGKILL
    return reservation_id


def test_killed_process_headroom_returns_after_expiry_and_is_never_counted_twice(backend: Backend) -> None:
    _kill_after(backend.spec, 12_000, settle_first=False)  # holds $0.60 of $1.00, then dies
    now = datetime.now(UTC)
    ledger = backend.ledger("1.00", clock=lambda: now)
    # While the hold is live, it counts: $0.60 held + $0.50 would pass $1.00.
    with pytest.raises(QuotaExceeded) as info:
        _reserve(ledger, 10_000)
    assert "held by calls in progress" in str(info.value)

    later = backend.ledger("1.00", clock=lambda: now + timedelta(seconds=61))
    res = _reserve(later, 10_000)  # the expired hold stopped counting: the headroom is back
    later.settle(res, _row("next", "0.50", when=now + timedelta(seconds=61)))
    db = backend.db()
    # The dead call is one abandoned row, charged at its estimate: it carried no input (priced $0 here)
    # and had received no output, so $0 (see test_ledger_leases for a call that carried input).
    assert db.execute("SELECT status, estimated, cost_micro_usd FROM llm_usage WHERE request_id = 'doomed'"
                      ).fetchall() == [("abandoned", 1, 0)]
    assert db.execute("SELECT count(*) FROM quota_reservations").fetchone()[0] == 0
    assert later.month_spend_usd("trader") == Decimal("0.5")
    # Exactly $0.50 of headroom is left, not less (the dead call's estimate is $0) and not more.
    _reserve(later, 10_000)
    with pytest.raises(QuotaExceeded):
        _reserve(later, 1)


def test_kill_after_settlement_counts_the_call_exactly_once(backend: Backend) -> None:
    _kill_after(backend.spec, 12_000, settle_first=True)
    ledger = backend.ledger("1.00")
    assert ledger.month_spend_usd("trader") == Decimal("0.6")
    assert ledger.live_reservations() == 0
    _reserve(ledger, 8_000)  # $0.40 fits exactly
    with pytest.raises(QuotaExceeded):
        _reserve(ledger, 1)


def test_quota_message_names_spend_limit_and_reset_date(backend: Backend) -> None:
    when = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    ledger = backend.ledger("1.00", clock=lambda: when)
    ledger.record(_row("a", "0.97", when=when))
    with pytest.raises(QuotaExceeded) as info:
        _reserve(ledger)
    msg = str(info.value)
    assert "$0.97" in msg and "$1.00" in msg and "2027-01-01" in msg and "$0.05" in msg
    assert info.value.exit_code == 4
    assert info.value.details["reset_date"] == "2027-01-01"


def test_new_utc_month_starts_from_zero(backend: Backend) -> None:
    backend.ledger("1.00").record(_row("old", "1.00", when=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)))
    october = backend.ledger("1.00", clock=lambda: datetime(2026, 10, 31, 23, 59, 59, 900000, tzinfo=UTC))
    with pytest.raises(QuotaExceeded):
        _reserve(october)
    november = backend.ledger("1.00", clock=lambda: datetime(2026, 11, 1, 0, 0, 0, tzinfo=UTC))
    assert _reserve(november).amount_usd == Decimal("0.05")


def test_shrink_fits_max_tokens_into_the_remaining_budget(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    ledger.record(_row("a", "0.98"))
    res = _reserve(ledger, WORST_TOKENS, shrink=True)
    assert res.max_tokens == 400  # $0.02 left at $50/Mtok
    assert res.amount_usd == Decimal("0.02")
    with pytest.raises(QuotaExceeded):  # nothing left now, even shrunk
        _reserve(ledger, WORST_TOKENS, shrink=True)


def test_shrink_refuses_when_too_few_tokens_would_remain(backend: Backend) -> None:
    ledger = backend.ledger("1.00", min_shrunk_tokens=500)
    ledger.record(_row("a", "0.98"))
    with pytest.raises(QuotaExceeded):
        _reserve(ledger, WORST_TOKENS, shrink=True)


def test_per_user_quota_override(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    ledger.set_user_quota("whale", Decimal("100"))
    ledger.record(_row("a", "5.00", user="whale"))
    assert _reserve(ledger, user="whale").amount_usd == Decimal("0.05")
    assert ledger.quota_usd("trader") == Decimal("1.00")
    ledger.set_user_quota("whale", None)
    with pytest.raises(QuotaExceeded):
        _reserve(ledger, user="whale")
    with pytest.raises(ValueError, match="US dollars"):
        ledger.set_user_quota("whale", "lots")


def test_unknown_price_is_refused_never_treated_as_free(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    with pytest.raises(PriceUnknown) as info:
        _reserve(ledger, price=ModelPrice(input=None, output=None))
    assert "fake-model" in str(info.value)


def test_free_calls_pass_even_when_the_quota_is_spent(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    ledger.record(_row("a", "1.00"))
    res = _reserve(ledger, price=ModelPrice(input=Decimal(0), output=Decimal(0)))
    assert res.amount_usd == 0


def test_release_writes_the_failed_attempt_and_frees_the_hold(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    res = _reserve(ledger, 20_000)  # the whole $1.00
    ledger.release(res, _row("a", "0", status="rate_limited", error="429 for key sk-abcdef1234567890"))
    db = backend.db()
    row = db.execute("SELECT status, error, cost_micro_usd FROM llm_usage").fetchone()
    assert row[0] == "rate_limited" and "sk-abcdef" not in row[1] and row[2] == 0
    assert ledger.live_reservations() == 0
    _reserve(ledger, 20_000)


def test_settling_twice_records_one_row(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    res = _reserve(ledger)
    ledger.settle(res, _row("a", "0.04"))
    ledger.settle(res, _row("a", "0.04"))
    assert ledger.month_spend_usd("trader") == Decimal("0.04")


def test_cost_is_stored_exactly_in_micro_dollars(backend: Backend) -> None:
    ledger = backend.ledger("1.00")
    ledger.record(_row("a", "0.002865"))
    ledger.record(_row("b", "0.0000014"))  # rounds half up to 0.000001
    ledger.record(_row("c", "0.0000005"))  # exactly half: up
    db = backend.db()
    assert [r[0] for r in db.execute("SELECT cost_micro_usd FROM llm_usage ORDER BY id")] == [2865, 1, 1]
    assert ledger.month_spend_usd("trader") == Decimal("0.002867")
