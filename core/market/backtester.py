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

``run`` reads as its steps: check the settings, compare the plan with the data, let the ``_Engine``
walk the bars (filling orders into the ``Book``), then add it up (core/market/stats.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from core.coded import Coded
from core.market import metrics as m
from core.market import stats
from core.market.book import Book
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


def run(
    strategy: dict[str, Any] | Plan,
    data: MarketData,
    *,
    fee_bps: float = 10.0,
    slippage_bps: float = 5.0,
    cash: float = 10_000.0,
) -> BacktestResult:
    plan = strategy if isinstance(strategy, Plan) else build_plan(strategy)
    _check_settings(data, fee_bps, slippage_bps, cash)
    base, quote = _pair(data.symbol)
    warnings = _plan_warnings(plan, data, base, quote)
    engine = _Engine(plan, data, Book(float(cash), fee_bps / 1e4, slippage_bps / 1e4, base, quote, data.df.index))
    trigger, notes = trigger_mask(plan, engine.ev, data.df.index.as_unit("s").asi8, timeframe_seconds(data.timeframe))
    engine.walk(trigger)
    return _result(engine, data, trigger, warnings, notes, fee_bps=fee_bps, slippage_bps=slippage_bps, cash=cash)


def _check_settings(data: MarketData, fee_bps: float, slippage_bps: float, cash: float) -> None:
    if len(data.df) < 2:
        raise DataError("A backtest needs at least two bars of data.", hint="Load a longer data set.")
    for name, value, low in (("fee", fee_bps, 0), ("slippage", slippage_bps, 0), ("cash", cash, 1e-9)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= low):
            raise DataError(f"The {name} setting must be a number ≥ {low:g}, got {value!r}.")
    if fee_bps >= 10_000 or slippage_bps >= 10_000:
        raise DataError("Fees and slippage are in basis points and must be below 10000 (100 %).")


def _pair(symbol: str) -> tuple[str, str]:
    if "/" in symbol:
        base, quote = symbol.upper().split("/", 1)
        return base, quote.split(":")[0]
    return symbol.upper(), "USDT"


class _Engine:
    """Walks the bars once: signals from the plan, orders into the book, notifications recorded."""

    def __init__(self, plan: Plan, data: MarketData, book: Book) -> None:
        self.plan = plan
        self.book = book
        self.ev = Evaluator(data.df)
        self.n = len(data.df)
        self.open = self.ev.columns["open"]
        self.close = self.ev.columns["close"]
        self.notify_bars: dict[str, list[np.ndarray]] = {a.id: [] for a in plan.actions if a.kind == "notify"}
        self.trading = [a for a in plan.actions if a.kind != "notify"]
        self.buys = [r for r, a in enumerate(self.trading) if a.kind == "buy"]
        self.sells = [r for r, a in enumerate(self.trading) if a.kind == "sell"]
        self.unfilled_last = 0

    def walk(self, trigger: np.ndarray) -> None:
        static = {cid: condition_values(spec, self.ev) for cid, spec in self.plan.conditions.items()
                  if not spec.uses_position}
        if self.plan.uses_position:
            self._walk_with_position(trigger, static)
        else:
            self._walk_signals(trigger, static)

    def _walk_signals(self, trigger: np.ndarray, static: dict[str, np.ndarray]) -> None:
        """No condition reads the position: every signal is known up front, in one numpy pass."""
        fires = propagate(self.plan, trigger, static)
        for aid in self.notify_bars:
            self.notify_bars[aid].append(np.flatnonzero(fires[aid]))
        if self.trading:
            stacked = np.vstack([fires[a.id] for a in self.trading])
            for j in np.flatnonzero(stacked.any(axis=0)):
                self._execute(int(j), stacked[:, j])

    def _walk_with_position(self, trigger: np.ndarray, static: dict[str, np.ndarray]) -> None:
        """Conditions on the position's P&L: evaluate a window of bars with the position as it stands,
        act on the first bar that changes it, and start the next window after that bar."""
        dynamic = [spec for spec in self.plan.conditions.values() if spec.uses_position]
        i, window, prev_pnl = 0, FIRST_WINDOW, math.nan
        while i < self.n:
            end = min(self.n, i + window)
            sl = slice(i, end)
            pnl = self.book.pnl_pct(self.close[sl])
            values = {cid: arr[sl] for cid, arr in static.items()}
            for spec in dynamic:
                values[spec.id] = condition_values(spec, self.ev, sl, pnl, prev_pnl)
            fires = propagate(self.plan, trigger[sl], values)
            stacked = (np.vstack([fires[a.id] for a in self.trading]) if self.trading
                       else np.zeros((0, end - i), bool))
            rows = self._live_rows()
            hits = stacked[rows].any(axis=0) if rows else np.zeros(end - i, dtype=bool)
            stop = int(np.argmax(hits)) + 1 if hits.any() else end - i
            for aid in self.notify_bars:
                self.notify_bars[aid].append(i + np.flatnonzero(fires[aid][:stop]))
            if not hits.any():
                self._idle(stacked, i, stop)
                prev_pnl = float(pnl[-1])
                i, window = end, min(window * 2, MAX_WINDOW)
                continue
            k = stop - 1
            self._idle(stacked, i, k)
            self._execute(i + k, stacked[:, k])
            prev_pnl = float(pnl[k])
            i, window = i + k + 1, FIRST_WINDOW

    def _execute(self, j: int, column: np.ndarray) -> None:
        """Trading actions firing on bar j, in the strategy's node order, fill at bar j + 1's open."""
        if j + 1 >= self.n:
            self.unfilled_last += int(column.sum())
            return
        price = float(self.open[j + 1])
        for r, action in enumerate(self.trading):
            if column[r]:
                if action.kind == "buy":
                    self.book.buy(action, j, price)
                else:
                    self.book.sell(action, j, price)

    def _idle(self, stacked: np.ndarray, offset: int, stop: int) -> None:
        """Count signals in bars [offset, offset + stop) that cannot change the book's state."""
        if stop <= 0:
            return
        part = stacked[:, :stop]
        if self.buys and not self.book.can_buy():
            hits = part[self.buys].any(axis=0)
            if hits.any():
                self.book.skip_buys(int(hits.sum()), offset + int(np.argmax(hits)))
        if self.sells and self.book.qty <= 0:
            self.book.flat_sells += int(part[self.sells].any(axis=0).sum())

    def _live_rows(self) -> list[int]:
        """Rows of the actions that would change the state now: buys with cash, sells with a holding."""
        return (self.buys if self.book.can_buy() else []) + (self.sells if self.book.qty > 0 else [])


def _result(
    engine: _Engine,
    data: MarketData,
    trigger: np.ndarray,
    warnings: list[str],
    notes: list[str],
    *,
    fee_bps: float,
    slippage_bps: float,
    cash: float,
) -> BacktestResult:
    book, close, times = engine.book, engine.close, data.df.index
    notifications, notify_total = _notifications(engine.plan, engine.notify_bars, times)
    if notify_total > len(notifications):
        notes.append(Coded("BT_NOTIFICATIONS_CUT",
                           f"{notify_total:,} notifications were raised; the first {len(notifications):,} are listed.",
                           total=notify_total, shown=len(notifications)))
    if book.trade is not None:
        book.trade.mark_value = book.qty * float(close[-1])
    notes.extend(stats.book_notes(book, book.base, float(close[-1]), engine.unfilled_last))
    warnings.extend(stats.book_warnings(book, times))
    equity, held = stats.equity_curve(book.fills, engine.n, float(cash), close)
    return BacktestResult(
        metrics=stats.compute_metrics(equity, held, close, book.trades, float(cash), times),
        equity=pd.Series(equity, index=times, name="equity"),
        buy_hold=pd.Series(float(cash) * close / close[0], index=times, name="buy_hold"),
        drawdown=pd.Series(m.drawdown_pct(equity, float(cash)), index=times, name="drawdown_pct"),
        trades=book.trades,
        open_trade=book.trade,
        fills=book.fills,
        notifications=notifications,
        warnings=warnings + data.warnings,
        notes=notes,
        settings={
            "fee_bps": fee_bps,
            "slippage_bps": slippage_bps,
            "cash": cash,
            "bars": engine.n,
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


def _plan_warnings(plan: Plan, data: MarketData, base: str, quote: str) -> list[str]:
    """Where the strategy asks for something the data cannot give; the run goes on with the data."""
    warnings: list[str] = []
    for sid, cfg in plan.sources.items():
        kind = cfg.get("source_type", "ohlcv")
        if kind != "ohlcv":
            warnings.append(Coded(
                "BT_SOURCE_NOT_REPLAYED",
                f"{sid} is a {kind} source, which a backtest cannot replay; conditions use the OHLCV data.",
                node=sid, kind=kind))
            continue
        tf = cfg.get("timeframe")
        if tf and tf != data.timeframe:
            warnings.append(Coded(
                "BT_TIMEFRAME_MISMATCH",
                f"{sid} asks for {tf} bars but the data has {data.timeframe} bars; the backtest runs on "
                f"{data.timeframe} bars (resample the data to {tf} to match).",
                node=sid, wanted=tf, data=data.timeframe,
            ))
        sym = cfg.get("symbol")
        if sym and str(sym).upper() != data.symbol.upper():
            warnings.append(Coded("BT_SYMBOL_MISMATCH",
                                  f"{sid} is for {sym} but the data is {data.symbol}; prices come from the data.",
                                  node=sid, symbol=str(sym), data=data.symbol))
    for action in plan.actions:
        if action.kind in ("buy", "sell") and action.unit and action.unit.upper() not in (base, quote):
            warnings.append(Coded(
                "BT_UNIT_UNKNOWN",
                f"{action.id}: unit {action.unit} is neither {base} nor {quote}; its amount is read as {quote}.",
                node=action.id, unit=action.unit, base=base, quote=quote,
            ))
        if action.kind in ("buy", "sell") and action.symbol and str(action.symbol).upper() != data.symbol.upper():
            warnings.append(Coded(
                "BT_ACTION_SYMBOL_MISMATCH",
                f"{action.id} trades {action.symbol} but the data is {data.symbol}; it is filled at the data's prices.",
                node=action.id, symbol=str(action.symbol), data=data.symbol,
            ))
    return warnings
