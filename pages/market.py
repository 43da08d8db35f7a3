"""Market page: load OHLCV (bundled sample, CSV upload, or an exchange through ccxt), resample, and
show candles with Bollinger bands, RSI and MACD panels."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.errors import StudioError
from core.services import market_data
from core.services.market_data import MarketData
from ui.charts import candlestick
from ui.errors import show_error
from ui.i18n import coded, t
from ui.market_loaders import cached_sample, cached_upload
from ui.plain_text import escape_markdown

SOURCES = ("sample", "upload", "exchange")
EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase", "upbit", "bithumb")
FETCH_TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w")


def _exchange_form() -> MarketData | None:
    st.caption(t("market.fetch_prompt"))
    with st.form("market_fetch", border=False):
        c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 0.8, 1.2, 0.8])
        exchange = c1.selectbox(t("market.exchange"), EXCHANGES, key="market_exchange")
        symbol = c2.text_input(t("market.symbol"), value="BTC/USDT", key="market_ex_symbol")
        timeframe = c3.selectbox(t("market.timeframe"), FETCH_TIMEFRAMES, index=4, key="market_ex_tf")
        since = c4.date_input(t("market.since"), value=None, key="market_since")
        limit = c5.number_input(t("market.limit"), min_value=20, max_value=1000, value=500, step=50, key="market_limit")
        submitted = st.form_submit_button(t("market.fetch"), type="primary")
    if submitted:
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
        with st.spinner(t("market.fetching", exchange=exchange)):
            st.session_state["market_fetched"] = market_data.fetch_exchange(
                exchange, symbol, timeframe, since=start, limit=int(limit)
            )
    return st.session_state.get("market_fetched")


def _load(source: str) -> MarketData | None:
    if source == "sample":
        st.caption(t("market.sample_note"))
        return cached_sample()
    if source == "upload":
        c1, c2 = st.columns([3, 1])
        file = c1.file_uploader(
            t("market.upload"), type=["csv", "txt"], help=t("market.upload_help"), key="market_upload"
        )
        symbol = c2.text_input(t("market.symbol"), value="BTC/USDT", key="market_upload_symbol")
        if file is None:
            st.info(t("market.upload_prompt"))
            return None
        return cached_upload(file.getvalue(), file.name, symbol.strip().upper() or "BTC/USDT")
    return _exchange_form()


def _chart(data: MarketData) -> None:
    frame = market_data.indicator_frame(data)
    total = len(frame)
    if total > 60:
        default = min(total, 300)
        shown = st.slider(
            t("market.window"), min_value=60, max_value=min(total, 2000), value=default, step=10, key="market_window"
        )
    else:
        shown = total
    view = frame.iloc[-shown:]
    labels = {
        "price": t("market.chart.price"),
        "time": t("market.chart.time"),
        "rsi": t("market.chart.rsi"),
        "macd_axis": t("market.chart.macd_axis"),
        "bb_upper": t("market.chart.bb_upper"),
        "bb_middle": t("market.chart.bb_middle"),
        "bb_lower": t("market.chart.bb_lower"),
        "macd": t("market.chart.macd"),
        "macd_signal": t("market.chart.macd_signal"),
    }
    for chart in candlestick(view, labels=labels):
        st.altair_chart(chart, width="stretch")


def main() -> None:
    st.title(t("market.title"))
    st.caption(t("market.intro"))
    # Translated labels as options (not format_func): AppTest formats options outside the session.
    labels = [t(f"market.source.{s}") for s in SOURCES]
    choice = st.radio(t("market.source"), labels, horizontal=True, key="market_source_choice")
    source = SOURCES[labels.index(choice)] if choice in labels else SOURCES[0]
    try:
        data = _load(source)
        if data is None:
            return
        choices = market_data.coarser_timeframes(data)
        c1, c2, c3, c4 = st.columns(4)
        timeframe = c1.selectbox(t("market.resample"), choices, key=f"market_resample_{data.timeframe}")
        shown = market_data.resample(data, timeframe)
        snapshot = market_data.indicator_snapshot(shown)
        c2.metric(t("market.last_close"), f"{snapshot['close']:,.2f}")
        rsi = snapshot.get("rsi_14")
        c3.metric(t("market.rsi"), "—" if rsi is None else f"{rsi:.1f}")
        c4.metric(t("market.bars"), f"{len(shown.df):,}")
        st.caption(
            f"{shown.symbol} · {shown.timeframe} · {t('market.range')}: "
            f"{shown.start:%Y-%m-%d %H:%M} → {shown.end:%Y-%m-%d %H:%M} UTC"
        )
        if shown.warnings:
            with st.expander(t("market.data_warnings"), expanded=False):
                for warning in shown.warnings:
                    st.warning(coded(warning, escape_markdown))
        _chart(shown)
        with st.expander(t("market.indicators")):
            st.json({k: v for k, v in snapshot.items()})
    except StudioError as exc:
        show_error(exc)
        return

    # --- Engineer E: the AI market analysis card goes here (one call, nothing else) ---------------
    from ui.analysis_card import render_analysis_card

    render_analysis_card(shown, shown.symbol)
    # ----------------------------------------------------------------------------------------------


main()
