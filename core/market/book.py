"""The account of one backtest: cash, holding, fills and round-trip trades, updated fill by fill.

Sizing rules (DESIGN.md section 3 actions): a buy spends ``amount`` of the quote currency, or buys
``amount`` base coins (fractions allowed); when the cash does not cover it the order is reduced to
what the cash allows and recorded, never skipped silently. A sell is ``"all"`` or a part (base coins,
or quote value at the fill price), capped at the holding. Fees are charged in quote currency on both
sides; slippage moves each fill against the trader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.market.plan import ActionSpec

QTY_EPSILON = 1e-12
MIN_ORDER_FRACTION = 1e-6  # cash below this share of the start cannot buy anything useful


@dataclass
class Fill:
    bar: int
    time: pd.Timestamp
    side: str  # buy | sell
    qty: float
    price: float  # after slippage
    fee: float
    action_id: str
    signal_bar: int
    signal_time: pd.Timestamp


@dataclass
class Trade:
    """One round trip from flat to flat (several buys or partial sells may make it up)."""

    entry_bar: int
    entry_time: pd.Timestamp
    qty: float  # largest holding during the trade
    cost: float  # cash paid, fees included
    bought_qty: float = 0.0
    bought_value: float = 0.0
    sold_qty: float = 0.0
    sold_value: float = 0.0
    proceeds: float = 0.0  # cash received, fees deducted
    fees: float = 0.0
    exit_bar: int | None = None
    exit_time: pd.Timestamp | None = None
    open: bool = True
    mark_value: float | None = None  # for an open trade: remaining coins at the last close

    @property
    def entry_price(self) -> float:
        return self.bought_value / self.bought_qty if self.bought_qty else math.nan

    @property
    def exit_price(self) -> float:
        return self.sold_value / self.sold_qty if self.sold_qty else math.nan

    @property
    def pnl(self) -> float:
        return self.proceeds + (self.mark_value or 0.0) - self.cost

    @property
    def return_pct(self) -> float:
        return self.pnl / self.cost * 100.0 if self.cost else 0.0


class Book:
    """Cash, holding and the current round trip, updated fill by fill.

    Only real fills create Timestamps; signals that change nothing (a sell while flat, a buy with
    no cash left) are counted, so they cost next to nothing on minute data.
    """

    def __init__(self, cash: float, fee: float, slip: float, base: str, quote: str, times: pd.DatetimeIndex) -> None:
        self.cash = cash
        self.min_cash = cash * MIN_ORDER_FRACTION
        self.qty = 0.0
        self.cost = 0.0  # cost basis of the current holding, fees included
        self.fee = fee
        self.slip = slip
        self.base = base
        self.quote = quote
        self.times = times
        self.trade: Trade | None = None
        self.trades: list[Trade] = []
        self.fills: list[Fill] = []
        self.reduced: list[str] = []
        self.skipped = 0
        self.first_skipped: int | None = None
        self.flat_sells = 0

    def can_buy(self) -> bool:
        return self.cash > self.min_cash

    def skip_buys(self, count: int, first_bar: int) -> None:
        if count:
            self.skipped += count
            if self.first_skipped is None:
                self.first_skipped = first_bar

    def pnl_pct(self, close: np.ndarray) -> np.ndarray:
        if self.qty <= 0:
            return np.full(len(close), np.nan)
        return (self.qty * close - self.cost) / self.cost * 100.0

    def _is_base(self, action: ActionSpec) -> bool:
        return bool(action.unit) and str(action.unit).upper() == self.base

    def buy(self, action: ActionSpec, sig: int, open_price: float) -> None:
        if not self.can_buy():
            self.skip_buys(1, sig)
            return
        bar = sig + 1
        price = open_price * (1.0 + self.slip)
        assert action.amount is not None
        value = action.amount * price if self._is_base(action) else action.amount
        if value * (1.0 + self.fee) > self.cash * (1.0 + 1e-12):
            affordable = self.cash / (1.0 + self.fee)
            self.reduced.append(
                f"{action.id} at {self.times[sig].isoformat()}: {value:.2f} → {affordable:.2f} {self.quote}"
            )
            value = affordable
        qty = value / price
        fee = value * self.fee
        self.cash -= value + fee
        if self.cash < 0:  # rounding residue of an all-in order
            self.cash = 0.0
        time = self.times[bar]
        if self.qty <= 0:
            self.trade = Trade(entry_bar=bar, entry_time=time, qty=0.0, cost=0.0)
        self.qty += qty
        self.cost += value + fee
        assert self.trade is not None
        self.trade.qty = max(self.trade.qty, self.qty)
        self.trade.cost += value + fee
        self.trade.bought_qty += qty
        self.trade.bought_value += value
        self.trade.fees += fee
        self.fills.append(Fill(bar, time, "buy", qty, price, fee, action.id, sig, self.times[sig]))

    def sell(self, action: ActionSpec, sig: int, open_price: float) -> None:
        if self.qty <= 0:
            self.flat_sells += 1
            return
        bar = sig + 1
        price = open_price * (1.0 - self.slip)
        if action.amount is None:
            qty = self.qty
        else:
            qty = action.amount if self._is_base(action) else action.amount / price
            if qty >= self.qty * (1 - 1e-12):
                if qty > self.qty * (1 + 1e-9):
                    self.reduced.append(f"{action.id} at {self.times[sig].isoformat()}: sold the whole holding")
                qty = self.qty
        value = qty * price
        fee = value * self.fee
        self.cash += value - fee
        share = qty / self.qty
        self.cost -= self.cost * share
        self.qty -= qty
        time = self.times[bar]
        assert self.trade is not None
        self.trade.sold_qty += qty
        self.trade.sold_value += value
        self.trade.proceeds += value - fee
        self.trade.fees += fee
        self.fills.append(Fill(bar, time, "sell", qty, price, fee, action.id, sig, self.times[sig]))
        if self.qty <= QTY_EPSILON * max(self.trade.qty, 1.0):
            self.qty = 0.0
            self.cost = 0.0
            self.trade.exit_bar, self.trade.exit_time, self.trade.open = bar, time, False
            self.trades.append(self.trade)
            self.trade = None
