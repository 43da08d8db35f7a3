"""Short human summaries of nodes ("RSI(14) < 30", "BUY 100 USDT · BTC/USDT") for the graph and lists.

Works on possibly invalid dicts (a node under repair still needs a label), so every access is
defensive and every value is turned into text; escaping is the renderer's job, not this one's.
"""

from __future__ import annotations

import re
from typing import Any

_OP_TEXT = {"crosses_above": "crosses above", "crosses_below": "crosses below"}
_CALL = re.compile(r"\b([a-z_]+)\(")
_MAX_LABEL = 48


def _clip(text: str, n: int = _MAX_LABEL) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def operand_text(value: Any) -> str:
    """rsi(14) -> RSI(14); macd_hist(12,26,9) -> MACD_HIST(12,26,9); numbers unchanged."""
    if not isinstance(value, str):
        return _num(value)
    return _CALL.sub(lambda m: m.group(1).upper() + "(", value)


def node_label(node: dict[str, Any]) -> str:
    config = node.get("config")
    config = config if isinstance(config, dict) else {}
    kind = node.get("type")
    if kind == "trigger":
        return _clip(_trigger(config))
    if kind == "data_source":
        return _clip(_source(config))
    if kind == "condition":
        op = config.get("operator", "?")
        return _clip(f"{operand_text(config.get('left', '?'))} {_OP_TEXT.get(str(op), op)} "
                     f"{operand_text(config.get('right', '?'))}")
    if kind == "action":
        return _clip(_action(config))
    return _clip(str(node.get("id", "?")))


def _trigger(config: dict[str, Any]) -> str:
    kind = config.get("trigger_type")
    if kind == "time":
        return f"Every {config.get('interval', '?')}"
    if kind == "price_change":
        pct = _num(config.get("threshold_pct", "?"))
        return f"{config.get('symbol', '?')} moves {pct}% / {config.get('window', '?')}"
    if kind == "volume":
        times = _num(config.get("multiplier", "?"))
        return f"{config.get('symbol', '?')} volume × {times} / {config.get('window', '?')}"
    return f"Trigger ({kind})"


def _source(config: dict[str, Any]) -> str:
    kind = config.get("source_type")
    if kind == "ohlcv":
        parts = [str(config.get("symbol", "?")), str(config.get("timeframe", "?"))]
        if config.get("exchange"):
            parts.append(str(config["exchange"]))
        return " · ".join(parts)
    if kind == "orderbook":
        return f"Order book · {config.get('symbol', '?')}"
    if kind == "news":
        query = config.get("query")
        return f"News · {query}" if query else "News"
    return f"Data ({kind})"


def _action(config: dict[str, Any]) -> str:
    kind = config.get("action_type")
    if kind == "buy":
        return f"BUY {_num(config.get('amount', '?'))} {config.get('unit', '?')} · {config.get('symbol', '?')}"
    if kind == "sell":
        amount = config.get("amount", "?")
        unit = config.get("unit")
        amount_text = "ALL" if amount == "all" else f"{_num(amount)}{' ' + str(unit) if unit else ''}"
        return f"SELL {amount_text} · {config.get('symbol', '?')}"
    if kind == "notify":
        return f"NOTIFY: {config.get('message', '')}"
    return f"Action ({kind})"


def node_details(node: dict[str, Any]) -> str:
    """Plain-text tooltip body: id, type and every config field on its own line."""
    lines = [f"{node.get('id', '?')} ({node.get('type', '?')})"]
    config = node.get("config")
    if isinstance(config, dict):
        for key, value in config.items():
            lines.append(f"{key}: {_clip(str(value), 120)}")
    return "\n".join(lines)
