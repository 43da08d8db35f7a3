"""A new sell rule a refinement adds: "Also add: sell all when the close loses the 50 EMA", "exit: sell
everything when RSI is above 70", "RSI 75 넘으면 전량 매도도 추가".

The rule's conditions are read like a prompt's and joined to a sell of everything (the strategy's own
when it has one, so every way out still sells it all): a further way out, ORed with those already
there. Only "sell all" rules are added; a new buy or notify rule needs its own amount or wording and
is written as a new strategy.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler.builder import condition_text
from core.strategy.compiler.checks import impossible
from core.strategy.compiler.conditions import Condition, Context, parse_conditions
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.refine_edits import Change, _next_id, _nodes, without_add_words

_SELL_ALL_EN = r"\b(?:sell|dump|liquidate)\w*\s+(?:it\s+|them\s+|my\s+\w+\s+)?(?:all|everything)\b"
_SELL_ALL_KO = r"(?:전량|전부|몽땅|다)\s*(?:매도|팔|청산|정리)\S*"
_RULE = re.compile(rf"{_SELL_ALL_EN}.*\b(?:when|if|once|whenever)\b|\b(?:when|if|whenever)\b.*{_SELL_ALL_EN}"
                   rf"|(?:면|때|경우|시)\s*{_SELL_ALL_KO}", re.ASCII)
_SAID = re.compile(rf"{_SELL_ALL_EN}|{_SELL_ALL_KO}|\b(?:exit|also\s+add|add)\s*:", re.ASCII)


# "only sell all when ...", "... 때만 전량 매도": a restriction of the sell there is (AND), not a new way out
_ONLY = re.compile(r"\b(?:only|require[sd]?|must|should|has\s+to|have\s+to|needs?\s+to)\b|때만|경우에만|(?:어|여)야",
                   re.ASCII)


def rule_said(text: str) -> bool:
    return bool(_RULE.search(text)) and not _ONLY.search(text)


def add_sell_rule(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    """Join the conditions the instruction gives to a sell of everything; False when it gives none."""
    data = next(iter(_nodes(strategy, "data_source")), None)
    if data is None:
        return False
    said = without_add_words(_SAID.sub(lambda m: " " * len(m.group(0)), text))
    segment = parse_conditions(said, Context(str(data["config"].get("timeframe") or "1h")))
    if segment.problems:
        raise CompileProblem(*segment.problems[0])
    if len(segment.chains) != 1:
        return False
    conds: list[Condition] = segment.chains[0]
    clash = impossible(conds)
    if clash:
        a, b = condition_text(clash[0]), condition_text(clash[1])
        raise CompileProblem(f"'{a}' and '{b}' can never both be true", f"'{a}'와(과) '{b}'는 동시에 참일 수 없습니다")
    sell = next((n for n in _nodes(strategy, "action") if n["config"].get("action_type") == "sell"
                 and n["config"].get("amount") == "all"), None)
    if sell is None:
        sell_id = _next_id(strategy, "action")
        strategy["nodes"].append({"id": sell_id, "type": "action", "config": {
            "action_type": "sell", "symbol": data["config"].get("symbol"), "amount": "all"}})
        changes.append((f"added {sell_id}: sell all", f"{sell_id} 추가: 전량 매도"))
    else:
        sell_id = sell["id"]
    previous, label = data["id"], None
    for cond in conds:
        cond_id = _next_id(strategy, "condition")
        strategy["nodes"].append({"id": cond_id, "type": "condition",
                                  "config": {"operator": cond.operator, "left": cond.left, "right": cond.right}})
        edge: dict[str, Any] = {"from": previous, "to": cond_id}
        if label:
            edge["condition"] = label
        strategy["edges"].append(edge)
        previous, label = cond_id, "true"
        changes.append((f"added {cond_id}: {condition_text(cond)} (a new way to sell all, {sell_id})",
                        f"{cond_id} 추가: {condition_text(cond)} (새 전량 매도 조건, {sell_id})"))
    strategy["edges"].append({"from": previous, "to": sell_id, "condition": "true"})
    return True
