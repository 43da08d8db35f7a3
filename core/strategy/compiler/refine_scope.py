"""What a refinement names as its scope: the buy side or the sell side of a strategy.

"use RSI 21 for the buy only", "매수 조건 기준 25로" name one side; an edit that reaches a condition
leading only to the other side does more than the instruction said.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler.checks import overlapping_sides
from core.strategy.compiler.model import Condition

_BUY_SIDE = re.compile(r"\bbuy(?:s|ing)?\b|\bentry\b|\bentries\b|매수|살\s*때|사는|진입")
_SELL_SIDE = re.compile(r"\bsell(?:s|ing)?\b|\bexits?\b|매도|팔\s*때|파는|청산")


def reached(strategy: dict[str, Any], node_id: str) -> set[str]:
    """Kinds of the actions a condition leads to along its true edges (through the rest of its chain)."""
    kinds = {n.get("id"): (n.get("config") or {}).get("action_type") for n in strategy.get("nodes", [])
             if n.get("type") == "action"}
    seen, todo, found = set(), [node_id], set()
    while todo:
        cur = todo.pop()
        for edge in strategy.get("edges", []):
            if edge.get("from") == cur and edge.get("condition", "true") == "true" and edge.get("to") not in seen:
                seen.add(edge["to"])
                if edge["to"] in kinds:
                    found.add(kinds[edge["to"]])
                else:
                    todo.append(edge["to"])
    return found


def beyond_named_side(before: dict[str, Any], after: dict[str, Any], text: str) -> tuple[str, str] | None:
    """(English, Korean) reason when an instruction that names the buy (or the sell) side changed a
    condition that leads only elsewhere: "use RSI 21 for the buy only" must not edit the sell's RSI."""
    side = named_side(text)
    if side is None:
        return None
    other = "sell" if side == "buy" else "buy"
    old = {n.get("id"): n.get("config") for n in before.get("nodes", []) if n.get("type") == "condition"}
    for node in after.get("nodes", []):
        if node.get("type") != "condition" or node.get("id") not in old or old[node["id"]] == node.get("config"):
            continue
        if side not in reached(after, node["id"]):
            words = {"buy": "매수", "sell": "매도"}
            return (f"it names the {side} but would also change {node['id']}, which only leads to the {other}; "
                    f"name the indicator and value of the {side} condition itself",
                    f"{words[side]}만 말했지만 {words[other]}로 이어지는 {node['id']}도 바뀝니다. "
                    f"{words[side]} 조건의 지표와 값을 밝혀 주세요")
    return None


_BOTH = re.compile(r"\bboth\b|\bevery\s+(?:rule|condition)|둘\s*다|양쪽|모두|전부")


def added_to_both_sides(before: dict[str, Any], after: dict[str, Any], text: str) -> tuple[str, str] | None:
    """(English, Korean) reason when an instruction that names no side ("also require volume above
    average") added a condition to the buy and to the sell: which one it meant is a guess."""
    old = {n.get("id") for n in before.get("nodes", [])}
    added = [n for n in after.get("nodes", []) if n.get("type") == "condition" and n.get("id") not in old
             and (n.get("config") or {}).get("left") != "position_pnl_pct"]
    kinds: set[str] = set()
    for node in added:
        kinds |= reached(after, node["id"])
    if not {"buy", "sell"} <= kinds or named_side(text) is not None or _BOTH.search(text):
        return None
    return ("the strategy buys and sells, so the new condition would be added to both; say 'for both' if "
            "that is meant (to add it to one side only, edit that condition in the editor)",
            "전략에 매수와 매도가 모두 있어 새 조건이 양쪽에 붙습니다. 그렇게 하려면 '모두'를 넣어 말해 주세요 "
            "(한쪽에만 붙이려면 편집기에서 그 조건을 바꿔 주세요)")


def named_side(text: str) -> str | None:
    """"buy" or "sell" when the instruction names exactly one side, else None."""
    buy, sell = bool(_BUY_SIDE.search(text)), bool(_SELL_SIDE.search(text))
    return None if buy == sell else ("buy" if buy else "sell")


def sides_at_once(strategy: dict[str, Any]) -> tuple[str, str] | None:
    """(English, Korean) reason when, after an edit, a one-condition buy and a one-condition sell on
    the same value hold together ("매도 기준 25로" under a buy at RSI < 30)."""
    nodes = {n.get("id"): n for n in strategy.get("nodes", [])}
    starts = {e.get("to") for e in strategy.get("edges", [])
              if nodes.get(e.get("from"), {}).get("type") == "data_source"}
    sides: dict[str, list[Condition]] = {"buy": [], "sell": []}
    for node_id in starts:
        node = nodes.get(node_id, {})
        config = node.get("config") or {}
        if node.get("type") != "condition" or not isinstance(config.get("left"), str):
            continue
        targets = [nodes.get(e.get("to"), {}) for e in strategy.get("edges", [])
                   if e.get("from") == node_id and e.get("condition", "true") == "true"]
        if targets and all(t.get("type") == "action" for t in targets):
            for kind in {(t.get("config") or {}).get("action_type") for t in targets} & {"buy", "sell"}:
                sides[kind].append(Condition(config["left"], str(config.get("operator")), config.get("right")))
    return overlapping_sides(sides["buy"], sides["sell"])
