"""What a backtest returns: metrics, curves, trades, fills, notifications, warnings, formulas."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from core.market import metrics as m
from core.market.book import Fill, Trade


@dataclass
class Notification:
    bar: int
    time: pd.Timestamp
    action_id: str
    message: str


@dataclass
class BacktestResult:
    metrics: dict[str, Any]
    equity: pd.Series
    buy_hold: pd.Series
    drawdown: pd.Series
    trades: list[Trade]
    open_trade: Trade | None
    fills: list[Fill]
    notifications: list[Notification]
    warnings: list[str]
    notes: list[str]
    settings: dict[str, Any]
    formulas: dict[str, str] = field(default_factory=lambda: dict(m.FORMULAS))

    @property
    def final_equity(self) -> Decimal:
        """Money leaves the numpy core as Decimal (8 places), for JSON as a decimal string."""
        return Decimal(repr(float(self.equity.iloc[-1]))).quantize(Decimal("0.00000001"))

    def summary(self) -> dict[str, Any]:
        """The `backtest --json` contract keys (DESIGN.md section 5) plus a few additive ones."""
        out = dict(self.metrics)
        out["final_equity"] = format(self.final_equity, "f")
        out["open_position"] = _trade_dict(self.open_trade) if self.open_trade else None
        out["warnings"] = list(self.warnings)
        return out

    def trades_frame(self) -> pd.DataFrame:
        rows = [_trade_dict(t) for t in self.trades]
        if self.open_trade:
            rows.append(_trade_dict(self.open_trade))
        return pd.DataFrame(rows)

    def fills_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(f) for f in self.fills])


def _money(value: float) -> str:
    return format(Decimal(repr(float(value))).quantize(Decimal("0.00000001")), "f")


def _trade_dict(t: Trade) -> dict[str, Any]:
    return {
        "status": "open" if t.open else "closed",
        "entry_time": t.entry_time.isoformat(),
        "exit_time": t.exit_time.isoformat() if t.exit_time is not None else None,
        "qty": round(t.qty, 10),
        "entry_price": round(t.entry_price, 8),
        "exit_price": None if math.isnan(t.exit_price) else round(t.exit_price, 8),
        "pnl": _money(t.pnl),
        "return_pct": round(t.return_pct, 4),
        "fees": _money(t.fees),
    }
