"""Every rule of the strategy format (DESIGN.md section 3), all violations reported at once.

Order of work: size caps (cheap, on the raw input) → tolerant normalisation → per-node checks
(id, type, config structure, symbols, amounts, operands) → per-edge checks → graph rules with
networkx (cycles with their path, reachability, conditions reaching actions).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Literal, get_args, get_origin

import networkx as nx
from pydantic import ValidationError

from core.strategy import limits
from core.strategy.issues import Issue, ValidationReport
from core.strategy.operands import Column, Indicator, OperandError, parse_operand, sources_in, walk
from core.strategy.schema import (
    ACTION_TYPES,
    CONFIG_MODELS,
    NODE_TYPES,
    SCHEMA_VERSION,
    config_model,
)
from core.strategy.tolerant import Normaliser

ID_RE = re.compile(r"^[a-z]+_[0-9]+$")
SYMBOL_RE = re.compile(r"^[A-Z0-9]+/[A-Z0-9]+$")
TOP_LEVEL_KEYS = ("schema_version", "name", "description", "nodes", "edges")
NODE_KEYS = ("id", "type", "config")
EDGE_KEYS = ("from", "to", "condition")
EDGE_KEY_SET = frozenset(EDGE_KEYS)


class _Collector:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, code: str, message: str, **kw: Any) -> None:
        self.issues.append(Issue(code, "error", message, **kw))

    def warn(self, code: str, message: str, **kw: Any) -> None:
        self.issues.append(Issue(code, "warning", message, **kw))


def validate(data: dict[str, Any] | str | bytes) -> ValidationReport:
    """Validate a strategy given as a dict or JSON text. Never raises for bad input."""
    out = _Collector()
    if isinstance(data, bytes | str):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if len(text) > limits.MAX_TEXT_BYTES:
            out.error(
                "TOO_LARGE",
                f"The strategy text is {len(text):,} characters; the limit is {limits.MAX_TEXT_BYTES:,}.",
                hint="A strategy is a small graph; check that the right file was given.",
            )
            return _report(out, None, [])
        try:
            data = json.loads(text)
        except RecursionError:
            out.error("TOO_LARGE", "The JSON is nested too deeply to read.",
                      hint="A strategy nests only a few levels; check that the right file was given.")
            return _report(out, None, [])
        except json.JSONDecodeError as exc:
            out.error(
                "BAD_JSON",
                f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                hint="Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause).",
                column=exc.colno,
            )
            return _report(out, None, [])
    if not isinstance(data, dict):
        out.error(
            "BAD_STRUCTURE",
            f"A strategy is a JSON object; got {type(data).__name__}.",
            hint='Start from {"schema_version": 1, "name": ..., "nodes": [...], "edges": [...]}.',
        )
        return _report(out, None, [])
    nodes_raw, edges_raw = data.get("nodes"), data.get("edges")
    if not _check_top_level(data, nodes_raw, edges_raw, out):
        return _report(out, None, [])
    norm = Normaliser()
    strategy = _top_level(data, norm, out)
    nodes = _check_nodes(nodes_raw, norm, out)
    strategy["nodes"] = [n for n, _ in nodes]
    by_id = _index(nodes, out)
    edges = _check_edges(edges_raw, by_id, norm, out)
    strategy["edges"] = edges
    _check_counts(by_id, out)
    _check_operand_sources(by_id, out)
    _check_symbols_agree(by_id, out)
    _check_graph(by_id, edges, out)
    return _report(out, strategy, norm.notes)


def _report(out: _Collector, strategy: dict[str, Any] | None, notes: list[str]) -> ValidationReport:
    issues = out.issues
    if len(issues) > limits.MAX_ISSUES:
        hidden = len(issues) - limits.MAX_ISSUES
        issues = [*issues[: limits.MAX_ISSUES], Issue(
            "TOO_MANY_ISSUES", "error", f"{hidden} more issue(s) not listed.", hint="Fix the ones above first.")]
    valid = not any(i.severity == "error" for i in issues)
    return ValidationReport(valid=valid, issues=issues, strategy=strategy, warnings=notes)


# --- top level -------------------------------------------------------------------------------


def _check_top_level(data: dict[str, Any], nodes: Any, edges: Any, out: _Collector) -> bool:
    ok = True
    for key, value in (("nodes", nodes), ("edges", edges)):
        if not isinstance(value, list):
            ok = False
            got = "missing" if value is None else f"a {type(value).__name__}"
            out.error("BAD_STRUCTURE", f"'{key}' must be a list; it is {got}.",
                      hint=f'Add "{key}": [ ... ] at the top level.')
    if not ok:
        return False
    if len(nodes) > limits.MAX_NODES:
        out.error("TOO_LARGE", f"{len(nodes):,} nodes; the limit is {limits.MAX_NODES:,}.",
                  hint="Split the strategy into smaller ones.")
        ok = False
    if len(edges) > limits.MAX_EDGES:
        out.error("TOO_LARGE", f"{len(edges):,} edges; the limit is {limits.MAX_EDGES:,}.",
                  hint="Split the strategy into smaller ones.")
        ok = False
    return ok


def _top_level(data: dict[str, Any], norm: Normaliser, out: _Collector) -> dict[str, Any]:
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, str) and version.strip() == str(SCHEMA_VERSION):
        norm.note("schema_version", f"{version!r} read as {SCHEMA_VERSION}")
        version = SCHEMA_VERSION
    if version != SCHEMA_VERSION or isinstance(version, bool):
        out.error("BAD_SCHEMA_VERSION", f"schema_version is {version!r}; this studio reads version 1.",
                  hint='Set "schema_version": 1.')
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        out.error("BAD_STRUCTURE", "The strategy has no name.", hint='Add "name": "a short title".')
        name = "" if not isinstance(name, str) else name
    elif len(name) > limits.MAX_NAME_LENGTH:
        out.error("TOO_LARGE", f"The name is {len(name)} characters; the limit is {limits.MAX_NAME_LENGTH}.",
                  hint="Shorten the name.")
    description = data.get("description") or ""
    if not isinstance(description, str):
        out.error("BAD_STRUCTURE", "description must be text.", hint='Write "description": "..." or leave it out.')
        description = ""
    elif len(description) > limits.MAX_DESCRIPTION_LENGTH:
        out.error("TOO_LARGE", f"The description is {len(description)} characters; the limit is "
                  f"{limits.MAX_DESCRIPTION_LENGTH}.", hint="Shorten the description.")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            out.warn("UNKNOWN_FIELD", f"Unknown top-level field '{_short(key)}' was ignored.",
                     hint="Remove it; the format has " + ", ".join(TOP_LEVEL_KEYS) + ".")
    return {"schema_version": SCHEMA_VERSION, "name": name, "description": description}


# --- nodes -----------------------------------------------------------------------------------


def _short(value: Any, n: int = 60) -> str:
    text = str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def _check_nodes(raw_nodes: list[Any], norm: Normaliser, out: _Collector) -> list[tuple[dict[str, Any], bool]]:
    """Return (normalised node, config_ok) for every node that is an object with an id."""
    nodes: list[tuple[dict[str, Any], bool]] = []
    for index, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            out.error("BAD_NODE", f"nodes[{index}] is not an object.", hint='Each node is {"id", "type", "config"}.')
            continue
        node_id = raw.get("id")
        if not isinstance(node_id, str) or not node_id:
            out.error("BAD_NODE_ID", f"nodes[{index}] has no id.", hint="Give it an id such as condition_1.")
            continue
        if len(node_id) > limits.MAX_ID_LENGTH:
            out.error("TOO_LARGE", f"nodes[{index}] id is {len(node_id)} characters; the limit is "
                      f"{limits.MAX_ID_LENGTH}.", hint="Use ids such as condition_1.")
            continue
        if not ID_RE.match(node_id):
            out.error("BAD_NODE_ID", f"Node id '{node_id}' does not match the pattern word_number.",
                      node_id=node_id, hint="Use lower-case letters, an underscore and a number, e.g. condition_1.")
        for key in raw:
            if key not in NODE_KEYS:
                out.warn("UNKNOWN_FIELD", f"Node {node_id}: unknown field '{_short(key)}' was ignored.",
                         node_id=node_id, hint="A node has only id, type and config.")
        node_type = norm.node_type(node_id, raw.get("type"))
        if not isinstance(node_type, str):
            # Reported below as BAD_NODE_TYPE; a non-text type must not reach the counters and sets.
            out.error("BAD_NODE_TYPE", f"Node {node_id} has a type that is not text ({type(node_type).__name__}).",
                      node_id=node_id, hint="Use one of: " + ", ".join(NODE_TYPES) + ".")
            nodes.append(({"id": node_id, "type": "", "config": {}}, False))
            continue
        config = raw.get("config")
        if config is None:
            config = {}
        node = {"id": node_id, "type": node_type, "config": config}
        if node_type not in NODE_TYPES:
            out.error("BAD_NODE_TYPE", f"Node {node_id} has unknown type '{_short(node_type)}'.", node_id=node_id,
                      hint="Use one of: " + ", ".join(NODE_TYPES) + ".")
            nodes.append((node, False))
            continue
        if not isinstance(config, dict):
            out.error("BAD_CONFIG", f"Node {node_id}: config must be an object.", node_id=node_id,
                      hint="Write \"config\": { ... }.")
            nodes.append((node, False))
            continue
        ok = _check_config(node, norm, out)
        nodes.append((node, ok))
    return nodes


def _check_config(node: dict[str, Any], norm: Normaliser, out: _Collector) -> bool:
    node_id, node_type = node["id"], node["type"]
    raw = node["config"]
    if len(raw) > limits.MAX_CONFIG_KEYS:
        out.error("TOO_LARGE", f"Node {node_id}: config has {len(raw)} fields.", node_id=node_id,
                  hint="Remove the fields the format does not define.")
        return False
    for key, value in raw.items():
        if isinstance(value, str) and len(value) > limits.MAX_STRING_LENGTH:
            out.error("TOO_LARGE", f"Node {node_id}: '{_short(key)}' is {len(value)} characters; the limit is "
                      f"{limits.MAX_STRING_LENGTH}.", node_id=node_id, field=str(key), hint="Shorten it.")
            return False
    config = norm.config(node_id, raw)
    node["config"] = config
    key, models = CONFIG_MODELS[node_type]
    model = config_model(node_type, config)
    if model is None:
        assert key is not None
        value = config.get(key)
        what = "is missing" if value is None else f"'{_short(value)}' is unknown"
        out.error("BAD_CONFIG", f"Node {node_id}: {key} {what}.", node_id=node_id, field=key,
                  hint=f"Use one of: {', '.join(models)}.")
        return False
    known = _fields(model)
    for extra in [k for k in config if k not in known]:
        out.warn("UNKNOWN_FIELD", f"Node {node_id}: unknown config field '{_short(extra)}' was ignored.",
                 node_id=node_id, field=str(extra), hint="Fields of this kind: " + ", ".join(model.model_fields) + ".")
        del config[extra]
    # Semantics with their own codes are checked before pydantic so a bad symbol is BAD_SYMBOL.
    semantic_ok = _check_semantics(node_id, node_type, config, out)
    try:
        model.model_validate(config)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"][:1]) if err["loc"] else ""
            if field in ("amount",) and not semantic_ok:
                continue  # already reported as BAD_AMOUNT
            out.error("BAD_CONFIG", f"Node {node_id}: {field or 'config'} — {_pyd_message(err)}.",
                      node_id=node_id, field=field or None, hint=_pyd_hint(field, model))
        return False
    return semantic_ok


@lru_cache(maxsize=32)
def _fields(model: type) -> frozenset[str]:
    return frozenset(model.model_fields)  # type: ignore[attr-defined]


def _pyd_message(err: dict[str, Any]) -> str:
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return str(err["msg"]).replace("Input should be", "should be")


def _pyd_hint(field: str, model: type) -> str:
    info = model.model_fields.get(field)  # type: ignore[attr-defined]
    if info is None:
        return "Fields of this kind: " + ", ".join(model.model_fields) + "."  # type: ignore[attr-defined]
    return f"Set '{field}' ({_type_text(info.annotation)})."


def _type_text(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(annotation))
    text = str(annotation).replace("typing.", "").replace("NoneType", "null")
    return re.sub(r"<class '(\w+)'>", r"\1", text)


def _check_semantics(node_id: str, node_type: str, config: dict[str, Any], out: _Collector) -> bool:
    ok = True
    symbol = config.get("symbol")
    if "symbol" in config and not (isinstance(symbol, str) and SYMBOL_RE.match(symbol)):
        out.error("BAD_SYMBOL", f"Node {node_id}: symbol '{_short(symbol)}' is not BASE/QUOTE in capitals.",
                  node_id=node_id, field="symbol", hint="Write it like BTC/USDT.")
        ok = False
    if node_type == "condition":
        for side in ("left", "right"):
            if side in config:
                ok = _check_operand(node_id, side, config[side], out) and ok
    elif node_type == "action" and config.get("action_type") in ACTION_TYPES:
        ok = _check_action(node_id, config, out) and ok
    elif node_type == "trigger":
        for key in ("threshold_pct", "multiplier"):
            value = config.get(key)
            if _is_number(value) and (not math.isfinite(value) or value == 0 or (key == "multiplier" and value < 0)):
                out.error("BAD_CONFIG", f"Node {node_id}: {key} must be a non-zero finite number, got {value}.",
                          node_id=node_id, field=key,
                          hint=f"Set {key} to e.g. {'5' if key == 'threshold_pct' else '2'}.")
                ok = False
    return ok


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_action(node_id: str, config: dict[str, Any], out: _Collector) -> bool:
    ok = True
    kind = config["action_type"]
    if kind == "notify":
        message = config.get("message")
        if isinstance(message, str) and not message.strip():
            out.error("BAD_CONFIG", f"Node {node_id}: the notification message is empty.", node_id=node_id,
                      field="message", hint="Write what the notification should say.")
            ok = False
        return ok
    amount = config.get("amount")
    if "amount" in config:
        allowed_all = kind == "sell"
        if amount == "all" and allowed_all:
            pass
        elif not _is_number(amount) or not math.isfinite(amount) or amount <= 0:
            out.error("BAD_AMOUNT", f"Node {node_id}: amount {_short(amount)!s} is not a positive number.",
                      node_id=node_id, field="amount",
                      hint='Use a number above 0' + (' or "all".' if allowed_all else '.'))
            ok = False
    unit, symbol = config.get("unit"), config.get("symbol")
    if isinstance(unit, str) and isinstance(symbol, str) and SYMBOL_RE.match(symbol):
        base, quote = symbol.split("/")
        if unit not in (base, quote):
            out.error("BAD_UNIT", f"Node {node_id}: unit '{_short(unit)}' is neither {base} nor {quote}.",
                      node_id=node_id, field="unit", hint=f"Use {quote} for an amount of money or {base} for coins.")
            ok = False
    return ok


@lru_cache(maxsize=8192)
def _analyse(text: str) -> tuple[OperandError | None, frozenset[str], bool]:
    """Parse once per distinct operand text: (the error or None, the data sources it names, whether
    it reads market data without naming a source).

    Graphs repeat operands a lot, and both the operand rule and the source rules need the parse.
    """
    try:
        expr = parse_operand(text)
    except OperandError as exc:
        return exc, frozenset(), False
    unprefixed = any(isinstance(n, Column | Indicator) and n.source is None for n in walk(expr))
    return None, frozenset(sources_in(expr)), unprefixed


def _check_operand(node_id: str, side: str, value: Any, out: _Collector) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        out.error("BAD_OPERAND", f"Node {node_id}: {side} is not a finite number.", node_id=node_id, field=side,
                  hint="Use a number or an expression such as rsi(14).")
        return False
    if not isinstance(value, int | float | str) or isinstance(value, bool):
        out.error("BAD_OPERAND", f"Node {node_id}: {side} must be a number or an expression text.",
                  node_id=node_id, field=side, hint="Use a number or an expression such as rsi(14).")
        return False
    exc = _analyse(value)[0] if isinstance(value, str) else None
    if exc is not None:
        out.error("BAD_OPERAND", f"Node {node_id}: {side} operand: {exc.short} in '{_short(value, 120)}'.",
                  node_id=node_id, field=side, column=exc.column,
                  hint=exc.hint or "Operands are numbers, price columns, indicator calls like rsi(14), + - * / ( ).")
        return False
    return True


def _index(nodes: list[tuple[dict[str, Any], bool]], out: _Collector) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for node, _ in nodes:
        node_id = node["id"]
        if node_id in by_id:
            out.error("DUPLICATE_ID", f"Two nodes have the id '{node_id}'.", node_id=node_id,
                      hint="Give each node its own id (e.g. condition_2 for the second).")
            continue
        by_id[node_id] = node
    return by_id


# --- edges -----------------------------------------------------------------------------------


def _check_edges(raw_edges: list[Any], by_id: dict[str, dict[str, Any]], norm: Normaliser,
                 out: _Collector) -> list[dict[str, Any]]:
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
                out.warn("UNKNOWN_FIELD", f"Edge {src} → {dst}: unknown field '{_short(key)}' was ignored.",
                         edge=(src, dst), hint="An edge has only from, to and condition.")
        label = raw.get("condition")
        if label is not None and label not in ("true", "false"):
            label = norm.branch(f"edge {src} → {dst}", label)
        edge: dict[str, Any] = {"from": src, "to": dst}
        if label is not None:
            edge["condition"] = label
        edges.append(edge)
        if label is not None and label not in ("true", "false"):
            out.error("MISSING_BRANCH_LABEL", f"Edge {src} → {dst}: condition '{_short(label)}' is not true/false.",
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


def _check_counts(by_id: dict[str, dict[str, Any]], out: _Collector) -> None:
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


def _check_operand_sources(by_id: dict[str, dict[str, Any]], out: _Collector) -> None:
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
            error, names, unprefixed = _analyse(value)
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
        if all(_is_number(config.get(s)) for s in ("left", "right")):
            out.warn("CONSTANT_CONDITION", f"Node {node_id} compares two numbers; it never changes.",
                     node_id=node_id, hint="Compare a price, an indicator or position_pnl_pct with a number.")


def _check_symbols_agree(by_id: dict[str, dict[str, Any]], out: _Collector) -> None:
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


def _check_graph(by_id: dict[str, dict[str, Any]], edges: list[dict[str, Any]], out: _Collector) -> None:
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
