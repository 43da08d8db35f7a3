"""The backtest panel of the Strategies page: pick data and its date range, fees, slippage and cash,
run, read the result.

``render_backtest_panel(strategy, key_prefix)`` is the one entry point (called by the Strategies
page). Widget keys start with ``key_prefix`` so several panels can live on one page.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import pandas as pd
import streamlit as st

from core.errors import StudioError
from core.services import market_data
from core.services.backtesting import BacktestResult, run_backtest
from ui.backtest_data import pick_data, pick_range
from ui.charts import drawdown, equity_vs_hold, price_with_trades
from ui.errors import show_error
from ui.i18n import coded, t
from ui.plain_text import escape_markdown as md

METRICS = (
    ("total_return_pct", "pct"),
    ("max_drawdown_pct", "pct"),
    ("win_rate_pct", "pct"),
    ("sharpe", "num"),
    ("profit_factor", "num"),
    ("trades", "int"),
    ("exposure_pct", "pct"),
    ("buy_hold_return_pct", "pct"),
)
TRADE_COLUMNS = ("status", "entry_time", "exit_time", "qty", "entry_price", "exit_price", "pnl", "return_pct", "fees")


def _bps_input(column: Any, what: str, default: float, key: str) -> float:
    """A cost in basis points (fee per side, or slippage per fill), 0 to 500."""
    return float(column.number_input(t(f"market.bt.{what}"), min_value=0.0, max_value=500.0, value=default,
                                     step=1.0, help=t(f"market.bt.{what}_help"), key=key))


def _symbol(strategy: dict[str, Any]) -> str:
    for node in strategy.get("nodes") or []:
        config = node.get("config") if isinstance(node, dict) else None
        if isinstance(config, dict) and isinstance(config.get("symbol"), str) and "/" in config["symbol"]:
            return config["symbol"].upper()
    return "BTC/USDT"


def _timeframe(strategy: dict[str, Any]) -> str | None:
    for node in strategy.get("nodes") or []:
        config = node.get("config") if isinstance(node, dict) else None
        is_source = isinstance(node, dict) and node.get("type") == "data_source"
        if is_source and isinstance(config, dict) and config.get("timeframe"):
            return str(config["timeframe"])
    return None


def _fingerprint(strategy: dict[str, Any], settings: dict[str, Any]) -> str:
    text = json.dumps([strategy, settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("market.bt.undefined")
    if kind == "pct":
        return f"{value:,.2f} %"
    if kind == "int":
        return f"{int(value):,}"
    return f"{value:,.2f}"


def render_backtest_panel(strategy: dict[str, Any], key_prefix: str) -> None:
    """Backtest ``strategy`` (a DESIGN.md section 3 dict) on the sample or an uploaded CSV."""
    st.subheader(t("market.bt.title"))
    st.caption(t("market.bt.intro"))
    state_key = f"{key_prefix}_bt_result"
    symbol = _symbol(strategy)
    try:
        source, data = pick_data(key_prefix, symbol, _timeframe(strategy))
        c1, c2, c3, c4 = st.columns(4)
        fee = _bps_input(c1, "fee", 10.0, f"{key_prefix}_bt_fee")
        slip = _bps_input(c2, "slippage", 5.0, f"{key_prefix}_bt_slip")
        cash = c3.number_input(
            t("market.bt.cash"), min_value=1.0, value=10_000.0, step=1000.0, key=f"{key_prefix}_bt_cash"
        )
        timeframe = None
        span = None
        if data is not None:
            choices = market_data.coarser_timeframes(data)
            wanted = _timeframe(strategy)
            timeframe = c4.selectbox(
                t("market.bt.timeframe"),
                choices,
                index=choices.index(wanted) if wanted in choices else 0,
                key=f"{key_prefix}_bt_tf_{data.timeframe}",
            )
            r1, _ = st.columns([2, 2])
            span = pick_range(key_prefix, data, r1)
        settings = {
            "source": source,
            "fee": fee,
            "slip": slip,
            "cash": cash,
            "tf": timeframe,
            "bars": None if data is None else (len(data.df), str(data.end)),
            "range": None if span is None else [str(day) for day in span],
        }
        ready = data is not None and timeframe is not None and span is not None
        run = st.button(t("market.bt.run"), type="primary", disabled=not ready, key=f"{key_prefix}_bt_run")
        if run and ready:
            with st.spinner(t("market.bt.running")):
                bars = market_data.resample(market_data.between(data, *span), timeframe)
                # Too few bars in the range: say so (and how to get more) instead of figures of nothing.
                market_data.require_bars(bars, *span)
                # The user chose the bars explicitly (defaulting to the strategy's timeframe).
                result = run_backtest(strategy, bars, fee_bps=fee, slippage_bps=slip, cash=cash, match_timeframe=False)
            # The closes are kept beside the result for the price chart with its trade markers.
            st.session_state[state_key] = (_fingerprint(strategy, settings), result, bars.df["close"])
    except StudioError as exc:
        show_error(exc)
        return
    stored = st.session_state.get(state_key)
    if stored is None:
        return
    fingerprint, result, close = stored
    # On the closest sample, the notice above the data choice already said how the data differs.
    said = SAID_ABOVE if settings["source"] == "sample" and market_data.closest_sample(
        symbol, _timeframe(strategy))[1] is not None else frozenset()
    if fingerprint != _fingerprint(strategy, settings):
        st.info(t("market.bt.stale"))
    _render_result(result, close, key_prefix, said)


# Backtest warnings that repeat what the closest-sample notice says (the data's symbol or timeframe).
SAID_ABOVE = frozenset({"BT_TIMEFRAME_MISMATCH", "BT_SYMBOL_MISMATCH"})


def _notices(result: BacktestResult, said: frozenset[str] = frozenset()) -> None:
    """All warnings and notes in one collapsible notice: its label counts them and states the most
    important one (warnings come before notes, in the order the backtest found them)."""
    items = [("warning", w) for w in result.warnings if getattr(w, "code", None) not in said]
    items += [("note", n) for n in result.notes]
    if not items:
        return
    first = coded(items[0][1])
    headline = md(first if len(first) <= 110 else first[:109] + "…")
    icon = ":material/warning:" if result.warnings else ":material/info:"
    with st.expander(t("market.bt.notices", n=len(items), first=headline), icon=icon):
        for kind, text in items:
            st.markdown(f"- {'⚠️ ' if kind == 'warning' else ''}{coded(text, md)}")


def _render_result(result: BacktestResult, close: pd.Series, key_prefix: str,
                   said: frozenset[str] = frozenset()) -> None:
    s = result.settings
    st.caption(
        t(
            "market.bt.summary",
            bars=f"{s['bars']:,}",
            symbol=s["symbol"],
            timeframe=s["timeframe"],
            start=s["start"][:16].replace("T", " "),
            end=s["end"][:16].replace("T", " "),
            fee=f"{s['fee_bps']:g}",
            slip=f"{s['slippage_bps']:g}",
        )
    )
    columns = st.columns(4)
    for i, (key, kind) in enumerate(METRICS):
        columns[i % 4].metric(
            t(f"market.bt.metric.{key}"), _fmt(result.metrics.get(key), kind), help=t(f"market.bt.formula.{key}")
        )
    _notices(result, said)
    if result.open_trade is not None:
        trade = result.open_trade
        st.info(
            t(
                "market.bt.open_position",
                qty=f"{trade.qty:.8g}",
                since=trade.entry_time.strftime("%Y-%m-%d %H:%M"),
                pnl=f"{trade.pnl:,.2f}",
                pct=f"{trade.return_pct:.2f}",
            )
        )
    st.markdown(f"**{t('market.bt.price_trades')}**")
    fills = [{"time": f.time, "side": f.side, "price": f.price} for f in result.fills]
    st.altair_chart(price_with_trades(close, fills, labels={"price": t("market.bt.price"),
                                                            "buy": t("market.bt.side.buy"),
                                                            "sell": t("market.bt.side.sell")}),
                    width="stretch")
    h1, h2 = st.columns([3, 1], vertical_alignment="bottom")
    h1.markdown(f"**{t('market.bt.equity')}**")
    log = h2.toggle(t("market.bt.log_scale"), key=f"{key_prefix}_bt_log", help=t("market.bt.log_help"))
    st.altair_chart(
        equity_vs_hold(
            result.equity,
            result.buy_hold,
            strategy=t("market.bt.series.strategy"),
            hold=t("market.bt.series.hold"),
            value=t("market.bt.value"),
            log=log,
        ),
        width="stretch",
    )
    st.markdown(f"**{t('market.bt.drawdown')}**")
    st.altair_chart(drawdown(result.drawdown, title=t("market.bt.drawdown")), width="stretch")
    with st.expander(t("market.bt.formulas")):
        for key, _ in METRICS:
            st.markdown(f"- **{t(f'market.bt.metric.{key}')}**: {t(f'market.bt.formula.{key}')}")
    st.markdown(f"**{t('market.bt.trades')}**")
    trades = result.trades_frame()
    if trades.empty:
        st.caption(t("market.bt.no_trades"))
    else:
        for money in ("pnl", "fees"):  # decimal strings in JSON; numbers here so the table sorts them
            trades[money] = pd.to_numeric(trades[money])
        for when in ("entry_time", "exit_time"):
            trades[when] = pd.to_datetime(trades[when], utc=True).dt.strftime("%Y-%m-%d %H:%M")
        # An open trade has no exit yet: say so, and "—" (not None) in its exit cells.
        trades["status"] = trades["status"].map(lambda v: t(f"market.bt.status.{v}"))
        trades[["exit_time", "exit_price"]] = trades[["exit_time", "exit_price"]].astype(object).where(
            trades[["exit_time", "exit_price"]].notna(), "—")
        trades = trades[list(TRADE_COLUMNS)].rename(columns={c: t(f"market.bt.col.{c}") for c in TRADE_COLUMNS})
        st.dataframe(trades, hide_index=True, width="stretch")
    if result.fills:
        # Signal bar next to fill bar: the user can see every order filled at the next bar's open.
        with st.expander(t("market.bt.fills", count=len(result.fills))):
            rows = [
                {
                    t("market.bt.col.signal_time"): f.signal_time.strftime("%Y-%m-%d %H:%M"),
                    t("market.bt.col.fill_time"): f.time.strftime("%Y-%m-%d %H:%M"),
                    t("market.bt.col.side"): t(f"market.bt.side.{f.side}"),
                    t("market.bt.col.qty"): round(f.qty, 10),
                    t("market.bt.col.price"): round(f.price, 8),
                    t("market.bt.col.fees"): round(f.fee, 8),
                    t("market.bt.col.action"): f.action_id,
                }
                for f in result.fills[-2000:]
            ]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if result.notifications:
        with st.expander(t("market.bt.notifications", count=len(result.notifications))):
            rows = [
                {
                    t("market.bt.col.time"): n.time.strftime("%Y-%m-%d %H:%M"),
                    t("market.bt.col.action"): n.action_id,
                    t("market.bt.col.message"): n.message,
                }
                for n in result.notifications[-500:]
            ]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
