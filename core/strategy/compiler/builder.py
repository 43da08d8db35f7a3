"""Rules (conditions → actions) to a strategy graph in the contract's shape.

Layout of the graph: trigger_1 → data_1 → conditions → actions. An AND is a chain of conditions
joined by "true" edges; an OR is two chains reaching the same action. Take-profit and stop-loss
are two conditions on ``position_pnl_pct`` that both reach one "sell all" action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.strategy.compiler.conditions import Condition
from core.strategy.labels import operand_text
from core.strategy.schema import SCHEMA_VERSION

EXCHANGE = "binance"
OP_TEXT = {"crosses_above": "↗", "crosses_below": "↘"}


@dataclass
class ActionSpec:
    kind: str
    symbol: str
    amount: float | str | None = None
    unit: str | None = None


@dataclass
class Rule:
    chains: list[list[Condition]] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)


def condition_text(cond: Condition) -> str:
    op = OP_TEXT.get(cond.operator, cond.operator)
    return f"{operand_text(cond.left)} {op} {operand_text(cond.right)}"


def _rule_text(rule: Rule, lang: str) -> str:
    joiner_and = " 그리고 " if lang == "ko" else " and "
    joiner_or = " 또는 " if lang == "ko" else " or "
    return joiner_or.join(joiner_and.join(condition_text(c) for c in chain) for chain in rule.chains)


class _Ids:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}_{self.counts[prefix]}"


def _action_config(spec: ActionSpec, message: str) -> dict[str, Any]:
    if spec.kind == "notify":
        return {"action_type": "notify", "message": message}
    if spec.kind == "buy":
        return {"action_type": "buy", "symbol": spec.symbol, "amount": spec.amount, "unit": spec.unit}
    config: dict[str, Any] = {"action_type": "sell", "symbol": spec.symbol, "amount": spec.amount}
    if spec.unit:
        config["unit"] = spec.unit
    return config


def build_strategy(
    rules: list[Rule],
    *,
    symbol: str,
    interval: str,
    take_profit: float | None,
    stop_loss: float | None,
    name: str,
    description: str,
    lang: str,
    exchange: str = EXCHANGE,
) -> dict[str, Any]:
    ids = _Ids()
    trigger_id, data_id = ids.next("trigger"), ids.next("data")
    nodes: list[dict[str, Any]] = [
        {"id": trigger_id, "type": "trigger", "config": {"trigger_type": "time", "interval": interval}},
        {"id": data_id, "type": "data_source",
         "config": {"source_type": "ohlcv", "symbol": symbol, "timeframe": interval, "exchange": exchange}},
    ]
    edges: list[dict[str, Any]] = [{"from": trigger_id, "to": data_id}]
    for rule in rules:
        text = _rule_text(rule, lang)
        message = f"{symbol} {interval}: {text}" + (" 조건 충족" if lang == "ko" else " met")
        action_ids = [ids.next("action") for _ in rule.actions]
        for chain in rule.chains:
            previous, label = data_id, None
            for cond in chain:
                cond_id = ids.next("condition")
                nodes.append({"id": cond_id, "type": "condition",
                              "config": {"operator": cond.operator, "left": cond.left, "right": cond.right}})
                edges.append(_edge(previous, cond_id, label))
                previous, label = cond_id, "true"
            for action_id in action_ids:
                edges.append(_edge(previous, action_id, label))
        for action_id, spec in zip(action_ids, rule.actions, strict=True):
            nodes.append({"id": action_id, "type": "action", "config": _action_config(spec, message)})
    if take_profit is not None or stop_loss is not None:
        exit_id = ids.next("action")
        exit_conditions = []
        if take_profit is not None:
            exit_conditions.append(Condition("position_pnl_pct", ">=", take_profit))
        if stop_loss is not None:
            exit_conditions.append(Condition("position_pnl_pct", "<=", -abs(stop_loss)))
        for cond in exit_conditions:
            cond_id = ids.next("condition")
            nodes.append({"id": cond_id, "type": "condition",
                          "config": {"operator": cond.operator, "left": cond.left, "right": cond.right}})
            edges.append(_edge(data_id, cond_id, None))
            edges.append(_edge(cond_id, exit_id, "true"))
        nodes.append({"id": exit_id, "type": "action",
                      "config": {"action_type": "sell", "symbol": symbol, "amount": "all"}})
    return {
        "schema_version": SCHEMA_VERSION,
        "name": name[:200],
        "description": description[:4000],
        "nodes": nodes,
        "edges": edges,
    }


def _edge(src: str, dst: str, label: str | None) -> dict[str, Any]:
    edge: dict[str, Any] = {"from": src, "to": dst}
    if label:
        edge["condition"] = label
    return edge
