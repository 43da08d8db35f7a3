"""Backtest metrics, defined as backtest-metrics.md recommends, with their formulas as text.

All percentages are in percent (12.5 means 12.5 %). Figures that are undefined (no closed trades,
no losing trade, fewer than two days) are ``None``, never NaN or a made-up 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

MIN_TRADES = 10  # below this, win rate / profit factor / Sharpe are reported with a warning
DRAW_EPSILON = 1e-9  # |PnL| below this (quote currency) is a draw, counted apart

FORMULAS: dict[str, str] = {
    "total_return_pct": "(final equity − starting cash) / starting cash × 100, equity marked to market "
    "(an open position is valued at the last close)",
    "max_drawdown_pct": "−max over bars of (1 − equity / running peak of equity) × 100, per bar, marked to market",
    "win_rate_pct": "winning closed trades / (winning + losing closed trades) × 100; PnL net of fees and "
    "slippage; break-even trades are counted apart",
    "sharpe": "mean / standard deviation (n−1) of daily equity returns × √365 (crypto trades every day); "
    "risk-free rate 0; equity sampled at each day's last bar",
    "profit_factor": "sum of winning trades' PnL / |sum of losing trades' PnL|, in quote currency "
    "(undefined without a losing trade)",
    "trades": "closed round trips (flat → position → flat); an open position is reported separately",
    "exposure_pct": "bars that end holding a position / all bars × 100",
    "buy_hold_return_pct": "(last close − first close) / first close × 100, no fees",
}


def total_return_pct(equity: np.ndarray, cash: float) -> float:
    return float((equity[-1] - cash) / cash * 100.0)


def drawdown_pct(equity: np.ndarray, cash: float) -> np.ndarray:
    """Per bar, ≤ 0: how far equity is below its running peak (the starting cash counts as a peak)."""
    peak = np.maximum.accumulate(np.maximum(equity, cash))
    return (equity / peak - 1.0) * 100.0


def sharpe(equity: pd.Series, cash: float) -> float | None:
    daily = equity.resample("1D").last().dropna()
    daily = pd.concat([pd.Series([cash], index=[daily.index[0] - pd.Timedelta(days=1)]), daily])
    returns = daily.pct_change().dropna().to_numpy()
    if len(returns) < 2:
        return None
    std = float(np.std(returns, ddof=1))
    if std == 0 or not math.isfinite(std):
        return None
    return float(np.mean(returns) / std * math.sqrt(365))


def trade_stats(pnls: list[float]) -> dict[str, Any]:
    wins = [p for p in pnls if p > DRAW_EPSILON]
    losses = [p for p in pnls if p < -DRAW_EPSILON]
    decided = len(wins) + len(losses)
    gross_loss = -sum(losses)
    return {
        "wins": len(wins),
        "losses": len(losses),
        "draws": len(pnls) - decided,
        "win_rate_pct": (len(wins) / decided * 100.0) if decided else None,
        "profit_factor": (sum(wins) / gross_loss) if gross_loss > 0 else None,
    }


def round_or_none(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)
