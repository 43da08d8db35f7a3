"""Refinement instructions applied to an existing strategy ("RSI 기간을 21로", "make the amount 200 USDT",
"also notify me", "손절 5% 추가", "use the 4h chart", "switch to ETH", "change 30 to 25").

Every recognised instruction edits the strategy and adds a line to ``changes``; an instruction
that changes nothing is declined with examples, never silently ignored.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from core.errors import EngineCannotAnswer
from core.strategy.compiler import actions as act
from core.strategy.compiler.builder import condition_text
from core.strategy.compiler.conditions import Condition, Context, parse_conditions
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import REFINE_EXAMPLES, blank, normalise, unify
from core.strategy.compiler.symbols import find_symbols
from core.strategy.compiler.timeframes import find_timeframes
from core.strategy.operands import Indicator, OperandError, parse_operand, to_text

Change = tuple[str, str]  # (english, korean)

_IND_NAMES = {
    "rsi": "rsi", "sma": "sma", "ema": "ema", "macd": "macd", "atr": "atr", "이동평균": "sma", "이평": "sma",
    "볼린저": "bb", "bollinger": "bb", "bb": "bb", "volume": "volume_sma", "거래량": "volume_sma",
    "moving average": "sma",
}
_PERIOD = re.compile(
    r"(rsi|sma|ema|macd|atr|이동\s*평균|이평|볼린저|bollinger|(?<![a-z])bb(?![a-z])|moving\s+average|volume|거래량)"
    r"[^0-9]{0,30}?(?:period|기간|length|길이)[^0-9]{0,20}?(\d+)"
    r"|(rsi|sma|ema|atr)\s*(?:\(\s*)?(\d+)\s*\)?\s*(?:로|으로)\s*(?:바꿔|변경|수정|해)?"
    r"|(?:use|make\s+it|switch\s+to|change\s+(?:it\s+)?to)\s+(rsi|sma|ema|atr)\s*\(?\s*(\d+)\s*\)?"
    r"|(\d+)[\s-]*(?:period|기간|일)\s+(rsi|sma|ema|atr)")
_REPLACE_NUMBER = re.compile(r"(?:from\s+)?(-?\d+(?:\.\d+)?)\s*(?:을|를|에서|->|→|to|=>)\s*(-?\d+(?:\.\d+)?)"
                             r"\s*(?:으로|로)?")
_THRESHOLD = re.compile(r"(?:threshold|level|기준(?:값|선)?|수치)\D{0,20}?(-?\d+(?:\.\d+)?)")
_AMOUNT_WORDS = re.compile(r"amount|size|금액|수량|매수\s*금액|규모|얼마")
_REMOVE = re.compile(r"remove|delete|drop|without|no\s+more|삭제|제거|빼|없애|끄")
_RENAME = re.compile(r"(?:rename(?:\s+it)?\s+to|call\s+it|name\s+it|이름(?:을|은)?)\s*[\"'“]?(.+?)[\"'”]?"
                     r"\s*(?:으로|로)?"
                     r"\s*(?:바꿔|변경|해\s*줘|해줘|해)?\s*$")
_ADD_CONDITION = re.compile(r"(?:also\s+require|only\s+(?:if|when)|add\s+(?:a\s+)?condition|조건\s*추가|일\s*때만"
                            r"|때만|only)")


def _decline(reason_en: str, reason_ko: str, lang: str) -> EngineCannotAnswer:
    examples = REFINE_EXAMPLES[lang]
    if lang == "ko":
        return EngineCannotAnswer(f"오프라인 엔진이 이 수정 요청을 이해하지 못했습니다: {reason_ko}",
                                  hint="이런 요청을 이해합니다: " + ", ".join(f"“{e}”" for e in examples),
                                  examples=examples)
    return EngineCannotAnswer(f"The offline engine could not apply this change: {reason_en}",
                              hint="It understands: " + ", ".join(f"“{e}”" for e in examples), examples=examples)


def _nodes(strategy: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [n for n in strategy.get("nodes", []) if n.get("type") == kind and isinstance(n.get("config"), dict)]


def _next_id(strategy: dict[str, Any], prefix: str) -> str:
    used = {n.get("id") for n in strategy.get("nodes", [])}
    i = 1
    while f"{prefix}_{i}" in used:
        i += 1
    return f"{prefix}_{i}"


def _map_operand(value: Any, fn: Callable[[Indicator], Indicator | None]) -> Any:
    """Rewrite indicator calls inside an operand; returns the new text or the value unchanged."""
    if not isinstance(value, str):
        return value
    try:
        expr = parse_operand(value)
    except OperandError:
        return value
    changed = False

    def rebuild(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, Indicator):
            new = fn(node)
            if new is not None and new != node:
                changed = True
                return new
            return node
        if hasattr(node, "left") and hasattr(node, "right"):
            return type(node)(node.op, rebuild(node.left), rebuild(node.right))
        if hasattr(node, "operand"):
            return type(node)(rebuild(node.operand))
        return node

    new_expr = rebuild(expr)
    return to_text(new_expr) if changed else value


def _set_period(strategy: dict[str, Any], family: str, period: int, changes: list[Change]) -> None:
    names = {"bb": ("bb_upper", "bb_middle", "bb_lower"), "macd": ("macd", "macd_signal", "macd_hist")}.get(
        family, (family,))
    if period < 1 or period > 10_000:
        raise CompileProblem(f"period {period} is out of range (1..10000)",
                             f"기간 {period}은(는) 1~10000 범위를 벗어납니다")

    def fn(ind: Indicator) -> Indicator | None:
        if ind.name not in names:
            return None
        args = (float(period), *ind.args[1:])
        if ind.name.startswith("macd") and args[0] >= args[1]:
            raise CompileProblem(f"MACD fast period {period} must be shorter than the slow one ({int(args[1])})",
                                 f"MACD 단기 기간 {period}은(는) 장기 기간({int(args[1])})보다 짧아야 합니다")
        return Indicator(ind.name, args, ind.source)

    hit = False
    for node in _nodes(strategy, "condition"):
        for side in ("left", "right"):
            old = node["config"].get(side)
            new = _map_operand(old, fn)
            if new != old:
                node["config"][side] = new
                hit = True
                changes.append((f"{node['id']}: {side} {old} → {new}", f"{node['id']}: {side} {old} → {new}"))
    if not hit:
        raise CompileProblem(f"the strategy has no {family.upper()} to change",
                             f"전략에 바꿀 {family.upper()}이(가) 없습니다")


def _replace_number(strategy: dict[str, Any], old: float, new: float, changes: list[Change]) -> bool:
    hit = False
    for node in _nodes(strategy, "condition"):
        for side in ("left", "right"):
            value = node["config"].get(side)
            if isinstance(value, int | float) and not isinstance(value, bool) and float(value) == old:
                node["config"][side] = int(new) if float(new).is_integer() else new
                hit = True
                changes.append((f"{node['id']}: {side} {value} → {node['config'][side]}",
                                f"{node['id']}: {side} {value} → {node['config'][side]}"))
    return hit


def _set_threshold(strategy: dict[str, Any], value: float, text: str, changes: list[Change]) -> bool:
    """"RSI 기준을 25로" / "threshold 25": the number side of the condition on the named indicator."""
    family = next((fam for word, fam in _IND_NAMES.items() if word in text), None)
    candidates = []
    for node in _nodes(strategy, "condition"):
        config = node["config"]
        left, right = config.get("left"), config.get("right")
        if isinstance(right, int | float) and isinstance(left, str) and left != "position_pnl_pct" and (
                family is None or family in left):
            candidates.append(node)
    if len(candidates) > 1:
        names = ", ".join(str(n["config"]["left"]) for n in candidates)
        raise CompileProblem(
            f"several conditions have a threshold ({names}); name the indicator, e.g. 'RSI threshold 25'",
            f"기준값이 있는 조건이 여러 개입니다 ({names}). 지표를 밝혀 주세요 (예: 'RSI 기준을 25로')")
    if not candidates:
        return False
    node = candidates[0]
    old = node["config"]["right"]
    node["config"]["right"] = int(value) if float(value).is_integer() else value
    changes.append((f"{node['id']}: right {old} → {node['config']['right']}",
                    f"{node['id']}: right {old} → {node['config']['right']}"))
    return True


def _set_amount(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    symbols = find_symbols(text, text)
    amounts = [a for a in act.find_amounts(text, symbols) if a.value != "all"]
    if not amounts:
        return False
    amount = amounts[0]
    buys = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "buy"]
    sells = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "sell"]
    targets = buys or sells
    if re.search(r"sell|매도", text) and sells:
        targets = sells
    if not targets:
        return False
    for node in targets:
        config = node["config"]
        base, quote = str(config.get("symbol", "BTC/USDT")).split("/") if "/" in str(config.get("symbol")) else (
            "BTC", "USDT")
        unit = quote if amount.unit == "USDT" else (amount.unit or base)
        old = f"{config.get('amount')} {config.get('unit') or ''}".strip()
        config["amount"] = amount.value
        config["unit"] = unit
        changes.append((f"{node['id']}: amount {old} → {amount.value} {unit}",
                        f"{node['id']}: 금액 {old} → {amount.value} {unit}"))
    return True


def _add_notify(strategy: dict[str, Any], lang: str, changes: list[Change]) -> bool:
    if any(n["config"].get("action_type") == "notify" for n in _nodes(strategy, "action")):
        changes.append(("a notification is already there", "알림이 이미 있습니다"))
        return True
    trades = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") in ("buy", "sell")]
    if not trades:
        return False
    edges = strategy.setdefault("edges", [])
    for trade in trades:
        new_id = _next_id(strategy, "action")
        label = trade["config"].get("action_type", "").upper()
        symbol = trade["config"].get("symbol", "")
        message = f"{symbol}: {label} 신호" if lang == "ko" else f"{symbol}: {label} signal"
        strategy["nodes"].append({"id": new_id, "type": "action",
                                  "config": {"action_type": "notify", "message": message}})
        for edge in [e for e in edges if e.get("to") == trade["id"]]:
            new_edge = {"from": edge["from"], "to": new_id}
            if edge.get("condition"):
                new_edge["condition"] = edge["condition"]
            edges.append(new_edge)
        changes.append((f"added {new_id}: notify alongside {trade['id']}", f"{new_id} 추가: {trade['id']}와 함께 알림"))
    return True


def _remove_notify(strategy: dict[str, Any], changes: list[Change]) -> bool:
    gone = {n["id"] for n in _nodes(strategy, "action") if n["config"].get("action_type") == "notify"}
    if not gone:
        return False
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in gone]
    strategy["edges"] = [e for e in strategy.get("edges", []) if e.get("to") not in gone and e.get("from") not in gone]
    changes.append((f"removed {', '.join(sorted(gone))}", f"{', '.join(sorted(gone))} 삭제"))
    return True


def _set_exit(strategy: dict[str, Any], take_profit: float | None, stop_loss: float | None,
              changes: list[Change]) -> None:
    data = _nodes(strategy, "data_source")
    symbol = next((n["config"].get("symbol") for n in data if n["config"].get("symbol")), None) or next(
        (n["config"].get("symbol") for n in _nodes(strategy, "action") if n["config"].get("symbol")), "BTC/USDT")
    start = data[0]["id"] if data else next((n["id"] for n in _nodes(strategy, "trigger")), None)
    if start is None:
        raise CompileProblem("the strategy has no data source to attach the exit to",
                             "청산 조건을 연결할 데이터 노드가 없습니다")
    edges = strategy.setdefault("edges", [])
    plan = ((take_profit, ">=", "take profit", "익절"), (stop_loss, "<=", "stop loss", "손절"))
    for value, op, word_en, word_ko in plan:
        if value is None:
            continue
        target = value if op == ">=" else -abs(value)
        existing = [n for n in _nodes(strategy, "condition") if n["config"].get("left") == "position_pnl_pct"
                    and n["config"].get("operator") == op]
        if existing:
            node = existing[0]
            old = node["config"]["right"]
            node["config"]["right"] = target
            changes.append((f"{word_en}: {node['id']} {old} → {target}", f"{word_ko}: {node['id']} {old} → {target}"))
            continue
        sell = next((n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "sell"
                     and n["config"].get("amount") == "all"), None)
        cond_id = _next_id(strategy, "condition")
        strategy["nodes"].append({"id": cond_id, "type": "condition",
                                  "config": {"operator": op, "left": "position_pnl_pct", "right": target}})
        if sell is None:
            sell_id = _next_id(strategy, "action")
            strategy["nodes"].append({"id": sell_id, "type": "action",
                                      "config": {"action_type": "sell", "symbol": symbol, "amount": "all"}})
        else:
            sell_id = sell["id"]
        edges.append({"from": start, "to": cond_id})
        edges.append({"from": cond_id, "to": sell_id, "condition": "true"})
        changes.append((f"added {word_en}: {cond_id} position_pnl_pct {op} {target} → sell all ({sell_id})",
                        f"{word_ko} 추가: {cond_id} position_pnl_pct {op} {target} → 전량 매도 ({sell_id})"))


def _set_timeframe(strategy: dict[str, Any], interval: str, changes: list[Change]) -> None:
    current = {n["config"].get("timeframe") for n in _nodes(strategy, "data_source")} | {
        n["config"].get("interval") for n in _nodes(strategy, "trigger")}
    if current == {interval}:
        changes.append((f"the timeframe is already {interval}", f"이미 {interval} 봉입니다"))
        return
    for node in _nodes(strategy, "trigger"):
        if node["config"].get("trigger_type") == "time":
            changes.append((f"{node['id']}: interval {node['config'].get('interval')} → {interval}",
                            f"{node['id']}: 주기 {node['config'].get('interval')} → {interval}"))
            node["config"]["interval"] = interval
    for node in _nodes(strategy, "data_source"):
        if node["config"].get("source_type") == "ohlcv":
            changes.append((f"{node['id']}: timeframe {node['config'].get('timeframe')} → {interval}",
                            f"{node['id']}: 봉 {node['config'].get('timeframe')} → {interval}"))
            node["config"]["timeframe"] = interval


def _set_symbol(strategy: dict[str, Any], base: str, changes: list[Change]) -> None:
    for node in strategy.get("nodes", []):
        config = node.get("config")
        if not isinstance(config, dict) or not isinstance(config.get("symbol"), str) or "/" not in config["symbol"]:
            continue
        old_base, quote = config["symbol"].split("/", 1)
        new = f"{base}/{quote}"
        if new == config["symbol"]:
            continue
        config["symbol"] = new
        if config.get("unit") == old_base:
            config["unit"] = base
        changes.append((f"{node['id']}: symbol → {new}", f"{node['id']}: 심볼 → {new}"))


def _add_conditions(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    """AND a new condition in front of every action that follows a condition."""
    interval = next((n["config"].get("timeframe") for n in _nodes(strategy, "data_source")), "1h") or "1h"
    segment = parse_conditions(text, Context(interval))
    conds: list[Condition] = [c for chain in segment.chains for c in chain]
    if not conds or segment.problems:
        return False
    cond_types = {n["id"] for n in _nodes(strategy, "condition")}
    action_ids = {n["id"] for n in _nodes(strategy, "action")}
    edges = strategy.setdefault("edges", [])
    entry = [e for e in edges if e.get("from") in cond_types and e.get("to") in action_ids
             and not _is_exit(strategy, e.get("from"))]
    if not entry:
        return False
    # Group edges by their source condition so each chain gets one new node.
    by_source: dict[str, list[dict[str, Any]]] = {}
    for edge in entry:
        by_source.setdefault(edge["from"], []).append(edge)
    for source, out_edges in by_source.items():
        previous = source
        label = out_edges[0].get("condition", "true")
        for cond in conds:
            cond_id = _next_id(strategy, "condition")
            strategy["nodes"].append({"id": cond_id, "type": "condition",
                                      "config": {"operator": cond.operator, "left": cond.left, "right": cond.right}})
            edges.append({"from": previous, "to": cond_id, "condition": label})
            previous, label = cond_id, "true"
            changes.append((f"added {cond_id}: {condition_text(cond)} (AND after {source})",
                            f"{cond_id} 추가: {condition_text(cond)} (그리고, {source} 다음)"))
        for edge in out_edges:
            edge["from"] = previous
            edge["condition"] = "true"
    return True


def _is_exit(strategy: dict[str, Any], node_id: Any) -> bool:
    node = next((n for n in strategy.get("nodes", []) if n.get("id") == node_id), None)
    return bool(node) and "position_pnl_pct" in str(node.get("config", {}).get("left"))


def refine(strategy: dict[str, Any], instruction: str, language: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Apply one instruction; returns (new strategy, human-readable changes)."""
    from core.strategy.compiler import language_of

    original = unify(instruction or "").strip()
    lang = language_of(original or str(strategy.get("name", "")), language)
    if not original:
        raise _decline("the instruction is empty.", "수정 요청이 비어 있습니다.", lang)
    if len(original) > 500:
        raise _decline("the instruction is longer than 500 characters.", "수정 요청이 500자를 넘습니다.", lang)
    if not isinstance(strategy, dict) or not isinstance(strategy.get("nodes"), list):
        raise _decline("there is no strategy to change.", "수정할 전략이 없습니다.", lang)
    result = copy.deepcopy(strategy)
    result.setdefault("edges", [])
    text = normalise(original)
    changes: list[Change] = []
    try:
        _apply(result, text, original, lang, changes)
    except CompileProblem as exc:
        raise _decline(f"{exc}.", f"{exc.ko}.", lang) from None
    if not changes:
        raise _decline(f"nothing in '{original}' matched a change I can make.",
                       f"'{original}'에서 적용할 수 있는 변경을 찾지 못했습니다.", lang)
    return result, [ko if lang == "ko" else en for en, ko in changes]


_MACD_TRIPLE = re.compile(r"macd\D{0,12}?(\d+)\s*[,/ ]\s*(\d+)\s*[,/ ]\s*(\d+)")
_EXIT_WORDS = re.compile(r"(stop[\s-]*loss|(?<![a-z])sl(?![a-z])|손절)|(take[\s-]*profit|(?<![a-z])tp(?![a-z])|익절)")


def _apply(result: dict[str, Any], text: str, original: str, lang: str, changes: list[Change]) -> None:
    """Apply every change the instruction names ("buy 0.5 ETH instead" switches the coin and the amount)."""
    rename = _RENAME.search(original)
    if rename and re.search(r"rename|call it|name it|이름", text):
        name = rename.group(1).strip()[:200]
        changes.append((f"name → {name}", f"이름 → {name}"))
        result["name"] = name
        return
    if _REMOVE.search(text) and _EXIT_WORDS.search(text) and not re.search(r"\d\s*%", text):
        _remove_exits(result, text, changes)
        return
    exits, rest = act.find_exits(text)
    if exits.take_profit is not None or exits.stop_loss is not None:
        _set_exit(result, exits.take_profit, exits.stop_loss, changes)
        text = rest
    if re.search(r"notif|alert|알림|알려", text):
        if _REMOVE.search(text):
            if not _remove_notify(result, changes):
                raise CompileProblem("there is no notification to remove", "삭제할 알림이 없습니다")
        elif not _add_notify(result, lang, changes):
            raise CompileProblem("there is no buy or sell to notify about", "알림을 붙일 매수/매도가 없습니다")
        return
    triple = _MACD_TRIPLE.search(text)
    if triple:
        _set_macd(result, tuple(int(g) for g in triple.groups()), changes)
        return
    period = _PERIOD.search(text)
    if period:
        groups = [g for g in period.groups() if g]
        word, number = (groups[1], groups[0]) if groups[0].isdigit() else (groups[0], groups[1])
        value = int(number)
        family = next(fam for key, fam in _IND_NAMES.items() if re.sub(r"\s+", "", key) in re.sub(r"\s+", "", word))
        _set_period(result, family, value, changes)
        return
    frames = [f for f in find_timeframes(text) if f.interval]
    if frames:
        _set_timeframe(result, frames[0].interval or "1h", changes)
        for f in frames:
            text = blank(text, f.start, f.end)
    symbols = find_symbols(text, original if len(original) == len(text) else text)
    switch = re.search(r"switch|change|use|instead|trade|바꿔|변경|대신|으로|로\b|로\s", text)
    amount_said = _AMOUNT_WORDS.search(text) or re.search(r"\d\s*(usdt|usd|달러|\$)|\$\s*\d", text) or any(
        a.unit not in (None, "USDT") for a in act.find_amounts(text, symbols))
    if symbols and switch:
        _set_symbol(result, symbols[0].base, changes)
    if amount_said and _set_amount(result, text, changes):
        return
    if symbols and switch:
        return
    replace = _REPLACE_NUMBER.search(text)
    if replace and _replace_number(result, float(replace.group(1)), float(replace.group(2)), changes):
        return
    if replace and _replace_period(result, text, float(replace.group(1)), float(replace.group(2)), changes):
        return  # "RSI 14를 7로": the number was a period
    if _AMOUNT_WORDS.search(text) and re.search(r"두\s*배|2\s*배|\bdouble\b|\btwice\b", text):
        _scale_amount(result, 2, changes)
        return
    threshold = _THRESHOLD.search(text)
    if threshold and _set_threshold(result, float(threshold.group(1)), text, changes):
        return
    if changes:
        return
    if _ADD_CONDITION.search(text) or re.search(r"\b(?:and|also)\b|그리고|도\s", text):
        _add_conditions(result, text, changes)


def _replace_period(strategy: dict[str, Any], text: str, old: float, new: float, changes: list[Change]) -> bool:
    family = next((fam for word, fam in _IND_NAMES.items() if word in text and fam != "volume_sma"), None)
    if family is None or not float(new).is_integer():
        return False
    has_old = any(f"{family}({int(old)}" in str(n["config"].get(side)) for n in _nodes(strategy, "condition")
                  for side in ("left", "right"))
    if not has_old:
        return False
    _set_period(strategy, family, int(new), changes)
    return True


def _scale_amount(strategy: dict[str, Any], factor: float, changes: list[Change]) -> None:
    buys = [n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "buy"
            and isinstance(n["config"].get("amount"), int | float)]
    if not buys:
        raise CompileProblem("there is no buy amount to change", "바꿀 매수 금액이 없습니다")
    for node in buys:
        old = node["config"]["amount"]
        new = old * factor
        node["config"]["amount"] = int(new) if float(new).is_integer() else round(new, 8)
        unit = node["config"].get("unit", "")
        changes.append((f"{node['id']}: amount {old} → {node['config']['amount']} {unit}",
                        f"{node['id']}: 금액 {old} → {node['config']['amount']} {unit}"))


def _set_macd(strategy: dict[str, Any], args: tuple[int, ...], changes: list[Change]) -> None:
    fast, slow, signal = args
    if not 0 < fast < slow or signal < 1 or slow > 10_000:
        raise CompileProblem(f"MACD({fast},{slow},{signal}) needs 0 < fast < slow and a signal period of 1 or more",
                             f"MACD({fast},{slow},{signal})는 0 < 단기 < 장기, 시그널 1 이상이어야 합니다")

    def fn(ind: Indicator) -> Indicator | None:
        return Indicator(ind.name, (float(fast), float(slow), float(signal)), ind.source) \
            if ind.name.startswith("macd") else None

    hit = False
    for node in _nodes(strategy, "condition"):
        for side in ("left", "right"):
            old = node["config"].get(side)
            new = _map_operand(old, fn)
            if new != old:
                node["config"][side] = new
                hit = True
                changes.append((f"{node['id']}: {side} {old} → {new}", f"{node['id']}: {side} {old} → {new}"))
    if not hit:
        raise CompileProblem("the strategy has no MACD to change", "전략에 바꿀 MACD가 없습니다")


def _remove_exits(strategy: dict[str, Any], text: str, changes: list[Change]) -> None:
    """"remove the stop loss" / "익절 삭제": drop those position_pnl_pct conditions (and an exit sell
    action nothing reaches any more)."""
    wants_sl = bool(re.search(r"stop[\s-]*loss|(?<![a-z])sl(?![a-z])|손절", text))
    wants_tp = bool(re.search(r"take[\s-]*profit|(?<![a-z])tp(?![a-z])|익절", text))
    ops = ({"<=", "<"} if wants_sl else set()) | ({">=", ">"} if wants_tp else set())
    gone = {n["id"] for n in _nodes(strategy, "condition")
            if n["config"].get("left") == "position_pnl_pct" and n["config"].get("operator") in ops}
    if not gone:
        raise CompileProblem("there is no such exit to remove", "삭제할 익절/손절 조건이 없습니다")
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in gone]
    targets = {e.get("to") for e in strategy.get("edges", []) if e.get("from") in gone}
    strategy["edges"] = [e for e in strategy.get("edges", []) if e.get("from") not in gone and e.get("to") not in gone]
    still_reached = {e.get("to") for e in strategy["edges"]}
    orphans = {t for t in targets if t not in still_reached}
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") not in orphans]
    strategy["edges"] = [e for e in strategy["edges"] if e.get("from") not in orphans]
    removed = ", ".join(sorted(gone | orphans))
    changes.append((f"removed {removed}", f"{removed} 삭제"))
