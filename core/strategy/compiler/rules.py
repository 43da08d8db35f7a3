"""Clauses to rules: which conditions lead to which actions.

A prompt is cut into clauses (commas, "then", Korean "…고,"); a clause holds conditions, actions,
or both. Conditions without an action of their own join the next action (Korean writes "30 이하
매수"), a lone "also notify me" joins the previous rule, and a buy or sell never borrows another
rule's conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.strategy.compiler import actions as act
from core.strategy.compiler.builder import ActionSpec, Rule
from core.strategy.compiler.conditions import Context, Segment, parse_conditions
from core.strategy.compiler.declines import decline
from core.strategy.compiler.lexicon import CLAUSE_SPLIT


@dataclass
class Unit:
    """One piece of a clause: its conditions and its actions (either may be empty)."""

    segment: Segment
    actions: list[act.Action]
    starts_with_or: bool = False
    new_sentence: bool = False  # conditions opening a sentence never join the previous sentence's rule


_SENTENCE_END = re.compile(r"[.;\n!?]")


def _clauses(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, starts a new sentence) of each clause."""
    spans, pos, new = [], 0, True
    for m in CLAUSE_SPLIT.finditer(text):
        before = text[: m.start()]
        if before.count("(") > before.count(")"):
            continue  # a comma inside "macd(12,26,9)" separates arguments, not clauses
        spans.append((pos, m.start(), new))
        pos, new = m.end(), bool(_SENTENCE_END.fullmatch(m.group(0)))
    spans.append((pos, len(text), new))
    return spans


_JOINER_ONLY = re.compile(r"^[\s,]*(?:and|also|그리고|하고|고|및|&|\+)?[\s,]*$")
# "* or when price is down 5%": a list line that opens with "or" joins the line before with OR
_OR_START = re.compile(r"^\s*(?:(?:[-*·•]|\d+[.)])\s*)?(?:or\b|또는|혹은)")


def _groups(actions: list[act.Action], text: str) -> list[list[act.Action]]:
    """Adjacent actions ("매수하고 알림", "buy and notify me") act on the same conditions."""
    groups: list[list[act.Action]] = []
    for action in actions:
        if groups and _JOINER_ONLY.match(text[groups[-1][-1].end: action.start]):
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups


def units_of(text: str, actions: list[act.Action], ctx: Context) -> list[Unit]:
    units: list[Unit] = []
    for start, end, new_sentence in _clauses(text):
        mine = [a for a in actions if start <= a.start < end]
        if not mine and not text[start:end].strip():
            continue
        groups = _groups(mine, text)
        starts_with_or = bool(_OR_START.match(text[start:end]))
        if len(groups) <= 1:
            units.append(Unit(parse_conditions(text[start:end], ctx), groups[0] if groups else [], starts_with_or,
                              new_sentence))
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
            units.append(Unit(parse_conditions(text[a:b], ctx), group, starts_with_or and i == 0,
                              new_sentence and i == 0))
    return units


def _specs(actions: list[act.Action], symbol: str) -> list[ActionSpec]:
    """One market per strategy: every action trades it; a coin amount counts its base coin."""
    base, quote = symbol.split("/")
    specs = []
    for action in actions:
        unit = action.unit
        if action.kind in ("buy", "sell") and action.amount is not None and action.amount != "all":
            unit = quote if unit in ("USDT", "KRW") else (unit or base)  # "0.5개" counts coins
        specs.append(ActionSpec(action.kind, symbol, action.amount, unit))
    return specs


def build_rules(units: list[Unit], symbol: str, lang: str) -> list[Rule]:
    rules: list[Rule] = []
    pending_chains: list[list[Any]] = []
    pending_actions: list[ActionSpec] = []
    fresh = False  # a sentence began since the last unit that said something
    for unit in units:
        chains = unit.segment.chains
        specs = _specs(unit.actions, symbol)
        fresh = fresh or unit.new_sentence
        if not chains and not specs:
            continue
        opens_sentence, fresh = fresh, False
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
            elif rules and not pending_chains and not opens_sentence:
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
