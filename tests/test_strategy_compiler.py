"""The offline compiler: the prompt set, refinements, declines, and the offline engine contract."""

from __future__ import annotations

import json
import re
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


HOLDOUT = load(Path(__file__).parent / "data" / "prompts_holdout.json")
# "regression" cases guard behaviour the compiler already had; the others are issue 14's patterns.
PATTERNS = sorted({("refine:" if "base" in c else "") + c["pattern"] for c in PROMPTS + REFINEMENTS
                   if c.get("pattern", "regression") != "regression"})


def test_prompt_sets_are_big_enough_half_korean_and_decline_enough() -> None:
    assert len(PROMPTS) >= 200 and len(REFINEMENTS) >= 60 and len(HOLDOUT) == 60
    for cases in (PROMPTS, REFINEMENTS, HOLDOUT):
        assert sum(p["lang"] == "ko" for p in cases) * 2 >= len(cases)
    assert sum(bool(p["expect"].get("decline")) for p in PROMPTS + REFINEMENTS) >= 40
    assert not {p["prompt"] for p in HOLDOUT} & {p["prompt"] for p in PROMPTS}


def test_blind_holdouts_share_no_sentence_with_the_training_sets() -> None:
    """A training prompt copied from a holdout would let tuning leak into the figure the holdout reports."""
    def key(case: dict) -> tuple[str, ...]:
        return (case["prompt"],) if "prompt" in case else (case["base"], case["instruction"])

    # rr02 was a training case before holdout 4 was written; its h4e28 repeats it by chance and is
    # scored as written (the holdout is never edited after its first score)
    seen = {key(c) for c in PROMPTS + REFINEMENTS if c["id"] != "rr02"}
    names = ["compiler_holdout_3.json", "compiler_holdout_4.json", "compiler_holdout_5.json",
             "compiler_holdout_6.json", "compiler_holdout_7.json"]
    for name in names:
        held = load(Path(__file__).parent / "data" / name)
        assert len(held) == 60 and sum(c["lang"] == "ko" for c in held) == 30
        assert not {key(c) for c in held} & seen, name
    validation = load(Path(__file__).parent / "data" / "compiler_validation_6.json")
    assert len(validation) == 80 and sum(c["lang"] == "ko" for c in validation) == 40
    assert not {key(c) for c in validation} & seen


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern(pattern: str) -> None:
    """Each pattern of issue 14 (unknown words, glued tokens, KRW, periods, windows, events vs levels,
    contradictions, mixed language, shorthand, nicknames, refinement scope): every case of it holds."""
    cases = [c for c in PROMPTS + REFINEMENTS
             if ("refine:" if "base" in c else "") + c.get("pattern", "") == pattern]
    failures = {c["id"]: check(c) for c in cases}
    assert not {k: v for k, v in failures.items() if v}


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
        ("Buy BTC when RSI < 30 and when Powell speaks", ["'powell'", "'speaks'"]),  # never drop a part silently
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


def _paths(strategy: dict) -> list:
    """The graph as facts: trigger, data source, and every condition path to each action config."""
    by_id = {n["id"]: n for n in strategy["nodes"]}
    out: dict = {}
    for e in strategy["edges"]:
        out.setdefault(e["from"], []).append((e["to"], e.get("condition")))
    found: list = []

    def walk(node_id: str, path: tuple) -> None:
        for target, label in out.get(node_id, []):
            node = by_id[target]
            if node["type"] == "action":
                cfg = {k: v for k, v in node["config"].items() if k != "message"}
                found.append((path, json.dumps(cfg, sort_keys=True)))
            elif node["type"] == "condition":
                c = node["config"]
                walk(target, (*path, (c["left"], c["operator"], str(c["right"]), label)))
            else:
                walk(target, (*path, json.dumps(node["config"], sort_keys=True)))

    trigger = next(n for n in strategy["nodes"] if n["type"] == "trigger")
    walk(trigger["id"], (json.dumps(trigger["config"], sort_keys=True),))
    return sorted(found)


ACCEPTED = [c for c in PROMPTS if not c["expect"].get("decline")]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_read_back_compiles_to_the_same_graph(lang: str) -> None:
    """For every prompt the compiler accepts, its own read-back in Korean and in English compiles
    back to the same graph: the read-back and the compiler agree on what the graph means."""
    from core.strategy.explain import explain_text

    differ = {}
    for case in ACCEPTED:
        strategy = compile_prompt(case["prompt"], case["lang"]).strategy
        text = explain_text(strategy, lang)
        try:
            again = compile_prompt(text, lang).strategy
        except EngineCannotAnswer as exc:
            differ[case["id"]] = f"{text} -> declined: {exc.message}"
            continue
        if _paths(again) != _paths(strategy):
            differ[case["id"]] = f"{text} -> {_paths(again)}"
    assert not differ


def test_a_decline_names_the_span_it_did_not_understand() -> None:
    with pytest.raises(EngineCannotAnswer) as err:
        compile_prompt("비트코인 마크디 골든크로스면 매수")
    assert "'마크디' — MACD를 말씀하신 건가요?" in err.value.message
    with pytest.raises(EngineCannotAnswer) as err:
        compile_prompt("buy ETH when the bolinger lower band is touched")
    assert "'bolinger' — did you mean Bollinger band?" in err.value.message
    for case in [c for c in PROMPTS if c.get("pattern") == "unknown" and c["expect"].get("decline")]:
        with pytest.raises(EngineCannotAnswer) as err:
            compile_prompt(case["prompt"], case["lang"])
        spans = re.findall(r"'([^']+)'", err.value.message)
        words = case["prompt"].lower()
        assert spans and all(w in words for w in spans[0].lower().split()), (case["prompt"], err.value.message)


def test_assumptions_are_listed_as_assumptions() -> None:
    result = compile_prompt("Buy BTC when RSI is below 30")
    assert result.notes == ["no exchange named; binance assumed", "no timeframe given; 1h used",
                            "no amount given; 100 USDT used"] or set(result.notes) == {
        "no exchange named; binance assumed", "no timeframe given; 1h used", "no amount given; 100 USDT used"}
    lines = result.strategy["description"].splitlines()
    assert lines[1] == "Assumptions:" and {line[2:] for line in lines[2:]} == set(result.notes)
    ko = compile_prompt("업비트 비트코인 RSI 30 이하면 매수")
    assert "금액이 없어 100,000 KRW 사용" in ko.notes and "가정:" in ko.strategy["description"]
    assert ko.strategy["nodes"][1]["config"] == {"source_type": "ohlcv", "symbol": "BTC/KRW", "timeframe": "1h",
                                                 "exchange": "upbit"}


@pytest.mark.parametrize("case", [c for c in REFINEMENTS if not c["expect"].get("decline")],
                         ids=[c["id"] for c in REFINEMENTS if not c["expect"].get("decline")])
def test_every_refinement_names_each_node_it_changed(case: dict) -> None:
    before = compile_prompt(case["base"], case["lang"]).strategy
    after, changes = refine(before, case["instruction"], case["lang"])
    old = {n["id"]: n for n in before["nodes"]}
    new = {n["id"]: n for n in after["nodes"]}
    touched = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    text = " ".join(changes)
    assert all(re.search(rf"\b{i}\b", text) for i in touched), (touched, changes)


@pytest.mark.parametrize(("prompt", "exchange", "symbol"), [
    ("업비트 비트코인 1시간봉 RSI 30 이하면 10만원 매수", "upbit", "BTC/KRW"),
    ("빗썸 리플 1시간봉 RSI 30 이하면 5만원 매수", "bithumb", "XRP/KRW"),
])
def test_korean_exchanges_are_ccxt_exchanges_the_market_data_can_open(prompt: str, exchange: str, symbol: str) -> None:
    from core.market.exchange import make_exchange

    strategy = compile_prompt(prompt).strategy
    data = strategy["nodes"][1]["config"]
    assert (data["exchange"], data["symbol"]) == (exchange, symbol) and validate(strategy).valid
    assert make_exchange(data["exchange"]).id == exchange  # built offline; fetching needs the network
