"""The backtester: same trades as backtesting.py, no look-ahead, fees/slippage/sizing as documented."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.market.data import MarketData
from core.market.errors import StrategyNotRunnable
from core.services.backtesting import metric_formulas, run_backtest
from core.services.market_data import load_sample
from tests.strategy_builders import buy, buy_and_sell, cond, edge, node, sell, sma_cross, strategy


def frame(opens: list[float], closes: list[float], freq: str = "1D") -> MarketData:
    o, c = np.array(opens, float), np.array(closes, float)
    index = pd.date_range("2024-01-01", periods=len(o), freq=freq, tz="UTC")
    df = pd.DataFrame(
        {"open": o, "high": np.maximum(o, c), "low": np.minimum(o, c), "close": c, "volume": np.ones(len(o))},
        index=index,
    )
    return MarketData(df=df, symbol="BTC/USDT", timeframe="1d" if freq == "1D" else "1h", source="test")


def random_walk(n: int, seed: int, freq: str = "1h") -> MarketData:
    rng = np.random.default_rng(seed)
    close = 20_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    open_ = np.concatenate(([close[0]], close[:-1])) * np.exp(rng.normal(0, 0.002, n))
    data = frame(list(open_), list(close), freq)
    data.df["high"] = np.maximum(open_, close) * 1.003
    data.df["low"] = np.minimum(open_, close) * 0.997
    return data


# --- agreement with backtesting.py ------------------------------------------------------------


def _backtesting_py(data: MarketData, fast: int, slow: int, commission: float, cash: float) -> Any:
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest, crossover
    from backtesting.test import SMA

    class SmaCross(Strategy):
        def init(self) -> None:
            self.fast = self.I(SMA, self.data.Close, fast)
            self.slow = self.I(SMA, self.data.Close, slow)

        def next(self) -> None:
            if crossover(self.fast, self.slow) and not self.position:
                self.buy(size=1 - 1e-9)  # all available cash, as our oversized buy (reduced to the cash) does
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    df = data.df.rename(columns=str.capitalize).tz_localize(None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = FractionalBacktest(df, SmaCross, cash=cash, commission=commission, finalize_trades=False)
        return bt.run()


@pytest.mark.parametrize(
    ("source", "fast", "slow", "fee_bps"),
    [("sample", 10, 30, 10), ("sample", 5, 20, 25), ("walk", 12, 48, 10)],
)
def test_sma_cross_matches_backtesting_py(source: str, fast: int, slow: int, fee_bps: float) -> None:
    data = load_sample() if source == "sample" else random_walk(3000, seed=3)
    ours = run_backtest(sma_cross(fast, slow, data.timeframe), data, fee_bps=fee_bps, slippage_bps=0, cash=10_000)
    stats = _backtesting_py(data, fast, slow, fee_bps / 1e4, 10_000)
    theirs = stats["_trades"]
    assert len(theirs) >= 5
    assert ours.metrics["trades"] == len(theirs)  # closed trades (finalize_trades=False lists only those)
    entries = [t.entry_time.tz_localize(None) for t in ours.trades]
    exits = [t.exit_time.tz_localize(None) for t in ours.trades]
    closed = theirs[theirs["ExitTime"].notna()]
    assert entries == list(closed["EntryTime"])[: len(entries)]
    assert exits == list(closed["ExitTime"])[: len(exits)]
    np.testing.assert_allclose([t.entry_price for t in ours.trades], closed["EntryPrice"], rtol=1e-9)
    np.testing.assert_allclose([t.exit_price for t in ours.trades], closed["ExitPrice"], rtol=1e-9)
    assert abs(ours.metrics["total_return_pct"] - stats["Return [%]"]) < 0.01
    assert abs(ours.metrics["max_drawdown_pct"] - stats["Max. Drawdown [%]"]) < 0.01
    assert ours.metrics["win_rate_pct"] == pytest.approx(stats["Win Rate [%]"], abs=1e-3)


# --- look-ahead -------------------------------------------------------------------------------


def test_no_look_ahead_a_close_fill_would_win_but_the_next_open_fill_loses() -> None:
    # Up bar (signal) -> next bar gaps up +9 % and stays flat -> next bar gaps back down.
    # Filling at the signal bar's close (101) and selling a bar later would earn ~+9 % per cycle;
    # filling at the next open (110) and selling at the following open (100) loses ~-9 %.
    cycles = 10
    opens = [100.0, 110.0, 100.0] * cycles
    closes = [101.0, 110.0, 100.0] * cycles
    data = frame(opens, closes)
    strat = buy_and_sell(("close", ">", "open"), ("close", "<=", "open"))
    result = run_backtest(strat, data, fee_bps=0, slippage_bps=0, cash=1000)
    assert result.metrics["trades"] == cycles
    for fill in result.fills:
        assert fill.bar == fill.signal_bar + 1
        assert fill.price == opens[fill.bar]
    assert result.metrics["total_return_pct"] == pytest.approx(((100 / 110) ** cycles - 1) * 100, abs=1e-3)
    assert result.equity.iloc[-1] == pytest.approx(1000 * (100 / 110) ** cycles, rel=1e-12)
    assert result.metrics["win_rate_pct"] == 0


def test_results_before_a_bar_do_not_depend_on_later_bars() -> None:
    data = random_walk(1500, seed=11)
    strat = buy_and_sell(("rsi(14)", "<", 35), ("rsi(14)", ">", 65), amount=2000, interval="1h")
    full = run_backtest(strat, data, fee_bps=10, slippage_bps=5)
    cut = MarketData(df=data.df.iloc[:900], symbol=data.symbol, timeframe="1h")
    part = run_backtest(strat, cut, fee_bps=10, slippage_bps=5)
    early = [(f.bar, f.side, f.qty, f.price) for f in full.fills if f.bar < 900]
    assert early == [(f.bar, f.side, f.qty, f.price) for f in part.fills]
    np.testing.assert_allclose(full.equity.iloc[:900].to_numpy(), part.equity.to_numpy())


# --- costs, sizing, position terms -----------------------------------------------------------


def _always_buy_then_sell(**buy_kw: Any) -> dict:
    return strategy(
        [cond("condition_1", "close", ">", 0)],
        [buy(**buy_kw)],
        [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true")],
    )


def test_fees_and_slippage_on_both_sides_and_mark_to_market() -> None:
    data = frame([100, 100, 120, 120], [100, 110, 120, 120])
    strat = strategy(
        [cond("condition_1", "close", "<", 105), cond("condition_2", "close", ">=", 115)],
        [buy(amount=1000), sell()],
        [
            edge("data_1", "condition_1"),
            edge("data_1", "condition_2"),
            edge("condition_1", "action_1", "true"),
            edge("condition_2", "action_2", "true"),
        ],
    )
    result = run_backtest(strat, data, fee_bps=10, slippage_bps=50, cash=10_000)
    b, s = result.fills
    assert (b.side, b.bar, b.price) == ("buy", 1, pytest.approx(100.5))
    assert b.qty == pytest.approx(1000 / 100.5)
    assert b.fee == pytest.approx(1.0)
    assert (s.side, s.bar, s.price) == ("sell", 3, pytest.approx(119.4))
    assert s.fee == pytest.approx(s.qty * 119.4 * 0.001)
    cash_end = 10_000 - 1000 - 1 + s.qty * 119.4 * 0.999
    assert result.equity.iloc[-1] == pytest.approx(cash_end)
    # Bar 2 (held) is marked at its close: cash + qty * 120.
    assert result.equity.iloc[2] == pytest.approx(10_000 - 1001 + b.qty * 120)
    trade = result.trades[0]
    assert trade.pnl == pytest.approx(cash_end - 10_000)
    assert result.metrics["trades"] == 1 and result.metrics["win_rate_pct"] == 100


def test_fractional_base_coin_sizing_and_insufficient_cash_warns() -> None:
    data = frame([50_000.0] * 6, [50_000.0] * 6)
    result = run_backtest(_always_buy_then_sell(amount=0.015, unit="BTC"), data, fee_bps=0, slippage_bps=0, cash=2000)
    qtys = [f.qty for f in result.fills]
    # 0.015 BTC = 750 USDT: two full buys, then one reduced to the 500 left, then nothing left.
    assert qtys[:2] == [pytest.approx(0.015), pytest.approx(0.015)]
    assert qtys[2] == pytest.approx(0.01)
    assert len(qtys) == 3
    text = " ".join(result.warnings)
    assert "reduced to what the cash" in text
    assert "could not be filled because the cash was used up" in text


def test_sell_part_in_coins_and_quote() -> None:
    data = frame([100.0] * 6, [100.0, 100, 100, 100, 100, 100])
    strat = strategy(
        [cond("condition_1", "close", ">", 0)],
        [buy(amount=1000), sell("action_2", amount=2, unit="BTC"), sell("action_3", amount=300, unit="USDT")],
        [
            edge("data_1", "condition_1"),
            edge("condition_1", "action_1", "true"),
            edge("condition_1", "action_2", "true"),
            edge("condition_1", "action_3", "true"),
        ],
    )
    result = run_backtest(strat, data, fee_bps=0, slippage_bps=0, cash=1500)
    sides = [(f.side, round(f.qty, 6)) for f in result.fills[:3]]
    assert sides == [("buy", 10.0), ("sell", 2.0), ("sell", 3.0)]


def test_take_profit_and_stop_loss_on_position_pnl_pct() -> None:
    closes = [100, 100, 100, 104, 106, 106, 100, 100, 100, 96, 94, 94, 94]
    data = frame([100, *closes[:-1]], closes)
    strat = strategy(
        [
            cond("condition_1", "position_pnl_pct", ">", 5),
            cond("condition_2", "position_pnl_pct", "<", -5),
            cond("condition_3", "close", "==", 100),
        ],
        [buy(amount=1000), sell()],
        [
            edge("data_1", "condition_1"),
            edge("data_1", "condition_2"),
            edge("data_1", "condition_3"),
            edge("condition_1", "action_2", "true"),
            edge("condition_2", "action_2", "true"),
            edge("condition_3", "action_1", "true"),
        ],
    )
    result = run_backtest(strat, data, fee_bps=0, slippage_bps=0, cash=10_000)
    fills = [(f.side, f.signal_bar, f.bar) for f in result.fills]
    # Buys at bars 1-3 (signals 0-2 on close == 100), take-profit signalled on bar 4 (+6 %), filled bar 5.
    assert fills[:4] == [("buy", 0, 1), ("buy", 1, 2), ("buy", 2, 3), ("sell", 4, 5)]
    # Re-entry on closes of 100 (bars 6-8); the stop-loss fires on bar 10 (-6 %) and fills at bar 11.
    assert ("sell", 10, 11) in fills
    assert result.trades[0].pnl > 0 and result.trades[1].pnl < 0


def test_or_and_false_branches_and_notify_events() -> None:
    closes = [10, 20, 30, 40, 50, 60]
    data = frame(closes, closes)
    strat = strategy(
        [
            cond("condition_1", "close", ">", 25),
            cond("condition_2", "close", "<", 45),
            cond("condition_3", "close", "==", 10),
        ],
        [
            node("action_1", "action", action_type="notify", message="between"),
            node("action_2", "action", action_type="notify", message="not above 25"),
            node("action_3", "action", action_type="notify", message="ten or between"),
        ],
        [
            edge("data_1", "condition_1"),
            edge("condition_1", "condition_2", "true"),
            edge("condition_2", "action_1", "true"),
            edge("condition_1", "action_2", "false"),
            edge("data_1", "condition_3"),
            edge("condition_3", "action_3", "true"),
            edge("condition_2", "action_3", "true"),
        ],
    )
    result = run_backtest(strat, data)
    by_action: dict[str, list[int]] = {}
    for note in result.notifications:
        by_action.setdefault(note.action_id, []).append(note.bar)
    assert by_action["action_1"] == [2, 3]  # AND: > 25 and < 45
    assert by_action["action_2"] == [0, 1]  # the false branch of > 25
    assert by_action["action_3"] == [0, 2, 3]  # OR: == 10, or the AND chain
    assert result.notifications[0].time == data.df.index[0]
    assert not result.fills


def test_hourly_trigger_on_minute_bars_checks_once_an_hour() -> None:
    n = 600
    data = MarketData(
        df=pd.DataFrame(
            {c: np.full(n, 100.0) for c in ("open", "high", "low", "close", "volume")},
            index=pd.date_range("2024-01-01", periods=n, freq="1min", tz="UTC"),
        ),
        timeframe="1m",
    )
    strat = strategy(
        [cond("condition_1", "close", ">", 0)],
        [node("action_1", "action", action_type="notify", message="tick")],
        [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true")],
        interval="1h",
    )
    result = run_backtest(strat, data, match_timeframe=False)  # keep the minute bars
    bars = [note.bar for note in result.notifications]
    assert bars == [59, 119, 179, 239, 299, 359, 419, 479, 539, 599]  # the bar whose close ends each hour


def test_open_position_at_the_end_is_marked_and_reported() -> None:
    data = frame([100] * 5, [100, 100, 100, 100, 200])
    strat = strategy(
        [cond("condition_1", "close", "==", 100)],
        [buy(amount=100)],
        [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true")],
    )
    result = run_backtest(strat, data, fee_bps=0, slippage_bps=0, cash=1000)
    assert result.metrics["trades"] == 0
    assert result.metrics["win_rate_pct"] is None and result.metrics["profit_factor"] is None
    assert result.open_trade is not None and result.open_trade.qty == pytest.approx(4.0)
    assert result.equity.iloc[-1] == pytest.approx(600 + 4 * 200)
    assert result.metrics["total_return_pct"] == pytest.approx(40.0)
    summary = result.summary()
    assert summary["open_position"]["status"] == "open"
    assert any("still open at the end" in note for note in result.notes)
    assert any("Only 0 closed trade(s)" in w for w in result.warnings)
    last = run_backtest(strat, frame([100] * 3, [100] * 3), fee_bps=0, slippage_bps=0, cash=1000)
    assert len(last.fills) == 2
    assert any("1 order(s) signalled on the last bar could not fill" in note for note in last.notes)


def test_metrics_definitions() -> None:
    data = load_sample()
    result = run_backtest(sma_cross(10, 30), data, fee_bps=10, slippage_bps=5)
    eq = result.equity.to_numpy()
    peak = np.maximum.accumulate(np.maximum(eq, 10_000))
    assert result.metrics["max_drawdown_pct"] == pytest.approx(((eq / peak) - 1).min() * 100, abs=1e-3)
    daily = pd.concat([pd.Series([10_000.0]), pd.Series(eq)]).pct_change().dropna()
    assert result.metrics["sharpe"] == pytest.approx(daily.mean() / daily.std(ddof=1) * math.sqrt(365), abs=1e-3)
    pnls = [t.pnl for t in result.trades]
    wins, losses = [p for p in pnls if p > 0], [p for p in pnls if p < 0]
    assert result.metrics["profit_factor"] == pytest.approx(sum(wins) / -sum(losses), abs=1e-3)
    assert result.metrics["win_rate_pct"] == pytest.approx(len(wins) / len(pnls) * 100, abs=1e-3)
    close = data.df["close"]
    assert result.metrics["buy_hold_return_pct"] == pytest.approx((close.iloc[-1] / close.iloc[0] - 1) * 100, abs=1e-3)
    assert set(metric_formulas()) >= {"total_return_pct", "max_drawdown_pct", "sharpe", "win_rate_pct"}


def test_an_unrunnable_strategy_is_refused_with_exit_code_1() -> None:
    bad = sma_cross(10, 30)
    bad["nodes"][2]["config"]["left"] = "sma(10"
    with pytest.raises(StrategyNotRunnable) as info:
        run_backtest(bad, load_sample())
    assert info.value.exit_code == 1


def _notify_on(trigger: dict[str, Any]) -> dict:
    strat = strategy(
        [cond("condition_1", "close", ">", 0)],
        [node("action_1", "action", action_type="notify", message="moved")],
        [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true")],
        interval="1h",
    )
    strat["nodes"][0]["config"] = trigger
    return strat


def test_price_change_and_volume_triggers() -> None:
    closes = [100.0] * 10 + [103.0] + [103.0] * 5 + [99.0] + [99.0] * 3
    data = frame(closes, closes, freq="1h")
    data.df["volume"] = [1.0] * 14 + [9.0] + [1.0] * 5
    up = run_backtest(
        _notify_on({"trigger_type": "price_change", "symbol": "BTC/USDT", "threshold_pct": 2, "window": "1h"}), data
    )
    assert [n.bar for n in up.notifications] == [10, 16]  # +3 % and -3.9 % moves, either way
    down = run_backtest(
        _notify_on({"trigger_type": "price_change", "symbol": "BTC/USDT", "threshold_pct": -2, "window": "1h"}), data
    )
    assert [n.bar for n in down.notifications] == [16]  # a negative threshold means a drop
    vol = run_backtest(
        _notify_on({"trigger_type": "volume", "symbol": "BTC/USDT", "multiplier": 2, "window": "4h"}), data
    )
    assert [n.bar for n in vol.notifications] == [14]  # volume >= 2 x its 4-bar average


def test_data_mismatches_are_warned() -> None:
    strat = sma_cross(10, 30, "4h")
    result = run_backtest(strat, load_sample())
    assert any("asks for 4h bars but the data has 1d bars" in w for w in result.warnings)
    assert any("runs every 4h but the bars are longer" in n for n in result.notes)
    other = sma_cross(10, 30)
    other["nodes"][4]["config"]["symbol"] = "ETH/USDT"
    warned = " ".join(run_backtest(other, load_sample()).warnings)
    assert "action_1 trades ETH/USDT but the data is BTC/USDT" in warned
    assert "action_1 trades ETH/USDT" in warned


def test_minute_data_is_resampled_to_the_strategys_timeframe() -> None:
    minute = random_walk(6 * 60 * 24, seed=5, freq="1min")
    minute.timeframe = "1m"
    result = run_backtest(sma_cross(5, 20, "1h"), minute)
    assert result.settings["timeframe"] == "1h" and result.settings["bars"] == 6 * 24
    assert "resampled to 1h" in result.notes[0]
    raw = run_backtest(sma_cross(5, 20, "1h"), minute, match_timeframe=False)
    assert raw.settings["bars"] == 6 * 60 * 24
    assert any("asks for 1h bars but the data has 1m bars" in w for w in raw.warnings)


@pytest.mark.parametrize("peak_bar", [255, 256, 300, 700])
def test_crossing_on_position_pnl_across_evaluation_windows(peak_bar: int) -> None:
    # Up 0.1 % a bar until peak_bar, then down: the sell fires where the PnL crosses below 2 %.
    n = peak_bar * 2 + 50
    steps = np.where(np.arange(n) < peak_bar, 1.001, 0.999)
    closes = 100 * np.cumprod(steps)
    opens = np.concatenate(([100.0], closes[:-1]))
    data = frame(list(opens), list(closes), freq="1h")
    strat = strategy(
        [cond("condition_1", "close", ">", 0), cond("condition_2", "position_pnl_pct", "crosses_below", 2)],
        [buy(amount=1000), sell()],
        [
            edge("data_1", "condition_1"),
            edge("condition_1", "action_1", "true"),
            edge("data_1", "condition_2"),
            edge("condition_2", "action_2", "true"),
        ],
        "1h",
    )
    result = run_backtest(strat, data, fee_bps=0, slippage_bps=0, cash=1000, match_timeframe=False)
    first_buy = result.fills[0]
    assert (first_buy.signal_bar, first_buy.bar) == (0, 1)
    pnl = (closes / opens[1] - 1) * 100
    below = np.flatnonzero((pnl[2:] < 2) & (pnl[1:-1] >= 2)) + 2
    sells = [f for f in result.fills if f.side == "sell"]
    assert sells and sells[0].signal_bar == int(below[0])
