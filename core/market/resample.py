"""Resample OHLCV to a coarser timeframe (first open, max high, min low, last close, summed volume)."""

from __future__ import annotations

import pandas as pd

from core.coded import Coded
from core.market.data import MarketData
from core.market.errors import DataError
from core.market.timeframes import timeframe_seconds

_AGG = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
# Weeks start on Monday 00:00 UTC, as on exchanges; shorter bars align to the Unix epoch (so 4h bars
# start at 00:00, 04:00, ... UTC).
_MONDAY = pd.Timestamp("1970-01-05", tz="UTC")


def resample(data: MarketData, timeframe: str) -> MarketData:
    target = timeframe_seconds(timeframe)
    source = timeframe_seconds(data.timeframe)
    if target == source:
        return data
    if target < source:
        raise DataError(
            f"Cannot resample {data.timeframe} bars to the finer timeframe {timeframe}.",
            hint=f"Choose {data.timeframe} or a coarser timeframe, or load finer data.",
        )
    if target % source:
        raise DataError(
            f"{timeframe} is not a whole multiple of the data's {data.timeframe} bars.",
            hint="Pick a timeframe that is a multiple of the data's bar length.",
        )
    origin: pd.Timestamp | str = _MONDAY if target % 604800 == 0 else "epoch"
    out = data.df.resample(f"{target}s", label="left", closed="left", origin=origin).agg(_AGG)
    out = out.dropna(subset=["open"])  # buckets that fall in a gap of the source data have no bars
    warnings = list(data.warnings)
    if len(out) < 2:
        raise DataError(
            f"Resampling {len(data.df)} {data.timeframe} bars to {timeframe} leaves {len(out)} bar(s).",
            hint="Choose a finer timeframe or load more data.",
        )
    last_bucket_end = out.index[-1] + pd.Timedelta(seconds=target)
    if data.df.index[-1] + pd.Timedelta(seconds=source) < last_bucket_end:
        warnings.append(Coded("DATA_LAST_BAR_INCOMPLETE",
                              f"The last {timeframe} bar is incomplete (the data ends before it closes).",
                              timeframe=timeframe))
    return MarketData(df=out, symbol=data.symbol, timeframe=timeframe, source=data.source, warnings=warnings)
