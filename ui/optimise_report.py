"""The Optimise page's account of the offline search: the guard that decided in words, how many
candidates were tried over which parameters, the best ones in and out of sample, a heat-map for a
two-parameter grid, and every candidate tried."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.services.optimization import SearchReport
from ui.charts import heat_map
from ui.i18n import coded, t
from ui.plain_text import escape_markdown as md

# In-sample / out-of-sample figures shown per candidate, in this order.
FIGURES = ("sharpe", "total_return_pct", "max_drawdown_pct", "trades")


def param_label(param: dict[str, Any]) -> str:
    """'condition_1 · rsi 기간' (the node, the indicator, which of its numbers)."""
    words = str(param.get("label", "")).split()
    indicator = words[0] if len(words) > 1 else ""
    arg = words[-1] if words else str(param.get("kind", ""))
    arg_text = t(f"opt.search.arg.{arg}")
    if arg_text == f"opt.search.arg.{arg}":
        arg_text = arg
    side = t(f"opt.search.side.{param.get('side')}")
    return " ".join(part for part in (f"{param.get('node_id')} ({side}) ·", indicator, arg_text) if part)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def _candidate_columns(report: SearchReport, values: list[Any]) -> dict[str, str]:
    return {param_label(p): _number(v) for p, v in zip(report.params, values, strict=False)}


def _figures(prefix: str, figures: dict[str, Any]) -> dict[str, str]:
    return {t(f"opt.search.{prefix}", metric=t(f"services.metric.{k}")): _number(figures.get(k)) for k in FIGURES}


def best_table(report: SearchReport) -> pd.DataFrame:
    rows = []
    for rank, row in enumerate(report.best, start=1):
        rows.append({
            t("opt.search.rank"): t("opt.search.original") if row.get("original") else str(rank),
            **_candidate_columns(report, row["values"]),
            **_figures("in", row.get("in_sample") or {}),
            **_figures("out", row.get("out_of_sample") or {}),
        })
    return pd.DataFrame(rows)


def tried_table(report: SearchReport) -> pd.DataFrame:
    rows = []
    for n, row in enumerate(report.tried, start=1):
        rows.append({
            "#": t("opt.search.original") if row.get("original") else str(n),
            **_candidate_columns(report, row["values"]),
            **_figures("in", row.get("in_sample") or {}),
        })
    return pd.DataFrame(rows)


def heat_frame(report: SearchReport) -> tuple[pd.DataFrame, str, str, str]:
    x, y = (param_label(p) for p in report.params)
    value = t("opt.search.in", metric=t("services.metric.sharpe"))
    # Numbers, not text, so the axes run in numeric order (5, 8, 10, not 10, 5, 8).
    # A candidate with too few in-sample trades was never ranked: its cell stays empty, as the help says.
    rows = [{x: r["values"][0], y: r["values"][1], value: (r.get("in_sample") or {}).get("sharpe")}
            for r in report.tried if int((r.get("in_sample") or {}).get("trades") or 0) >= report.min_trades]
    frame = pd.DataFrame(rows, columns=[x, y, value]).dropna(subset=[value])
    return frame, x, y, value


def show_search(report: SearchReport) -> None:
    st.markdown(f"**{t('opt.search.title')}**")
    st.info(coded(report.guard, md), icon=":material/gavel:")
    st.caption(t("opt.search.summary", tried=len(report.tried), params=len(report.params),
                 method=t(f"opt.search.method.{report.method}"), in_bars=f"{report.in_sample_bars:,}",
                 out_bars=f"{report.out_of_sample_bars:,}", min_trades=report.min_trades))
    st.markdown(f"**{t('opt.search.best', n=len(report.best))}**")
    # A static table: every column in view at once (a data grid scrolls the out-of-sample ones away).
    st.table(best_table(report).set_index(t("opt.search.rank")))
    if report.heat_map:
        frame, x, y, value = heat_frame(report)
        st.markdown(f"**{t('opt.search.heat_map')}**")
        st.caption(t("opt.search.heat_map_help", min_trades=report.min_trades))
        if not frame.empty:
            st.altair_chart(heat_map(frame, x=x, y=y, value=value), width="stretch")
    with st.expander(t("opt.search.tried", n=len(report.tried))):
        st.dataframe(tried_table(report), hide_index=True, width="stretch")
