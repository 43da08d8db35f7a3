"""The read-back: explain(strategy, lang) for hand-written graphs (as an LLM would send) and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.strategy.explain import default_name, explain, explain_text
from core.strategy.explain_phrases import josa
from tests.strategy_builders import DESIGN_EXAMPLE, buy, edge, node, sell, strategy

ROOT = Path(__file__).resolve().parent.parent

ETH_MACD = {
    "schema_version": 1, "name": "x",
    "nodes": [
        node("trigger_1", "trigger", trigger_type="time", interval="4h"),
        node("data_1", "data_source", source_type="ohlcv", symbol="ETH/USDT", timeframe="4h", exchange="binance"),
        node("condition_1", "condition", operator="crosses_above", left="macd(12,26,9)",
             right="macd_signal(12,26,9)"),
        node("condition_2", "condition", operator=">=", left="rsi(14)", right=50),
        node("action_1", "action", action_type="buy", symbol="ETH/USDT", amount=200, unit="USDT"),
    ],
    "edges": [edge("trigger_1", "data_1"), edge("data_1", "condition_1"), edge("condition_1", "condition_2", "true"),
              edge("condition_2", "action_1", "true")],
}


def test_the_issue_example_reads_back_word_for_word() -> None:
    assert explain(ETH_MACD, "ko") == [
        "4시간마다 바이낸스 ETH/USDT 4시간봉 기준: MACD(12,26,9)가 시그널선을 상향 돌파하고 RSI(14)가 50 이상이면 "
        "200 USDT어치 매수."]
    assert explain(ETH_MACD, "en") == [
        "Every 4h on Binance ETH/USDT 4h candles: when MACD(12,26,9) crosses above its signal line and RSI(14) "
        "is at or above 50, buy 200 USDT of ETH."]


def test_design_example_names_symbol_exchange_timeframe_number_and_amount() -> None:
    ko, = explain(DESIGN_EXAMPLE, "ko")
    for part in ("1시간마다", "바이낸스", "BTC/USDT", "1시간봉", "RSI(14)가 30 미만이면", "100 USDT어치 매수"):
        assert part in ko
    en, = explain(DESIGN_EXAMPLE, "en")
    assert en == "Every 1h on Binance BTC/USDT 1h candles: when RSI(14) is below 30, buy 100 USDT of BTC."


def test_one_sentence_per_rule_with_or_false_branch_and_exits() -> None:
    s = strategy(
        [node("condition_1", "condition", operator="<", left="rsi(14)", right=30),
         node("condition_2", "condition", operator="<=", left="change_pct(24)", right=-5),
         node("condition_3", "condition", operator=">", left="close", right="sma(200)"),
         node("condition_4", "condition", operator=">=", left="position_pnl_pct", right=8)],
        [buy(amount=0.5, unit="BTC"), sell("action_2"), node("action_3", "action", action_type="notify", message="m")],
        [edge("data_1", "condition_1"), edge("data_1", "condition_2"), edge("condition_1", "action_1", "true"),
         edge("condition_2", "action_1", "true"), edge("data_1", "condition_3"),
         edge("condition_3", "action_3", "false"), edge("data_1", "condition_4"),
         edge("condition_4", "action_2", "true")],
        interval="1h")
    ko = explain(s, "ko")
    assert len(ko) == 3
    assert "RSI(14)가 30 미만이거나 24봉 변동률이 -5% 이하이면 0.5 BTC 매수." in ko[0]
    assert "포지션 수익률이 8% 이상이면 전량 매도." in ko[1]
    assert "종가가 SMA(200) 초과가 아니면 알림." in ko[2]
    en = explain(s, "en")
    assert "when RSI(14) is below 30 or the 24-bar % change is at or below -5%, buy 0.5 BTC." in en[0]
    assert "when the position P&L is at or above 8%, sell all BTC." in en[1]
    assert "when the close is not above SMA(200), notify me." in en[2]


def test_and_chains_inside_an_or_are_bracketed_so_the_grouping_is_not_lost() -> None:
    s = strategy(
        [node("condition_1", "condition", operator="<", left="rsi(14)", right=30),
         node("condition_2", "condition", operator=">", left="volume", right="2 * volume_sma(20)"),
         node("condition_3", "condition", operator="crosses_below", left="close", right="bb_lower(20,2)")],
        [buy()],
        [edge("data_1", "condition_1"), edge("condition_1", "condition_2", "true"),
         edge("condition_2", "action_1", "true"), edge("data_1", "condition_3"),
         edge("condition_3", "action_1", "true")])
    en, = explain(s, "en")
    assert "when (RSI(14) is below 30 and volume is above 2x the 20-bar average volume) or the close crosses " \
           "below the lower Bollinger band(20,2)" in en
    ko, = explain(s, "ko")
    assert "(RSI(14)가 30 미만이고 거래량이 20봉 평균 거래량의 2배 초과이거나) 종가가 볼린저 밴드 하단(20,2)를 " \
           "하향 돌파하면" in ko


def test_other_triggers_sources_and_korean_exchanges() -> None:
    s = {
        "schema_version": 1, "name": "x",
        "nodes": [
            node("trigger_1", "trigger", trigger_type="price_change", symbol="BTC/KRW", threshold_pct=3, window="1h"),
            node("data_1", "data_source", source_type="ohlcv", symbol="BTC/KRW", timeframe="15m", exchange="upbit"),
            node("condition_1", "condition", operator="==", left="rsi(7)", right=50),
            node("action_1", "action", action_type="buy", symbol="BTC/KRW", amount=500000, unit="KRW"),
        ],
        "edges": [edge("trigger_1", "data_1"), edge("data_1", "condition_1"), edge("condition_1", "action_1", "true")],
    }
    ko, = explain(s, "ko")
    assert ko.startswith("BTC/KRW 가격이 1시간 안에 3% 움직일 때마다 업비트 BTC/KRW 15분봉 기준:")
    assert "RSI(7)이 50과 같으면 500,000 KRW어치 매수." in ko
    en, = explain(s, "en")
    assert en.startswith("Whenever BTC/KRW moves 3% within 1h on Upbit BTC/KRW 15m candles:")
    assert "buy 500,000 KRW of BTC" in en


def test_korean_particles_follow_the_last_sound() -> None:
    assert josa("RSI(14)", "이", "가") == "RSI(14)가"
    assert josa("SMA(20)", "을", "를") == "SMA(20)을"  # 이십 → 십 ends in a consonant
    assert josa("종가", "이", "가") == "종가가" and josa("거래량", "이", "가") == "거래량이"
    assert josa("MACD(12,26,9)", "이", "가") == "MACD(12,26,9)가"


def test_default_name_is_short_and_human() -> None:
    assert default_name(ETH_MACD, "ko") == "ETH 4시간봉 MACD·RSI 매수"
    assert default_name(ETH_MACD, "en") == "ETH 4h MACD·RSI buy"


def test_explain_cli_and_generate_json_carry_the_read_back(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(ETH_MACD), encoding="utf-8")
    run = [sys.executable, "-m", "core"]
    out = subprocess.run([*run, "explain", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == explain_text(ETH_MACD, "ko")
    js = subprocess.run([*run, "explain", "-", "--lang", "en", "--json"], input=json.dumps(ETH_MACD), cwd=ROOT,
                        capture_output=True, text=True, timeout=60)
    data = json.loads(js.stdout)
    assert data["lang"] == "en" and data["sentences"] == explain(ETH_MACD, "en")
    broken = dict(ETH_MACD, edges=[])
    path.write_text(json.dumps(broken), encoding="utf-8")
    bad = subprocess.run([*run, "explain", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stdout == "" and "INVALID" in bad.stderr
    env_free = {"STUDIO_DB": str(tmp_path / "db.sqlite"), "STUDIO_SECRETS_FILE": str(tmp_path / "none.toml"),
                "PATH": "/usr/bin:/bin"}
    gen = subprocess.run([*run, "generate", "Buy 100 USDT of BTC when the 1h RSI(14) drops below 30", "--model",
                          "offline", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env_free)
    assert gen.returncode == 0, gen.stderr
    strategy_out = json.loads(gen.stdout)
    assert strategy_out["explanation"] == "Every 1h on Binance BTC/USDT 1h candles: when RSI(14) crosses below 30, " \
                                          "buy 100 USDT of BTC."
