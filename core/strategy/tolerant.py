"""Tolerant reading of what LLMs commonly write, before validation.

Only *spelling* is normalised, each change with a note: numbers written as strings, operator words
("less than", "이하"), lower-case symbols, interval spellings ("1H", "daily"), upper-case enum
values, booleans as branch labels, nulls for optional fields. Structure is never guessed: a
missing field stays missing and becomes a validation issue.
"""

from __future__ import annotations

import math
import re
from typing import Any

from core.strategy.schema import INTERVALS, OPERATORS

OPERATOR_WORDS: dict[str, str] = {
    "lt": "<", "less than": "<", "less": "<", "below": "<", "under": "<", "미만": "<", "아래": "<",
    "gt": ">", "greater than": ">", "greater": ">", "above": ">", "over": ">", "초과": ">", "위": ">",
    "le": "<=", "lte": "<=", "less than or equal": "<=", "less than or equal to": "<=", "at most": "<=",
    "이하": "<=", "=<": "<=", "≤": "<=",
    "ge": ">=", "gte": ">=", "greater than or equal": ">=", "greater than or equal to": ">=",
    "at least": ">=", "이상": ">=", "=>": ">=", "≥": ">=",
    "eq": "==", "=": "==", "equals": "==", "equal": "==", "equal to": "==", "같음": "==",
    "ne": "!=", "neq": "!=", "<>": "!=", "≠": "!=", "not equal": "!=", "not equal to": "!=",
    "crosses above": "crosses_above", "cross above": "crosses_above", "crosses over": "crosses_above",
    "crossover": "crosses_above", "cross_above": "crosses_above", "crossed_above": "crosses_above",
    "crosses_over": "crosses_above", "골든크로스": "crosses_above", "상향 돌파": "crosses_above",
    "상향돌파": "crosses_above",
    "crosses below": "crosses_below", "cross below": "crosses_below", "crosses under": "crosses_below",
    "crossunder": "crosses_below", "cross_below": "crosses_below", "crossed_below": "crosses_below",
    "crosses_under": "crosses_below", "데드크로스": "crosses_below", "하향 돌파": "crosses_below",
    "하향돌파": "crosses_below",
}

INTERVAL_WORDS: dict[str, str] = {
    "1min": "1m", "5min": "5m", "15min": "15m", "30min": "30m", "60m": "1h", "60min": "1h",
    "1hr": "1h", "1hour": "1h", "hourly": "1h", "240m": "4h", "4hr": "4h", "4hour": "4h",
    "1day": "1d", "day": "1d", "daily": "1d", "24h": "1d", "d": "1d", "h": "1h",
}

NUMERIC_FIELDS = ("threshold_pct", "multiplier", "amount")
INTERVAL_FIELDS = ("interval", "timeframe", "window")
SYMBOL_FIELDS = ("symbol",)
ENUM_FIELDS = ("trigger_type", "source_type", "action_type")
OPTIONAL_NULLABLE = ("exchange", "query", "unit")

_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
NODE_TYPE_WORDS = {"datasource": "data_source", "data source": "data_source", "data-source": "data_source"}


def as_number(value: Any) -> int | float | None:
    """A JSON number, or a string holding one; None otherwise. Integral values come back as int."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, str) and _NUMBER.match(value):
        num = float(value)
        if math.isfinite(num) and num.is_integer() and "." not in value and "e" not in value.lower():
            return int(num)
        return num
    return None


class Normaliser:
    """Collects notes while normalising one strategy dict (in place on a copy)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def note(self, where: str, text: str) -> None:
        self.notes.append(f"{where}: {text}")

    def operator(self, where: str, value: Any) -> Any:
        if not isinstance(value, str) or value in OPERATORS:
            return value
        stripped = value.strip()
        if stripped in OPERATORS:
            canonical: str | None = stripped
        else:
            key = " ".join(stripped.lower().replace("_", " ").split())
            canonical = OPERATOR_WORDS.get(key) or OPERATOR_WORDS.get(stripped.lower())
        if canonical is not None:
            self.note(where, f"operator {value!r} read as {canonical!r}")
            return canonical
        return value

    def interval(self, where: str, value: Any) -> Any:
        if not isinstance(value, str) or value in INTERVALS:
            return value
        key = value.strip().lower().replace(" ", "")
        canonical = key if key in INTERVALS else INTERVAL_WORDS.get(key)
        if canonical:
            self.note(where, f"interval {value!r} read as {canonical!r}")
            return canonical
        return value

    def symbol(self, where: str, value: Any) -> Any:
        if isinstance(value, str):
            upper = value.strip().upper()
            if upper != value and re.fullmatch(r"[A-Z0-9]+/[A-Z0-9]+", upper):
                self.note(where, f"symbol {value!r} read as {upper!r}")
                return upper
        return value

    def number(self, where: str, name: str, value: Any) -> Any:
        if isinstance(value, str):
            if name == "amount" and value.strip().lower() == "all":
                if value != "all":
                    self.note(where, f"amount {value!r} read as 'all'")
                return "all"
            num = as_number(value)
            if num is not None:
                self.note(where, f"{name} {value!r} read as the number {num}")
                return num
        return value

    def operand(self, where: str, name: str, value: Any) -> Any:
        if isinstance(value, str):
            num = as_number(value)
            if num is not None:
                return num  # "30" and 30 mean the same operand; no note needed
        return value

    def enum(self, where: str, name: str, value: Any) -> Any:
        if isinstance(value, str) and value != value.strip().lower():
            low = value.strip().lower()
            self.note(where, f"{name} {value!r} read as {low!r}")
            return low
        return value

    def config(self, node_id: str, config: dict[str, Any]) -> dict[str, Any]:
        where = f"node {node_id}"
        out: dict[str, Any] = {}
        for key, value in config.items():
            if value is None and key in OPTIONAL_NULLABLE:
                continue  # strict vendor schemas send null for "not set"
            if key in ENUM_FIELDS:
                value = self.enum(where, key, value)
            elif key == "operator":
                value = self.operator(where, value)
            elif key in ("left", "right"):
                value = self.operand(where, key, value)
            elif key in NUMERIC_FIELDS:
                value = self.number(where, key, value)
            elif key in INTERVAL_FIELDS:
                value = self.interval(where, value)
            elif key in SYMBOL_FIELDS:
                value = self.symbol(where, value)
            elif key == "unit" and isinstance(value, str) and value != value.strip().upper():
                self.note(where, f"unit {value!r} read as {value.strip().upper()!r}")
                value = value.strip().upper()
            out[key] = value
        return out

    def node_type(self, node_id: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        low = value.strip().lower()
        canonical = NODE_TYPE_WORDS.get(low, low)
        if canonical != value:
            self.note(f"node {node_id}", f"type {value!r} read as {canonical!r}")
        return canonical

    def branch(self, where: str, value: Any) -> Any:
        if value is None or value in ("true", "false"):
            return value
        if isinstance(value, bool):
            canonical = "true" if value else "false"
        elif isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
            canonical = "true" if value.strip().lower() in ("true", "yes") else "false"
        else:
            return value
        self.note(where, f"branch label {value!r} read as {canonical!r}")
        return canonical
