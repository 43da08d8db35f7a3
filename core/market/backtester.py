"""Execute a strategy graph over OHLCV bars, honestly.

- Conditions are evaluated on a bar's close; orders fill at the NEXT bar's open (no look-ahead).
  A signal on the last bar cannot fill and is reported.
- Slippage moves each fill against the trader (buy higher, sell lower) by ``slippage_bps``; the fee
  (``fee_bps`` of the traded value) is paid in quote currency on both sides.
- Buy size comes from the action's amount and unit: quote currency (spend that much) or the base
  coin (buy that many coins, fractions allowed). When cash does not cover it the order is reduced
  to what the cash allows, and a warning says so; nothing is skipped silently.
- Sell ``"all"`` or a part (base coins, or quote value at the fill price), capped at the holding.
- Equity is marked to market on every bar's close; an open position at the end is reported.

Speed: signals are numpy over all bars; Python only visits bars where an action fires. Conditions
on ``position_pnl_pct`` are evaluated in numpy over stretches of bars with a constant position.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from core.market import metrics as m
from core.market.book import QTY_EPSILON, Book, Fill, Trade
from core.market.data import MarketData
from core.market.errors import DataError
from core.market.evaluate import Evaluator
from core.market.plan import Plan, build_plan
from core.market.result import BacktestResult, Notification
from core.market.signals import condition_values, propagate, trigger_mask
from core.market.timeframes import timeframe_seconds

FIRST_WINDOW = 256
MAX_WINDOW = 1 << 16
MAX_NOTIFICATIONS = 10_000  # records kept; the total is always reported


def _pair(symbol: str) -> tuple[str, str]:
    if "/" in symbol:
        base, quote = symbol.upper().split("/", 1)
        return base, quote.split(":")[0]
    return symbol.upper(), "USDT"


def run(
    strategy: dict[str, Any] | Plan,
    data: MarketData,
    *,
    fee_bps: float = 10.0,
    slippage_bps: float = 5.0,
    cash: float = 10_000.0,
) -> BacktestResult:
    plan = strategy if isinstance(strategy, Plan) else build_plan(strategy)
    df = data.df
    n = len(df)
    if n < 2:
        raise DataError("A backtest needs at least two bars of data.", hint="Load a longer data set.")
    for name, value, low in (("fee", fee_bps, 0), ("slippage", slippage_bps, 0), ("cash", cash, 1e-9)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= low):
            raise DataError(f"The {name} setting must be a number ≥ {low:g}, got {value!r}.")
    if fee_bps >= 10_000 or slippage_bps >= 10_000:
        raise DataError("Fees and slippage are in basis points and must be below 10000 (100 %).")
    warnings: list[str] = []
    notes: list[str] = []
    base, quote = _pair(data.symbol)
    _check_plan_against_data(plan, data, base, quote, warnings)

    ev = Evaluator(df)
    index_seconds = df.index.as_unit("s").asi8
    bar_seconds = timeframe_seconds(data.timeframe)
    trigger, trigger_notes = trigger_mask(plan, ev, index_seconds, bar_seconds)
    notes.extend(trigger_notes)
    open_ = ev.columns["open"]
    close = ev.columns["close"]
    times = df.index
    book = Book(float(cash), fee_bps / 1e4, slippage_bps / 1e4, base, quote, times)
    notify_bars: dict[str, list[np.ndarray]] = {a.id: [] for a in plan.actions if a.kind == "notify"}
    trading = [a for a in plan.actions if a.kind != "notify"]
    buys = [r for r, a in enumerate(trading) if a.kind == "buy"]
    sells = [r for r, a in enumerate(trading) if a.kind == "sell"]
    unfilled_last = 0

    def execute(j: int, column: np.ndarray) -> None:
        """Trading actions firing on bar j, in the strategy's node order, fill at bar j + 1's open."""
        nonlocal unfilled_last
        if j + 1 >= n:
            unfilled_last += int(column.sum())
            return
        price = float(open_[j + 1])
        for r, action in enumerate(trading):
            if column[r]:
                if action.kind == "buy":
                    book.buy(action, j, price)
                else:
                    book.sell(action, j, price)

    def idle(stacked: np.ndarray, offset: int, stop: int) -> None:
        """Count signals in bars [offset, offset + stop) that cannot change the book's state."""
        if stop <= 0:
            return
        part = stacked[:, :stop]
        if buys and not book.can_buy():
            hits = part[buys].any(axis=0)
            if hits.any():
                book.skip_buys(int(hits.sum()), offset + int(np.argmax(hits)))
        if sells and book.qty <= 0:
            book.flat_sells += int(part[sells].any(axis=0).sum())

    def live_rows() -> list[int]:
        """Rows of the actions that would change the state now: buys with cash, sells with a holding."""
        return (buys if book.can_buy() else []) + (sells if book.qty > 0 else [])

    static = {cid: condition_values(spec, ev) for cid, spec in plan.conditions.items() if not spec.uses_position}
    if not plan.uses_position:
        fires = propagate(plan, trigger, static)
        for aid in notify_bars:
            notify_bars[aid].append(np.flatnonzero(fires[aid]))
        if trading:
            stacked = np.vstack([fires[a.id] for a in trading])
            for j in np.flatnonzero(stacked.any(axis=0)):
                execute(int(j), stacked[:, j])
    else:
        dynamic = [spec for spec in plan.conditions.values() if spec.uses_position]
        i, window, prev_pnl = 0, FIRST_WINDOW, math.nan
        while i < n:
            end = min(n, i + window)
            sl = slice(i, end)
            pnl = book.pnl_pct(close[sl])
            values = {cid: arr[sl] for cid, arr in static.items()}
            for spec in dynamic:
                values[spec.id] = condition_values(spec, ev, sl, pnl, prev_pnl)
            fires = propagate(plan, trigger[sl], values)
            stacked = np.vstack([fires[a.id] for a in trading]) if trading else np.zeros((0, end - i), bool)
            rows = live_rows()
            hits = stacked[rows].any(axis=0) if rows else np.zeros(end - i, dtype=bool)
            stop = int(np.argmax(hits)) + 1 if hits.any() else end - i
            for aid in notify_bars:
                notify_bars[aid].append(i + np.flatnonzero(fires[aid][:stop]))
            if not hits.any():
                idle(stacked, i, stop)
                prev_pnl = float(pnl[-1])
                i, window = end, min(window * 2, MAX_WINDOW)
                continue
            k = stop - 1
            idle(stacked, i, k)
            execute(i + k, stacked[:, k])
            prev_pnl = float(pnl[k])
            i, window = i + k + 1, FIRST_WINDOW

    notifications, notify_total = _notifications(plan, notify_bars, times)
    if notify_total > len(notifications):
        notes.append(f"{notify_total:,} notifications were raised; the first {len(notifications):,} are listed.")
    equity, qty_held = _equity_curve(book.fills, n, float(cash), close)
    open_trade = book.trade
    if open_trade is not None:
        open_trade.mark_value = book.qty * float(close[-1])
        notes.append(
            f"A position of {book.qty:.8g} {base} is still open at the end; it is valued at the last close "
            f"({float(close[-1]):.8g}) in the equity and the total return, but not counted as a closed trade."
        )
    if unfilled_last:
        notes.append(f"{unfilled_last} order(s) signalled on the last bar could not fill (there is no next bar).")
    if book.reduced:
        warnings.append(
            f"{len(book.reduced)} order(s) were reduced to what the cash or holding allowed (first: {book.reduced[0]})."
        )
    if book.skipped:
        assert book.first_skipped is not None
        warnings.append(
            f"{book.skipped} buy signal(s) could not be filled because the cash was used up "
            f"(first at {times[book.first_skipped].isoformat()})."
        )
    if book.flat_sells:
        notes.append(f"{book.flat_sells} sell signal(s) came while holding nothing and were ignored.")
    if len(book.trades) < m.MIN_TRADES:
        warnings.append(
            f"Only {len(book.trades)} closed trade(s): win rate, profit factor and Sharpe mean little with fewer "
            f"than {m.MIN_TRADES} trades."
        )
    metrics = _metrics(equity, qty_held, close, book.trades, float(cash), times)
    if (times[-1] - times[0]) < pd.Timedelta(days=30):
        warnings.append("The data covers less than 30 days; the daily Sharpe ratio rests on very few returns.")
    equity_s = pd.Series(equity, index=times, name="equity")
    buy_hold = pd.Series(float(cash) * close / close[0], index=times, name="buy_hold")
    drawdown = pd.Series(m.drawdown_pct(equity, float(cash)), index=times, name="drawdown_pct")
    return BacktestResult(
        metrics=metrics,
        equity=equity_s,
        buy_hold=buy_hold,
        drawdown=drawdown,
        trades=book.trades,
        open_trade=open_trade,
        fills=book.fills,
        notifications=notifications,
        warnings=warnings + data.warnings,
        notes=notes,
        settings={
            "fee_bps": fee_bps,
            "slippage_bps": slippage_bps,
            "cash": cash,
            "bars": n,
            "start": times[0].isoformat(),
            "end": times[-1].isoformat(),
            "timeframe": data.timeframe,
            "symbol": data.symbol,
            "signal_bars": int(trigger.sum()),
        },
    )


def _notifications(
    plan: Plan, bars: dict[str, list[np.ndarray]], times: pd.DatetimeIndex
) -> tuple[list[Notification], int]:
    """Notification records in bar order, capped so a notify-every-bar strategy stays cheap."""
    found = [(np.concatenate(parts), a) for a in plan.actions if (parts := bars.get(a.id))]
    if not found:
        return [], 0
    every = np.concatenate([idx for idx, _ in found])
    owner = np.concatenate([np.full(len(idx), k) for k, (idx, _) in enumerate(found)])
    order = np.argsort(every, kind="stable")
    kept = order[:MAX_NOTIFICATIONS]
    out = [
        Notification(int(every[r]), times[int(every[r])], found[owner[r]][1].id, found[owner[r]][1].message)
        for r in kept
    ]
    return out, len(every)


def _equity_curve(fills: list[Fill], n: int, cash: float, close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cash and holding change only at fills, so both are cumulative sums of per-bar deltas."""
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


def _metrics(
    equity: np.ndarray,
    held: np.ndarray,
    close: np.ndarray,
    trades: list[Trade],
    cash: float,
    times: pd.DatetimeIndex,
) -> dict[str, Any]:
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


def _check_plan_against_data(plan: Plan, data: MarketData, base: str, quote: str, warnings: list[str]) -> None:
    for sid, cfg in plan.sources.items():
        kind = cfg.get("source_type", "ohlcv")
        if kind != "ohlcv":
            warnings.append(f"{sid} is a {kind} source, which a backtest cannot replay; conditions use the OHLCV data.")
            continue
        tf = cfg.get("timeframe")
        if tf and tf != data.timeframe:
            warnings.append(
                f"{sid} asks for {tf} bars but the data has {data.timeframe} bars; the backtest runs on "
                f"{data.timeframe} bars (resample the data to {tf} to match)."
            )
        sym = cfg.get("symbol")
        if sym and str(sym).upper() != data.symbol.upper():
            warnings.append(f"{sid} is for {sym} but the data is {data.symbol}; prices come from the data.")
    for action in plan.actions:
        if action.kind in ("buy", "sell") and action.unit and action.unit.upper() not in (base, quote):
            warnings.append(
                f"{action.id}: unit {action.unit} is neither {base} nor {quote}; its amount is read as {quote}."
            )
        if action.kind in ("buy", "sell") and action.symbol and str(action.symbol).upper() != data.symbol.upper():
            warnings.append(
                f"{action.id} trades {action.symbol} but the data is {data.symbol}; it is filled at the data's prices."
            )
