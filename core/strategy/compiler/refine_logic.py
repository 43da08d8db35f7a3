"""Joining a rule's conditions the other way: "change it so either condition is enough to buy",
"둘 중 하나만 만족해도 사게" (AND → OR) and "둘 다 만족할 때만 사게 바꿔줘", "both have to be true" (OR → AND).

Only a rule whose conditions sit in one plain chain (AND) or in one-condition branches (OR) from the
data source is rejoined, and only when exactly one such rule is there (or the instruction names its
side); anything else is declined, since which conditions were meant would be a guess.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from core.strategy.compiler.builder import condition_text
from core.strategy.compiler.checks import impossible
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.model import Condition
from core.strategy.compiler.refine_edits import Change, _nodes
from core.strategy.compiler.refine_scope import named_side

_TO_OR = re.compile(
    r"\beither\s+(?:one|condition|of\s+(?:them|the\s+(?:two\s+)?conditions))(?:\s+(?:alone\s+)?is)?"
    r"(?:\s+(?:enough|sufficient|fine|ok))?|\beither\s+is\s+(?:enough|sufficient|fine|ok)"
    r"|\bany\s+(?:one\s+)?(?:of\s+(?:them|the\s+conditions)|condition)(?:\s+is\s+enough)?"
    r"|\b(?:use|with|make\s+it|join\s+them\s+with|to)\s+(?:an\s+)?or\b"
    r"|둘\s*중\s*(?:하나|한\s*개)(?:만|라도)?\s*(?:만족|충족|맞)?(?:하면|해도|으면|아도)?"
    r"|하나(?:만|라도)\s*(?:만족|충족|맞)(?:하면|해도|아도|으면)?|(?:or|또는)\s*(?:조건\s*)?(?:으로|로)", re.ASCII)
_TO_AND = re.compile(
    r"\bboth(?:\s+conditions|\s+of\s+them)?\s+(?:(?:have|need|must)\s+(?:to\s+)?)?(?:be\s+)?(?:true|met|hold|satisfied)\b"
    r"|\ball\s+(?:of\s+them|the\s+conditions|conditions)\s+(?:(?:have\s+to|must)\s+)?(?:be\s+)?(?:true|met)?"
    r"|\b(?:use|with|make\s+it|join\s+them\s+with|to)\s+(?:an\s+)?and\b"
    r"|둘\s*다\s*(?:만족|충족|맞)(?:할\s*때만?|하면|을\s*때만?|해야|아야)?|모두\s*(?:만족|충족)(?:할\s*때만?|하면|해야)?"
    r"|(?:and|그리고)\s*(?:조건\s*)?(?:으로|로)", re.ASCII)


def join_said(text: str) -> str | None:
    """"or" or "and" when the instruction asks to join the conditions that way (not both)."""
    to_or, to_and = bool(_TO_OR.search(text)), bool(_TO_AND.search(text))
    return None if to_or == to_and else ("or" if to_or else "and")


def without_join_words(text: str) -> str:
    for regex in (_TO_OR, _TO_AND):
        text = regex.sub(lambda m: " " * len(m.group(0)), text)
    return text


def has_or(strategy: dict[str, Any]) -> bool:
    conds = {n["id"] for n in _nodes(strategy, "condition")}
    targets = [e.get("to") for e in strategy.get("edges", []) if e.get("from") in conds
               and not _is_exit(strategy, e.get("from"))]
    return any(targets.count(t) > 1 for t in set(targets))


def _is_exit(strategy: dict[str, Any], node_id: Any) -> bool:
    return any(n.get("id") == node_id and (n.get("config") or {}).get("left") == "position_pnl_pct"
               for n in strategy.get("nodes", []))


def rejoin(strategy: dict[str, Any], text: str, changes: list[Change]) -> bool:
    """Rewire the one rule the instruction means; False when it asks for no join."""
    way = join_said(text)
    if way is None:
        return False
    kinds = {n["id"]: n.get("type") for n in strategy.get("nodes", [])}
    actions = {n["id"]: n["config"].get("action_type") for n in _nodes(strategy, "action")}
    side = named_side(text)
    edges = strategy.setdefault("edges", [])
    if any(e.get("condition", "true") != "true" for e in edges if kinds.get(e.get("from")) == "condition"):
        raise CompileProblem("the strategy has branches for false conditions; change the joins in the editor",
                             "전략에 거짓 조건 분기가 있습니다. 편집기에서 바꿔 주세요")
    rules = _and_chains(strategy, kinds) if way == "or" else _or_branches(strategy, kinds)
    if side is not None:
        rules = [r for r in rules if any(actions.get(t) == side for t in r[1])]
    if len(rules) != 1:
        joined = "two conditions joined with 'and'" if way == "or" else "conditions joined with 'or'"
        found = "several rules could be meant" if rules else f"no rule has {joined}"
        raise CompileProblem(f"{found}; change the joins in the editor",
                             f"{'바꿀 규칙이 여러 개입니다' if rules else '바꿀 조건 조합이 없습니다'}. "
                             "편집기에서 바꿔 주세요")
    conds, targets, source = rules[0]
    if way == "and":
        chain = [Condition(str(c["config"]["left"]), str(c["config"]["operator"]), c["config"]["right"])
                 for c in _nodes(strategy, "condition") if c["id"] in conds]
        clash = impossible(chain)
        if clash:
            raise CompileProblem(f"'{condition_text(clash[0])}' and '{condition_text(clash[1])}' can never both be "
                                 "true", f"'{condition_text(clash[0])}'와(과) '{condition_text(clash[1])}'는 동시에 "
                                 "참일 수 없습니다")
    inside = set(conds) | set(targets)
    strategy["edges"] = [e for e in edges if not (e.get("from") in inside and e.get("to") in inside)
                         and not (e.get("from") == source and e.get("to") in conds)]
    if way == "or":
        for cond in conds:
            strategy["edges"].append({"from": source, "to": cond})
            strategy["edges"] += [{"from": cond, "to": t, "condition": "true"} for t in targets]
    else:
        strategy["edges"].append({"from": source, "to": conds[0]})
        strategy["edges"] += [{"from": a, "to": b, "condition": "true"} for a, b in pairwise(conds)]
        strategy["edges"] += [{"from": conds[-1], "to": t, "condition": "true"} for t in targets]
    names, goes = ", ".join(conds), ", ".join(targets)
    word_en, word_ko = ("OR", "또는") if way == "or" else ("AND", "그리고")
    changes.append((f"{names}: joined with {word_en} → {goes}", f"{names}: {word_ko}로 연결 → {goes}"))
    return True


def _and_chains(strategy: dict[str, Any], kinds: dict[str, Any]) -> list[tuple[list[str], list[str], str]]:
    """(conditions in order, the actions they lead to, the data node before them) of each plain chain
    of two or more conditions."""
    edges = strategy.get("edges", [])
    into = {}
    for e in edges:
        into.setdefault(e.get("to"), []).append(e.get("from"))
    found = []
    for node in _nodes(strategy, "condition"):
        head = node["id"]
        sources = into.get(head, [])
        if len(sources) != 1 or kinds.get(sources[0]) != "data_source" or _is_exit(strategy, head):
            continue
        chain, current = [head], head
        while True:
            outs = [e.get("to") for e in edges if e.get("from") == current]
            nexts = [o for o in outs if kinds.get(o) == "condition"]
            if len(nexts) == 1 and len(outs) == 1 and len(into.get(nexts[0], [])) == 1:
                chain.append(nexts[0])
                current = nexts[0]
                continue
            break
        targets = [o for o in (e.get("to") for e in edges if e.get("from") == current) if kinds.get(o) == "action"]
        if len(chain) >= 2 and targets and len(targets) == len([e for e in edges if e.get("from") == current]):
            found.append((chain, targets, sources[0]))
    return found


def _or_branches(strategy: dict[str, Any], kinds: dict[str, Any]) -> list[tuple[list[str], list[str], str]]:
    """(conditions, the actions each leads to, the data node before them) of each rule whose one-condition
    branches all lead to the same actions."""
    edges = strategy.get("edges", [])
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for node in _nodes(strategy, "condition"):
        if _is_exit(strategy, node["id"]):
            continue
        sources = [e.get("from") for e in edges if e.get("to") == node["id"]]
        outs = sorted(str(e.get("to")) for e in edges if e.get("from") == node["id"])
        if len(sources) == 1 and kinds.get(sources[0]) == "data_source" and outs and all(
                kinds.get(o) == "action" for o in outs):
            groups.setdefault((str(sources[0]), tuple(outs)), []).append(node["id"])
    return [(conds, list(outs), source) for (source, outs), conds in groups.items() if len(conds) >= 2]
