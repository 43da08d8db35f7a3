"""Market data loads shared by the Market page and the backtest panel, cached per session server.

Parsing the bundled sample or an uploaded CSV takes a moment; Streamlit reruns the page on every
widget change, so both are cached (an upload by its bytes, name and symbol)."""

from __future__ import annotations

import streamlit as st

from core.services import market_data
from core.services.market_data import MarketData


@st.cache_data(show_spinner=False, max_entries=4)
def cached_sample(symbol: str | None = None, timeframe: str | None = None) -> MarketData:
    """The bundled sample closest to ``symbol`` / ``timeframe`` (the default sample without them)."""
    return market_data.load_sample(market_data.closest_sample(symbol, timeframe)[0])


@st.cache_data(show_spinner=False, max_entries=8)
def cached_upload(content: bytes, name: str, symbol: str) -> MarketData:
    return market_data.load_csv(content, name=name, symbol=symbol)
