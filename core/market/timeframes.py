"""Timeframe strings ("1m", "4h", "1d") and their lengths; one place so every module agrees."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.market.errors import DataError

_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_PATTERN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")

# The timeframes the UI offers for resampling; any "<n><m|h|d|w>" string is accepted by the core.
COMMON_TIMEFRAMES: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w")


def timeframe_seconds(timeframe: str) -> int:
    """Length of ``timeframe`` in seconds; raises DataError with the accepted forms."""
    match = _PATTERN.match(str(timeframe).lower())
    if not match or int(match.group(1)) <= 0:
        raise DataError(
            f"Unknown timeframe '{timeframe}'.",
            hint="Use a number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. 1m, 15m, 4h, 1d.",
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def seconds_to_timeframe(seconds: float) -> str:
    """The shortest label for a bar length: 60 -> '1m', 14400 -> '4h', 86400 -> '1d'."""
    sec = round(seconds)
    for unit in ("w", "d", "h", "m"):
        size = _UNIT_SECONDS[unit]
        if sec >= size and sec % size == 0:
            return f"{sec // size}{unit}"
    return f"{sec}s"


def infer_timeframe(index: pd.DatetimeIndex) -> str:
    """The most common spacing between bars (gaps don't change it); '1d' for a single bar."""
    if len(index) < 2:
        return "1d"
    diffs = np.diff(index.as_unit("s").asi8)
    values, counts = np.unique(diffs, return_counts=True)
    return seconds_to_timeframe(float(values[np.argmax(counts)]))
