"""The five use cases as the pages and the CLI call them (offline engine, and the fake vendor)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.errors import StudioError
from core.services.analysis import analyze_market
from core.services.common import BadInput
from core.services.generation import diff_changes, generate_strategy
from core.services.market_data import MarketData, load_sample
from core.services.news import analyze_news_batch, load_news_csv
from core.services.optimization import optimize_strategy
from tests.fakes.vendor import Reply
from tests.services_support import VALID_STRATEGY, fake_vendor_env, offline_env

_offline_fixture = pytest.fixture(name="offline")(offline_env)
_fake_fixture = pytest.fixture(name="fake")(fake_vendor_env)


def hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def rsi_swing(low: float, high: float) -> dict[str, Any]:
    """Buy 1000 USDT when daily RSI(14) < low, sell everything when > high."""
    return {
        "schema_version": 1, "name": "RSI swing", "description": "Buy low RSI, sell high RSI.",
        "nodes": [
            {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "1d"}},
            {"id": "data_1", "type": "data_source",
             "config": {"source_type": "ohlcv", "symbol": "BTC/USDT", "timeframe": "1d"}},
            {"id": "condition_1", "type": "condition", "config": {"operator": "<", "left": "rsi(14)", "right": low}},
            {"id": "action_1", "type": "action",
             "config": {"action_type": "buy", "symbol": "BTC/USDT", "amount": 1000, "unit": "USDT"}},
            {"id": "condition_2", "type": "condition", "config": {"operator": ">", "left": "rsi(14)", "right": high}},
            {"id": "action_2", "type": "action",
             "config": {"action_type": "sell", "symbol": "BTC/USDT", "amount": "all", "unit": "BTC"}},
        ],
        "edges": [
            {"from": "trigger_1", "to": "data_1"}, {"from": "data_1", "to": "condition_1"},
            {"from": "condition_1", "to": "action_1", "condition": "true"}, {"from": "data_1", "to": "condition_2"},
            {"from": "condition_2", "to": "action_2", "condition": "true"},
        ],
    }


def test_offline_generation_answers_in_the_requests_language(offline) -> None:
    ko = generate_strategy("비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수")
    assert ko.offline and ko.model == "offline" and ko.cost_usd == 0 and ko.report.valid
    assert ko.language == "ko" and hangul(ko.strategy["description"])
    en = generate_strategy("Sell all ETH when the 4h close crosses below the 50 EMA")
    assert en.language == "en" and not hangul(en.strategy["description"])


def test_offline_market_analysis_in_korean_uses_the_datas_figures(offline) -> None:
    result = analyze_market(load_sample(), symbol="BTC/USDT", language="ko")
    assert hangul(result.analysis) and hangul(result.reason)
    assert result.indicators["rsi_14"] is not None and f"{result.indicators['rsi_14']:.1f}" in result.analysis


def test_market_analysis_refuses_too_little_data(offline) -> None:
    data = load_sample()
    short = MarketData(df=data.df.iloc[:10], symbol="BTC/USDT", timeframe="1d")
    with pytest.raises(BadInput) as info:
        analyze_market(short, symbol="BTC/USDT")
    assert "at least" in str(info.value) and "got 10" in str(info.value)


def test_news_batch_keeps_order_reports_progress_and_isolates_failures(offline) -> None:
    items = [{"title": f"Bitcoin surges {i}%"} for i in range(9)]
    items[4] = {"title": "   "}  # this one fails; the others must not
    calls: list[tuple[int, int]] = []
    results = analyze_news_batch(items, concurrency=3, progress=lambda d, n: calls.append((d, n)))
    assert [r.item.title for r in results] == [i["title"] for i in items]
    assert calls[0] == (0, 9) and calls[-1] == (9, 9) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert not results[4].ok and "empty" in (results[4].error or "")
    assert all(r.ok and r.sentiment == "POSITIVE" for i, r in enumerate(results) if i != 4)


def test_news_csv_errors_name_the_row_and_the_columns() -> None:
    with pytest.raises(StudioError) as info:
        load_news_csv(b"headline,body\nx,y\n", name="feed.csv")
    assert "no 'title' column" in str(info.value) and "headline" in str(info.value)
    with pytest.raises(StudioError) as info:
        load_news_csv("title,content\nok,fine\n,orphan body\n", name="feed.csv")
    assert "row 3" in str(info.value)
    items = load_news_csv("Title,Published_At\nA,2026-01-01\n\nB,2026-01-02\n")
    assert [(i.title, i.published_at) for i in items] == [("A", "2026-01-01"), ("B", "2026-01-02")]


def test_diff_changes_reads_like_a_change_list_in_both_languages() -> None:
    new = json.loads(json.dumps(VALID_STRATEGY))
    new["nodes"].append({"id": "action_2", "type": "action", "config": {"action_type": "notify", "message": "hi"}})
    new["edges"].append({"from": "condition_1", "to": "action_2", "condition": "true"})
    new["nodes"][2]["config"]["right"] = 25
    en = diff_changes(VALID_STRATEGY, new, "en")
    assert "condition_1.right: 30 → 25" in en
    assert any(c.startswith("added action node action_2") for c in en)
    assert "added link condition_1 → action_2 [true]" in en
    ko = diff_changes(VALID_STRATEGY, new, "ko")
    assert any("추가" in c for c in ko)
    assert diff_changes(VALID_STRATEGY, VALID_STRATEGY) == ["no changes"]


def test_a_better_proposal_is_adopted_with_honest_numbers(fake) -> None:
    proposal = {"optimized_strategy": rsi_swing(45, 65), "changes": ["RSI buy level 35 → 45"],
                "expected_improvement": {"return_pct": "+60%"}}
    fake.script(Reply(text=json.dumps(proposal)), vendor="openai")
    result = optimize_strategy(rsi_swing(35, 65), load_sample(), model="gpt-5.4")
    assert result.improved and not result.kept_original
    assert result.optimized_strategy["nodes"][2]["config"]["right"] == 45
    assert result.changes == ["RSI buy level 35 → 45"]
    assert result.after["sharpe"] > result.before["sharpe"]
    body = fake.attempts[-1].body
    prompt = body["messages"][-1]["content"]
    assert "Sharpe ratio" in prompt and str(result.before["sharpe"]) in prompt  # metrics went in


def test_a_worse_proposal_is_rejected_and_the_original_kept(fake) -> None:
    proposal = {"optimized_strategy": rsi_swing(30, 70), "changes": [], "expected_improvement": None}
    fake.script(Reply(text=json.dumps(proposal)), vendor="openai")
    original = rsi_swing(35, 65)
    result = optimize_strategy(original, load_sample(), model="gpt-5.4", language="ko")
    assert result.kept_original and not result.improved
    assert result.optimized_strategy == result.original
    assert result.changes == [] and "condition_1.right: 35 → 30" in result.rejected_changes
    assert result.after["trades"] == 0 and result.before["trades"] > 0  # reported as tested
    assert "유지" in result.verdict
    as_json = result.as_json()
    assert {"optimized_strategy", "changes", "before", "after"} <= set(as_json)


def test_an_invalid_strategy_is_not_optimised(offline) -> None:
    broken = json.loads(json.dumps(VALID_STRATEGY))
    broken["edges"].append({"from": "action_1", "to": "condition_1"})
    with pytest.raises(BadInput) as info:
        optimize_strategy(broken, load_sample())
    assert "CYCLE" in str(info.value)


def test_news_batch_through_a_vendor_charges_every_item_once(fake) -> None:
    answer = {"sentiment": "NEGATIVE", "score": -0.6, "keywords": ["hack"], "summary": "An exchange was hacked.",
              "impact": "HIGH", "price_implication": "BEARISH"}
    fake.script(Reply(text=json.dumps(answer), chunk_delay_s=0.0, delay_s=0.05, repeat=8), vendor="openai")
    items = [{"title": f"Exchange {i} hacked", "content": "Funds were stolen."} for i in range(8)]
    results = analyze_news_batch(items, concurrency=4, model="gpt-5.4-nano", use_cache=False)
    assert all(r.ok and r.sentiment == "NEGATIVE" for r in results)
    assert fake.count("openai") == 8
    # Bounded concurrency: parallel (each reply takes 50 ms), but never more than 4 at once.
    assert 1 < fake.max_in_flight <= 4
    from tests.services_support import ledger_rows

    rows = ledger_rows(use_case="news_sentiment")
    assert len(rows) == 8 and {r["status"] for r in rows} == {"ok"}


def test_news_batch_row_errors_carry_their_code_and_read_in_korean(fake, monkeypatch) -> None:
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway
    from core.services.wording import word_coded
    from tests.korean_text import english_runs

    answer = {"sentiment": "POSITIVE", "score": 0.5, "keywords": ["etf"], "summary": "Inflows.",
              "impact": "LOW", "price_implication": "BULLISH"}
    fake.script(Reply(text=json.dumps(answer)), Reply(status=401, error_message="invalid api key"), vendor="openai")
    results = analyze_news_batch([{"title": "ETF approved"}, {"title": "ETF delayed"}], concurrency=1,
                                 model="gpt-5.4-nano", fallback="off", use_cache=False)
    assert results[0].ok and not results[1].ok
    error = results[1].error
    assert "401" in str(error)  # the English sentence the CLI shows is unchanged
    assert error.code == "PROVIDER_AUTH_FAILED" and error.params["model"] == "gpt-5.4-nano"
    message, hint = word_coded(error.code, error.params, "ko")
    korean = f"{message} {hint or ''}".replace("gpt-5.4-nano", " ")
    assert hangul(korean) and "401" in korean and not english_runs(korean), korean

    # Out of quota: the item that hit it, and the items never started, say so in Korean too.
    monkeypatch.setenv("LLM_MONTHLY_QUOTA_USD", "0.000001")
    reset_settings_cache()
    reset_gateway()
    results = analyze_news_batch([{"title": f"ETF {i}"} for i in range(3)], concurrency=1,
                                 model="gpt-5.4-nano", use_cache=False)
    codes = [r.error.code for r in results]
    # (the first part's spend is already past this quota: the refusal says overspent)
    assert codes[0].startswith("QUOTA_") and all(c.startswith("QUOTA_") or c == "NEWS_NOT_RUN" for c in codes)
    assert "NEWS_NOT_RUN" in codes and str(results[-1].error) == "not run: the quota was exceeded"
    not_run = next(r.error for r in results if r.error.code == "NEWS_NOT_RUN")
    assert hangul(word_coded(not_run.code, not_run.params, "ko")[0])
