"""The interactive strategy graph inside a page: the rendered HTML in ``st.iframe``, cached.

The page is ~470 KB (vis-network is inlined so nothing loads from a CDN); caching on the
strategy's canonical text and the highlighted node keeps reruns from re-rendering it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import streamlit as st

from core.services.strategy_library import render_strategy_html
from ui.i18n import t

LEGEND_KEYS = ("trigger", "data_source", "condition", "action", "problem")


@st.cache_data(show_spinner=False, max_entries=32)
def _page(strategy_text: str, highlight: str | None, legend: tuple[tuple[str, str], ...]) -> str:
    return render_strategy_html(json.loads(strategy_text), highlight=highlight, legend=dict(legend))


def graph_html(strategy: Mapping[str, Any], highlight: str | None = None) -> str:
    legend = tuple((key, t(f"strategy.legend.{key}")) for key in LEGEND_KEYS)
    return _page(json.dumps(dict(strategy), sort_keys=True, ensure_ascii=False), highlight, legend)


def show_graph(strategy: Mapping[str, Any], highlight: str | None = None, height: int = 440) -> None:
    st.iframe(graph_html(strategy, highlight), height=height)
