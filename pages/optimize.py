"""Optimise page: pick a strategy and data, run, see the changes and the backtest before and after.

The service backtests the proposal itself and keeps the original when the proposal is worse;
Accept (offered only for an improvement) saves the optimised strategy as a new version.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from core.errors import StudioError
from core.services import market_data, strategy_library
from core.services.optimization import METRIC_KEYS, OptimizationResult, optimize_strategy
from ui.errors import show_error
from ui.i18n import coded, current_language, t
from ui.model_picker import pick_model, show_call, show_call_error
from ui.optimise_report import show_search
from ui.plain_text import escape_markdown
from ui.sidebar import current_user

_RESULT = "services_opt_result"


@st.cache_data(show_spinner=False, max_entries=2)
def _sample() -> Any:
    return market_data.load_sample()


def _pick_strategy() -> tuple[dict[str, Any], str | None, str] | None:
    """(strategy, saved id or None, name)."""
    saved = strategy_library.list_strategies(current_user())
    options = [t("services.opt.strategy_saved"), t("services.opt.strategy_file")]
    mode = st.radio(t("services.opt.strategy"), options, horizontal=True, key="services_opt_strategy_mode",
                    index=0 if saved else 1)
    if mode == options[0]:
        if not saved:
            st.info(t("services.opt.no_saved"))
            return None
        by_id = {s.id: s for s in saved}
        chosen = st.selectbox(t("services.opt.strategy_saved"), list(by_id), key="services_opt_saved",
                              format_func=lambda i: f"{by_id[i].name} (v{by_id[i].latest_version})")
        stored = strategy_library.get_strategy(chosen, user=current_user())
        return stored.strategy, stored.id, stored.name
    upload = st.file_uploader(t("services.opt.strategy_file"), type=["json"], key="services_opt_strategy_file")
    if upload is None:
        return None
    try:
        data = json.loads(upload.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(escape_markdown(f"{upload.name}: {exc}"))
        return None
    return data, None, str(data.get("name") or upload.name) if isinstance(data, dict) else upload.name


def _pick_data() -> Any:
    options = [t("services.opt.data_sample"), t("services.opt.data_upload")]
    mode = st.radio(t("services.opt.data"), options, horizontal=True, key="services_opt_data_mode")
    if mode == options[0]:
        return _sample()
    upload = st.file_uploader(t("services.opt.data_file"), type=["csv", "txt"], key="services_opt_data_file")
    if upload is None:
        return None
    return market_data.load_csv(upload.getvalue(), name=upload.name)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def _delta(before: Any, after: Any) -> str | None:
    """The change as a signed figure; None (no badge) when nothing changed."""
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return None
    if abs(after - before) < 0.005:
        return None
    if isinstance(before, int) and isinstance(after, int):
        return f"{after - before:+d}"
    return f"{after - before:+,.2f}"


def _metrics_table(result: OptimizationResult) -> pd.DataFrame:
    rows = []
    for key in METRIC_KEYS:
        before, after = result.before.get(key), result.after.get(key)
        rows.append({
            t("services.opt.metric"): t(f"services.metric.{key}"),
            t("services.opt.before"): _fmt(before),
            t("services.opt.after"): _fmt(after),
            t("services.opt.delta"): _delta(before, after) or "—",
        })
    return pd.DataFrame(rows)


def _show(result: OptimizationResult, saved_id: str | None, name: str) -> None:
    (st.success if result.improved else st.info)(coded(result.verdict, escape_markdown))
    if result.changes:
        st.markdown(f"**{t('services.opt.changes')}**")
        for change in result.changes:
            st.text(f"• {change}")  # model text: plain
    elif result.rejected_changes:
        st.markdown(f"**{t('services.opt.rejected')}**")
        for change in result.rejected_changes:
            st.text(f"• {change}")
    else:
        st.caption(t("services.opt.no_changes"))
    st.markdown(f"**{t('services.opt.metrics')}**")
    c1, c2, c3, c4 = st.columns(4)
    for col, key in zip((c1, c2, c3, c4), ("total_return_pct", "sharpe", "max_drawdown_pct", "trades"),
                        strict=True):
        before, after = result.before.get(key), result.after.get(key)
        # The cards show the strategy that stays: with the original kept nothing changed, so no badge.
        delta = _delta(before, after) if result.improved else None
        after = after if result.improved else before
        # A lower drawdown figure is worse (drawdowns are negative), so the colour follows the sign.
        col.metric(t(f"services.metric.{key}"), _fmt(after), delta, delta_color="normal" if delta else "off",
                   help=f"{t('services.opt.before')}: {_fmt(before)}")
    st.table(_metrics_table(result).set_index(t("services.opt.metric")))
    if result.search is not None:
        show_search(result.search)
    elif not result.info.offline:
        st.caption(t("opt.no_search"))
    show_call(result.info)
    with st.expander(t("services.opt.proposal_json")):
        st.json(result.proposed.to_dict())
    if result.improved and st.button(t("services.opt.accept"), type="primary", key="services_opt_accept"):
        try:
            _, version = strategy_library.save_strategy(
                result.optimized_strategy, user=current_user(), source="optimized", model=result.info.model,
                note=t("services.opt.note", changes="; ".join(result.changes))[:500], strategy_id=saved_id,
            )
        except StudioError as exc:
            show_error(exc)
            return
        st.success(t("services.opt.saved", version=version, name=escape_markdown(name)))


def main() -> None:
    st.title(t("services.opt.title"))
    st.caption(t("services.opt.intro"))
    try:
        picked = _pick_strategy()
        data = _pick_data()
    except StudioError as exc:
        show_error(exc)
        return
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        pick = pick_model("strategy_optimization", key="services_opt_model")
    fee = c2.number_input(t("services.opt.fee"), min_value=0.0, max_value=500.0, value=10.0, step=1.0,
                          key="services_opt_fee")
    slippage = c3.number_input(t("services.opt.slippage"), min_value=0.0, max_value=500.0, value=5.0, step=1.0,
                               key="services_opt_slippage")
    if picked is None or data is None:
        return
    strategy, saved_id, name = picked
    if st.button(t("services.opt.run"), type="primary", key="services_opt_run"):
        try:
            with st.spinner(t("services.opt.running")):
                result = optimize_strategy(strategy, data, model=pick.model, fallback=pick.fallback,
                                           user=current_user(), fee_bps=fee, slippage_bps=slippage,
                                           language=current_language())
        except StudioError as exc:
            show_call_error(exc, offline_model_key="services_opt_model")
            return
        st.session_state[_RESULT] = (saved_id, name, result)
    stored = st.session_state.get(_RESULT)
    if stored:
        _show(stored[2], stored[0], stored[1])


main()
