"""Market data use cases for pages and the CLI: sample, CSV, exchange, resampling, indicators."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.coded import Coded
from core.config import get_settings
from core.market import exchange as _exchange
from core.market import ranges as _ranges
from core.market import samples as _samples
from core.market.csv_loader import load_csv_source
from core.market.data import MarketData
from core.market.errors import DataError
from core.market.indicators import IndicatorCache, columns_of
from core.market.resample import resample as _resample
from core.market.timeframes import COMMON_TIMEFRAMES, timeframe_seconds

Sample = _samples.Sample
SAMPLE_FILE = _samples.DEFAULT.path
SAMPLE_SYMBOL = _samples.DEFAULT.symbol
SAMPLE_ATTRIBUTION = _samples.DEFAULT.attribution
MIN_RANGE_BARS = _ranges.MIN_BARS
# Points ccxt at another host for every live fetch (a proxy, or the loopback fake exchange in tests).
EXCHANGE_API_BASE = "STUDIO_EXCHANGE_API_BASE"

__all__ = [
    "COMMON_TIMEFRAMES",
    "DataError",
    "MarketData",
    "Sample",
    "between",
    "closest_sample",
    "coarser_timeframes",
    "fetch_exchange",
    "indicator_frame",
    "indicator_snapshot",
    "load_csv",
    "load_sample",
    "require_bars",
    "resample",
]


def load_sample(sample: Sample | None = None) -> MarketData:
    """A bundled sample (by default the Bittrex BTC/USDT daily bars); works offline."""
    sample = sample or _samples.DEFAULT
    if not sample.path.is_file():
        raise DataError(f"The bundled sample {sample.path} is missing.", hint="Reinstall, or upload a CSV instead.")
    return load_csv_source(sample.path, name=sample.file, symbol=sample.symbol, origin="sample")


def closest_sample(symbol: str | None, timeframe: str | None) -> tuple[Sample, Coded | None]:
    """The bundled sample nearest to the strategy's symbol and timeframe, and how it differs (None
    when it matches)."""
    return _samples.closest(symbol, timeframe)


def between(data: MarketData, start: date, end: date) -> MarketData:
    """The bars of ``start`` .. ``end`` (UTC days, both included)."""
    return _ranges.between(data, start, end)


def require_bars(data: MarketData, start: date, end: date) -> None:
    """DataError (code DATA_RANGE_FEW_BARS) when the range holds fewer bars than a backtest needs."""
    _ranges.require_bars(data, start, end)


def load_csv(source: bytes | str | Path, name: str = "upload", symbol: str = SAMPLE_SYMBOL) -> MarketData:
    """Bytes (an upload), CSV text, or a path; raises DataError naming the row for bad data."""
    return load_csv_source(source, name=name, symbol=symbol, origin="upload" if name == "upload" else name)


def fetch_exchange(
    exchange: str,
    symbol: str,
    timeframe: str,
    since: datetime | int | None = None,
    limit: int = 500,
    *,
    api_base: str | None = None,
) -> MarketData:
    """Bars from a ccxt exchange, cached in SQLite; bounded time and a clear message when offline.

    ``api_base`` (optional; else the STUDIO_EXCHANGE_API_BASE setting) points the exchange's API at
    another host, for tests and proxies.
    """
    api_base = api_base or get_settings().lookup(EXCHANGE_API_BASE)
    return _exchange.fetch(exchange, symbol, timeframe, since, limit, api_base=api_base)


def resample(data: MarketData, timeframe: str) -> MarketData:
    return _resample(data, timeframe)


def coarser_timeframes(data: MarketData) -> list[str]:
    """The common timeframes the data can be resampled to (its own first)."""
    own = timeframe_seconds(data.timeframe)
    out = [data.timeframe]
    out += [tf for tf in COMMON_TIMEFRAMES if timeframe_seconds(tf) > own and timeframe_seconds(tf) % own == 0]
    return out


# Column name -> (grammar name, args); the chart panels and the analysis card read these.
STANDARD_INDICATORS: dict[str, tuple[str, tuple[float, ...]]] = {
    "rsi_14": ("rsi", (14,)),
    "sma_20": ("sma", (20,)),
    "sma_50": ("sma", (50,)),
    "ema_20": ("ema", (20,)),
    "macd": ("macd", (12, 26, 9)),
    "macd_signal": ("macd_signal", (12, 26, 9)),
    "macd_hist": ("macd_hist", (12, 26, 9)),
    "bb_upper": ("bb_upper", (20, 2.0)),
    "bb_middle": ("bb_middle", (20, 2.0)),
    "bb_lower": ("bb_lower", (20, 2.0)),
    "atr_14": ("atr", (14,)),
    "change_pct_1": ("change_pct", (1,)),
    "volume_sma_20": ("volume_sma", (20,)),
}


def indicator_frame(data: MarketData) -> pd.DataFrame:
    """OHLCV plus the standard indicator columns (NaN during each indicator's warm-up)."""
    cache = IndicatorCache(columns_of(data.df))
    frame = data.df.copy()
    for column, (name, args) in STANDARD_INDICATORS.items():
        frame[column] = cache.get(name, tuple(float(a) for a in args))
    return frame


def indicator_snapshot(data: MarketData) -> dict[str, Any]:
    """The latest value of each standard indicator plus the last close (None when not yet defined)."""
    frame = indicator_frame(data)
    last = frame.iloc[-1]
    out: dict[str, Any] = {"close": float(last["close"])}
    for column in STANDARD_INDICATORS:
        value = float(last[column])
        out[column] = None if np.isnan(value) else round(value, 6)
    return out
