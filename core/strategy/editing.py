"""Edits of a strategy graph as pure functions on its dict (the canvas editor's operations).

Each function returns a new dict and never raises for an odd graph: the editor works on strategies
under repair too, and validation (run after every edit) says what is still wrong.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from core.strategy.schema import INTERVALS

NODE_TYPES = ("trigger", "data_source", "condition", "action")
OPERATORS = ("<", ">", "<=", ">=", "==", "!=", "crosses_above", "crosses_below")
TRIGGER_TYPES = ("time", "price_change", "volume")
SOURCE_TYPES = ("ohlcv", "orderbook", "news")
ACTION_TYPES = ("buy", "sell", "notify")
EXCHANGES = ("binance", "upbit", "bithumb", "coinbase", "kraken", "bybit", "okx")
TIMEFRAMES = INTERVALS
# Quick picks for a condition's left operand: the indicators traders reach for first.
INDICATOR_PICKS = ("rsi(14)", "sma(20)", "ema(50)", "sma(200)", "macd(12,26,9)", "macd_signal(12,26,9)",
                   "macd_hist(12,26,9)", "bb_lower(20,2)", "bb_upper(20,2)", "atr(14)", "change_pct(1)",
                   "volume", "volume_sma(20)", "close", "position_pnl_pct")
_ID_PREFIX = {"trigger": "trigger", "data_source": "data", "condition": "condition", "action": "action"}


def _nodes(strategy: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in strategy.get("nodes") or [] if isinstance(n, dict)]


def _edges(strategy: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in strategy.get("edges") or [] if isinstance(e, dict)]


def node_of(strategy: dict[str, Any], node_id: str) -> dict[str, Any] | None:
    return next((n for n in _nodes(strategy) if n.get("id") == node_id), None)


def main_symbol(strategy: dict[str, Any]) -> str:
    for node in _nodes(strategy):
        config = node.get("config") if isinstance(node.get("config"), dict) else {}
        if isinstance(config.get("symbol"), str) and config["symbol"]:
            return str(config["symbol"])
    return "BTC/USDT"


def default_config(kind: str, subtype: str | None = None, symbol: str = "BTC/USDT") -> dict[str, Any]:
    """A valid starting config for a node of ``kind`` (and its subtype, e.g. an action's 'sell')."""
    quote = symbol.split("/")[-1] if "/" in symbol else "USDT"
    if kind == "trigger":
        sub = subtype or "time"
        if sub == "price_change":
            return {"trigger_type": sub, "symbol": symbol, "threshold_pct": 5, "window": "1h"}
        if sub == "volume":
            return {"trigger_type": sub, "symbol": symbol, "multiplier": 2, "window": "1h"}
        return {"trigger_type": "time", "interval": "1h"}
    if kind == "data_source":
        sub = subtype or "ohlcv"
        if sub == "orderbook":
            return {"source_type": sub, "symbol": symbol, "exchange": "binance"}
        if sub == "news":
            return {"source_type": sub, "query": symbol.split("/")[0]}
        return {"source_type": "ohlcv", "symbol": symbol, "timeframe": "1h", "exchange": "binance"}
    if kind == "condition":
        return {"operator": "<", "left": "rsi(14)", "right": 30}
    sub = subtype or "buy"
    if sub == "sell":
        return {"action_type": sub, "symbol": symbol, "amount": "all"}
    if sub == "notify":
        return {"action_type": sub, "message": "Signal"}
    return {"action_type": "buy", "symbol": symbol, "amount": 100, "unit": quote}


def next_id(strategy: dict[str, Any], kind: str) -> str:
    prefix = _ID_PREFIX.get(kind, "node")
    taken = {str(n.get("id")) for n in _nodes(strategy)}
    numbers = [int(m.group(1)) for t in taken if (m := re.fullmatch(rf"{prefix}_(\d+)", t))]
    n = max(numbers, default=0) + 1
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}"


def set_config(strategy: dict[str, Any], node_id: str, config: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(strategy)
    for node in _nodes(out):
        if node.get("id") == node_id:
            node["config"] = copy.deepcopy(config)
    return out


def add_node(strategy: dict[str, Any], kind: str, after: str | None = None,
             subtype: str | None = None) -> tuple[dict[str, Any], str]:
    """A new node of ``kind`` with a valid default config, linked from ``after`` when given
    (as the 'true' branch when ``after`` is a condition). Returns the new strategy and node id."""
    out = copy.deepcopy(strategy)
    out.setdefault("nodes", [])
    out.setdefault("edges", [])
    node_id = next_id(out, kind)
    out["nodes"].append({"id": node_id, "type": kind, "config": default_config(kind, subtype, main_symbol(out))})
    if after is not None and node_of(out, after) is not None and kind != "trigger":
        out = connect(out, after, node_id, "true" if (node_of(out, after) or {}).get("type") == "condition" else None)
    return out, node_id


def delete_node(strategy: dict[str, Any], node_id: str) -> dict[str, Any]:
    """Remove the node and every edge touching it."""
    out = copy.deepcopy(strategy)
    out["nodes"] = [n for n in out.get("nodes") or [] if not (isinstance(n, dict) and n.get("id") == node_id)]
    out["edges"] = [e for e in out.get("edges") or []
                    if not (isinstance(e, dict) and node_id in (e.get("from"), e.get("to")))]
    return out


def connect(strategy: dict[str, Any], source: str, target: str, branch: str | None = None) -> dict[str, Any]:
    """Add the edge source → target (a condition's edges carry 'true' or 'false'); an existing
    edge between the two is replaced, so connecting twice never duplicates."""
    out = copy.deepcopy(strategy)
    edges = [e for e in out.get("edges") or []
             if not (isinstance(e, dict) and e.get("from") == source and e.get("to") == target)]
    edge: dict[str, Any] = {"from": source, "to": target}
    if (node_of(out, source) or {}).get("type") == "condition":
        edge["condition"] = branch if branch in ("true", "false") else "true"
    edges.append(edge)
    out["edges"] = edges
    return out


def disconnect(strategy: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    out = copy.deepcopy(strategy)
    out["edges"] = [e for e in out.get("edges") or []
                    if not (isinstance(e, dict) and e.get("from") == source and e.get("to") == target)]
    return out


def out_edges(strategy: dict[str, Any], node_id: str) -> list[dict[str, Any]]:
    return [e for e in _edges(strategy) if e.get("from") == node_id]


def in_edges(strategy: dict[str, Any], node_id: str) -> list[dict[str, Any]]:
    return [e for e in _edges(strategy) if e.get("to") == node_id]


def parse_number(text: str) -> int | float | None:
    """'30' -> 30, '2.5' -> 2.5, anything else -> None (an expression operand)."""
    try:
        value = float(text.strip())
    except (ValueError, AttributeError):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
