"""Backtest use case: validate the strategy, run it over market data, return the result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.market.backtester import run as _run
from core.market.book import Trade
from core.market.data import MarketData
from core.market.errors import DataError, StrategyNotRunnable
from core.market.metrics import FORMULAS
from core.market.resample import resample
from core.market.result import BacktestResult
from core.market.timeframes import timeframe_seconds
from core.offline.inputs import Backtest
from core.services.strategy_library import StrategyInput, ValidStrategy, validate_strategy

__all__ = ["FORMULAS", "BacktestResult", "Trade", "metric_formulas", "run_backtest"]


def _runnable(strategy: StrategyInput) -> ValidStrategy:
    """A backtest of an invalid graph means nothing: refuse it, saying what is wrong."""
    if isinstance(strategy, str):  # JSON text: name the syntax error in the backtest's own words
        try:
            loaded = json.loads(strategy)
        except json.JSONDecodeError as exc:
            raise StrategyNotRunnable(
                f"The strategy is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                hint="Fix the JSON, or export the strategy again from the Strategies page.",
            ) from None
        if not isinstance(loaded, dict):
            raise StrategyNotRunnable("The strategy must be a JSON object.")
        strategy = loaded
    report = validate_strategy(strategy)
    valid = report.valid_strategy
    if valid is None:
        errors = report.errors or list(report.issues)
        first = "; ".join(f"{i.node_id or ''} {i.message}".strip().rstrip(".") for i in errors[:3])
        raise StrategyNotRunnable(
            f"The strategy is invalid ({len(errors)} issue(s)): {first}.",
            hint="Run `python -m core validate FILE` to see every issue with its fix.",
        )
    return valid


def run_backtest(
    strategy: StrategyInput,
    data: MarketData,
    *,
    fee_bps: float | Decimal = 10,
    slippage_bps: float | Decimal = 5,
    cash: float | Decimal = 10_000,
    match_timeframe: bool = True,
) -> BacktestResult:
    """Fills at the next bar's open, fees both sides, slippage; see core/market/backtester.py.

    With ``match_timeframe`` the data is first resampled to the strategy's (coarser) timeframe.
    A ``ValidStrategy`` is run as it is; anything else is validated first.
    """
    body = dict(_runnable(strategy))  # a shallow copy: the backtester only reads the graph
    bars, note = _bars_for_strategy(body, data) if match_timeframe else (data, None)
    result = _run(body, bars, fee_bps=float(fee_bps), slippage_bps=float(slippage_bps), cash=float(cash))
    if note:
        result.notes.insert(0, note)
    return result


def _bars_for_strategy(strategy: dict[str, Any], data: MarketData) -> tuple[MarketData, str | None]:
    """Resample to the timeframe the strategy's OHLCV source asks for, when that is coarser.

    rsi(14) on 1h bars is not rsi(14) on 1m bars: running on the bars the strategy was written for
    is what its author means. Finer requests cannot be met; the backtester warns about those.
    """
    wanted = {
        str(node.get("config", {}).get("timeframe"))
        for node in strategy.get("nodes") or []
        if isinstance(node, dict)
        and node.get("type") == "data_source"
        and node.get("config", {}).get("source_type", "ohlcv") == "ohlcv"
        and node.get("config", {}).get("timeframe")
    }
    if len(wanted) != 1:
        return data, None
    target = wanted.pop()
    try:
        coarser = timeframe_seconds(target) > timeframe_seconds(data.timeframe)
        if not coarser or timeframe_seconds(target) % timeframe_seconds(data.timeframe):
            return data, None
        bars = resample(data, target)
    except DataError:
        return data, None
    return (
        bars,
        f"The {data.timeframe} data was resampled to {target} bars, the timeframe the strategy's data source asks for.",
    )


def metric_formulas() -> dict[str, str]:
    return dict(FORMULAS)


def bar_range_backtest(data: MarketData, fee_bps: float | Decimal, slippage_bps: float | Decimal) -> Backtest:
    """The backtest the offline optimiser judges with: a strategy's metrics on bars [start, end) of
    ``data``, with these fees (the optimiser itself never sees the data)."""

    def run(strategy: Mapping[str, Any], start: int, end: int) -> Mapping[str, Any]:
        part = MarketData(df=data.df.iloc[start:end], symbol=data.symbol, timeframe=data.timeframe,
                          source="optimiser")
        return run_backtest(dict(strategy), part, fee_bps=fee_bps, slippage_bps=slippage_bps).metrics

    return run
