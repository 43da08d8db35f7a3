"""Single-flight: concurrent identical requests (same cache key) make one vendor call.

The first caller leads and calls the vendor; the others wait (bounded by their own deadline) and
receive the leader's answer as a cache hit, or go ahead themselves when the leader failed. The
in-process group shares the answer object; a group backed by a shared lock (PostgreSQL, Redis)
can implement the same ``FlightGroup`` protocol by holding the lock while the leader runs and
returning ``None`` from ``wait``, after which the follower reads the response cache.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from core.llm.types import Completion, StreamEnd, StreamEvent


class Ticket(Protocol):
    leader: bool

    def wait(self, timeout_s: float) -> Completion | None:
        """Follower: the leader's answer, or None (it failed, or the wait ran out)."""
        ...

    def finish(self, completion: Completion | None) -> None:
        """Leader: hand the answer (None when it failed) to the followers, and end the flight."""
        ...


class FlightGroup(Protocol):
    def begin(self, key: str) -> Ticket: ...


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    result: Completion | None = None


@dataclass
class _LocalTicket:
    group: LocalFlights
    key: str
    flight: _Flight
    leader: bool

    def wait(self, timeout_s: float) -> Completion | None:
        self.flight.done.wait(max(0.0, timeout_s))
        return self.flight.result

    def finish(self, completion: Completion | None) -> None:
        self.group._end(self.key, self.flight, completion)


class LocalFlights:
    """One process's flights, keyed by cache key (threads and asyncio tasks alike)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}

    def begin(self, key: str) -> _LocalTicket:
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return _LocalTicket(self, key, flight, leader=False)
            flight = self._flights[key] = _Flight()
            return _LocalTicket(self, key, flight, leader=True)

    def _end(self, key: str, flight: _Flight, completion: Completion | None) -> None:
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.result = completion
        flight.done.set()


def led(ticket: Ticket | None, events: Iterator[StreamEvent]) -> Iterator[StreamEvent]:
    """Pass a leader's events on, and hand its answer (or None) to the followers at the end."""
    if ticket is None:
        yield from events
        return
    result: Completion | None = None
    try:
        for event in events:
            if isinstance(event, StreamEnd):
                result = event.completion
            yield event
    finally:
        ticket.finish(result)


async def aled(ticket: Ticket | None, events: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
    result: Completion | None = None
    try:
        async with contextlib.aclosing(events):  # type: ignore[type-var]
            async for event in events:
                if isinstance(event, StreamEnd):
                    result = event.completion
                yield event
    finally:
        if ticket is not None:
            ticket.finish(result)
