"""Benchmark the backtester on 525,600 synthetic 1-minute bars (one year), in one process.

1. An RSI + MACD strategy with a stop-loss / take-profit on position_pnl_pct (our backtester).
2. An SMA(50)/SMA(200) cross, long only, all-in, through our backtester and through backtesting.py
   (the baseline) with the same fill rule (next bar's open) and commission.

Prints both times, the ratio and the peak memory (max RSS of this process, read after our runs and
again after the baseline). Targets: RSI+MACD < 2 s, ≥ 5× faster than backtesting.py, < 500 MB.

    python bench/backtest.py [--bars 525600]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.market.backtester import run
from core.market.data import MarketData


def synthetic_bars(n: int, seed: int = 7) -> pd.DataFrame:
    """A geometric random walk with intrabar noise; positive prices, high >= max(open, close)."""
    rng = np.random.default_rng(seed)
    log_ret = rng.normal(0.0, 0.0009, n)
    close = 30_000.0 * np.exp(np.cumsum(log_ret))
    open_ = np.concatenate(([close[0]], close[:-1]))
    spread = np.abs(rng.normal(0.0, 0.0005, n)) * close
    high = np.maximum(open_, close) + spread
    low = np.minimum(open_, close) - spread
    volume = rng.gamma(2.0, 5.0, n)
    index = pd.date_range("2025-01-01", periods=n, freq="1min", tz="UTC")
    return pd.DataFrame({"open": open_, "high": high, "low": low, "close": close, "volume": volume}, index=index)


def node(nid: str, typ: str, **config: Any) -> dict[str, Any]:
    return {"id": nid, "type": typ, "config": config}


def edge(a: str, b: str, label: str | None = None) -> dict[str, Any]:
    return {"from": a, "to": b, **({"condition": label} if label else {})}


HEAD = [
    node("trigger_1", "trigger", trigger_type="time", interval="1m"),
    node("data_1", "data_source", source_type="ohlcv", symbol="BTC/USDT", timeframe="1m"),
]

RSI_MACD = {
    "schema_version": 1,
    "name": "RSI dip + MACD cross, TP/SL",
    "nodes": [
        *HEAD,
        node("condition_1", "condition", operator="<", left="rsi(14)", right=35),
        node("condition_2", "condition", operator="crosses_above", left="macd(12,26,9)", right="macd_signal(12,26,9)"),
        node("condition_3", "condition", operator=">", left="rsi(14)", right=70),
        node("condition_4", "condition", operator="<", left="position_pnl_pct", right=-1.5),
        node("condition_5", "condition", operator=">", left="position_pnl_pct", right=3),
        node("action_1", "action", action_type="buy", symbol="BTC/USDT", amount=1000, unit="USDT"),
        node("action_2", "action", action_type="sell", symbol="BTC/USDT", amount="all"),
    ],
    "edges": [
        edge("trigger_1", "data_1"),
        edge("data_1", "condition_1"),
        edge("condition_1", "condition_2", "true"),
        edge("condition_2", "action_1", "true"),
        edge("data_1", "condition_3"),
        edge("condition_3", "action_2", "true"),
        edge("data_1", "condition_4"),
        edge("condition_4", "action_2", "true"),
        edge("data_1", "condition_5"),
        edge("condition_5", "action_2", "true"),
    ],
}

SMA_CROSS = {
    "schema_version": 1,
    "name": "SMA 50/200 cross",
    "nodes": [
        *HEAD,
        node("condition_1", "condition", operator="crosses_above", left="sma(50)", right="sma(200)"),
        node("condition_2", "condition", operator="crosses_below", left="sma(50)", right="sma(200)"),
        node("action_1", "action", action_type="buy", symbol="BTC/USDT", amount=1e12, unit="USDT"),
        node("action_2", "action", action_type="sell", symbol="BTC/USDT", amount="all"),
    ],
    "edges": [
        edge("trigger_1", "data_1"),
        edge("data_1", "condition_1"),
        edge("data_1", "condition_2"),
        edge("condition_1", "action_1", "true"),
        edge("condition_2", "action_2", "true"),
    ],
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def timed(fn: Any, repeat: int = 3) -> tuple[float, float, Any]:
    """(first run, best of ``repeat``, result); the first run includes every one-off cost."""
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times), out


def traced_peak_mb(fn: Any) -> float:
    """Peak of memory allocated while ``fn`` runs (numpy arrays included), apart from the interpreter."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def baseline_sma_cross(df: pd.DataFrame, fee: float) -> tuple[float, Any]:
    from backtesting import Backtest, Strategy
    from backtesting.lib import crossover
    from backtesting.test import SMA

    class SmaCross(Strategy):
        def init(self) -> None:
            self.fast = self.I(SMA, self.data.Close, 50)
            self.slow = self.I(SMA, self.data.Close, 200)

        def next(self) -> None:
            if crossover(self.fast, self.slow) and not self.position:
                self.buy(size=1 - 1e-9)
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    frame = df.rename(columns=str.capitalize).tz_localize(None)
    # Whole units at ~30,000 per unit need a large cash for the all-in sizing to mirror ours.
    bt = Backtest(frame, SmaCross, cash=1e9, commission=fee, finalize_trades=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        stats = bt.run()
        return time.perf_counter() - start, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=525_600)
    args = parser.parse_args()
    df = synthetic_bars(args.bars)
    data = MarketData(df=df, symbol="BTC/USDT", timeframe="1m", source="synthetic")
    print(f"bars: {len(df):,} synthetic 1-minute bars ({df.index[0]:%Y-%m-%d} to {df.index[-1]:%Y-%m-%d})")

    first_rsi, t_rsi, r_rsi = timed(lambda: run(RSI_MACD, data, fee_bps=10, slippage_bps=5, cash=10_000))
    print(
        f"RSI+MACD (TP/SL) ours:        {first_rsi:7.3f} s first run, {t_rsi:.3f} s best of 3; fills "
        f"{len(r_rsi.fills):,}, closed trades {r_rsi.metrics['trades']:,}, return "
        f"{r_rsi.metrics['total_return_pct']} %  [target < 2 s]"
    )
    first_ours, t_ours, r_ours = timed(lambda: run(SMA_CROSS, data, fee_bps=10, slippage_bps=0, cash=1e9))
    print(
        f"SMA 50/200 cross ours:        {first_ours:7.3f} s first run, {t_ours:.3f} s best of 3; trades "
        f"{r_ours.metrics['trades']:,}, return {r_ours.metrics['total_return_pct']} %, max DD "
        f"{r_ours.metrics['max_drawdown_pct']} %"
    )
    ours_peak = peak_rss_mb()
    print(
        f"peak memory after our runs:   {ours_peak:7.1f} MB max RSS of the whole process, backtests only"
        "  [target < 500 MB]"
    )
    traced = traced_peak_mb(lambda: run(RSI_MACD, data, fee_bps=10, slippage_bps=5, cash=10_000))
    print(f"allocated during one RSI+MACD run: {traced:.1f} MB peak (tracemalloc; the bars themselves are 21 MB)")

    from core.services.market_data import load_csv

    text = df.rename_axis("timestamp").to_csv().encode()
    start = time.perf_counter()
    loaded = load_csv(text, name="bench.csv")
    print(
        f"load + validate the same bars as CSV: {time.perf_counter() - start:.3f} s ({len(text) / 2**20:.0f} MB, "
        f"{len(loaded.df):,} rows)"
    )

    print(f"peak memory after the CSV load: {peak_rss_mb():7.1f} MB (includes writing the 59 MB CSV text first)")

    t_base, stats = baseline_sma_cross(df, 0.001)
    print(
        f"SMA 50/200 cross backtesting.py: {t_base:7.3f} s  trades {int(stats['# Trades']):,}  return "
        f"{stats['Return [%]']:.4f} %  max DD {stats['Max. Drawdown [%]']:.4f} %"
    )
    print(f"ratio backtesting.py / ours:  {t_base / first_ours:7.1f}x (against our first run)  [target >= 5x]")
    print(f"peak memory incl. baseline:   {peak_rss_mb():7.1f} MB")


if __name__ == "__main__":
    main()
