"""A date range of market data: the bars a backtest, its chart and its figures use."""

from __future__ import annotations

from datetime import date

from core.market.data import MarketData
from core.market.errors import DataError

MIN_BARS = 30  # fewer, and most indicators are still warming up for the whole range


def between(data: MarketData, start: date, end: date) -> MarketData:
    """The bars whose open time (UTC) falls on ``start`` .. ``end``, both days included."""
    if start > end:
        raise DataError(f"The range starts ({start}) after it ends ({end}).", hint="Pick the start date first.",
                        code="DATA_RANGE_REVERSED", params={"start": str(start), "end": str(end)})
    days = data.df.index.date
    df = data.df.loc[(days >= start) & (days <= end)]
    return MarketData(df=df, symbol=data.symbol, timeframe=data.timeframe, source=data.source,
                      warnings=list(data.warnings))


def require_bars(data: MarketData, start: date, end: date, minimum: int = MIN_BARS) -> None:
    """Refuse a range too short to mean anything, naming how many bars it has and how to get more."""
    if len(data.df) >= minimum:
        return
    raise DataError(
        f"{start} – {end} holds only {len(data.df)} {data.timeframe} bars; a backtest needs at least {minimum}.",
        hint="Widen the date range, or pick a shorter timeframe.",
        code="DATA_RANGE_FEW_BARS",
        params={"start": str(start), "end": str(end), "bars": len(data.df), "timeframe": data.timeframe,
                "minimum": minimum},
    )
