"""The offline compiler: the prompt set, refinements, declines, and the offline engine contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import EngineCannotAnswer
from core.offline import answer
from core.strategy.compiler import compile_prompt
from core.strategy.compiler.promptset import check, load
from core.strategy.compiler.refinement import refine
from core.strategy.validation import validate

PROMPTS = load(Path(__file__).parent / "data" / "prompts.json")
REFINEMENTS = load(Path(__file__).parent / "data" / "prompts_refine.json")


def test_prompt_set_is_big_enough_and_half_korean() -> None:
    assert len(PROMPTS) >= 40
    assert sum(p["lang"] == "ko" for p in PROMPTS) * 2 >= len(PROMPTS)
    assert sum(bool(p["expect"].get("decline")) for p in PROMPTS) >= 4


@pytest.mark.parametrize("case", PROMPTS, ids=[p["id"] for p in PROMPTS])
def test_prompt(case: dict) -> None:
    assert check(case) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_examples_shown_to_users_compile(lang: str) -> None:
    from core.strategy.compiler.lexicon import EXAMPLES

    for example in EXAMPLES[lang]:
        assert validate(compile_prompt(example).strategy).valid, example


@pytest.mark.parametrize("case", REFINEMENTS, ids=[p["id"] for p in REFINEMENTS])
def test_refinement_set(case: dict) -> None:
    assert check(case) == []


def test_compiler_is_deterministic() -> None:
    prompt = "도지코인 1시간봉 볼린저 밴드 하단 아래로 내려가면 30 USDT 매수, 익절 5% 손절 3%"
    assert compile_prompt(prompt).strategy == compile_prompt(prompt).strategy


def test_description_says_what_was_assumed() -> None:
    result = compile_prompt("Buy BTC when RSI is below 30")
    assert "1h" in result.strategy["description"] and "100 USDT" in result.strategy["description"]
    assert result.notes and result.language == "en"
    ko = compile_prompt("RSI가 30 아래면 매수")
    assert "가정" in ko.strategy["description"] and ko.language == "ko"


@pytest.mark.parametrize(
    ("prompt", "words"),
    [
        ("What is the weather in Seoul today?", ["nothing to do", "Buy 100 USDT of BTC"]),
        ("buy bitcoin", ["no condition"]),
        ("Buy BTC when the Stochastic crosses above 20", ["Stochastic"]),
        ("오늘 점심 뭐 먹을까?", ["매수, 매도, 알림", "비트코인 1시간봉"]),
        ("Buy ETH on the 2h chart when RSI is below 30", ["2h", "1m, 5m"]),
        ("Sell half my BTC when RSI > 70", ["part of a position"]),
        ("Buy BTC when RSI < 30 and when Powell speaks", ["'powell speaks'"]),  # never drop a part silently
    ],
)
def test_declines_say_why_and_show_examples(prompt: str, words: list[str]) -> None:
    with pytest.raises(EngineCannotAnswer) as err:
        compile_prompt(prompt)
    text = str(err.value)
    for word in words:
        assert word in text
    assert err.value.exit_code == 3 and err.value.details["examples"]


BASE = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수"


@pytest.mark.parametrize(
    ("instruction", "check_fn"),
    [
        ("RSI 기간을 21로", lambda s: s["nodes"][2]["config"]["left"] == "rsi(21)"),
        ("make the RSI period 21", lambda s: s["nodes"][2]["config"]["left"] == "rsi(21)"),
        ("make the amount 200 USDT", lambda s: s["nodes"][3]["config"]["amount"] == 200),
        ("금액을 0.01 BTC로", lambda s: (s["nodes"][3]["config"]["amount"], s["nodes"][3]["config"]["unit"])
         == (0.01, "BTC")),
        ("also notify me", lambda s: [n["config"]["action_type"] for n in s["nodes"][3:]] == ["buy", "notify"]),
        ("손절 5% 추가", lambda s: any(n["config"].get("left") == "position_pnl_pct" and n["config"]["right"] == -5
                                   for n in s["nodes"])),
        ("4시간봉으로 바꿔", lambda s: s["nodes"][0]["config"]["interval"] == s["nodes"][1]["config"]["timeframe"]
         == "4h"),
        ("switch to ETH", lambda s: {n["config"].get("symbol") for n in s["nodes"]} - {None} == {"ETH/USDT"}),
        ("30을 25로", lambda s: s["nodes"][2]["config"]["right"] == 25),
        ("also require MACD histogram > 0", lambda s: any(n["config"].get("left") == "macd_hist(12,26,9)"
                                                           for n in s["nodes"])),
    ],
)
def test_refinement(instruction: str, check_fn) -> None:  # type: ignore[no-untyped-def]
    before = compile_prompt(BASE).strategy
    after, changes = refine(before, instruction)
    assert validate(after).valid, validate(after).issues
    assert check_fn(after), after
    assert changes and all(isinstance(c, str) and c for c in changes)
    assert before == compile_prompt(BASE).strategy  # the input is not modified


def test_refinement_applies_every_change_it_names_and_removes_exits() -> None:
    base = compile_prompt("Buy 100 USDT of BTC when RSI(14) < 30 and MACD histogram > 0, stop loss 3%").strategy
    switched, changes = refine(base, "buy 0.5 ETH instead")
    buy = next(n["config"] for n in switched["nodes"] if n["config"].get("action_type") == "buy")
    assert buy == {"action_type": "buy", "symbol": "ETH/USDT", "amount": 0.5, "unit": "ETH"}
    assert len(changes) == 4
    trimmed, _ = refine(base, "손절 삭제")
    assert validate(trimmed).valid
    assert not any("position_pnl_pct" in str(n["config"].get("left")) for n in trimmed["nodes"])
    assert not any(n["config"].get("amount") == "all" for n in trimmed["nodes"])  # its exit sell went too
    macd, _ = refine(base, "MACD 8,21,5로")
    assert any(n["config"].get("left") == "macd_hist(8,21,5)" for n in macd["nodes"])
    with pytest.raises(EngineCannotAnswer, match="name the indicator"):
        refine(base, "threshold 25")  # two conditions have one: ask, do not guess


def test_refinement_declines_what_it_does_not_understand() -> None:
    with pytest.raises(EngineCannotAnswer) as err:
        refine(compile_prompt(BASE).strategy, "make it better")
    assert "RSI 기간을 21로" in str(err.value) or "make the RSI period 21" in str(err.value)
    with pytest.raises(EngineCannotAnswer):
        refine(compile_prompt(BASE).strategy, "SMA 기간을 50으로")  # there is no SMA in it


def test_offline_engine_answers_both_use_cases() -> None:
    text = answer("strategy_generation", {"prompt": BASE, "language": "ko"})
    strategy = json.loads(text)
    assert validate(strategy).valid
    refined = json.loads(answer("strategy_refinement", {"strategy": strategy, "instruction": "알림도 추가",
                                                        "language": "ko"}))
    assert set(refined) == {"strategy", "changes"} and validate(refined["strategy"]).valid
    assert any("알림" in c for c in refined["changes"])
    with pytest.raises(EngineCannotAnswer):
        answer("strategy_generation", {"prompt": "hello", "language": "en"})
