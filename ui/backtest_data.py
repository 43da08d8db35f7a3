"""The data a backtest runs on: the bundled sample closest to the strategy (saying once how it
differs, with the alternatives), a CSV upload, or live bars fetched through ccxt; then the date
range within that data.

``pick_data`` and ``pick_range`` are called by ui/backtest_panel.py; widget keys start with the
panel's ``key_prefix``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from core.errors import StudioError
from core.services import market_data
from core.services.market_data import MarketData
from ui.errors import show_error
from ui.i18n import coded, t
from ui.market_loaders import cached_sample, cached_upload
from ui.plain_text import escape_markdown as md

SOURCES = ("sample", "upload", "exchange")
EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase", "upbit", "bithumb")
FETCH_TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w")


def _fetch_form(key_prefix: str, symbol: str, timeframe: str | None) -> MarketData | None:
    """Live bars for the strategy's own symbol and timeframe (editable), kept until fetched again."""
    state = f"{key_prefix}_bt_fetched"
    with st.form(f"{key_prefix}_bt_fetch", border=False):
        c1, c2, c3, c4 = st.columns([1.2, 1.2, 0.8, 0.8])
        exchange = c1.selectbox(t("market.exchange"), EXCHANGES, key=f"{key_prefix}_bt_ex")
        wanted = c2.text_input(t("market.symbol"), value=symbol, key=f"{key_prefix}_bt_ex_symbol")
        tf_index = FETCH_TIMEFRAMES.index(timeframe) if timeframe in FETCH_TIMEFRAMES else 4
        tf = c3.selectbox(t("market.timeframe"), FETCH_TIMEFRAMES, index=tf_index, key=f"{key_prefix}_bt_ex_tf")
        limit = c4.number_input(t("market.limit"), min_value=20, max_value=1000, value=500, step=50,
                                key=f"{key_prefix}_bt_ex_limit")
        submitted = st.form_submit_button(t("market.fetch"), type="primary")
    if submitted:
        try:
            with st.spinner(t("market.fetching", exchange=exchange)):
                st.session_state[state] = market_data.fetch_exchange(exchange, wanted, tf, limit=int(limit))
        except StudioError as exc:
            st.session_state.pop(state, None)
            show_error(exc)
            return None
    return st.session_state.get(state)


def pick_data(key_prefix: str, symbol: str, timeframe: str | None) -> tuple[str, MarketData | None]:
    """(source, data or None) for a strategy on ``symbol`` / ``timeframe``."""
    sample, mismatch = market_data.closest_sample(symbol, timeframe)
    if mismatch is not None:
        # Said once, here, with what to do about it; the choice below offers all three.
        st.info(coded(mismatch, md), icon=":material/swap_horiz:")
    names = {
        "sample": t("market.bt.source.closest" if mismatch else "market.bt.source.sample",
                    symbol=sample.symbol, timeframe=sample.timeframe),
        "upload": t("market.source.upload"),
        "exchange": t("market.bt.source.live"),
    }
    # Translated labels as options (not format_func): AppTest formats options outside the session.
    labels = [names[s] for s in SOURCES]
    choice = st.radio(t("market.bt.data"), labels, horizontal=True, key=f"{key_prefix}_bt_source")
    source = SOURCES[labels.index(choice)] if choice in labels else "sample"
    if source == "sample":
        st.caption(t("market.sample_note"))
        return source, cached_sample(symbol, timeframe)
    if source == "exchange":
        st.caption(t("market.bt.live_note"))
        return source, _fetch_form(key_prefix, symbol, timeframe)
    file = st.file_uploader(
        t("market.upload"), type=["csv", "txt"], help=t("market.upload_help"), key=f"{key_prefix}_bt_upload"
    )
    if file is None:
        st.info(t("market.bt.need_data"))
        return source, None
    return source, cached_upload(file.getvalue(), file.name, symbol)


def pick_range(key_prefix: str, data: MarketData, column: Any) -> tuple[dt.date, dt.date] | None:
    """The start and end day (UTC, both included) within the data; None while only a start is picked."""
    first, last = data.start.date(), data.end.date()
    picked = column.date_input(
        t("market.bt.range"), value=(first, last), min_value=first, max_value=last, format="YYYY-MM-DD",
        help=t("market.bt.range_help", first=first, last=last),
        # A new data set (another source, another upload) starts from its own full range.
        key=f"{key_prefix}_bt_range_{data.source}_{first}_{last}",
    )
    if isinstance(picked, tuple | list) and len(picked) == 2:
        return picked[0], picked[1]
    st.info(t("market.bt.range_pick_end"))
    return None
