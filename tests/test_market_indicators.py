"""Operand evaluation over a DataFrame matches TA-Lib's own output, for every indicator of the grammar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import talib

from core.market.evaluate import Evaluator, compare
from core.services.market_data import indicator_frame, indicator_snapshot, load_sample
from core.strategy.operands import INDICATORS


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_sample().df


def _talib(name: str, args: tuple[float, ...], df: pd.DataFrame) -> np.ndarray:
    c, h, low, v = (df[k].to_numpy(dtype=float) for k in ("close", "high", "low", "volume"))
    n = [int(a) for a in args]
    table = {
        "rsi": lambda: talib.RSI(c, timeperiod=n[0]),
        "sma": lambda: talib.SMA(c, timeperiod=n[0]),
        "ema": lambda: talib.EMA(c, timeperiod=n[0]),
        "macd": lambda: talib.MACD(c, n[0], n[1], n[2])[0],
        "macd_signal": lambda: talib.MACD(c, n[0], n[1], n[2])[1],
        "macd_hist": lambda: talib.MACD(c, n[0], n[1], n[2])[2],
        "bb_upper": lambda: talib.BBANDS(c, n[0], args[1], args[1], 0)[0],
        "bb_middle": lambda: talib.BBANDS(c, n[0], args[1], args[1], 0)[1],
        "bb_lower": lambda: talib.BBANDS(c, n[0], args[1], args[1], 0)[2],
        "atr": lambda: talib.ATR(h, low, c, timeperiod=n[0]),
        "change_pct": lambda: (c / np.concatenate((np.full(n[0], np.nan), c[: -n[0]])) - 1) * 100,
        "volume_sma": lambda: talib.SMA(v, timeperiod=n[0]),
    }
    return table[name]()


CALLS = {
    "rsi": ["rsi(14)", "rsi(7)"],
    "sma": ["sma(20)", "sma(50)"],
    "ema": ["ema(12)", "ema(200)"],
    "macd": ["macd(12,26,9)", "macd(5,35,5)"],
    "macd_signal": ["macd_signal(12,26,9)", "macd_signal(8,21,5)"],
    "macd_hist": ["macd_hist(12,26,9)"],
    "bb_upper": ["bb_upper(20,2)", "bb_upper(10,1.5)"],
    "bb_middle": ["bb_middle(20,2)"],
    "bb_lower": ["bb_lower(20,2)", "bb_lower(30,2.5)"],
    "atr": ["atr(14)"],
    "change_pct": ["change_pct(1)", "change_pct(24)"],
    "volume_sma": ["volume_sma(20)"],
}


def test_every_indicator_of_the_grammar_is_covered() -> None:
    assert set(CALLS) == set(INDICATORS)


@pytest.mark.parametrize("text", [t for calls in CALLS.values() for t in calls])
def test_operand_matches_talib(text: str, df: pd.DataFrame) -> None:
    from core.strategy.operands import parse_operand

    expr = parse_operand(text)
    ours = Evaluator(df).series(text)
    theirs = _talib(expr.name, expr.args, df)  # type: ignore[union-attr]
    assert ours.shape == (len(df),)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)], rtol=1e-12)
    assert (~np.isnan(ours)).sum() > len(df) - 300  # the warm-up is NaN, the rest defined


def test_defaults_prefix_and_arithmetic(df: pd.DataFrame) -> None:
    ev = Evaluator(df)
    c = df["close"].to_numpy()
    np.testing.assert_allclose(ev.series("rsi()"), talib.RSI(c, 14), equal_nan=True)
    np.testing.assert_allclose(ev.series("data_1.sma(20)"), talib.SMA(c, 20), equal_nan=True)
    expected = 2 * talib.SMA(df["volume"].to_numpy(), 20)
    np.testing.assert_allclose(ev.series("2 * volume_sma(20)"), expected, equal_nan=True)
    expected = (c - talib.SMA(c, 20)) / talib.SMA(c, 20) * 100
    np.testing.assert_allclose(ev.series("(close - sma(20)) / sma(20) * 100"), expected, equal_nan=True)
    np.testing.assert_allclose(ev.series("-(high - low)"), -(df["high"] - df["low"]).to_numpy())
    assert np.isnan(ev.series("close / (open - open)")).all()  # x/0 is undefined, never inf
    np.testing.assert_array_equal(ev.series(30), np.full(len(df), 30.0))


def test_each_indicator_is_computed_once_per_backtest(df: pd.DataFrame) -> None:
    ev = Evaluator(df)
    for text in ("rsi(14)", "rsi(14) + 1", "macd(12,26,9)", "macd_signal(12,26,9)", "macd_hist(12,26,9)"):
        ev.series(text)
    assert ev.indicators.computed == 2  # rsi(14) once; MACD's three members share one TA-Lib call
    ev.series("rsi(7)")
    assert ev.indicators.computed == 3


def test_position_term_is_undefined_without_a_position(df: pd.DataFrame) -> None:
    ev = Evaluator(df)
    assert np.isnan(ev.series("position_pnl_pct")).all()
    pnl = np.linspace(-5, 5, 10)
    np.testing.assert_allclose(ev.series("position_pnl_pct * 2", position=pnl, window=slice(5, 15)), pnl * 2)


def test_comparisons_and_crosses_treat_nan_as_false() -> None:
    left = np.array([np.nan, 1.0, 3.0, 2.0, 4.0])
    right = np.array([2.0, 2.0, 2.0, 2.0, 2.0])
    assert list(compare("<", left, right)) == [False, True, False, False, False]
    assert list(compare("!=", left, right)) == [False, True, True, False, True]
    assert list(compare("crosses_above", left, right)) == [False, False, True, False, True]
    assert list(compare("crosses_below", left, right)) == [False, False, False, False, False]
    assert not compare("crosses_below", left, right, prev_left=5.0, prev_right=2.0)[0]  # NaN now: no cross
    assert compare("crosses_above", right - 1, right, prev_left=3.0, prev_right=2.0).sum() == 0
    assert compare("crosses_below", right - 1, right, prev_left=3.0, prev_right=2.0)[0]


def test_indicator_frame_and_snapshot_for_the_chart_and_the_analysis(df: pd.DataFrame) -> None:
    data = load_sample()
    frame = indicator_frame(data)
    for col in ("rsi_14", "macd", "macd_signal", "macd_hist", "bb_upper", "bb_middle", "bb_lower", "atr_14"):
        assert col in frame.columns
    np.testing.assert_allclose(frame["rsi_14"], talib.RSI(df["close"].to_numpy(), 14), equal_nan=True)
    snap = indicator_snapshot(data)
    assert snap["close"] == pytest.approx(df["close"].iloc[-1])
    assert snap["bb_lower"] < snap["bb_middle"] < snap["bb_upper"]
    assert 0 <= snap["rsi_14"] <= 100
