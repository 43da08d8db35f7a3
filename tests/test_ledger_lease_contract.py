"""Leases, abandoned rows, late settlements and reconciliation: the same test code on SQLite and on a
real PostgreSQL (the ``backend`` fixture). A call abandoned by its process is charged the input it
sent plus the output seen; a call that settles after its lease was swept corrects that estimate to
the vendor's bill with an adjustment row, counted once; an admin reconciles with a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.llm.types import ModelPrice, Usage, UsageRow
from core.usage.ledger import ReconcileRefused
from tests.fixtures.backends import Backend

PRICE = ModelPrice(input=Decimal("0.75"), output=Decimal("4.5"), version="t")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _reserve(ledger: object, request_id: str = "r1:1") -> object:
    return ledger.reserve(user_id="trader", request_id=request_id, model="gpt-5.4-mini", price=PRICE,  # type: ignore[attr-defined]
                          input_tokens=4000, max_tokens=1000, allow_shrink=False, use_case="market_analysis",
                          provider="openai")


def _rows(backend: Backend) -> list[tuple[object, ...]]:
    return backend.rows("SELECT status, cost_micro_usd, estimated, adjusts_id FROM llm_usage ORDER BY id")


def test_a_process_stopping_mid_call_charges_the_input_and_the_output_seen(backend: Backend) -> None:
    ledger = backend.ledger("1.00", clock=lambda: NOW)
    res = _reserve(ledger)
    ledger.note_output(res, 120)
    assert ledger.abandon_in_flight() == 1
    # 4,000 input at $0.75 and 120 output at $4.50 per Mtok: an estimate, never $0.
    assert _rows(backend) == [("abandoned", 3000 + 540, 1, None)]
    assert backend.scalar("SELECT count(*) FROM quota_reservations") == 0
    assert ledger.month_spend_usd("trader") == Decimal("0.00354")


def test_a_settle_after_the_lease_was_swept_corrects_the_estimate_once(backend: Backend) -> None:
    ledger = backend.ledger("1.00", reservation_ttl_s=30, clock=lambda: NOW)
    res = _reserve(ledger)
    later = backend.ledger("1.00", clock=lambda: NOW + timedelta(seconds=31))
    assert later.sweep() == 1  # nobody renewed it: abandoned at the input estimate
    usage = Usage(4000, 800)
    row = UsageRow("r1", "trader", "market_analysis", "openai", "gpt-5.4-mini", "gpt-5.4-mini", usage,
                   PRICE.cost(usage), "ok", price_version="t", created_at=NOW + timedelta(seconds=32))
    ledger.settle(res, row)  # the call was alive after all, and its bill arrives late
    ledger.settle(res, row)  # a retried settle adds nothing
    rows = _rows(backend)
    assert [r[:2] for r in rows] == [("abandoned", 3000), ("adjustment", 3600)]
    assert ledger.month_spend_usd("trader") == Decimal("0.0066")  # = the vendor's bill, counted once
    assert backend.scalar("SELECT SUM(requests) FROM llm_usage_user_month") == 1


def test_an_admin_reconciles_an_abandoned_row_with_a_note(backend: Backend) -> None:
    ledger = backend.ledger("1.00", clock=lambda: NOW)
    _reserve(ledger)
    ledger.abandon_in_flight()
    row_id = backend.scalar("SELECT id FROM llm_usage")
    with pytest.raises(ReconcileRefused, match="note"):
        ledger.reconcile(row_id, "0.004", "  ", by="admin@example.com")
    adj = ledger.reconcile(row_id, "0.0041", "vendor dashboard, request r1", by="admin@example.com")
    assert [r[:2] for r in _rows(backend)] == [("abandoned", 3000), ("adjustment", 1100)]
    assert ledger.month_spend_usd("trader") == Decimal("0.0041")
    with pytest.raises(ReconcileRefused, match="only abandoned or estimated"):
        ledger.reconcile(adj, "0", "nope", by="admin@example.com")
