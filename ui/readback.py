"""The strategy read back in plain words, above its canvas, in the interface language."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from core.services.strategy_library import explain_strategy
from ui.i18n import current_language, t
from ui.plain_text import escape_markdown as md

log = logging.getLogger(__name__)


def show_readback(strategy: dict[str, Any]) -> None:
    try:
        sentences = explain_strategy(strategy, current_language())
    except Exception:  # a read-back bug must not hide the graph; say that it is missing
        log.exception("read-back failed")
        sentences = []
    with st.container(border=True, key="readback"):
        st.markdown(f"**{t('readback.title')}**")
        if not sentences:
            st.caption(t("readback.none"))
        for sentence in sentences:
            # Symbols and messages in the sentences come from the strategy: show them as text.
            st.markdown(md(sentence))
