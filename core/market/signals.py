"""Vectorised signals: on which bars the trigger runs, and on which bars each action fires.

Everything here is numpy over many bars at once. Conditions that mention ``position_pnl_pct``
depend on the position, so the backtester evaluates them per stretch of bars with a constant
position (see backtester.py); all other conditions are evaluated once over the whole data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import talib

from core.coded import Coded
from core.market.evaluate import Evaluator, compare
from core.market.plan import ConditionSpec, Plan
from core.market.timeframes import timeframe_seconds


def bars_for(window: Any, bar_seconds: int) -> int:
    """A trigger window ("1h" or a bar count) in bars of the data, at least 1."""
    if isinstance(window, int | float) and not isinstance(window, bool):
        return max(1, int(window))
    return max(1, round(timeframe_seconds(str(window)) / bar_seconds))


def trigger_mask(
    plan: Plan, ev: Evaluator, index_seconds: np.ndarray, bar_seconds: int
) -> tuple[np.ndarray, list[str]]:
    """Bars on whose close the graph runs, plus notes on how the cadence maps to the data."""
    cfg = plan.trigger
    kind = str(cfg.get("trigger_type", "time"))
    notes: list[str] = []
    n = ev.n
    close = ev.columns["close"]
    if kind == "price_change":
        bars = bars_for(cfg.get("window", "1h"), bar_seconds)
        threshold = float(cfg.get("threshold_pct", 1.0))
        change = talib.ROC(close, timeperiod=bars) if n > bars else np.full(n, np.nan)
        with np.errstate(invalid="ignore"):
            # A negative threshold means "a drop of at least", a positive one "a move either way of at least".
            mask = change <= threshold if threshold < 0 else np.abs(change) >= threshold
        return mask & ~np.isnan(change), notes
    if kind == "volume":
        bars = bars_for(cfg.get("window", "1h"), bar_seconds)
        multiplier = float(cfg.get("multiplier", 2.0))
        avg = talib.SMA(ev.columns["volume"], timeperiod=bars) if n >= bars else np.full(n, np.nan)
        with np.errstate(invalid="ignore"):
            mask = ev.columns["volume"] >= multiplier * avg
        return mask & ~np.isnan(avg), notes
    interval = timeframe_seconds(str(cfg.get("interval", "1d")))
    if interval < bar_seconds:
        notes.append(Coded(
            "BT_TRIGGER_FASTER_THAN_BARS",
            f"The trigger runs every {cfg.get('interval')} but the bars are longer; conditions are checked "
            "once per bar, on its close.",
            interval=str(cfg.get("interval")),
        ))
    if interval <= bar_seconds:
        return np.ones(n, dtype=bool), notes
    # The graph runs on the bar whose close completes an interval (e.g. every 60th 1m bar for 1h).
    bucket = (index_seconds + bar_seconds) // interval
    mask = np.empty(n, dtype=bool)
    if n:
        mask[0] = (index_seconds[0] + bar_seconds) % interval == 0
        mask[1:] = bucket[1:] != bucket[:-1]
    return mask, notes


def condition_values(
    spec: ConditionSpec,
    ev: Evaluator,
    window: slice | None = None,
    position: np.ndarray | None = None,
    prev_position: float = np.nan,
) -> np.ndarray:
    """True/False per bar of ``window``. For crosses, the bar before the window supplies 'previous'."""
    left = ev.series(spec.left, position=position, window=window)
    right = ev.series(spec.right, position=position, window=window)
    prev_l = prev_r = np.nan
    start = (window.start or 0) if window is not None else 0
    if spec.op.startswith("crosses") and start > 0:
        prev_sl = slice(start - 1, start)
        prev_pos = np.array([prev_position]) if position is not None else None
        prev_l = float(ev.series(spec.left, position=prev_pos, window=prev_sl)[0])
        prev_r = float(ev.series(spec.right, position=prev_pos, window=prev_sl)[0])
    return compare(spec.op, left, right, prev_l, prev_r)


def propagate(plan: Plan, trigger: np.ndarray, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Action id -> bool per bar: reached from the trigger through the conditions' true/false edges."""
    reached: dict[str, np.ndarray] = {}
    false = np.zeros(len(trigger), dtype=bool)
    for nid in plan.order:
        if nid == plan.trigger_id:
            reached[nid] = trigger
            continue
        acc = false
        for src, label in plan.incoming[nid]:
            passed = reached.get(src, false)
            if src in plan.conditions:
                passed = passed & (~values[src] if label == "false" else values[src])
            acc = acc | passed
        reached[nid] = acc
    return {a.id: reached.get(a.id, false) for a in plan.actions}
