"""MarketData: the one shape OHLCV travels in between loaders, indicators, backtester and pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

OHLCV = ("open", "high", "low", "close", "volume")


@dataclass
class MarketData:
    """``df``: DatetimeIndex in UTC (bar open time), float columns open high low close volume."""

    df: pd.DataFrame
    symbol: str = "BTC/USDT"
    timeframe: str = "1d"
    source: str = "upload"
    warnings: list[str] = field(default_factory=list)

    @property
    def bars(self) -> int:
        return len(self.df)

    @property
    def start(self) -> pd.Timestamp:
        return self.df.index[0]

    @property
    def end(self) -> pd.Timestamp:
        return self.df.index[-1]
