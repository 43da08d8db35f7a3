"""Single-flight: concurrent identical requests (same cache key) make one vendor call.

The first caller leads and calls the vendor; the others wait (bounded by their own deadline) and
receive the leader's answer as a cache hit. The in-process group hands the answer object over. A
group backed by a shared lock (Redis, PostgreSQL) implements the same ``FlightGroup`` protocol by
holding the lock while the leader runs, returning ``None`` from ``wait`` and setting
``hands_over = False``: the leader then leaves its answer in the response cache before the flight
ends, and every follower whose wait returned ``None`` looks in the cache before it calls the
vendor itself (which it does only when the leader failed, or the wait ran out).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from core.llm.types import Completion, StreamEnd, StreamEvent

# How long a leader's answer waits in the cache for the followers of a lock-sharing group (the caller
# stores it again for the full LLM_CACHE_TTL once it has validated it).
HANDOFF_TTL_S = 60


class Ticket(Protocol):
    leader: bool
    # False for a group that shares a lock, not the answer: the leader's answer goes through the cache.
    hands_over: bool

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
    hands_over: bool = True

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


Keep = Callable[[Completion], None]


def _end(ticket: Ticket, result: Completion | None, keep: Keep) -> None:
    if result is not None and not getattr(ticket, "hands_over", True):
        keep(result)  # before the flight ends: a follower woken by the end must find it in the cache
    ticket.finish(result)


def led(ticket: Ticket | None, events: Iterator[StreamEvent], keep: Keep) -> Iterator[StreamEvent]:
    """Pass a leader's events on, and hand its answer (or None) to the followers at the end;
    ``keep`` puts the answer in the cache for a group that does not hand it over."""
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
        _end(ticket, result, keep)


async def aled(ticket: Ticket | None, events: AsyncIterator[StreamEvent], keep: Keep) -> AsyncIterator[StreamEvent]:
    result: Completion | None = None
    try:
        async with contextlib.aclosing(events):  # type: ignore[type-var]
            async for event in events:
                if isinstance(event, StreamEnd):
                    result = event.completion
                yield event
    finally:
        if ticket is not None:
            _end(ticket, result, keep)
