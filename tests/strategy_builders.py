"""Small builders of strategy JSON (DESIGN.md section 3) for the market and backtest tests."""

from __future__ import annotations

from typing import Any


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
