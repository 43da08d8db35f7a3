"""A one-panel Streamlit script for browser tests of ui.backtest_panel (the SMA-cross strategy)."""

from __future__ import annotations

import streamlit as st

from ui.backtest_panel import render_backtest_panel

STRATEGY = {
    "schema_version": 1,
    "name": "SMA cross",
    "nodes": [
        {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "1d"}},
        {
            "id": "data_1",
            "type": "data_source",
            "config": {"source_type": "ohlcv", "symbol": "BTC/USDT", "timeframe": "1d"},
        },
        {
            "id": "condition_1",
            "type": "condition",
            "config": {"operator": "crosses_above", "left": "sma(10)", "right": "sma(30)"},
        },
        {
            "id": "condition_2",
            "type": "condition",
            "config": {"operator": "crosses_below", "left": "sma(10)", "right": "sma(30)"},
        },
        {
            "id": "action_1",
            "type": "action",
            "config": {"action_type": "buy", "symbol": "BTC/USDT", "amount": 5000, "unit": "USDT"},
        },
        {"id": "action_2", "type": "action", "config": {"action_type": "sell", "symbol": "BTC/USDT", "amount": "all"}},
    ],
    "edges": [
        {"from": "trigger_1", "to": "data_1"},
        {"from": "data_1", "to": "condition_1"},
        {"from": "data_1", "to": "condition_2"},
        {"from": "condition_1", "to": "action_1", "condition": "true"},
        {"from": "condition_2", "to": "action_2", "condition": "true"},
    ],
}

st.session_state.setdefault("lang", "en")
st.title("Backtest panel")
render_backtest_panel(STRATEGY, "browser")
