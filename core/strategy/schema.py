"""Pydantic models of the strategy format (DESIGN.md section 3, version 1) and its JSON Schema.

The models describe *structure* (which fields exist, their types, the allowed enumerations).
The rules that need the whole graph or a friendly code (symbol pattern, positive amounts, operand
grammar, reachability, ...) live in ``validation.py`` so that every violation is reported at once
with a stable code instead of stopping at the first pydantic error.

Node and config variants are dispatched by hand on ``type`` / ``trigger_type`` / ``source_type`` /
``action_type`` (see ``config_model``) so that an error names the node and the field that has it.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
NODE_TYPES = ("trigger", "data_source", "condition", "action")
INTERVALS = ("1m", "5m", "15m", "30m", "1h", "4h", "1d")
OPERATORS = ("<", ">", "<=", ">=", "==", "!=", "crosses_above", "crosses_below")
TRIGGER_TYPES = ("time", "price_change", "volume")
SOURCE_TYPES = ("ohlcv", "orderbook", "news")
ACTION_TYPES = ("buy", "sell", "notify")
BRANCH_LABELS = ("true", "false")

Interval = Literal["1m", "5m", "15m", "30m", "1h", "4h", "1d"]
Operator = Literal["<", ">", "<=", ">=", "==", "!=", "crosses_above", "crosses_below"]
Operand = int | float | str
Amount = int | float


class _Model(BaseModel):
    # Unknown keys are reported (and dropped) by the tolerant reader before the models see them.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- configs ---------------------------------------------------------------------------------


class TimeTrigger(_Model):
    trigger_type: Literal["time"]
    interval: Interval


class PriceChangeTrigger(_Model):
    trigger_type: Literal["price_change"]
    symbol: str
    threshold_pct: int | float
    window: Interval


class VolumeTrigger(_Model):
    trigger_type: Literal["volume"]
    symbol: str
    multiplier: int | float
    window: Interval


class OhlcvSource(_Model):
    source_type: Literal["ohlcv"]
    symbol: str
    timeframe: Interval
    exchange: str | None = None


class OrderbookSource(_Model):
    source_type: Literal["orderbook"]
    symbol: str
    exchange: str | None = None


class NewsSource(_Model):
    source_type: Literal["news"]
    query: str | None = None


class ConditionConfig(_Model):
    operator: Operator
    left: Operand
    right: Operand


class BuyAction(_Model):
    action_type: Literal["buy"]
    symbol: str
    amount: Amount
    unit: str


class SellAction(_Model):
    action_type: Literal["sell"]
    symbol: str
    amount: int | float | Literal["all"]
    unit: str | None = None


class NotifyAction(_Model):
    action_type: Literal["notify"]
    message: str


TriggerConfig = TimeTrigger | PriceChangeTrigger | VolumeTrigger
DataSourceConfig = OhlcvSource | OrderbookSource | NewsSource
ActionConfig = BuyAction | SellAction | NotifyAction
NodeConfig = TriggerConfig | DataSourceConfig | ConditionConfig | ActionConfig

# (node type) -> (discriminating key, {value: model}); a condition has a single config model.
CONFIG_MODELS: dict[str, tuple[str | None, dict[str, type[_Model]]]] = {
    "trigger": ("trigger_type", {"time": TimeTrigger, "price_change": PriceChangeTrigger, "volume": VolumeTrigger}),
    "data_source": ("source_type", {"ohlcv": OhlcvSource, "orderbook": OrderbookSource, "news": NewsSource}),
    "condition": (None, {"": ConditionConfig}),
    "action": ("action_type", {"buy": BuyAction, "sell": SellAction, "notify": NotifyAction}),
}


def config_model(node_type: str, config: dict[str, Any]) -> type[_Model] | None:
    """The config model for a node, or None when the type or its discriminator is unknown."""
    entry = CONFIG_MODELS.get(node_type)
    if entry is None:
        return None
    key, models = entry
    if key is None:
        return models[""]
    return models.get(str(config.get(key)))


# --- nodes, edges, strategy ------------------------------------------------------------------


class Node(_Model):
    id: str
    type: Literal["trigger", "data_source", "condition", "action"]
    config: NodeConfig


class Edge(_Model):
    from_: str = Field(alias="from")
    to: str
    condition: Literal["true", "false"] | None = None


class Strategy(_Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    name: str
    description: str = ""
    nodes: list[Node]
    edges: list[Edge]

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape: ``from`` not ``from_``, unset optionals left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


def build_strategy(data: dict[str, Any]) -> Strategy:
    """Build the typed model from a dict whose configs have the right shape.

    Each node's config is validated with the model its discriminator names (not a blind union),
    so the resulting config object is always the intended variant.
    """
    nodes = []
    for raw in data["nodes"]:
        model = config_model(raw["type"], raw.get("config") or {})
        if model is None:
            raise ValueError(f"node {raw.get('id')!r}: unknown config kind")
        config = model.model_validate(raw.get("config") or {})
        nodes.append(Node.model_construct(id=raw["id"], type=raw["type"], config=config))
    edges = [Edge.model_validate(e) for e in data["edges"]]
    return Strategy.model_construct(
        schema_version=SCHEMA_VERSION,
        name=data["name"],
        description=data.get("description", ""),
        nodes=nodes,
        edges=edges,
    )


def canonical_json(data: dict[str, Any] | Strategy) -> str:
    """Stable text of a strategy (sorted keys, two-space indent) for storage diffs and cache keys."""
    if isinstance(data, Strategy):
        data = data.to_dict()
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


# --- JSON Schema for vendors' native structured output ---------------------------------------


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            return _inline_refs(copy.deepcopy(defs[name]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _strictify(node: Any) -> Any:
    """Apply the common subset of OpenAI strict json_schema and Anthropic output_config.

    - every object: additionalProperties false and *all* properties required; optional fields
      become nullable instead (the tolerant reader drops nulls again);
    - no oneOf / discriminator / default / title (anyOf is accepted by both vendors);
    - a constant is expressed as a one-value enum.
    """
    if isinstance(node, list):
        return [_strictify(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "default", "discriminator"):
            continue
        if key == "oneOf":
            out["anyOf"] = _strictify(value)
        elif key == "const":
            out["enum"] = [value]
        else:
            out[key] = _strictify(value)
    if out.get("anyOf") == [{"type": "integer"}, {"type": "number"}]:
        out = {k: v for k, v in out.items() if k != "anyOf"} | {"type": "number"}
    if out.get("type") == "object" and "properties" in out:
        required = set(node.get("required", []))
        props = {}
        for name, schema in out["properties"].items():
            if name not in required and not _is_nullable(schema):
                schema = {"anyOf": [schema, {"type": "null"}]}
            props[name] = schema
        out["properties"] = props
        out["required"] = list(props)
        out["additionalProperties"] = False
    return out


def _is_nullable(schema: dict[str, Any]) -> bool:
    return any(alt.get("type") == "null" for alt in schema.get("anyOf", []))


def _node_variant(node_type: str, configs: list[type[_Model]]) -> dict[str, Any]:
    config_schemas = [m.model_json_schema(by_alias=True) for m in configs]
    return {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "lower-case word, underscore, number: e.g. condition_1"},
            "type": {"const": node_type},
            "config": config_schemas[0] if len(config_schemas) == 1 else {"anyOf": config_schemas},
        },
        "required": ["id", "type", "config"],
    }


def strategy_json_schema(strict: bool = True) -> dict[str, Any]:
    """JSON Schema of the format, generated from the models.

    ``strict=True`` returns the vendor-ready shape (see ``_strictify``). Concessions: optional
    fields are required-but-nullable; node variants are an ``anyOf`` of one object per node type
    (with ``type`` as a one-value enum) rather than a pydantic discriminated union; $refs are
    inlined; rules that need patterns or ranges (ids, symbols, amount > 0) are left to
    ``validation.py`` because the two vendors' support for those keywords differs.
    """
    variants = []
    for node_type, (_, models) in CONFIG_MODELS.items():
        variants.append(_node_variant(node_type, list(models.values())))
    edge = Edge.model_json_schema(by_alias=True)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "nodes": {"type": "array", "items": {"anyOf": variants}},
            "edges": {"type": "array", "items": edge},
        },
        "required": ["schema_version", "name", "description", "nodes", "edges"],
    }
    defs: dict[str, Any] = {}
    for variant in variants:
        for cfg in variant["properties"]["config"].get("anyOf", [variant["properties"]["config"]]):
            defs.update(cfg.pop("$defs", {}))
    defs.update(edge.pop("$defs", {}))
    schema = _inline_refs(schema, defs)
    if not strict:
        return schema
    return _strictify(schema)
