"""The bundled market-data samples and which one is closest to what a strategy asks for.

A strategy names a symbol and a timeframe; the samples rarely match both. ``closest`` picks the
best stand-in (the same symbol first, then the same base coin, then the nearest timeframe, a finer
one before a coarser one since finer bars can be resampled up) and, when it is not an exact match,
says how it differs as a coded message, so a page can say so once and offer the alternatives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from core.coded import Coded
from core.market.timeframes import timeframe_seconds

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


@dataclass(frozen=True)
class Sample:
    file: str  # in data/sample/
    symbol: str
    timeframe: str
    attribution: str

    @property
    def path(self) -> Path:
        return SAMPLE_DIR / self.file


SAMPLES: tuple[Sample, ...] = (
    Sample("bittrex_btc-usdt.csv", "BTC/USDT", "1d",
           "Bittrex BTC/USDT daily bars, from peerchemist/finta (LGPL-3.0); see data/sample/ATTRIBUTION.md"),
)
DEFAULT = SAMPLES[0]


def _base(symbol: str) -> str:
    return symbol.upper().split("/")[0]


def _distance(sample: Sample, symbol: str | None, timeframe: str | None) -> tuple[int, float, int]:
    same = 0 if symbol is None or sample.symbol == symbol.upper() else 1 if sample.symbol.startswith(
        _base(symbol) + "/") else 2
    if timeframe is None:
        return same, 0.0, 0
    try:
        ratio = timeframe_seconds(sample.timeframe) / timeframe_seconds(timeframe)
    except Exception:  # an unreadable timeframe in the strategy: rank on the symbol alone
        return same, 0.0, 0
    return same, abs(math.log(ratio)), 0 if ratio <= 1 else 1


def closest(symbol: str | None, timeframe: str | None) -> tuple[Sample, Coded | None]:
    """The sample nearest to ``symbol`` / ``timeframe`` (either may be unknown), and how it differs
    (None when it matches what is known)."""
    best = min(SAMPLES, key=lambda s: _distance(s, symbol, timeframe))
    symbol_ok = symbol is None or best.symbol == symbol.upper()
    timeframe_ok = timeframe is None or best.timeframe == timeframe
    if symbol_ok and timeframe_ok:
        return best, None
    wanted = " ".join(x for x in ((symbol or "").upper(), timeframe or "") if x)
    return best, Coded(
        "DATA_SAMPLE_MISMATCH",
        f"The strategy asks for {wanted} bars; no bundled sample has them. The closest is {best.symbol} "
        f"{best.timeframe}: use it, upload a CSV of your own, or fetch live bars from an exchange.",
        wanted=wanted, symbol=best.symbol, timeframe=best.timeframe,
    )
