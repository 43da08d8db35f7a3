"""Live OHLCV from exchanges through ccxt, cached in the ``ohlcv_cache`` SQLite table.

Every network call is bounded: ccxt's own per-request timeout plus an overall deadline around the
whole fetch, so a missing network gives a clear message in seconds instead of a hang. When the
exchange cannot be reached, bars cached earlier are served with a warning.
"""

from __future__ import annotations

import concurrent.futures as futures
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from core.market.data import MarketData
from core.market.errors import DataError
from core.market.timeframes import timeframe_seconds

REQUEST_TIMEOUT_MS = 4000
DEADLINE_S = 12.0
FRESH_S = 60  # cached bars fetched less than this long ago are served without a request
MAX_LIMIT = 1000


def _rebase(urls: Any, base: str) -> Any:
    """Point every API URL of an exchange at ``base`` (scheme://host:port), keeping the paths."""
    if isinstance(urls, str):
        parts, new = urlsplit(urls), urlsplit(base)
        return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment))
    if isinstance(urls, dict):
        return {k: _rebase(v, base) for k, v in urls.items()}
    if isinstance(urls, list):
        return [_rebase(v, base) for v in urls]
    return urls


def make_exchange(exchange_id: str, api_base: str | None = None) -> Any:
    import ccxt

    name = exchange_id.strip().lower()
    if name not in ccxt.exchanges:
        known = ", ".join(x for x in ("binance", "bybit", "okx", "kraken", "coinbase", "upbit", "bithumb"))
        raise DataError(f"Unknown exchange '{exchange_id}'.", hint=f"Use a ccxt exchange id such as {known}.")
    ex = getattr(ccxt, name)({"timeout": REQUEST_TIMEOUT_MS, "enableRateLimit": True})
    options = getattr(ex, "options", {})
    if isinstance(options.get("fetchMarkets"), dict) and "types" in options["fetchMarkets"]:
        options["fetchMarkets"]["types"] = ["spot"]  # one market request instead of three
    if api_base:
        ex.urls["api"] = _rebase(ex.urls["api"], api_base)
    return ex


def _download(ex: Any, symbol: str, timeframe: str, since: int | None, limit: int) -> list[list[float]]:
    import ccxt

    try:
        ex.load_markets()
        if symbol not in ex.markets:
            raise DataError(
                f"{ex.id} does not list {symbol}.",
                hint="Write the symbol as BASE/QUOTE in capitals, e.g. BTC/USDT, as the exchange lists it.",
            )
        if getattr(ex, "timeframes", None) and timeframe not in ex.timeframes:
            raise DataError(
                f"{ex.id} has no {timeframe} bars.", hint="Available: " + ", ".join(list(ex.timeframes)[:20])
            )
        return ex.fetch_ohlcv(symbol, timeframe=timeframe, since=since, limit=limit)
    except ccxt.NetworkError as exc:
        raise _unreachable(ex.id, type(exc).__name__) from None
    except ccxt.BadSymbol:
        raise DataError(
            f"{ex.id} does not list {symbol}.", hint="Write the symbol as BASE/QUOTE, e.g. BTC/USDT."
        ) from None
    except ccxt.ExchangeError as exc:
        raise DataError(
            f"{ex.id} refused the request: {str(exc)[:200]}", hint="Check the symbol and timeframe."
        ) from None


def _unreachable(exchange: str, why: str) -> DataError:
    return DataError(
        f"Cannot reach {exchange} ({why}; gave up after at most {DEADLINE_S:g} s).",
        hint="Check the network connection, or use the bundled sample or a CSV upload instead.",
    )


def _cached(db: Any, exchange: str, symbol: str, timeframe: str, since: int | None, limit: int) -> pd.DataFrame:
    rows = list(
        db.query(
            "SELECT ts, open, high, low, close, volume, fetched_at FROM ohlcv_cache "
            "WHERE exchange = ? AND symbol = ? AND timeframe = ? AND ts >= ? "
            # With 'since' the exchange returns the bars from then on; without, the latest ones.
            f"ORDER BY ts {'ASC' if since is not None else 'DESC'} LIMIT ?",
            [exchange, symbol, timeframe, since or 0, limit],
        )
    )
    frame = pd.DataFrame(rows, columns=["ts", "open", "high", "low", "close", "volume", "fetched_at"])
    return frame.sort_values("ts") if not frame.empty else frame


def _cache_answers(cached: pd.DataFrame, limit: int, since_ms: int | None, timeframe: str) -> bool:
    """Serve from the cache without a request: a recent fetch, or a complete range of closed bars."""
    if len(cached) < limit or cached.empty:
        return False
    fetched = cached["fetched_at"].map(lambda v: datetime.fromisoformat(str(v)))
    if (datetime.now(UTC) - fetched.max()).total_seconds() < FRESH_S:
        return True
    if since_ms is None:
        return False  # "the latest bars" changes with time
    # A past range never changes once every bar in it had closed when it was fetched.
    last = cached.iloc[-1]
    closes_ms = int(last["ts"]) + timeframe_seconds(timeframe) * 1000
    return closes_ms <= fetched.iloc[-1].timestamp() * 1000


def _frame_to_data(frame: pd.DataFrame, exchange: str, symbol: str, timeframe: str) -> MarketData:
    from core.market.csv_loader import gap_warnings

    index = pd.DatetimeIndex(pd.to_datetime(frame["ts"].astype("int64"), unit="ms", utc=True), name="timestamp")
    df = pd.DataFrame(
        {c: frame[c].astype("float64").to_numpy() for c in ("open", "high", "low", "close", "volume")}, index=index
    )
    data = MarketData(df=df, symbol=symbol, timeframe=timeframe, source=f"exchange:{exchange}")
    data.warnings.extend(gap_warnings(df.index, timeframe))
    return data


def fetch(
    exchange: str,
    symbol: str,
    timeframe: str,
    since: datetime | int | None = None,
    limit: int = 500,
    *,
    db: Any = None,
    api_base: str | None = None,
) -> MarketData:
    """Bars from the exchange (stored in the cache), or from the cache when offline."""
    from core.storage import get_db, iso

    timeframe_seconds(timeframe)  # validates the string before any network use
    symbol = symbol.strip().upper()
    limit = max(1, min(int(limit), MAX_LIMIT))
    since_ms = int(since.timestamp() * 1000) if isinstance(since, datetime) else since
    db = db if db is not None else get_db()
    name = exchange.strip().lower()
    cached = _cached(db, name, symbol, timeframe, since_ms, limit)
    if _cache_answers(cached, limit, since_ms, timeframe):
        return _frame_to_data(cached, name, symbol, timeframe)
    ex = make_exchange(name, api_base)
    pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ccxt")
    try:
        rows = pool.submit(_download, ex, symbol, timeframe, since_ms, limit).result(timeout=DEADLINE_S)
    except futures.TimeoutError:
        error = _unreachable(name, "timed out")
        rows = None
    except DataError as exc:
        error, rows = exc, None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a stuck request must not block the caller
    if rows is None:
        if len(cached) >= 2 and "Cannot reach" in str(error):
            data = _frame_to_data(cached, name, symbol, timeframe)
            data.warnings.insert(0, f"{error.message} Showing {len(cached)} cached bars instead.")
            return data
        raise error
    if not rows:
        raise DataError(f"{name} returned no {timeframe} bars for {symbol}.", hint="Try an earlier 'since' date.")
    now = iso(datetime.now(UTC))
    db["ohlcv_cache"].upsert_all(
        [
            {
                "exchange": name,
                "symbol": symbol,
                "timeframe": timeframe,
                "ts": int(r[0]),
                "open": r[1],
                "high": r[2],
                "low": r[3],
                "close": r[4],
                "volume": r[5],
                "fetched_at": now,
            }
            for r in rows
            if None not in r[:6]
        ],
        pk=("exchange", "symbol", "timeframe", "ts"),
    )
    frame = pd.DataFrame([r[:6] for r in rows], columns=["ts", "open", "high", "low", "close", "volume"])
    frame = frame.dropna().drop_duplicates("ts").sort_values("ts")
    return _frame_to_data(frame, name, symbol, timeframe)
