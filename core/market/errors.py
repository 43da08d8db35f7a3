"""Errors of the market area: bad market data is a user-input problem (exit code 2)."""

from __future__ import annotations

from core.errors import StudioError


class DataError(StudioError):
    """Market data cannot be used: a bad CSV (with its row), an unknown timeframe, an unreachable exchange."""

    kind = "data"
    exit_code = 2


class StrategyNotRunnable(StudioError):
    """The strategy graph cannot be executed (no trigger, a cycle, an operand that does not parse...)."""

    kind = "strategy_invalid"
    exit_code = 1
