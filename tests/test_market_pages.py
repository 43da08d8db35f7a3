"""Market page and backtest panel logic through Streamlit's AppTest (charts read back as Vega specs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from core.config import reset_settings_cache
from tests.strategy_builders import sma_cross

ROOT = Path(__file__).resolve().parents[1]
MARKET = str(ROOT / "pages" / "market.py")


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    reset_settings_cache()


def _english(at: AppTest) -> AppTest:
    at.session_state["lang"] = "en"
    return at


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def test_market_page_shows_the_sample_with_candles_bands_rsi_and_macd() -> None:
    at = _english(AppTest.from_file(MARKET, default_timeout=30))
    at.run()
    assert not at.exception
    assert at.title[0].value == "Market data"
    labels = {m.label: m.value for m in at.metric}
    assert labels["Bars"] == "874"
    assert labels["Last close"] == "6,420.45"
    specs = _specs(at)
    assert len(specs) == 3  # price with Bollinger bands, RSI, MACD panels
    assert "bb_upper" in json.dumps(specs[0]) and "bb_lower" in json.dumps(specs[0])
    assert "rsi_14" in json.dumps(specs[1])
    assert "macd_hist" in json.dumps(specs[2]) and "macd_signal" in json.dumps(specs[2])


def test_market_page_resamples_to_weekly() -> None:
    at = _english(AppTest.from_file(MARKET, default_timeout=30))
    at.run()
    at.selectbox(key="market_resample_1d").set_value("1w").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Bars"] == "133"


def _panel_app() -> None:
    import json as _json

    import streamlit as _st

    from ui.backtest_panel import render_backtest_panel

    render_backtest_panel(_json.loads(_st.session_state["strategy_json"]), "test")


SMA = sma_cross(10, 30, amount=5000, name="SMA cross")


def test_backtest_panel_shows_metrics_charts_trades_and_formulas() -> None:
    at = _english(AppTest.from_function(_panel_app, default_timeout=30))
    at.session_state["strategy_json"] = json.dumps(SMA)
    at.run()
    assert not at.exception
    at.number_input(key="test_bt_fee").set_value(20.0)
    at.button(key="test_bt_run").click().run()
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    assert set(metrics) == {
        "Total return",
        "Max drawdown",
        "Win rate",
        "Sharpe (daily, √365)",
        "Profit factor",
        "Closed trades",
        "Exposure",
        "Buy & hold",
    }
    assert metrics["Closed trades"].value == "13"
    assert metrics["Buy & hold"].value == "1,428.68 %"
    assert "√365" in metrics["Sharpe (daily, √365)"].proto.help
    assert "fee 20 bps" in " ".join(c.value for c in at.caption)
    specs = _specs(at)
    assert len(specs) == 3  # price with trade markers, equity vs buy and hold, drawdown
    markers = next(layer for layer in specs[0]["layer"] if layer["mark"]["type"] == "point")
    assert markers["encoding"]["shape"]["scale"]["range"] == ["triangle-up", "triangle-down"]
    chart = at.get("vega_lite_chart")[0].proto
    sizes = sorted(len(pa.ipc.open_stream(d.data.data).read_all()) for d in chart.datasets)
    assert 26 in sizes  # one marker per fill (the other dataset is the price line)
    assert "Buy and hold" in json.dumps(specs[1])
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value) == 13  # trades, then orders
    fills = at.dataframe[1].value
    assert len(fills) == 26
    signal = pd.to_datetime(fills["Signal bar (UTC)"])
    filled = pd.to_datetime(fills["Filled at open of (UTC)"])
    assert (filled > signal).all()  # every order fills on a later bar than its signal
    assert not at.warning  # warnings and notes are grouped in one notice, not a stack of boxes
    notices = [e for e in at.expander if "notices about this backtest" in e.label]
    assert len(notices) <= 1
    # Changing the strategy marks the shown result as stale instead of silently mixing them.
    changed = json.loads(json.dumps(SMA))
    changed["nodes"][2]["config"]["right"] = "sma(50)"
    at.session_state["strategy_json"] = json.dumps(changed)
    at.run()
    assert any("changed since this run" in i.value for i in at.info)


def test_backtest_panel_reports_an_invalid_strategy_without_a_traceback() -> None:
    at = _english(AppTest.from_function(_panel_app, default_timeout=30))
    broken = json.loads(json.dumps(SMA))
    broken["nodes"][2]["config"]["left"] = "sma(10"
    at.session_state["strategy_json"] = json.dumps(broken)
    at.run()
    at.button(key="test_bt_run").click().run()
    assert not at.exception
    assert at.error and "invalid" in at.error[0].value.lower()


def test_panel_in_korean_uses_translated_labels_for_every_metric_and_column() -> None:
    from ui.backtest_panel import METRICS, TRADE_COLUMNS
    from ui.i18n import catalog

    keys = [f"market.bt.metric.{k}" for k, _ in METRICS] + [f"market.bt.formula.{k}" for k, _ in METRICS]
    keys += [f"market.bt.col.{c}" for c in TRADE_COLUMNS] + [f"market.source.{s}" for s in ("sample", "upload")]
    assert all(catalog()[k]["ko"] and catalog()[k]["en"] for k in keys)
    at = AppTest.from_function(_panel_app, default_timeout=30)
    at.session_state["lang"] = "ko"
    at.session_state["strategy_json"] = json.dumps(SMA)
    at.run()
    at.button(key="test_bt_run").click().run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert "총 수익률" in labels and "최대 낙폭" in labels and "샤프 지수 (일간, √365)" in labels


def test_backtest_notices_are_one_korean_notice_with_the_most_important_first() -> None:
    mismatched = json.loads(json.dumps(SMA))
    mismatched["nodes"][1]["config"]["symbol"] = "ETH/USDT"  # the sample is BTC/USDT
    at = AppTest.from_function(_panel_app, default_timeout=30)
    at.session_state["lang"] = "ko"
    at.session_state["strategy_json"] = json.dumps(mismatched)
    at.run()
    at.button(key="test_bt_run").click().run()
    # One box above the data choice says the sample is not the strategy's symbol (and what to do);
    # everything the run found is in the one collapsible notice.
    assert not at.exception and not at.warning
    assert [i.value for i in at.info] == ["전략은 ETH/USDT 1d 봉을 쓰지만 내장 샘플에는 없습니다. 가장 가까운 샘플은 "
                                          "BTC/USDT 1d입니다. 이 샘플을 쓰거나, CSV를 올리거나, 거래소에서 실시간 봉을 "
                                          "가져오세요."]
    notice = next(e for e in at.expander if e.label.startswith("이 백테스트에 대한 알림"))
    shown = notice.label.replace("\\", "")  # the label is Markdown source
    # Said once: the symbol difference is in the box above, not again among the run's notices.
    assert "ETH/USDT용이지만" not in shown and all("ETH/USDT용이지만" not in m.value for m in at.markdown)
    assert not re.search(r"\b(is for|but the data|prices come)\b", notice.label)
