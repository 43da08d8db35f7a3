"""The edits a refinement can make, each naming every node it changes in ``changes``.

Each function edits the strategy in place and appends (English, Korean) lines; one that finds
nothing to edit returns False or raises ``CompileProblem`` with the reason, never edits something
the instruction did not name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.strategy.compiler.builder import condition_text
from core.strategy.compiler.checks import impossible
from core.strategy.compiler.conditions import Condition, Context, parse_conditions
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.refine_scope import named_side, reached
from core.strategy.compiler.symbols import KRW_EXCHANGES
from core.strategy.operands import Indicator, OperandError, parse_operand, to_text

Change = tuple[str, str]  # (english, korean)

IND_NAMES = {
    "rsi": "rsi", "sma": "sma", "ema": "ema", "macd": "macd", "atr": "atr", "이동평균": "sma", "이평": "sma",
    "볼린저": "bb", "bollinger": "bb", "bb": "bb", "volume": "volume_sma", "거래량": "volume_sma",
    "moving average": "sma",
}


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


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


def _replace_number(strategy: dict[str, Any], old: float, new: float, changes: list[Change], text: str = "") -> bool:
    """"30을 25로": the number in the conditions the instruction names (all of them only if it names
    no indicator and exactly one condition holds the number)."""
    family = next((fam for word, fam in IND_NAMES.items() if word in text), None)
    holders = [n for n in _nodes(strategy, "condition") for side in ("left", "right")
               if isinstance(n["config"].get(side), int | float) and float(n["config"][side]) == old
               and (family is None or family in str(n["config"].get("left")) + str(n["config"].get("right")))]
    if family is None and len({n["id"] for n in holders}) > 1:
        ids = ", ".join(sorted({n["id"] for n in holders}))
        raise CompileProblem(f"{_fmt(old)} is in several conditions ({ids}); name the indicator, e.g. 'RSI {_fmt(old)} "
                             f"to {_fmt(new)}'", f"{_fmt(old)}이(가) 여러 조건({ids})에 있습니다. 지표를 밝혀 주세요 "
                             f"(예: 'RSI {_fmt(old)}을 {_fmt(new)}로')")
    hit = False
    for node in [n for n in _nodes(strategy, "condition") if n in holders]:
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
    family = next((fam for word, fam in IND_NAMES.items() if word in text), None)
    candidates = []
    for node in _nodes(strategy, "condition"):
        config = node["config"]
        left, right = config.get("left"), config.get("right")
        if isinstance(right, int | float) and isinstance(left, str) and left != "position_pnl_pct" and (
                family is None or family in left):
            candidates.append(node)
    side = named_side(text)
    if side is not None and len(candidates) > 1:
        # "the buy threshold to 25": the condition that leads to the buy
        candidates = [n for n in candidates if side in reached(strategy, n["id"])]
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


def _set_exchange(strategy: dict[str, Any], exchange: str, span: str, changes: list[Change]) -> None:
    """"거래소 빗썸으로", "run it on bybit": the data source's exchange, when it lists the pair's market."""
    data = _nodes(strategy, "data_source")
    if not data:
        raise CompileProblem("the strategy has no data source to move", "거래소를 바꿀 데이터 노드가 없습니다")
    for node in data:
        config = node["config"]
        symbol = str(config.get("symbol", ""))
        quote = symbol.split("/", 1)[1] if "/" in symbol else ""
        # a won market exists only on the Korean exchanges, and they are where a trader means won
        if quote == "KRW" and exchange not in KRW_EXCHANGES:
            raise CompileProblem(f"'{span}' has no won (KRW) market, and the strategy trades {symbol}; write the "
                                 "strategy again for the USDT market",
                                 f"'{span}'에는 원화(KRW) 마켓이 없는데 전략은 {symbol}을(를) 거래합니다. "
                                 "USDT 마켓으로 전략을 다시 만들어 주세요")
        if quote != "KRW" and exchange in KRW_EXCHANGES:
            # on Upbit or Bithumb a trader means the won market, where the amounts would be in won
            raise CompileProblem(f"'{span}' trades won (KRW) pairs, and the strategy trades {symbol}; write the "
                                 "strategy again with a won amount",
                                 f"'{span}'은(는) 원화(KRW) 마켓인데 전략은 {symbol}을(를) 거래합니다. "
                                 "원화 금액으로 전략을 다시 만들어 주세요")
        if config.get("exchange") == exchange:
            changes.append((f"{node['id']} already reads {exchange}", f"{node['id']}은(는) 이미 {exchange}입니다"))
            continue
        changes.append((f"{node['id']}: exchange {config.get('exchange')} → {exchange}",
                        f"{node['id']}: 거래소 {config.get('exchange')} → {exchange}"))
        config["exchange"] = exchange


# Words that say "add this condition" around the condition itself ("add: the close must also be above
# the 200 EMA", "only buy when ...", "거래량 조건 하나 더 넣어줘"); they are taken out before it is read.
_ADD_WORDS = re.compile(
    r"\b(?:also\s+require[sd]?|require[sd]?|requiring"
    r"|only\s+(?:(?:buy|sell|enter|exit|trade|do|fire|trigger|notify|alert|ping|tell)\s+)?(?:(?:it|me)\s+)?"
    r"(?:if|when|while)"
    r"|add(?:ed)?\s+(?:an?\s+|the\s+|one\s+)?(?:more\s+|extra\s+|another\s+)?(?:condition|filter|rule|check)s?"
    r"(?:\s+(?:that|where|for|of))?|add(?:ed)?|another\s+condition|one\s+more\s+condition|plus|additionally"
    r"|in\s+addition|as\s+well|on\s+top(?:\s+of\s+that)?|also|must|should|(?:has|have|needs?|got)\s+to|too)\b"
    r"|조건\s*(?:을\s*|도\s*)?하나\s*더|하나\s*더|조건\s*추가|추가\s*조건"
    r"|(?:(?:일|할)\s*)?(?:때|경우)(?:에)?만?\s*(?:매수|매도)(?:해|하게|하도록|해줘|하자|할래)?(?=\s|$)"
    r"|(?:일|할)\s*(?:때|경우)만|때만|경우에만"
    r"|만\s*(?:매수|매도|사게|팔게|사도록|팔도록)|추가해?\s*(?:줘|주세요)?|추가|넣어\s*(?:줘|주세요)?"
    r"|붙여\s*(?:줘|주세요)?|외에도?|조건도|조건으로|(?<=\s)(?:알려|알림)\S*"
    # the side it goes to ("매수는 ...", "for the buy, ..."), read by named_side before these are taken out
    r"|(?:매수|매도)\s*(?:쪽|조건|할\s*때)?\s*(?:은|는|에는|에만|에|만)(?=\s)"
    r"|\b(?:for|on)\s+(?:the\s+)?(?:buys?|sells?|entr(?:y|ies)|exits?)(?:\s+side)?(?:\s+only)?\b",
    re.ASCII)
# Korean "must be" endings ("위에 있어야 함", "이상이어야", "높아야"): the level before them is the condition
_MUST_KO = re.compile(r"(?:(?:이어|여)야|(?<=[있넘없])어야|(?<=[아어해])야)(?:\s*만)?"
                      r"(?:\s*(?:함|해요|해|한다|합니다|돼요|돼|됨|된다|됩니다|하고|하며))?")


# "종가가 200일선 위에 있을 것", "0보다 큰 것도 만족하면": a level said as a noun is the same condition
_AS_NOUN_KO = re.compile(r"(있|큰|클|작은|작을|높은|높을|낮은|낮을)[을는]?\s*것(?:도|을|이)?"
                         r"(?:\s*(?:만족|충족)(?:하면|할\s*때|해야|하는|시))?")
_AS_LEVEL = {"있": "있으면", "큰": "크면", "클": "크면", "작은": "작으면", "작을": "작으면", "높은": "높으면",
             "높을": "높으면", "낮은": "낮으면", "낮을": "낮으면"}
_SATISFY_KO = re.compile(r"(?:도\s*)?(?:만족|충족)(?:하면|할\s*때|해야|시)")


def without_add_words(text: str) -> str:
    """``text`` with the words that ask for an added condition blanked, a level said as a noun read as one."""
    text = _AS_NOUN_KO.sub(lambda m: _AS_LEVEL[m.group(1)].ljust(len(m.group(0))), text)
    for regex in (_ADD_WORDS, _MUST_KO, _SATISFY_KO):
        text = regex.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _add_conditions(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    """AND a new condition in front of every action that follows a condition (the buy's or the
    sell's only, when the instruction names one side)."""
    side = named_side(text)
    text = without_add_words(text)
    interval = next((n["config"].get("timeframe") for n in _nodes(strategy, "data_source")), "1h") or "1h"
    segment = parse_conditions(text, Context(interval))
    if segment.problems:
        raise CompileProblem(*segment.problems[0])
    if len(segment.chains) > 1:
        # "(A or B)" ANDed onto each chain is a new OR the graph of a refinement does not build
        raise CompileProblem("the new conditions are joined with 'or'; add one condition (or an 'and' of them) "
                             "at a time",
                             "새 조건이 '또는'으로 이어져 있습니다. 조건은 '그리고'로 이어서 추가해 주세요")
    conds: list[Condition] = [c for chain in segment.chains for c in chain]
    if not conds:
        return False
    cond_types = {n["id"] for n in _nodes(strategy, "condition")}
    kinds = {n["id"]: n["config"].get("action_type") for n in _nodes(strategy, "action")}
    edges = strategy.setdefault("edges", [])
    entry = [e for e in edges if e.get("from") in cond_types and e.get("to") in kinds
             and not _is_exit(strategy, e.get("from"))]
    if side is not None:
        # "only buy when ...": the chains that lead to the buy, with a notify that goes with it
        other = "sell" if side == "buy" else "buy"
        sources = {e["from"] for e in entry if kinds[e["to"]] == side}
        if any(kinds[e["to"]] == other for e in entry if e["from"] in sources):
            raise CompileProblem(f"the condition before the {side} also leads to the {other}; add it in the editor",
                                 "매수와 매도가 같은 조건에서 나옵니다. 편집기에서 추가해 주세요")
        entry = [e for e in entry if e["from"] in sources]
    if not entry:
        return False
    # Group edges by their source condition so each chain gets one new node.
    by_source: dict[str, list[dict[str, Any]]] = {}
    for edge in entry:
        by_source.setdefault(edge["from"], []).append(edge)
    for source, out_edges in by_source.items():
        clash = impossible(_chain_back(strategy, source) + conds)
        if clash:
            a, b = condition_text(clash[0]), condition_text(clash[1])
            raise CompileProblem(f"'{a}' and '{b}' can never both be true",
                                 f"'{a}'와(과) '{b}'는 동시에 참일 수 없습니다")
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


def _chain_back(strategy: dict[str, Any], node_id: str) -> list[Condition]:
    """The conditions ANDed on the way to ``node_id`` (it included), following one path back."""
    by_id = {n.get("id"): n for n in _nodes(strategy, "condition")}
    incoming = {e.get("to"): e.get("from") for e in strategy.get("edges", [])}
    chain, seen, current = [], set(), node_id
    while current in by_id and current not in seen:
        seen.add(current)
        cfg = by_id[current]["config"]
        chain.append(Condition(str(cfg.get("left")), str(cfg.get("operator")), cfg.get("right")))
        current = incoming.get(current)
    return chain


def _is_exit(strategy: dict[str, Any], node_id: Any) -> bool:
    node = next((n for n in strategy.get("nodes", []) if n.get("id") == node_id), None)
    return bool(node) and "position_pnl_pct" in str(node.get("config", {}).get("left"))


def _replace_period(strategy: dict[str, Any], text: str, old: float, new: float, changes: list[Change]) -> bool:
    family = next((fam for word, fam in IND_NAMES.items() if word in text and fam != "volume_sma"), None)
    if family is None or not float(new).is_integer():
        return False
    has_old = any(f"{family}({int(old)}" in str(n["config"].get(side)) for n in _nodes(strategy, "condition")
                  for side in ("left", "right"))
    if not has_old:
        return False
    _set_period(strategy, family, int(new), changes)
    return True


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
