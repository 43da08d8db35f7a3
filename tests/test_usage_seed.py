"""Known ledger rows for the usage tests (queries, CLI, page, browser). This module holds no tests.

``seed(path, month)`` writes them through the real ``SqliteLedger``; the figures below are what the
dashboard must show for user "local" in that month.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.config import reset_settings_cache
from core.llm.types import Usage, UsageRow
from core.storage import get_db
from core.usage.ledger import SqliteLedger
from core.usage.period import Month
from tests.fixtures.backends import Backend

LOCAL_SPEND = Decimal("0.130000")
LOCAL_REQUESTS = 7
LOCAL_CACHE_HITS = 1
LOCAL_SAVINGS = Decimal("0.010000")
BOB_SPEND = Decimal("0.200000")


def _at(month: Month, day: int, hour: int) -> datetime:
    return datetime(month.year, month.month, day, hour, 0, tzinfo=UTC)


def seed(path: str | Path, month: Month) -> None:
    db = get_db(path)
    seed_ledger(SqliteLedger(db, Decimal("1")), month)
    db.close()


def seed_ledger(ledger: Any, month: Month) -> None:
    """Record the rows above through ``ledger`` (any backend's)."""
    rows: list[UsageRow] = []
    for i in range(3):
        rows.append(UsageRow(f"gen-{i}", "local", "strategy_generation", "openai", "gpt-4o-mini", "gpt-4o-mini",
                             Usage(1000, 500, cache_read_tokens=100), Decimal("0.010"), "ok",
                             price_version="2026-07", latency_ms=900 + i, ttft_ms=200,
                             created_at=_at(month, 1, 9 + i)))
    for i in range(2):
        rows.append(UsageRow(f"mkt-{i}", "local", "market_analysis", "anthropic", "claude-sonnet-4-5", None,
                             Usage(2000, 800, cache_write_tokens=300, reasoning_tokens=40), Decimal("0.050"), "ok",
                             price_version="2026-07", latency_ms=2100, created_at=_at(month, 2, 10 + i)))
    rows.append(UsageRow("gen-cached", "local", "strategy_generation", "openai", "gpt-4o-mini", "gpt-4o-mini",
                         Usage(1000, 500), Decimal(0), "cached", cost_saved_usd=Decimal("0.010"),
                         created_at=_at(month, 2, 15)))
    rows.append(UsageRow("news-429", "local", "news_sentiment", "openai", "gpt-4o-mini", "gpt-4o-mini", Usage(),
                         Decimal(0), "rate_limited", error="=HYPERLINK(429 Too Many Requests)",
                         created_at=_at(month, 3, 8)))
    rows.append(UsageRow("bob-1", "bob", "news_sentiment", "glm", "glm-4.6", "glm-4.6", Usage(5000, 1000),
                         Decimal("0.200"), "ok", created_at=_at(month, 1, 12)))
    for row in rows:
        ledger.record(row)


def seeded_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, month: Month, quota_usd: str) -> Iterator[Path]:
    """Body of a fixture: a temp STUDIO_DB holding the rows above, the given default quota, no secrets."""
    path = tmp_path / "studio.db"
    monkeypatch.setenv("STUDIO_DB", str(path))
    monkeypatch.setenv("LLM_MONTHLY_QUOTA_USD", quota_usd)
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    seed(path, month)
    yield path
    reset_settings_cache()


def seeded_backend_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, backend: Backend, month: Month,
                       quota_usd: str) -> Iterator[Backend]:
    """``seeded_env`` on either storage backend (the contract suite's ``backend`` fixture)."""
    backend.env(monkeypatch)
    monkeypatch.setenv("LLM_MONTHLY_QUOTA_USD", quota_usd)
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    seed_ledger(backend.ledger("1"), month)
    yield backend
    reset_settings_cache()
