"""Live exchange data through the real ccxt SDK, over HTTP to a loopback fake of Binance's public API.

Never contacts the internet: every exchange URL is pointed at 127.0.0.1 (``api_base``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.config import reset_settings_cache
from core.market import exchange
from core.market.errors import DataError
from core.services.market_data import fetch_exchange
from core.storage import get_db

START_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
MARKET = {
    "symbol": "BTCUSDT",
    "status": "TRADING",
    "baseAsset": "BTC",
    "quoteAsset": "USDT",
    "baseAssetPrecision": 8,
    "quotePrecision": 8,
    "quoteAssetPrecision": 8,
    "orderTypes": ["LIMIT", "MARKET"],
    "isSpotTradingAllowed": True,
    "isMarginTradingAllowed": False,
    "permissions": ["SPOT"],
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000", "stepSize": "0.00001"},
    ],
}


class FakeBinance(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeBinance

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.server.requests.append(url.path)
        if url.path == "/api/v3/exchangeInfo":
            body: object = {"timezone": "UTC", "serverTime": START_MS, "rateLimits": [], "symbols": [MARKET]}
        elif url.path == "/api/v3/klines":
            query = parse_qs(url.query)
            assert query["symbol"] == ["BTCUSDT"] and query["interval"] == ["1h"]
            limit = int(query["limit"][0])
            body = [
                [
                    START_MS + i * 3_600_000,
                    "100",
                    "110",
                    "90",
                    str(100 + i),
                    "5",
                    START_MS + i * 3_600_000 + 3_599_999,
                    "0",
                    1,
                    "0",
                    "0",
                    "0",
                ]
                for i in range(min(limit, 48))
            ]
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "studio.db"
    monkeypatch.setenv("STUDIO_DB", str(path))
    reset_settings_cache()
    yield path
    reset_settings_cache()


@pytest.fixture
def fake() -> Iterator[FakeBinance]:
    server = FakeBinance()
    yield server
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetch_through_ccxt_stores_bars_in_the_cache(fake: FakeBinance, studio_db: Path) -> None:
    data = fetch_exchange("binance", "btc/usdt", "1h", limit=24, api_base=fake.base)
    assert len(data.df) == 24
    assert data.symbol == "BTC/USDT" and data.timeframe == "1h" and data.source == "exchange:binance"
    assert data.df["close"].iloc[-1] == 123
    assert str(data.df.index.tz) == "UTC"
    rows = list(get_db(studio_db)["ohlcv_cache"].rows_where(order_by="ts"))
    assert len(rows) == 24
    assert rows[0]["exchange"] == "binance" and rows[0]["symbol"] == "BTC/USDT" and rows[0]["timeframe"] == "1h"
    assert rows[0]["ts"] == START_MS and rows[-1]["close"] == 123
    # A second request within a minute is served from the cache without touching the exchange.
    before = len(fake.requests)
    again = fetch_exchange("binance", "BTC/USDT", "1h", limit=24, api_base=fake.base)
    assert len(fake.requests) == before
    assert again.df.equals(data.df)


def test_no_network_gives_a_clear_message_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(DataError) as info:
        fetch_exchange("binance", "BTC/USDT", "1h", api_base=f"http://127.0.0.1:{_closed_port()}")
    assert time.monotonic() - started < exchange.DEADLINE_S
    assert "Cannot reach binance" in str(info.value)
    assert "bundled sample or a CSV upload" in str(info.value)
    assert info.value.exit_code == 2


def test_a_silent_server_times_out_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections (kernel backlog) but never answers
    try:
        started = time.monotonic()
        with pytest.raises(DataError, match="Cannot reach binance"):
            fetch_exchange("binance", "BTC/USDT", "1h", api_base=f"http://127.0.0.1:{listener.getsockname()[1]}")
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert elapsed <= exchange.DEADLINE_S + 1.0


def test_offline_falls_back_to_cached_bars_with_a_warning(fake: FakeBinance, studio_db: Path) -> None:
    fetch_exchange("binance", "BTC/USDT", "1h", limit=24, api_base=fake.base)
    get_db(studio_db).execute(
        "UPDATE ohlcv_cache SET fetched_at = '2020-01-01T00:00:00.000000+00:00'"
    ).connection.commit()
    data = fetch_exchange("binance", "BTC/USDT", "1h", limit=24, api_base=f"http://127.0.0.1:{_closed_port()}")
    assert len(data.df) == 24
    assert data.warnings and "Cannot reach binance" in data.warnings[0] and "24 cached bars" in data.warnings[0]


def test_unknown_exchange_symbol_and_timeframe_are_explained(fake: FakeBinance) -> None:
    with pytest.raises(DataError, match="Unknown exchange 'nosuchx'"):
        fetch_exchange("nosuchx", "BTC/USDT", "1h")
    with pytest.raises(DataError, match="binance does not list DOGE/EUR"):
        fetch_exchange("binance", "DOGE/EUR", "1h", api_base=fake.base)
    with pytest.raises(DataError, match="Unknown timeframe '1hour'"):
        fetch_exchange("binance", "BTC/USDT", "1hour", api_base=fake.base)


def test_a_closed_past_range_is_served_from_the_cache(fake: FakeBinance, studio_db: Path) -> None:
    first = fetch_exchange("binance", "BTC/USDT", "1h", since=START_MS, limit=24, api_base=fake.base)
    assert first.df.index[0].value // 1_000_000 == START_MS
    get_db(studio_db).execute(
        "UPDATE ohlcv_cache SET fetched_at = '2025-01-01T00:00:00.000000+00:00'"
    ).connection.commit()
    before = len(fake.requests)
    again = fetch_exchange("binance", "BTC/USDT", "1h", since=START_MS, limit=12, api_base=fake.base)
    assert len(fake.requests) == before  # bars of 2024 fetched in 2025 had all closed: no request
    assert len(again.df) == 12 and again.df.index[0] == first.df.index[0]
    # "The latest bars" are never answered from an old cache.
    fetch_exchange("binance", "BTC/USDT", "1h", limit=12, api_base=fake.base)
    assert len(fake.requests) > before
