"""Strategy JSON for the tests: the DESIGN.md section 3 example and small builders (DESIGN.md section 3)."""

from __future__ import annotations

from typing import Any

# The example of DESIGN.md section 3, verbatim: valid under every rule.
DESIGN_EXAMPLE: dict[str, Any] = {
    "schema_version": 1,
    "name": "BTC RSI dip buyer",
    "description": "Buys 100 USDT of BTC when the 1h RSI(14) falls below 30.",
    "nodes": [
        {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "1h"}},
        {"id": "data_1", "type": "data_source",
         "config": {"source_type": "ohlcv", "symbol": "BTC/USDT", "timeframe": "1h", "exchange": "binance"}},
        {"id": "condition_1", "type": "condition", "config": {"operator": "<", "left": "rsi(14)", "right": 30}},
        {"id": "action_1", "type": "action",
         "config": {"action_type": "buy", "symbol": "BTC/USDT", "amount": 100, "unit": "USDT"}},
    ],
    "edges": [
        {"from": "trigger_1", "to": "data_1"},
        {"from": "data_1", "to": "condition_1"},
        {"from": "condition_1", "to": "action_1", "condition": "true"},
    ],
}


def node(nid: str, typ: str, **config: Any) -> dict[str, Any]:
    return {"id": nid, "type": typ, "config": config}


def edge(a: str, b: str, label: str | None = None) -> dict[str, Any]:
    return {"from": a, "to": b, **({"condition": label} if label else {})}


def strategy(conditions: list[dict], actions: list[dict], edges: list[dict], interval: str = "1d",
             name: str = "test") -> dict:
    """A trigger and a BTC/USDT OHLCV source feeding the given conditions and actions."""
    return {
        "schema_version": 1,
        "name": name,
        "nodes": [
            node("trigger_1", "trigger", trigger_type="time", interval=interval),
            node("data_1", "data_source", source_type="ohlcv", symbol="BTC/USDT", timeframe=interval),
            *conditions,
            *actions,
        ],
        "edges": [edge("trigger_1", "data_1"), *edges],
    }


def buy(nid: str = "action_1", amount: float = 1e12, unit: str = "USDT") -> dict:
    return node(nid, "action", action_type="buy", symbol="BTC/USDT", amount=amount, unit=unit)


def sell(nid: str = "action_2", amount: float | str = "all", unit: str | None = None) -> dict:
    cfg: dict[str, Any] = {"action_type": "sell", "symbol": "BTC/USDT", "amount": amount}
    if unit:
        cfg["unit"] = unit
    return {"id": nid, "type": "action", "config": cfg}


def cond(nid: str, left: Any, op: str, right: Any) -> dict:
    return node(nid, "condition", operator=op, left=left, right=right)


def buy_and_sell(buy_when: tuple[Any, str, Any], sell_when: tuple[Any, str, Any], *, amount: float = 1e12,
                 interval: str = "1d", name: str = "test") -> dict:
    """Buy ``amount`` USDT of BTC when ``buy_when`` holds; sell everything when ``sell_when`` holds."""
    return strategy(
        [cond("condition_1", *buy_when), cond("condition_2", *sell_when)],
        [buy(amount=amount), sell()],
        [
            edge("data_1", "condition_1"),
            edge("data_1", "condition_2"),
            edge("condition_1", "action_1", "true"),
            edge("condition_2", "action_2", "true"),
        ],
        interval,
        name,
    )


def sma_cross(fast: int, slow: int, interval: str = "1d", *, amount: float = 1e12, name: str = "test") -> dict:
    return buy_and_sell((f"sma({fast})", "crosses_above", f"sma({slow})"),
                        (f"sma({fast})", "crosses_below", f"sma({slow})"), amount=amount, interval=interval, name=name)
