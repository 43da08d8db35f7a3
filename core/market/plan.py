"""Turn a strategy dict (DESIGN.md section 3) into an executable plan for the backtester.

Graph semantics: the trigger decides on which bars the graph runs. Every edge passes "reached"
along; a condition passes it on its ``true`` edges where it holds and on its ``false`` edges where
it does not (an unlabelled edge out of a condition counts as ``true``). So a chain of conditions is
AND, and two paths into one action are OR. An action fires on the bars where it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.market.errors import StrategyNotRunnable
from core.market.evaluate import COMPARATORS
from core.strategy.operands import Expr, OperandError, parse_operand, uses_position


@dataclass(frozen=True)
class ConditionSpec:
    id: str
    op: str
    left: Expr
    right: Expr
    uses_position: bool


@dataclass(frozen=True)
class ActionSpec:
    id: str
    kind: str  # buy | sell | notify
    symbol: str | None
    amount: float | None  # None means "all" (sell)
    unit: str | None
    message: str


@dataclass
class Plan:
    name: str
    trigger: dict[str, Any]
    trigger_id: str
    order: list[str]  # topological order of node ids
    node_types: dict[str, str]
    incoming: dict[str, list[tuple[str, str | None]]]  # node -> [(from, "true"/"false"/None)]
    conditions: dict[str, ConditionSpec]
    actions: list[ActionSpec]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def uses_position(self) -> bool:
        return any(c.uses_position for c in self.conditions.values())


def _fail(message: str, hint: str | None = None) -> StrategyNotRunnable:
    return StrategyNotRunnable(message, hint=hint or "Run `python -m core validate FILE` for every issue at once.")


def _operand(node_id: str, side: str, value: Any) -> Expr:
    try:
        return parse_operand(value)
    except OperandError as exc:
        raise _fail(f"Condition {node_id}: {side} operand: {exc.short}.", exc.hint) from None


def _amount(node_id: str, cfg: dict[str, Any], kind: str) -> float | None:
    raw = cfg.get("amount")
    if kind == "sell" and (raw is None or (isinstance(raw, str) and raw.strip().lower() == "all")):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise _fail(f"Action {node_id}: amount {raw!r} is not a number.", "Use a positive number.") from None
    if not value > 0:
        raise _fail(f"Action {node_id}: amount must be positive, got {raw!r}.", "Use a positive number.")
    return value


def build_plan(strategy: dict[str, Any]) -> Plan:
    """Check just what execution needs and build the plan; full validation is C's validator."""
    if not isinstance(strategy, dict):
        raise _fail("The strategy must be a JSON object with nodes and edges.")
    nodes = strategy.get("nodes") or []
    edges = strategy.get("edges") or []
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise _fail("The strategy's nodes and edges must be lists.")
    types: dict[str, str] = {}
    configs: dict[str, dict[str, Any]] = {}
    for node in nodes:
        if not isinstance(node, dict) or "id" not in node:
            raise _fail("Every node needs an id, a type and a config.")
        types[str(node["id"])] = str(node.get("type"))
        configs[str(node["id"])] = dict(node.get("config") or {})
    triggers = [nid for nid, typ in types.items() if typ == "trigger"]
    if len(triggers) != 1:
        raise _fail(f"A strategy needs exactly one trigger node; this one has {len(triggers)}.")
    incoming: dict[str, list[tuple[str, str | None]]] = {nid: [] for nid in types}
    outgoing: dict[str, list[str]] = {nid: [] for nid in types}
    for edge in edges:
        src, dst = str(edge.get("from")), str(edge.get("to"))
        if src not in types or dst not in types:
            raise _fail(f"Edge {src} -> {dst} references a node that does not exist.")
        label = edge.get("condition")
        label = None if label is None else str(label).lower()
        if label not in (None, "true", "false"):
            raise _fail(f'Edge {src} -> {dst} has condition {label!r}; use "true" or "false".')
        incoming[dst].append((src, label))
        outgoing[src].append(dst)
    order = _topological(types, incoming, outgoing)
    conditions: dict[str, ConditionSpec] = {}
    actions: list[ActionSpec] = []
    sources: dict[str, dict[str, Any]] = {}
    for node in nodes:
        nid, typ, cfg = str(node["id"]), types[str(node["id"])], configs[str(node["id"])]
        if typ == "condition":
            op = str(cfg.get("operator", ""))
            if op not in COMPARATORS:
                raise _fail(f"Condition {nid}: unknown operator {op!r}.", "Use one of: " + ", ".join(COMPARATORS))
            left = _operand(nid, "left", cfg.get("left"))
            right = _operand(nid, "right", cfg.get("right"))
            conditions[nid] = ConditionSpec(nid, op, left, right, uses_position(left) or uses_position(right))
        elif typ == "action":
            kind = str(cfg.get("action_type", ""))
            if kind not in ("buy", "sell", "notify"):
                raise _fail(f"Action {nid}: unknown action_type {kind!r}.", "Use buy, sell or notify.")
            amount = _amount(nid, cfg, kind) if kind != "notify" else None
            actions.append(
                ActionSpec(
                    nid,
                    kind,
                    cfg.get("symbol"),
                    amount,
                    str(cfg["unit"]) if cfg.get("unit") else None,
                    str(cfg.get("message", "")),
                )
            )
        elif typ == "data_source":
            sources[nid] = cfg
    if not any(a.kind in ("buy", "sell", "notify") for a in actions):
        raise _fail("The strategy has no action node, so a backtest would do nothing.")
    return Plan(
        name=str(strategy.get("name") or "strategy"),
        trigger=configs[triggers[0]],
        trigger_id=triggers[0],
        order=order,
        node_types=types,
        incoming=incoming,
        conditions=conditions,
        actions=actions,
        sources=sources,
    )


def _topological(
    types: dict[str, str], incoming: dict[str, list[tuple[str, str | None]]], outgoing: dict[str, list[str]]
) -> list[str]:
    indegree = {nid: len(incoming[nid]) for nid in types}
    ready = [nid for nid in types if indegree[nid] == 0]
    order: list[str] = []
    while ready:
        nid = ready.pop(0)
        order.append(nid)
        for dst in outgoing[nid]:
            indegree[dst] -= 1
            if indegree[dst] == 0:
                ready.append(dst)
    if len(order) != len(types):
        stuck = sorted(nid for nid in types if nid not in order)
        raise _fail("The strategy graph has a cycle through: " + ", ".join(stuck) + ".")
    return order
