"""Strategy use cases for pages and the CLI: validate, render, and the saved library.

Pages and the CLI call only these functions; they never reach into core.strategy internals.
"""

from __future__ import annotations

from typing import Any

from core.strategy.issues import Issue, ValidationReport
from core.strategy.render import render_html
from core.strategy.schema import Strategy
from core.strategy.validation import validate

__all__ = ["Issue", "ValidationReport", "render_strategy_html", "validate_strategy"]


def _as_data(strategy: Strategy | dict[str, Any] | str | bytes) -> dict[str, Any] | str | bytes:
    return strategy.to_dict() if isinstance(strategy, Strategy) else strategy


def validate_strategy(strategy: Strategy | dict[str, Any] | str | bytes) -> ValidationReport:
    """Check every rule; never raises for bad input (unreadable JSON is a BAD_JSON issue)."""
    return validate(_as_data(strategy))


def render_strategy_html(
    strategy: Strategy | dict[str, Any] | str,
    issues: list[Issue] | None = None,
    highlight: str | None = None,
) -> str:
    """A self-contained interactive page of the graph; invalid parts highlighted.

    ``issues`` defaults to this strategy's own validation; ``highlight`` is a node id to select.
    """
    report = validate(_as_data(strategy))
    data = report.strategy
    if data is None:  # unreadable or over a size cap: draw nothing, the issues say why
        data = {"name": "Unreadable strategy", "nodes": [], "edges": []}
    return render_html(data, report.issues if issues is None else issues, highlight)
