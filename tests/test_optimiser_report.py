"""The offline optimiser reports its search: every candidate with its parameters and in-sample figures,
the best few with out-of-sample figures, and the guard that decided as a code with its figures."""

from __future__ import annotations

import json

from core.offline import optimize as optimiser
from core.offline.inputs import OptimisationInput
from core.services.backtesting import bar_range_backtest
from core.services.market_data import load_sample
from core.services.optimization import optimize_strategy
from tests.strategy_builders import buy, cond, edge, sell, strategy

SMA_TREND = strategy(
    [cond("condition_1", "sma(10)", ">", "sma(30)")],
    [buy(amount=5000), sell()],
    [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true"),
     edge("condition_1", "action_2", "false")],
)


def test_a_two_parameter_grid_reports_every_candidate_and_the_guard_in_figures() -> None:
    data = load_sample()
    out = json.loads(optimiser.answer(OptimisationInput(SMA_TREND, len(data.df), bar_range_backtest(data, 10, 5))))
    search = out["search"]
    assert [p["label"] for p in search["params"]] == ["sma period", "sma period"]
    assert search["method"] == "grid" and len(search["tried"]) == 25  # 5 x 5, the original among them
    assert search["tried"][0]["original"] and search["tried"][0]["values"] == [10.0, 30.0]
    assert len({tuple(t["values"]) for t in search["tried"]}) == 25
    assert search["in_sample_bars"] + search["out_of_sample_bars"] == len(data.df)
    best = search["best"]
    assert len(best) == 5 and any(b["original"] for b in best)
    sharpes = [b["in_sample"]["sharpe"] for b in best if not b["original"]]
    assert sharpes == sorted(sharpes, reverse=True)
    assert all(b["out_of_sample"]["trades"] is not None for b in best)
    guard = search["guard"]
    # The fit did not hold on this data: the guard says so with both out-of-sample Sharpes.
    assert guard["code"] == "OPT_OOS_FELL" and out["changes"] == []
    assert f"fell from {guard['params']['before']} to {guard['params']['after']}" in guard["text"]
    assert float(guard["params"]["after"]) < float(guard["params"]["before"])


def test_the_service_carries_the_report_and_a_coded_verdict() -> None:
    result = optimize_strategy(SMA_TREND, load_sample(), model="offline", language="ko")
    assert result.kept_original and result.verdict.code == "OPT_VERDICT_UNCHANGED" and "유지" in result.verdict
    assert result.search is not None and result.search.heat_map
    assert result.search.guard.code == "OPT_OOS_FELL"
    assert result.as_json()["search"]["guard"]["code"] == "OPT_OOS_FELL"
