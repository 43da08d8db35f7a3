"""Indicator series through TA-Lib, one function per grammar name (core/strategy/operands.INDICATORS).

Every function takes float64 numpy arrays and returns float64 arrays of the same length, NaN
during the warm-up. MACD and Bollinger outputs come in triples; ``compute`` picks the member.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import talib

Arrays = dict[str, np.ndarray]


def _macd(cols: Arrays, fast: int, slow: int, signal: int) -> tuple[np.ndarray, ...]:
    return talib.MACD(cols["close"], fastperiod=fast, slowperiod=slow, signalperiod=signal)


def _bbands(cols: Arrays, period: int, k: float) -> tuple[np.ndarray, ...]:
    return talib.BBANDS(cols["close"], timeperiod=period, nbdevup=k, nbdevdn=k, matype=0)


# The base computation behind each name: (group key, function over columns, member index or None).
_BASE: dict[str, tuple[str, Callable[..., object], int | None]] = {
    "rsi": ("rsi", lambda c, n: talib.RSI(c["close"], timeperiod=n), None),
    "sma": ("sma", lambda c, n: talib.SMA(c["close"], timeperiod=n), None),
    "ema": ("ema", lambda c, n: talib.EMA(c["close"], timeperiod=n), None),
    "macd": ("macd", _macd, 0),
    "macd_signal": ("macd", _macd, 1),
    "macd_hist": ("macd", _macd, 2),
    "bb_upper": ("bbands", _bbands, 0),
    "bb_middle": ("bbands", _bbands, 1),
    "bb_lower": ("bbands", _bbands, 2),
    "atr": ("atr", lambda c, n: talib.ATR(c["high"], c["low"], c["close"], timeperiod=n), None),
    # ROC is ((close / close[n bars ago]) - 1) * 100: exactly our change_pct.
    "change_pct": ("change_pct", lambda c, n: talib.ROC(c["close"], timeperiod=n), None),
    "volume_sma": ("volume_sma", lambda c, n: talib.SMA(c["volume"], timeperiod=n), None),
}


def _typed_args(name: str, args: tuple[float, ...]) -> tuple[float | int, ...]:
    # TA-Lib wants ints for periods; only Bollinger's k is a float.
    return tuple(a if (name.startswith("bb_") and i == 1) else int(a) for i, a in enumerate(args))


class IndicatorCache:
    """Indicator series of one data set, computed once per (name, args) and reused.

    One cache lives for one backtest or one chart, so a strategy that mentions rsi(14) in five
    conditions computes it once; MACD's three members share one TA-Lib call.
    """

    def __init__(self, columns: Arrays) -> None:
        self.columns = columns
        self._groups: dict[tuple[str, tuple[float, ...]], object] = {}
        self.computed = 0  # TA-Lib calls made; lets tests see that caching works

    def get(self, name: str, args: tuple[float, ...]) -> np.ndarray:
        group, func, member = _BASE[name]
        key = (group, tuple(float(a) for a in args))
        if key not in self._groups:
            self._groups[key] = func(self.columns, *_typed_args(name, args))
            self.computed += 1
        value = self._groups[key]
        out = value[member] if member is not None else value  # type: ignore[index]
        return np.asarray(out, dtype="float64")


def columns_of(df: object) -> Arrays:
    """Contiguous float64 arrays of the OHLCV columns (TA-Lib refuses other dtypes)."""
    return {
        c: np.ascontiguousarray(df[c].to_numpy(dtype="float64"))  # type: ignore[index]
        for c in ("open", "high", "low", "close", "volume")
    }


def compute(name: str, args: tuple[float, ...], columns: Arrays) -> np.ndarray:
    """One indicator series, uncached."""
    return IndicatorCache(columns).get(name, args)
