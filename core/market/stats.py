"""What a finished simulation adds up to: the equity curve, the metrics and the messages about it.

Kept apart from the engine (core/market/backtester.py) as backtesting.py keeps ``compute_stats``
apart from its broker: the engine decides the fills; everything here is arithmetic over them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.coded import Coded
from core.market import metrics as m
from core.market.book import QTY_EPSILON, Book, Fill, Trade


def equity_curve(fills: list[Fill], n: int, cash: float, close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equity and holding per bar. Cash and holding change only at fills, so both are cumulative
    sums of per-bar deltas; equity marks the holding to each bar's close."""
    d_cash = np.zeros(n)
    d_qty = np.zeros(n)
    if fills:
        bars = np.fromiter((f.bar for f in fills), dtype=np.int64, count=len(fills))
        sign = np.fromiter((1.0 if f.side == "buy" else -1.0 for f in fills), dtype=float, count=len(fills))
        qty = np.fromiter((f.qty for f in fills), dtype=float, count=len(fills))
        value = qty * np.fromiter((f.price for f in fills), dtype=float, count=len(fills))
        fee = np.fromiter((f.fee for f in fills), dtype=float, count=len(fills))
        np.add.at(d_cash, bars, -sign * value - fee)
        np.add.at(d_qty, bars, sign * qty)
    held = np.cumsum(d_qty)
    held[np.abs(held) < QTY_EPSILON] = 0.0
    return cash + np.cumsum(d_cash) + held * close, held


def compute_metrics(
    equity: np.ndarray,
    held: np.ndarray,
    close: np.ndarray,
    trades: list[Trade],
    cash: float,
    times: pd.DatetimeIndex,
) -> dict[str, Any]:
    """The figures of the `backtest --json` contract (formulas in metrics.FORMULAS), plus the counts."""
    stats = m.trade_stats([t.pnl for t in trades])
    return {
        "total_return_pct": m.round_or_none(m.total_return_pct(equity, cash)),
        "max_drawdown_pct": m.round_or_none(float(m.drawdown_pct(equity, cash).min())),
        "win_rate_pct": m.round_or_none(stats["win_rate_pct"]),
        "sharpe": m.round_or_none(m.sharpe(pd.Series(equity, index=times), cash)),
        "profit_factor": m.round_or_none(stats["profit_factor"]),
        "trades": len(trades),
        "exposure_pct": m.round_or_none(float((held > 0).mean() * 100.0)),
        "buy_hold_return_pct": m.round_or_none(float((close[-1] - close[0]) / close[0] * 100.0)),
        "wins": stats["wins"],
        "losses": stats["losses"],
        "draws": stats["draws"],
    }


def book_warnings(book: Book, times: pd.DatetimeIndex) -> list[str]:
    """What the user must know to trust the figures: orders cut down, buys refused, too few trades."""
    out = []
    if book.reduced:
        out.append(Coded(
            "BT_ORDERS_REDUCED",
            f"{len(book.reduced)} order(s) were reduced to what the cash or holding allowed "
            f"(first: {book.reduced[0]}).",
            count=len(book.reduced), first=str(book.reduced[0]),
        ))
    if book.skipped:
        assert book.first_skipped is not None
        out.append(Coded(
            "BT_BUYS_SKIPPED",
            f"{book.skipped} buy signal(s) could not be filled because the cash was used up "
            f"(first at {times[book.first_skipped].isoformat()}).",
            count=book.skipped, first=times[book.first_skipped].isoformat(),
        ))
    if len(book.trades) < m.MIN_TRADES:
        out.append(Coded(
            "BT_FEW_TRADES",
            f"Only {len(book.trades)} closed trade(s): win rate, profit factor and Sharpe mean little with fewer "
            f"than {m.MIN_TRADES} trades.",
            count=len(book.trades), minimum=m.MIN_TRADES,
        ))
    if (times[-1] - times[0]) < pd.Timedelta(days=30):
        out.append(Coded("BT_SHORT_DATA",
                         "The data covers less than 30 days; the daily Sharpe ratio rests on very few returns."))
    return out


def book_notes(book: Book, base: str, last_close: float, unfilled_last: int) -> list[str]:
    """What happened at the edges: a position still open, orders with no next bar, sells with nothing held."""
    out = []
    if book.trade is not None:
        out.append(Coded(
            "BT_POSITION_OPEN",
            f"A position of {book.qty:.8g} {base} is still open at the end; it is valued at the last close "
            f"({last_close:.8g}) in the equity and the total return, but not counted as a closed trade.",
            qty=f"{book.qty:.8g}", base=base, close=f"{last_close:.8g}",
        ))
    if unfilled_last:
        out.append(Coded("BT_LAST_BAR_UNFILLED",
                         f"{unfilled_last} order(s) signalled on the last bar could not fill (there is no next bar).",
                         count=unfilled_last))
    if book.flat_sells:
        out.append(Coded("BT_FLAT_SELLS",
                         f"{book.flat_sells} sell signal(s) came while holding nothing and were ignored.",
                         count=book.flat_sells))
    return out
