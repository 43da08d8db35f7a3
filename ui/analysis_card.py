"""The market analysis card of the Market page: trend, recommendation, confidence, risk and reason.

The analysis is computed on demand (it may cost money) and kept per data set in the session, so
changing a widget does not call the model again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import StudioError
from core.services.analysis import MarketAnalysisResult, analyze_market
from ui.i18n import current_language, t
from ui.model_picker import enum_label, pick_model, show_call, show_call_error
from ui.sidebar import current_user

_STATE = "services_analysis"
_COLOURS = {"BUY": "green", "SELL": "red", "HOLD": "gray", "LOW": "green", "MEDIUM": "orange", "HIGH": "red",
            "UPTREND": "green", "DOWNTREND": "red", "SIDEWAYS": "gray"}


def _data_key(data: Any, symbol: str) -> str:
    df = data.df
    return f"{symbol}|{data.timeframe}|{len(df)}|{df.index[-1] if len(df) else ''}"


def _badge(value: str) -> str:
    # Values come from a fixed enumeration (validated), never from free model text.
    return f":{_COLOURS.get(value, 'gray')}-badge[{enum_label(value)}]"


def render_analysis_card(data: Any, symbol: str) -> None:
    st.subheader(t("services.card.title"))
    with st.container(border=True):
        pick = pick_model("market_analysis", key="services_analysis_model")
        key = f"{_data_key(data, symbol)}|{pick.model}|{pick.fallback}|{current_language()}"
        if st.button(t("services.card.run", symbol=symbol), key="services_analysis_run", type="primary"):
            try:
                with st.spinner(t("services.card.running")):
                    result = analyze_market(data, symbol=symbol, model=pick.model, fallback=pick.fallback,
                                            user=current_user(), language=current_language())
                st.session_state[_STATE] = (key, result)
            except StudioError as exc:
                show_call_error(exc, offline_model_key="services_analysis_model")
                return
        stored = st.session_state.get(_STATE)
        if stored and stored[0] == key:
            _show(stored[1])


def _show(result: MarketAnalysisResult) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.markdown(f"**{t('services.card.trend')}**  \n{_badge(result.trend)}")
    c2.markdown(f"**{t('services.card.recommendation')}**  \n{_badge(result.recommendation)}")
    c3.metric(t("services.card.confidence"), f"{result.confidence:.0%}")
    c4.markdown(f"**{t('services.card.risk')}**  \n{_badge(result.risk_level)}")
    # Model text goes through st.text: never rendered as Markdown or HTML.
    st.text(result.analysis)
    st.markdown(f"**{t('services.card.reason')}**")
    st.text(result.reason)
    show_call(result.info)
    with st.expander(t("services.card.figures")):
        st.json(result.indicators)
    st.caption(t("services.card.disclaimer"))
