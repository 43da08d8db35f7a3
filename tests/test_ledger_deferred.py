"""Settles committed by the ledger's writer thread after the caller has its answer (what the app runs).

While a settle waits its hold keeps counting, an overrun it carries is counted by the next
reservation, a reader sees its row, a graceful exit commits it and a crash leaves an abandoned row,
never a dropped one. Each test keeps the settle pending on purpose: holding the ledger's process-wide
write lock in the test's thread keeps the writer thread from committing, while the same thread may
still reserve, read and exit (the lock is re-entrant for its holder).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import QuotaExceeded
from core.llm.types import ModelPrice, Usage, UsageRow
from core.storage import get_db
from core.usage.ledger import SqliteLedger

ROOT = Path(__file__).resolve().parent.parent
# $1 per thousand tokens in and out: no input and max_tokens=100 hold exactly $0.10.
PRICE = ModelPrice(input=Decimal(1000), output=Decimal(1000), version="test-1")


def _reserve(ledger: SqliteLedger, max_tokens: int = 100, user: str = "u", input_tokens: int = 0) -> object:
    return ledger.reserve(user_id=user, request_id="req:1", model="m", price=PRICE, input_tokens=input_tokens,
                          max_tokens=max_tokens, allow_shrink=False, use_case="strategy_generation",
                          provider="openai")


def _row(cost: str, user: str = "u") -> UsageRow:
    return UsageRow("req", user, "strategy_generation", "openai", "m", "m", Usage(output_tokens=100),
                    Decimal(cost), "ok", price_version="test-1")


def _usage(path: Path) -> list[tuple[object, ...]]:
    return get_db(path).execute("SELECT status, cost_micro_usd, overrun FROM llm_usage ORDER BY id").fetchall()


def _holds(path: Path) -> int:
    return int(get_db(path).execute("SELECT count(*) FROM quota_reservations").fetchone()[0])


def test_a_pending_overrun_is_counted_by_the_next_reservation(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    ledger = SqliteLedger(get_db(path), Decimal("1.00"), deferred_settle=True)
    with ledger._conns.lock:
        res = _reserve(ledger)  # holds $0.10
        ledger.settle(res, _row("0.60"))  # the vendor billed $0.60: $0.50 beyond the hold, not written yet
        assert _usage(path) == [] and _holds(path) == 1  # still pending: its hold still counts
        # $0.45 would fit the $0.90 the database alone shows free; with the overrun only $0.40 is left.
        with pytest.raises(QuotaExceeded):
            _reserve(ledger, max_tokens=450)
        assert _reserve(ledger, max_tokens=400) is not None
    ledger.flush()
    assert _usage(path) == [("ok", 600_000, 1)]


def test_a_reader_sees_the_row_of_a_call_that_just_settled(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    ledger = SqliteLedger(get_db(path), Decimal("1.00"), deferred_settle=True)
    reader = SqliteLedger(get_db(path), Decimal("1.00"))  # another part of the app, same process
    with ledger._conns.lock:
        ledger.settle(_reserve(ledger), _row("0.07"))
        assert reader.month_spend_usd("u") == Decimal("0.07")
        assert reader.live_reservations("u") == 0
    assert _usage(path) == [("ok", 70_000, 0)]


def child(db: str, how: str) -> None:
    """A process that settles one call and then ends (``exit``) or dies (``kill``) before the writer
    thread could commit it (run with ``python -c``)."""
    ledger = SqliteLedger(get_db(Path(db)), Decimal("1.00"), reservation_ttl_s=1.0, deferred_settle=True)
    ledger._conns.lock.acquire()  # never released: only this thread's exit path may commit
    ledger.settle(_reserve(ledger, input_tokens=20), _row("0.07"))
    print("settled", flush=True)
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif how == "term":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)


def _run_child(path: Path, how: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from tests.test_ledger_deferred import child; child(*sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, str(path), how], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("how", ["exit", "term"])
def test_a_graceful_exit_commits_the_pending_settle(tmp_path: Path, how: str) -> None:
    path = tmp_path / "studio.db"
    get_db(path)
    done = _run_child(path, how)
    assert "settled" in done.stdout, done.stderr
    assert _usage(path) == [("ok", 70_000, 0)]  # the real bill, not an abandoned estimate
    assert _holds(path) == 0


def test_a_crash_before_the_commit_leaves_an_abandoned_row_not_a_lost_one(tmp_path: Path) -> None:
    path = tmp_path / "studio.db"
    get_db(path)
    done = _run_child(path, "kill")
    assert done.returncode == -signal.SIGKILL and "settled" in done.stdout, done.stderr
    assert _usage(path) == [] and _holds(path) == 1  # the row died with the process; its hold did not
    survivor = SqliteLedger(get_db(path), Decimal("1.00"))
    deadline = time.monotonic() + 60
    while survivor.sweep() == 0:  # what the next reservation of any process does once the lease ran out
        assert time.monotonic() < deadline, "the dead process's lease never expired"
        time.sleep(0.2)
    # Charged as an estimate of what it carried (20 input tokens at $1 per thousand; no output seen),
    # for an admin to reconcile: more than $0, and the rest of the hold is back.
    assert _usage(path) == [("abandoned", 20_000, 0)]
    assert _holds(path) == 0
