"""Checks of each node on its own: id, type, config structure (pydantic), symbols, amounts, operands.

Part of ``validation.validate``; every problem becomes an Issue with a stable code, all reported at once.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from core.strategy import limits
from core.strategy.issues import Collector
from core.strategy.operands import Column, Indicator, OperandError, parse_operand, sources_in, walk
from core.strategy.schema import ACTION_TYPES, CONFIG_MODELS, NODE_TYPES, config_model
from core.strategy.tolerant import Normaliser

ID_RE = re.compile(r"^[a-z]+_[0-9]+$")
SYMBOL_RE = re.compile(r"^[A-Z0-9]+/[A-Z0-9]+$")
NODE_KEYS = ("id", "type", "config")


def short(value: Any, n: int = 60) -> str:
    text = str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def check_nodes(raw_nodes: list[Any], norm: Normaliser, out: Collector) -> list[tuple[dict[str, Any], bool]]:
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
                out.warn("UNKNOWN_FIELD", f"Node {node_id}: unknown field '{short(key)}' was ignored.",
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
            out.error("BAD_NODE_TYPE", f"Node {node_id} has unknown type '{short(node_type)}'.", node_id=node_id,
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


def _check_config(node: dict[str, Any], norm: Normaliser, out: Collector) -> bool:
    node_id, node_type = node["id"], node["type"]
    raw = node["config"]
    if len(raw) > limits.MAX_CONFIG_KEYS:
        out.error("TOO_LARGE", f"Node {node_id}: config has {len(raw)} fields.", node_id=node_id,
                  hint="Remove the fields the format does not define.")
        return False
    for key, value in raw.items():
        if isinstance(value, str) and len(value) > limits.MAX_STRING_LENGTH:
            out.error("TOO_LARGE", f"Node {node_id}: '{short(key)}' is {len(value)} characters; the limit is "
                      f"{limits.MAX_STRING_LENGTH}.", node_id=node_id, field=str(key), hint="Shorten it.")
            return False
    config = norm.config(node_id, raw)
    node["config"] = config
    key, models = CONFIG_MODELS[node_type]
    model = config_model(node_type, config)
    if model is None:
        assert key is not None
        value = config.get(key)
        what = "is missing" if value is None else f"'{short(value)}' is unknown"
        out.error("BAD_CONFIG", f"Node {node_id}: {key} {what}.", node_id=node_id, field=key,
                  hint=f"Use one of: {', '.join(models)}.")
        return False
    known = _fields(model)
    for extra in [k for k in config if k not in known]:
        out.warn("UNKNOWN_FIELD", f"Node {node_id}: unknown config field '{short(extra)}' was ignored.",
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


def _check_semantics(node_id: str, node_type: str, config: dict[str, Any], out: Collector) -> bool:
    ok = True
    symbol = config.get("symbol")
    if "symbol" in config and not (isinstance(symbol, str) and SYMBOL_RE.match(symbol)):
        out.error("BAD_SYMBOL", f"Node {node_id}: symbol '{short(symbol)}' is not BASE/QUOTE in capitals.",
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
            if is_number(value) and (not math.isfinite(value) or value == 0 or (key == "multiplier" and value < 0)):
                out.error("BAD_CONFIG", f"Node {node_id}: {key} must be a non-zero finite number, got {value}.",
                          node_id=node_id, field=key,
                          hint=f"Set {key} to e.g. {'5' if key == 'threshold_pct' else '2'}.")
                ok = False
    return ok


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_action(node_id: str, config: dict[str, Any], out: Collector) -> bool:
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
        elif not is_number(amount) or not math.isfinite(amount) or amount <= 0:
            out.error("BAD_AMOUNT", f"Node {node_id}: amount {short(amount)!s} is not a positive number.",
                      node_id=node_id, field="amount",
                      hint='Use a number above 0' + (' or "all".' if allowed_all else '.'))
            ok = False
    unit, symbol = config.get("unit"), config.get("symbol")
    if isinstance(unit, str) and isinstance(symbol, str) and SYMBOL_RE.match(symbol):
        base, quote = symbol.split("/")
        if unit not in (base, quote):
            out.error("BAD_UNIT", f"Node {node_id}: unit '{short(unit)}' is neither {base} nor {quote}.",
                      node_id=node_id, field="unit", hint=f"Use {quote} for an amount of money or {base} for coins.")
            ok = False
    return ok


@lru_cache(maxsize=8192)
def analyse_operand(text: str) -> tuple[OperandError | None, frozenset[str], bool]:
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


def _check_operand(node_id: str, side: str, value: Any, out: Collector) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        out.error("BAD_OPERAND", f"Node {node_id}: {side} is not a finite number.", node_id=node_id, field=side,
                  hint="Use a number or an expression such as rsi(14).")
        return False
    if not isinstance(value, int | float | str) or isinstance(value, bool):
        out.error("BAD_OPERAND", f"Node {node_id}: {side} must be a number or an expression text.",
                  node_id=node_id, field=side, hint="Use a number or an expression such as rsi(14).")
        return False
    exc = analyse_operand(value)[0] if isinstance(value, str) else None
    if exc is not None:
        out.error("BAD_OPERAND", f"Node {node_id}: {side} operand: {exc.short} in '{short(value, 120)}'.",
                  node_id=node_id, field=side, column=exc.column,
                  hint=exc.hint or "Operands are numbers, price columns, indicator calls like rsi(14), + - * / ( ).")
        return False
    return True


def index_nodes(nodes: list[tuple[dict[str, Any], bool]], out: Collector) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for node, _ in nodes:
        node_id = node["id"]
        if node_id in by_id:
            out.error("DUPLICATE_ID", f"Two nodes have the id '{node_id}'.", node_id=node_id,
                      hint="Give each node its own id (e.g. condition_2 for the second).")
            continue
        by_id[node_id] = node
    return by_id
