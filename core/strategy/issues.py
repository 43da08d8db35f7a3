"""Validation issues and the report that carries them.

Codes are stable (tests, the CLI's JSON and the UI key on them); add new ones, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from core.strategy.valid import ValidStrategy

if TYPE_CHECKING:
    from core.strategy.schema import Strategy

Severity = Literal["error", "warning"]

# code -> one-line meaning (documentation; also listed in the UI's help).
CODES: dict[str, str] = {
    "BAD_JSON": "the text is not JSON",
    "BAD_STRUCTURE": "the top level is not a strategy object (nodes/edges lists, name)",
    "BAD_SCHEMA_VERSION": "schema_version is not 1",
    "TOO_LARGE": "a size cap is exceeded (nodes, edges, string length)",
    "TOO_MANY_ISSUES": "more issues than the report lists",
    "TRIGGER_COUNT": "not exactly one trigger",
    "NO_CONDITION": "no condition node",
    "NO_ACTION": "no action node",
    "NO_DATA_SOURCE": "no data source node (warning)",
    "BAD_NODE": "a node is not an object",
    "BAD_NODE_TYPE": "unknown node type",
    "BAD_NODE_ID": "node id does not match ^[a-z]+_[0-9]+$",
    "DUPLICATE_ID": "two nodes share an id",
    "BAD_CONFIG": "a config field is missing, unknown or of the wrong type",
    "BAD_SYMBOL": "symbol does not match ^[A-Z0-9]+/[A-Z0-9]+$",
    "BAD_AMOUNT": "amount not positive",
    "BAD_UNIT": "unit is neither the base nor the quote currency of the symbol",
    "BAD_OPERAND": "an operand does not parse (with its column)",
    "UNKNOWN_SOURCE": "an operand names a data source that does not exist",
    "AMBIGUOUS_SOURCE": "several market data sources and an operand names none (warning)",
    "CONSTANT_CONDITION": "both operands are numbers (warning)",
    "SYMBOL_MISMATCH": "an action trades a symbol no data source reads (warning)",
    "UNKNOWN_FIELD": "an unknown field was dropped (warning)",
    "BAD_EDGE": "an edge is not an object with from/to strings",
    "DANGLING_EDGE": "an edge references a node that does not exist",
    "SELF_LOOP": "an edge leaves and enters the same node",
    "DUPLICATE_EDGE": "the same edge appears twice (warning)",
    "EDGE_INTO_TRIGGER": "an edge points into the trigger",
    "CYCLE": "the graph has a cycle (with its path)",
    "UNREACHABLE_NODE": "a node cannot be reached from the trigger",
    "CONDITION_WITHOUT_ACTION": "a condition reaches no action",
    "MISSING_BRANCH_LABEL": 'an edge leaving a condition has no "condition": "true"/"false"',
    "STRAY_BRANCH_LABEL": "a true/false label on an edge that does not leave a condition (warning)",
}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    node_id: str | None = None
    edge: tuple[str, str] | None = None
    hint: str | None = None
    field: str | None = None  # config field the issue is about (e.g. "left")
    column: int | None = None  # 1-based column inside an operand

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract's shape (DESIGN.md section 5)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "node_id": self.node_id,
            "edge": {"from": self.edge[0], "to": self.edge[1]} if self.edge else None,
            "hint": self.hint,
        }


class Collector:
    """Gathers the issues of one validation run; the checks add to it, nothing stops at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def error(self, code: str, message: str, **kw: Any) -> None:
        self.issues.append(Issue(code, "error", message, **kw))

    def warn(self, code: str, message: str, **kw: Any) -> None:
        self.issues.append(Issue(code, "warning", message, **kw))


@dataclass
class ValidationReport:
    """Outcome of ``validate``.

    ``strategy`` is the normalised dict (tolerant reading applied, unknown fields dropped) or None
    when the input is not readable as a strategy at all; ``warnings`` are the normalisation notes
    ("symbol 'btc/usdt' read as 'BTC/USDT'").
    """

    valid: bool
    issues: list[Issue]
    strategy: dict[str, Any] | None
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @cached_property
    def valid_strategy(self) -> ValidStrategy | None:
        """The strategy as the type downstream code trusts, only when every rule holds."""
        if not self.valid or self.strategy is None:
            return None
        return ValidStrategy(self)

    @cached_property
    def model(self) -> Strategy | None:
        """The typed strategy, only when valid."""
        if not self.valid or self.strategy is None:
            return None
        from core.strategy.schema import build_strategy

        return build_strategy(self.strategy)

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]

    def for_node(self, node_id: str) -> list[Issue]:
        return [i for i in self.issues if i.node_id == node_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "issues": [i.to_dict() for i in self.issues],
            "warnings": list(self.warnings),
        }
