"""The dashboard's figures through the usage service, on known seeded rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.services import usage
from core.usage.period import Month
from tests.fixtures.backends import Backend
from tests.test_usage_seed import (
    BOB_SPEND,
    LOCAL_CACHE_HITS,
    LOCAL_REQUESTS,
    LOCAL_SAVINGS,
    LOCAL_SPEND,
    seeded_backend_env,
)

OCT = Month(2026, 10)


@pytest.fixture()
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: Backend) -> Iterator[Backend]:
    yield from seeded_backend_env(monkeypatch, tmp_path, backend, OCT, "0.50")


def test_month_summary_totals_and_quota(studio_db: Backend) -> None:
    s = usage.month_summary("local", "2026-10", now=datetime(2026, 11, 5, tzinfo=UTC))
    assert s["spend_usd"] == LOCAL_SPEND
    assert s["quota_usd"] == Decimal("0.50")
    assert s["remaining_usd"] == Decimal("0.37")
    assert s["projected_usd"] == LOCAL_SPEND  # a finished month projects to what it was
    assert (s["requests"], s["cache_hits"], s["cache_savings_usd"]) == (LOCAL_REQUESTS, LOCAL_CACHE_HITS,
                                                                        LOCAL_SAVINGS)
    models = {r["model"]: r for r in s["by_model"]}
    assert models["claude-sonnet-4-5"]["spend_usd"] == Decimal("0.1")
    assert models["claude-sonnet-4-5"]["cache_write_tokens"] == 600
    assert models["gpt-4o-mini"]["requests"] == 5 and models["gpt-4o-mini"]["cache_read_tokens"] == 300
    assert [r["model"] for r in s["by_model"]] == ["claude-sonnet-4-5", "gpt-4o-mini"]  # costliest first
    assert {r["provider"]: r["spend_usd"] for r in s["by_provider"]} == {"anthropic": Decimal("0.1"),
                                                                          "openai": Decimal("0.03")}
    assert {r["use_case"] for r in s["by_use_case"]} == {"strategy_generation", "market_analysis", "news_sentiment"}
    assert [(d["day"], d["spend_usd"]) for d in s["by_day"]] == [
        ("2026-10-01", Decimal("0.03")), ("2026-10-02", Decimal("0.1")), ("2026-10-03", Decimal(0))]


def test_all_users_sum_everyone_without_a_quota(studio_db: Backend) -> None:
    s = usage.month_summary(None, "2026-10")
    assert s["spend_usd"] == LOCAL_SPEND + BOB_SPEND
    assert s["quota_usd"] is None and s["remaining_usd"] is None
    assert {r["provider"] for r in s["by_provider"]} == {"openai", "anthropic", "glm"}


def test_other_months_are_empty(studio_db: Backend) -> None:
    s = usage.month_summary("local", "2026-09")
    assert s["spend_usd"] == 0 and s["requests"] == 0 and s["by_day"] == []


def test_projection_extrapolates_the_pace_so_far() -> None:
    from core.usage.queries import projected_usd

    # 10 of 30 days elapsed with $1 spent -> $3 by month end.
    assert projected_usd(Decimal(1), Month(2026, 11), datetime(2026, 11, 11, tzinfo=UTC)) == Decimal("3")
    assert projected_usd(Decimal(1), Month(2026, 11), datetime(2026, 12, 2, tzinfo=UTC)) == Decimal(1)


def test_tokens_by_kind_errors_and_cache_hit_rate(studio_db: Backend) -> None:
    t = usage.usage_totals("local", "2026-10")
    # Billed tokens only: the cache hit's 1000 + 500 tokens were saved, not processed.
    assert t["input_tokens"] == 3 * 1000 + 2 * 2000
    assert t["output_tokens"] == 3 * 500 + 2 * 800
    assert (t["cache_read_tokens"], t["cache_write_tokens"], t["reasoning_tokens"]) == (300, 600, 80)
    assert t["errors"] == 1
    assert t["cache_hit_rate"] == pytest.approx(1 / 7)


def test_daily_spend_by_model_for_the_stacked_chart(studio_db: Backend) -> None:
    rows = usage.daily_spend_by_model("local", "2026-10")
    assert [(r["day"], r["model"], r["spend_usd"]) for r in rows] == [
        ("2026-10-01", "gpt-4o-mini", Decimal("0.03")),
        ("2026-10-02", "claude-sonnet-4-5", Decimal("0.1")),
        ("2026-10-02", "gpt-4o-mini", Decimal(0)),
        ("2026-10-03", "gpt-4o-mini", Decimal(0)),
    ]


def test_recent_requests_newest_first_with_filters(studio_db: Backend) -> None:
    rows = usage.recent_requests("local", "2026-10")
    assert [r["request_id"] for r in rows][:2] == ["news-429", "gen-cached"]
    assert len(rows) == LOCAL_REQUESTS
    assert [r["request_id"] for r in usage.recent_requests("local", "2026-10", status="errors")] == ["news-429"]
    assert {r["request_id"] for r in usage.recent_requests("local", "2026-10", provider="anthropic")} == {
        "mkt-0", "mkt-1"}
    assert usage.recent_requests("local", "2026-10", model="gpt-4o-mini", status="cached")[0]["cost_saved_usd"] == (
        Decimal("0.01"))
    assert len(usage.recent_requests(None, "2026-10", use_case="news_sentiment")) == 2
    assert len(usage.recent_requests("local", "2026-10", limit=2)) == 2


def test_csv_export_has_every_matching_row_and_exact_money(studio_db: Backend) -> None:
    text = usage.usage_csv("local", "2026-10")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == LOCAL_REQUESTS
    assert sum(Decimal(r["cost_usd"]) for r in rows) == LOCAL_SPEND
    assert rows[0]["request_id"] == "gen-0"  # oldest first
    err = next(r for r in rows if r["status"] == "rate_limited")
    assert err["error"].startswith("'=")  # a formula stays text in a spreadsheet
    chunks = list(usage.iter_usage_csv(None, "2026-10", use_case="news_sentiment"))
    assert "".join(chunks).count("\n") == 3  # header + 2 rows


def test_quota_status_and_override(studio_db: Backend) -> None:
    now = datetime(2026, 10, 20, tzinfo=UTC)
    q = usage.quota_status("local", now=now)
    assert (q.spend_usd, q.quota_usd, q.remaining_usd, q.month) == (LOCAL_SPEND, Decimal("0.50"), Decimal("0.37"),
                                                                     "2026-10")
    assert q.fraction == pytest.approx(0.26)
    assert q.reset_date.isoformat() == "2026-11-01"
    usage.set_user_quota("bob", "0.10")
    bob = usage.quota_status("bob", now=now)
    assert bob.fraction == pytest.approx(2.0) and bob.remaining_usd == 0
    with pytest.raises(usage.UsageInputError, match="US dollars"):
        usage.set_user_quota("bob", "-3")


def test_bad_month_is_an_actionable_error(studio_db: Backend) -> None:
    with pytest.raises(usage.UsageInputError, match="YYYY-MM") as info:
        usage.month_summary("local", "Oct 2026")
    assert info.value.exit_code == 2


def test_months_and_filter_choices(studio_db: Backend) -> None:
    assert "2026-10" in usage.available_months("local")
    values = usage.filter_values(None, "2026-10")
    assert values["provider"] == ["anthropic", "glm", "openai"] and values["user_id"] == ["bob", "local"]


def test_clear_cache_through_the_service(studio_db: Backend) -> None:
    from core.llm.types import Completion, Usage

    studio_db.cache().put("local", "k", Completion("t", "m", "p", None, Usage(), Decimal(0)), 60)
    assert usage.cache_stats("local")["entries"] == 1
    assert usage.clear_cache("local") == 1
    assert usage.cache_stats()["entries"] == 0
