"""Pydantic models of what the models must answer for each use case (the seed's schemas).

Validators are tolerant about form (case of enum words, "75%" as a confidence) and strict about
meaning (unknown enum values, out-of-range scores). ``vendor_schema`` gives the JSON Schema handed
to vendors with a native structured-output mode.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Trend = Literal["UPTREND", "DOWNTREND", "SIDEWAYS"]
Recommendation = Literal["BUY", "SELL", "HOLD"]
Level = Literal["LOW", "MEDIUM", "HIGH"]
Sentiment = Literal["POSITIVE", "NEGATIVE", "NEUTRAL"]
Implication = Literal["BULLISH", "BEARISH", "NEUTRAL"]

MAX_TEXT = 2000


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _fraction(value: Any) -> Any:
    """Accept 0.75, "0.75", "75%" and 75 (a percentage) as 0.75."""
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            return value
        return number / 100 if value.strip().endswith("%") or number > 1 else number
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value <= 100:
        return value / 100
    return value


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MarketAnalysis(_Out):
    analysis: str = Field(min_length=1, max_length=MAX_TEXT)
    trend: Trend
    recommendation: Recommendation
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str = Field(min_length=1, max_length=MAX_TEXT)
    risk_level: Level

    _up = field_validator("trend", "recommendation", "risk_level", mode="before")(_upper)
    _frac = field_validator("confidence", mode="before")(_fraction)


class NewsSentiment(_Out):
    sentiment: Sentiment
    score: float = Field(ge=-1.0, le=1.0, description="-1 bearish .. +1 bullish")
    keywords: list[str] = Field(default_factory=list, max_length=12)
    summary: str = Field(min_length=1, max_length=MAX_TEXT)
    impact: Level
    price_implication: Implication

    _up = field_validator("sentiment", "impact", "price_implication", mode="before")(_upper)

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class ExpectedImprovement(_Out):
    return_pct: str | None = None
    max_drawdown: str | None = None
    win_rate: str | None = None

    @field_validator("return_pct", "max_drawdown", "win_rate", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return None if value is None else str(value)


def _list_or_empty(value: Any) -> Any:
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class OptimizationProposal(_Out):
    optimized_strategy: dict[str, Any]
    changes: list[str] = Field(default_factory=list)
    expected_improvement: ExpectedImprovement = Field(default_factory=ExpectedImprovement)

    _changes = field_validator("changes", mode="before")(_list_or_empty)

    @field_validator("expected_improvement", mode="before")
    @classmethod
    def _improvement(cls, value: Any) -> Any:
        return {} if value is None else value


class Refinement(_Out):
    strategy: dict[str, Any]
    changes: list[str] = Field(default_factory=list)

    _changes = field_validator("changes", mode="before")(_list_or_empty)


# Range and length keywords are enforced by pydantic after the answer arrives: the vendors' strict
# modes support different subsets of them, and an unsupported keyword fails the whole request.
_DROPPED_KEYWORDS = {"title", "default", "description", "minimum", "maximum", "minLength", "maxLength",
                     "minItems", "maxItems"}


def strictify(node: Any) -> Any:
    """Every object closed and fully required (nullable when optional): the vendors' strict subset."""
    if isinstance(node, list):
        return [strictify(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: strictify(v) for k, v in node.items() if k not in _DROPPED_KEYWORDS}
    if out.get("type") == "object" and "properties" in out:
        required = set(node.get("required", []))
        for name, schema in list(out["properties"].items()):
            if name not in required and not any(a.get("type") == "null" for a in schema.get("anyOf", [])):
                out["properties"][name] = {"anyOf": [schema, {"type": "null"}]}
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(copy.deepcopy(defs[node["$ref"].split("/")[-1]]), defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def strategy_schema() -> dict[str, Any]:
    from core.strategy.schema import strategy_json_schema

    return strategy_json_schema(strict=True)


def vendor_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Strict JSON Schema of an output model; strategy-valued fields use the strategy format's schema."""
    raw = model.model_json_schema()
    schema = strictify(_inline(raw, raw.get("$defs", {})))
    for name in ("optimized_strategy", "strategy"):
        if name in schema.get("properties", {}):
            schema["properties"][name] = strategy_schema()
    return schema
