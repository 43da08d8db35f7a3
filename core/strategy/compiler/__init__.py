"""The offline natural-language compiler: Korean or English strategy sentences to strategy graphs.

Deterministic rules, no model. It reads: coin names, timeframes, indicator phrases, comparisons and
crosses, AND/OR, buy/sell/notify actions with amounts, take-profit/stop-loss exits. When a request
holds something it cannot express, it declines with ``EngineCannotAnswer`` and examples instead
of returning a strategy that would not match the request.

Pipeline: normalise → unsupported terms → symbols, timeframe → exits → amounts and actions →
clauses → conditions per clause → rules → graph (builder) → self-check with the validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import EngineCannotAnswer
from core.strategy.compiler import actions as act
from core.strategy.compiler.builder import ActionSpec, Rule, build_strategy, strategy_name
from core.strategy.compiler.conditions import SPIKE, Context, Segment, parse_conditions
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import (
    CLAUSE_SPLIT,
    EXAMPLES,
    UNSUPPORTED,
    blank,
    has_hangul,
    unify,
)
from core.strategy.compiler.symbols import DEFAULT_BASE, DEFAULT_QUOTE, SymbolHit, find_symbols
from core.strategy.compiler.timeframes import DEFAULT, SUPPORTED, find_timeframes
from core.strategy.explain import default_name
from core.strategy.validation import validate

MAX_PROMPT = 1_000
DEFAULT_BUY_USDT = 100


@dataclass
class Compiled:
    strategy: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # assumptions made (default amount, timeframe, ...)
    language: str = "en"


def language_of(text: str, language: str | None = None) -> str:
    if language in ("ko", "en"):
        return language
    return "ko" if has_hangul(text) else "en"


def decline(reason_en: str, reason_ko: str, lang: str) -> EngineCannotAnswer:
    examples = EXAMPLES[lang]
    if lang == "ko":
        message = f"오프라인 엔진이 이 요청을 전략으로 바꿀 수 없습니다: {reason_ko}"
        hint = "이런 문장을 이해합니다: " + " / ".join(f"“{e}”" for e in examples)
    else:
        message = f"The offline engine cannot turn this request into a strategy: {reason_en}"
        hint = "It understands sentences like: " + " / ".join(f"“{e}”" for e in examples)
    return EngineCannotAnswer(message, hint=hint, examples=examples)


@dataclass
class _Unit:
    """One piece of a clause: its conditions and its actions (either may be empty)."""

    segment: Segment
    actions: list[act.Action]
    starts_with_or: bool = False


def compile_prompt(prompt: str, language: str | None = None) -> Compiled:
    original = unify(prompt or "").strip()
    lang = language_of(original, language)
    if not original:
        raise decline("the request is empty.", "요청이 비어 있습니다.", lang)
    if len(original) > MAX_PROMPT:
        raise decline(f"the request is longer than {MAX_PROMPT} characters.",
                      f"요청이 {MAX_PROMPT}자를 넘습니다.", lang)
    text = original.lower()
    notes: list[str] = []
    for regex, name, name_ko in UNSUPPORTED:
        if regex.search(text):
            raise decline(f"it uses {name}, which the strategy format cannot express.",
                          f"{name_ko}은(는) 전략 형식으로 표현할 수 없습니다.", lang)
    if act.PARTIAL_SELL.search(text):
        raise decline("selling a percentage of the position is not in the format; say 'sell all' or a coin amount.",
                      "포지션의 일부 비율 매도는 형식에 없습니다. '전량 매도'나 코인 수량으로 말해 주세요.", lang)

    symbols = find_symbols(text, original)
    coins = list(dict.fromkeys(s.symbol for s in symbols))
    if len(coins) > 1:
        # Which coin the conditions read and which one is traded would be a guess.
        raise decline(f"it names several markets ({', '.join(coins)}); the offline engine builds one per strategy.",
                      f"여러 종목({', '.join(coins)})이 있습니다. 오프라인 엔진은 전략 하나에 한 종목만 만듭니다.",
                      lang)
    primary = symbols[0] if symbols else None
    symbol = primary.symbol if primary else f"{DEFAULT_BASE}/{DEFAULT_QUOTE}"
    if primary is None:
        notes.append(f"no coin named; {symbol} assumed" if lang == "en" else f"코인이 없어 {symbol}로 가정")

    frames = find_timeframes(text)
    bad = [f for f in frames if f.interval is None]
    if bad:
        raise decline(f"the timeframe '{bad[0].text.strip()}' is not supported (use {', '.join(SUPPORTED)}).",
                      f"'{bad[0].text.strip()}' 봉은 지원하지 않습니다 ({', '.join(SUPPORTED)} 사용).", lang)
    interval = frames[0].interval if frames else DEFAULT
    assert interval is not None
    if not frames:
        notes.append(f"no timeframe given; {DEFAULT} used" if lang == "en" else f"봉 기준이 없어 {DEFAULT} 사용")
    for frame in frames:
        text = blank(text, frame.start, frame.end)

    exits, text = act.find_exits(text)
    amounts = act.find_amounts(text, symbols)
    actions = act.find_actions(text)
    used = act.assign_amounts(actions, amounts, text)
    for span in [*used, *actions, *symbols]:
        text = blank(text, span.start, span.end)

    if not actions and exits.take_profit is None and exits.stop_loss is None:
        raise decline("I found nothing to do (buy, sell or notify).",
                      "무엇을 할지(매수, 매도, 알림)를 찾지 못했습니다.", lang)

    ctx = Context(interval)
    try:
        units = _units(text, actions, ctx)
    except CompileProblem as exc:
        raise decline(f"{exc}.", f"{exc.ko}.", lang) from None
    problems = [p for u in units for p in u.segment.problems]
    if problems:
        raise decline(f"I could not read this part: {problems[0][0]}.",
                      f"이 부분을 이해하지 못했습니다: {problems[0][1]}.", lang)
    rules = _rules(units, symbols, symbol, lang)
    if not rules and exits.take_profit is None and exits.stop_loss is None:
        raise decline("I found no condition saying when to act (e.g. 'when RSI is below 30').",
                      "언제 실행할지 조건을 찾지 못했습니다 (예: 'RSI가 30 아래로 떨어지면').", lang)
    if not rules:
        raise decline("only an exit (take profit / stop loss) was given; say also when to buy.",
                      "익절/손절만 있고 매수 조건이 없습니다.", lang)
    notes.extend(n for r in rules for chain in r.chains for c in chain for n in c.notes)
    if SPIKE.search(original.lower()):
        notes.append("volume spike read as volume > 2 × its 20-bar average" if lang == "en"
                     else "거래량 급증을 20봉 평균의 2배 초과로 해석")
    for rule in rules:
        for spec in rule.actions:
            if spec.kind == "buy" and spec.amount is None:
                spec.amount, spec.unit = DEFAULT_BUY_USDT, DEFAULT_QUOTE
                notes.append(f"no amount given; {DEFAULT_BUY_USDT} {DEFAULT_QUOTE} used" if lang == "en"
                             else f"금액이 없어 {DEFAULT_BUY_USDT} {DEFAULT_QUOTE} 사용")
            elif spec.kind == "sell" and spec.amount is None:
                spec.amount = "all"
            if isinstance(spec.amount, int | float) and spec.amount <= 0:
                raise decline(f"the amount {spec.amount} is not above zero.",
                              f"수량 {spec.amount}은(는) 0보다 커야 합니다.", lang)
    name = strategy_name(rules, symbol, interval, lang)
    quoted = original if len(original) <= 300 else original[:299] + "…"
    notes = list(dict.fromkeys(notes))
    if lang == "ko":
        assumed = f" (가정: {'; '.join(notes)})" if notes else ""
        description = f"오프라인 규칙 엔진이 변환한 전략: “{quoted}”{assumed}"
    else:
        description = f"Compiled offline from: “{quoted}”" + (f" (assumed: {'; '.join(notes)})" if notes else "")
    strategy = build_strategy(rules, symbol=symbol, interval=interval, take_profit=exits.take_profit,
                              stop_loss=exits.stop_loss, name=name, description=description, lang=lang)
    strategy["name"] = default_name(strategy, lang)
    # Safety net: whatever the phrase rules produced, never hand out a graph that breaks a rule.
    report = validate(strategy)
    if not report.valid:
        first = report.errors[0]
        raise decline(f"the result would be invalid ({first.code}: {first.message}).",
                      f"결과가 규칙에 어긋납니다 ({first.code}: {first.message}).", lang)
    return Compiled(strategy, notes, lang)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in CLAUSE_SPLIT.finditer(text):
        before = text[: m.start()]
        if before.count("(") > before.count(")"):
            continue  # a comma inside "macd(12,26,9)" separates arguments, not clauses
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


_JOINER_ONLY = re.compile(r"^[\s,]*(?:and|also|그리고|하고|고|및|&|\+)?[\s,]*$")
_OR_START = re.compile(r"^\s*(?:or\b|또는|혹은)")


def _groups(actions: list[act.Action], text: str) -> list[list[act.Action]]:
    """Adjacent actions ("매수하고 알림", "buy and notify me") act on the same conditions."""
    groups: list[list[act.Action]] = []
    for action in actions:
        if groups and _JOINER_ONLY.match(text[groups[-1][-1].end: action.start]):
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups


def _units(text: str, actions: list[act.Action], ctx: Context) -> list[_Unit]:
    units: list[_Unit] = []
    for start, end in _clauses(text):
        mine = [a for a in actions if start <= a.start < end]
        if not mine and not text[start:end].strip():
            continue
        groups = _groups(mine, text)
        starts_with_or = bool(_OR_START.match(text[start:end]))
        if len(groups) <= 1:
            units.append(_Unit(parse_conditions(text[start:end], ctx), groups[0] if groups else [], starts_with_or))
            continue
        # Several separate action groups in one clause: cut it. Korean writes conditions before
        # their action ("30 이하 매수 70 이상 매도"), English usually after ("buy when ..., sell when").
        first_content = start + len(text[start:end]) - len(text[start:end].lstrip())
        action_first = groups[0][0].start <= first_content
        bounds: list[tuple[int, int, list[act.Action]]] = []
        if action_first:
            for i, group in enumerate(groups):
                stop = groups[i + 1][0].start if i + 1 < len(groups) else end
                bounds.append((group[0].start, stop, group))
        else:
            prev = start
            for i, group in enumerate(groups):
                stop = group[-1].end if i + 1 < len(groups) else end
                bounds.append((prev, stop, group))
                prev = stop
        for i, (a, b, group) in enumerate(bounds):
            units.append(_Unit(parse_conditions(text[a:b], ctx), group, starts_with_or and i == 0))
    return units


def _symbol_for(action: act.Action, symbols: list[SymbolHit], default: str) -> str:
    if action.unit and action.unit not in ("USDT", None):
        match = next((s for s in symbols if s.base == action.unit), None)
        return match.symbol if match else f"{action.unit}/{DEFAULT_QUOTE}"
    if not symbols:
        return default
    nearest = min(symbols, key=lambda s: min(abs(s.start - action.end), abs(action.start - s.end)))
    return nearest.symbol if abs(nearest.start - action.start) <= 40 else default


def _specs(actions: list[act.Action], symbols: list[SymbolHit], default: str) -> list[ActionSpec]:
    specs = []
    for action in actions:
        sym = _symbol_for(action, symbols, default)
        unit = action.unit
        if action.kind in ("buy", "sell") and action.amount is not None and action.amount != "all" and unit is None:
            unit = sym.split("/")[0]  # "0.5개" counts coins
        specs.append(ActionSpec(action.kind, sym, action.amount, unit))
    return specs


def _rules(units: list[_Unit], symbols: list[SymbolHit], default: str, lang: str) -> list[Rule]:
    rules: list[Rule] = []
    pending_chains: list[list[Any]] = []
    pending_actions: list[ActionSpec] = []
    for unit in units:
        chains = unit.segment.chains
        specs = _specs(unit.actions, symbols, default)
        if specs and (chains or pending_chains):
            rules.append(Rule(_and_all(pending_chains, chains), specs))
            pending_chains = []
        elif specs:
            if rules and not pending_actions and all(s.kind == "notify" for s in specs):
                rules[-1].actions.extend(specs)  # "..., also notify me"
            else:
                # A buy or sell without its own condition never joins the previous rule's: "buy
                # when X, sell when <unreadable>" must not sell on X.
                pending_actions.extend(specs)
        elif chains:
            if pending_actions:
                rules.append(Rule(chains, pending_actions))
                pending_actions = []
            elif unit.starts_with_or and rules:
                rules[-1].chains.extend(chains)
            elif rules and not pending_chains:
                rules[-1].chains = _and_all(rules[-1].chains, chains)
            else:
                pending_chains = _and_all(pending_chains, chains)
    if pending_chains and rules:
        rules[-1].chains = _and_all(rules[-1].chains, pending_chains)
    if pending_actions and rules:
        kinds = list(dict.fromkeys(s.kind for s in pending_actions))
        ko_kinds = ", ".join({"buy": "매수", "sell": "매도", "notify": "알림"}[k] for k in kinds)
        raise decline(f"I found no condition for the {', '.join(kinds)} (say when, e.g. 'sell when RSI is above 70').",
                      f"{ko_kinds} 조건을 찾지 못했습니다 (예: 'RSI가 70 이상이면 매도').", lang)
    return rules


def _and_all(first: list[list[Any]], second: list[list[Any]]) -> list[list[Any]]:
    """AND two OR-of-chains: (a or b) and (c) → (a and c) or (b and c)."""
    if not first:
        return [list(c) for c in second]
    if not second:
        return [list(c) for c in first]
    return [a + b for a in first for b in second]
