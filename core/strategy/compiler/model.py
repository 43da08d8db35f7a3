"""What the condition reader produces and carries: conditions, a clause's OR-of-AND chains, context."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Condition:
    left: str
    operator: str
    right: str | float
    notes: list[str] = field(default_factory=list)

    def key(self) -> tuple[str, str, str]:
        return self.left, self.operator, str(self.right)


@dataclass
class Segment:
    """Conditions of one clause: OR of AND-chains."""

    chains: list[list[Condition]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (English, Korean)


class Context:
    """What earlier conditions established: the last subject ("70 이상이면 매도" reuses RSI)."""

    def __init__(self, interval: str) -> None:
        self.interval = interval
        self.subject: str | None = None
        self.against_number = False  # the last subject was compared with a number (RSI < 30, not close > SMA)
        self.notes: list[str] = []  # conversions stated to the user (e.g. days to candles)
        # nothing is ever sold and no exit is set: "it's up 4% in an hour" can only be the price's move
        self.no_position = False
