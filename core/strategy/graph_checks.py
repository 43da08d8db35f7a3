"""Checks of the edges and of the whole graph: links, counts, operand sources, symbols, and the
networkx rules (cycles with their path, reachability, conditions reaching actions).

Part of ``validation.validate``, run after the nodes are checked and indexed by id.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.strategy.issues import Collector
from core.strategy.node_checks import SYMBOL_RE, analyse_operand, is_number, short
from core.strategy.tolerant import Normaliser

EDGE_KEYS = ("from", "to", "condition")
EDGE_KEY_SET = frozenset(EDGE_KEYS)


def check_edges(raw_edges: list[Any], by_id: dict[str, dict[str, Any]], norm: Normaliser,
                 out: Collector) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    seen: Counter[tuple[str, str, Any]] = Counter()
    for index, raw in enumerate(raw_edges):
        if not isinstance(raw, dict):
            out.error("BAD_EDGE", f"edges[{index}] is not an object.", hint='Each edge is {"from", "to"}.')
            continue
        src, dst = raw.get("from"), raw.get("to")
        if not isinstance(src, str) or not isinstance(dst, str) or len(src) > 64 or len(dst) > 64:
            out.error("BAD_EDGE", f"edges[{index}] needs 'from' and 'to' node ids (text).",
                      hint='Write {"from": "data_1", "to": "condition_1"}.')
            continue
        if len(raw) > 2 and not raw.keys() <= EDGE_KEY_SET:
            for key in raw.keys() - EDGE_KEY_SET:
                out.warn("UNKNOWN_FIELD", f"Edge {src} → {dst}: unknown field '{short(key)}' was ignored.",
                         edge=(src, dst), hint="An edge has only from, to and condition.")
        label = raw.get("condition")
        if label is not None and label not in ("true", "false"):
            label = norm.branch(f"edge {src} → {dst}", label)
        edge: dict[str, Any] = {"from": src, "to": dst}
        if label is not None:
            edge["condition"] = label
        edges.append(edge)
        if label is not None and label not in ("true", "false"):
            out.error("MISSING_BRANCH_LABEL", f"Edge {src} → {dst}: condition '{short(label)}' is not true/false.",
                      edge=(src, dst), node_id=src, hint='Use "condition": "true" or "false".')
        key = (src, dst, label if label is None or isinstance(label, str) else repr(label))
        seen[key] += 1
        if seen[key] == 2:
            out.warn("DUPLICATE_EDGE", f"Edge {src} → {dst} appears more than once.", edge=(src, dst),
                     hint="Remove the copy.")
        missing = [n for n in (src, dst) if n not in by_id]
        for node_id in dict.fromkeys(missing):
            out.error("DANGLING_EDGE", f"Edge {src} → {dst} refers to '{node_id}', which is not a node.",
                      edge=(src, dst), hint="Fix the id or add the missing node.")
        if missing:
            continue
        if src == dst:
            out.error("SELF_LOOP", f"Edge {src} → {dst} loops on itself.", edge=(src, dst), node_id=src,
                      hint="Remove it; a node cannot feed itself.")
            continue
        if by_id[dst]["type"] == "trigger":
            out.error("EDGE_INTO_TRIGGER", f"Edge {src} → {dst} points into the trigger.", edge=(src, dst),
                      node_id=dst, hint="The trigger starts the flow; nothing may point into it.")
        src_type = by_id[src]["type"]
        if src_type == "condition" and label is None:
            out.error("MISSING_BRANCH_LABEL", f"Edge {src} → {dst} leaves a condition without a true/false label.",
                      edge=(src, dst), node_id=src, hint='Add "condition": "true" (or "false") to the edge.')
        elif src_type != "condition" and label in ("true", "false"):
            out.warn("STRAY_BRANCH_LABEL", f"Edge {src} → {dst} has a true/false label but {src} is not a condition.",
                     edge=(src, dst), hint="Only edges leaving a condition carry a label; remove it.")
    return edges


# --- whole-graph rules -----------------------------------------------------------------------


def check_counts(by_id: dict[str, dict[str, Any]], out: Collector) -> None:
    counts = Counter(n["type"] for n in by_id.values())
    triggers = [i for i, n in by_id.items() if n["type"] == "trigger"]
    if counts["trigger"] != 1:
        extra = f" ({', '.join(triggers[:5])})" if triggers else ""
        out.error("TRIGGER_COUNT", f"A strategy has exactly one trigger; this one has {counts['trigger']}{extra}.",
                  node_id=triggers[1] if len(triggers) > 1 else None,
                  hint="Keep one trigger node." if triggers else 'Add {"id": "trigger_1", "type": "trigger", '
                  '"config": {"trigger_type": "time", "interval": "1h"}}.')
    if counts["condition"] == 0:
        out.error("NO_CONDITION", "The strategy has no condition.",
                  hint='Add a condition such as {"operator": "<", "left": "rsi(14)", "right": 30}.')
    if counts["action"] == 0:
        out.error("NO_ACTION", "The strategy has no action.", hint="Add a buy, sell or notify action.")
    if counts["data_source"] == 0 and counts["condition"]:
        out.warn("NO_DATA_SOURCE", "The strategy reads no market data.",
                 hint="Add an ohlcv data source between the trigger and the first condition.")


def check_operand_sources(by_id: dict[str, dict[str, Any]], out: Collector) -> None:
    sources = {i for i, n in by_id.items() if n["type"] == "data_source"}
    market = sorted(i for i, n in by_id.items() if n["type"] == "data_source" and isinstance(n["config"], dict)
                    and n["config"].get("source_type") in ("ohlcv", "orderbook"))
    for node_id, node in by_id.items():
        if node["type"] != "condition" or not isinstance(node["config"], dict):
            continue
        for side in ("left", "right"):
            value = node["config"].get(side)
            if not isinstance(value, str):
                continue
            error, names, unprefixed = analyse_operand(value)
            if error is not None:
                continue  # reported already
            if unprefixed and len(market) > 1:
                out.warn("AMBIGUOUS_SOURCE", f"Node {node_id}: {side} does not say which of {', '.join(market)} "
                         "it reads.", node_id=node_id, field=side,
                         hint=f"Prefix it with the data source, e.g. {market[0]}.{value.strip()}.")
            for name in sorted(names - sources):
                out.error("UNKNOWN_SOURCE", f"Node {node_id}: {side} reads from '{name}', which is not a data "
                          "source.", node_id=node_id, field=side, column=value.find(name + ".") + 1,
                          hint=f"Use one of: {', '.join(sorted(sources)) or 'none (add a data source)'}.")
        config = node["config"]
        if all(is_number(config.get(s)) for s in ("left", "right")):
            out.warn("CONSTANT_CONDITION", f"Node {node_id} compares two numbers; it never changes.",
                     node_id=node_id, hint="Compare a price, an indicator or position_pnl_pct with a number.")


def check_symbols_agree(by_id: dict[str, dict[str, Any]], out: Collector) -> None:
    read = {n["config"].get("symbol") for n in by_id.values()
            if n["type"] == "data_source" and isinstance(n["config"], dict)
            and isinstance(n["config"].get("symbol"), str)}
    if not read:
        return
    for node_id, node in by_id.items():
        config = node["config"]
        if node["type"] == "action" and isinstance(config, dict):
            symbol = config.get("symbol")
            if isinstance(symbol, str) and SYMBOL_RE.match(symbol) and symbol not in read:
                out.warn("SYMBOL_MISMATCH", f"Node {node_id} trades {symbol} but the data sources read "
                         f"{', '.join(sorted(map(str, read)))}.", node_id=node_id, field="symbol",
                         hint="Check the symbol, or add a data source for it.")


def check_graph(by_id: dict[str, dict[str, Any]], edges: list[dict[str, Any]], out: Collector) -> None:
    # Imported here: networkx takes a large share of the app's start, and the first page validates nothing.
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(by_id)
    for edge in edges:
        src, dst = edge["from"], edge["to"]
        if src in by_id and dst in by_id and src != dst:
            graph.add_edge(src, dst)
    # Cycles: one path per strongly connected component (simple_cycles could explode).
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(graph.subgraph(component))
        path = [u for u, _ in cycle] + [cycle[0][0]]
        out.error("CYCLE", "The graph has a cycle: " + " → ".join(path) + ".", node_id=path[0],
                  edge=(cycle[-1][0], cycle[-1][1]),
                  hint="Remove one edge of the cycle; the flow must run one way from the trigger to the actions.")
    triggers = [i for i, n in by_id.items() if n["type"] == "trigger"]
    if triggers:
        reachable: set[str] = set(triggers)
        for trigger in triggers:
            reachable |= nx.descendants(graph, trigger)
        for node_id in by_id:
            if node_id not in reachable:
                out.error("UNREACHABLE_NODE", f"Node {node_id} cannot be reached from the trigger.",
                          node_id=node_id, hint="Connect it with an edge from the node that should come before it.")
    actions = [i for i, n in by_id.items() if n["type"] == "action"]
    sink = object()  # a virtual node after every action: one reverse search instead of one per action
    graph.add_node(sink)
    graph.add_edges_from((a, sink) for a in actions)
    leads_to_action = nx.ancestors(graph, sink)
    for node_id, node in by_id.items():
        if node["type"] == "condition" and node_id not in leads_to_action:
            out.error("CONDITION_WITHOUT_ACTION", f"Condition {node_id} leads to no action.", node_id=node_id,
                      hint='Add an edge {"from": "' + node_id + '", "to": <an action>, "condition": "true"}.')
