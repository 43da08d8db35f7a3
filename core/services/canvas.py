"""What the strategy canvas and its editor need from core: the graph's drawing data, the inlined
vis-network script, node words in ko/en, and the graph edits (pure functions on a strategy dict)."""

from __future__ import annotations

from core.strategy.editing import (
    ACTION_TYPES,
    EXCHANGES,
    INDICATOR_PICKS,
    NODE_TYPES,
    OPERATORS,
    SOURCE_TYPES,
    TIMEFRAMES,
    TRIGGER_TYPES,
    add_node,
    connect,
    default_config,
    delete_node,
    disconnect,
    main_symbol,
    node_of,
    out_edges,
    parse_number,
    set_config,
)
from core.strategy.labels import TYPE_NAMES, VALUE_NAMES, node_label, operand_text
from core.strategy.render import ERROR_COLOR, STYLE, vis_network_js

__all__ = [
    "ACTION_TYPES", "ERROR_COLOR", "EXCHANGES", "INDICATOR_PICKS", "NODE_TYPES", "OPERATORS", "SOURCE_TYPES",
    "STYLE", "TIMEFRAMES", "TRIGGER_TYPES", "TYPE_NAMES", "VALUE_NAMES", "add_node", "connect", "default_config",
    "delete_node", "disconnect", "main_symbol", "node_label", "node_of", "operand_text", "out_edges", "parse_number",
    "set_config", "vis_network_js",
]
