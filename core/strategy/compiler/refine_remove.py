"""Removing a condition a refinement names: "볼린저 조건은 빼줘", "drop the volume condition",
"get rid of the 200 EMA filter", "RSI 조건 삭제".

The condition is named by its indicator (and, when several hold it, by a number or by the side it
leads to); it is cut out of its chain, the conditions before it joined to what came after it. A
removal that would leave a buy or sell with no condition at all, or that cannot tell which of
several conditions is meant, is declined: either would trade on something the trader did not say.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler.builder import condition_text
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.model import Condition
from core.strategy.compiler.refine_edits import Change, _nodes
from core.strategy.compiler.refine_scope import named_side, reached

# What the trader calls an indicator → the operand text its conditions hold.
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(words, re.ASCII), held) for words, held in (
        (r"(?<![a-z])rsi(?![a-z])|알에스아이", "rsi("),
        (r"(?<![a-z])macd(?![a-z])|맥디", "macd"),
        (r"볼린저|볼밴|bollinger|(?<![a-z])bb(?![a-z])|\bbands?\b", "bb_"),
        (r"(?<![a-z])ema(?![a-z])|지수\s*이동\s*평균|지수\s*이평", "ema("),
        (r"(?<![a-z])sma(?![a-z])|(?<!지수)(?<!지수\s)이동\s*평균|(?<!지수)(?<!지수\s)이평|\bmoving\s+average\b"
         r"|\d\s*일\s*선", "sma("),
        (r"(?<![a-z])atr(?![a-z])", "atr("),
        (r"\bvolume\b|거래량", "volume"),
    ))
# "drop" is a removal only as the order itself ("drop the volume condition"), not the price dropping
REMOVAL = re.compile(r"\b(?:remove|delete|get\s+rid\s+of|take\s+out|scrap|ditch|without)\b|\bno\s+more\b"
                     r"|(?:^|[,;.]\s*|\b(?:and|please|just|then)\s+)drop\b(?![^,;.]*\bto\s+-?\d)"
                     r"|\bturn\s+(?:it\s+|them\s+)?off\b|삭제|제거|빼|없애|지워|지우|꺼\s*(?:줘|주세요|라)|필요\s*없",
                     re.ASCII)
# a new value said with the indicator ("drop the RSI threshold to 25") changes it, it does not remove it
_NEW_VALUE = re.compile(r"\b(?:to|into)\s+-?\d|\d\s*(?:%|으로|로)|\b(?:period|length|threshold|level|amount|size)\b"
                        r"|기간|길이|기준|수치|금액|수량", re.ASCII)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def named_families(text: str) -> list[tuple[str, str]]:
    """(held operand text, the words the instruction names it with) of each indicator it names."""
    return [(held, m.group(0)) for regex, held in _FAMILIES if (m := regex.search(text))]


def remove_conditions(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    """Cut the one condition on the indicator the instruction names out of its chain; False when it
    names no indicator."""
    families = named_families(text)
    if not families or _NEW_VALUE.search(text):
        return False
    if len(families) > 1:
        names = ", ".join(name for _, name in families)
        raise CompileProblem(f"it names several indicators ({names}); remove one condition at a time",
                             f"지표가 여러 개({names})입니다. 조건은 하나씩 삭제해 주세요")
    held, name = families[0]
    candidates = [n for n in _nodes(strategy, "condition") if n["config"].get("left") != "position_pnl_pct"
                  and any(held in str(n["config"].get(side)) for side in ("left", "right"))]
    numbers = {float(x) for x in _NUMBER.findall(text)}
    if numbers and len(candidates) > 1:
        # "drop the 200 EMA condition" under a 50 and a 200 EMA
        candidates = [n for n in candidates if numbers & _numbers_in(n["config"])]
    side = named_side(text)
    if side is not None and len(candidates) > 1:
        candidates = [n for n in candidates if side in reached(strategy, n["id"])]
    if not candidates:
        raise CompileProblem(f"the strategy has no '{name}' condition to remove", f"삭제할 '{name}' 조건이 없습니다")
    if len(candidates) > 1:
        ids = ", ".join(n["id"] for n in candidates)
        raise CompileProblem(f"several conditions use {name} ({ids}); say which one (e.g. its number, or the buy "
                             "or the sell)", f"{name}을(를) 쓰는 조건이 여러 개({ids})입니다. 어느 것인지 값이나 "
                             "매수/매도로 밝혀 주세요")
    _cut(strategy, candidates[0], changes)
    return True


def _numbers_in(config: dict[str, Any]) -> set[float]:
    return {float(x) for side in ("left", "right") for x in _NUMBER.findall(str(config.get(side)))}


def _cut(strategy: dict[str, Any], node: dict[str, Any], changes: list[Change]) -> None:
    """Join what led into ``node`` to what it led to; decline when an action would be left with no condition."""
    node_id = node["id"]
    kinds = {n.get("id"): n.get("type") for n in strategy.get("nodes", [])}
    edges = strategy.get("edges", [])
    incoming = [e for e in edges if e.get("to") == node_id]
    outgoing = [e for e in edges if e.get("from") == node_id]
    if any(e.get("condition", "true") != "true" for e in outgoing):
        raise CompileProblem(f"{node_id} has a branch for when it is false; remove it in the editor",
                             f"{node_id}에는 거짓일 때의 분기가 있습니다. 편집기에서 삭제해 주세요")
    kept = [e for e in edges if e.get("to") != node_id and e.get("from") != node_id]
    for into in incoming:
        for out in outgoing:
            if kinds.get(into.get("from")) != "condition" and kinds.get(out.get("to")) == "action":
                continue  # that path would trade on no condition at all
            edge = {"from": into["from"], "to": out["to"]}
            if "condition" in into:
                edge["condition"] = into["condition"]
            if edge not in kept:
                kept.append(edge)
    reached_before = {e.get("to") for e in edges if kinds.get(e.get("to")) == "action"}
    reached_after = {e.get("to") for e in kept if kinds.get(e.get("to")) == "action"}
    orphaned = sorted(a for a in reached_before - reached_after if isinstance(a, str))
    if orphaned:
        raise CompileProblem(f"removing {node_id} would leave {', '.join(orphaned)} with no condition; "
                             "change that condition instead, or delete the rule in the editor",
                             f"{node_id}을(를) 삭제하면 {', '.join(orphaned)}에 조건이 하나도 남지 않습니다. "
                             "조건을 바꾸거나 편집기에서 규칙을 삭제해 주세요")
    strategy["nodes"] = [n for n in strategy["nodes"] if n.get("id") != node_id]
    strategy["edges"] = kept
    config = node["config"]
    text = condition_text(Condition(str(config.get("left")), str(config.get("operator")), config.get("right")))
    changes.append((f"removed {node_id} ({text})", f"{node_id} 삭제 ({text})"))
