"""Per-provider request-per-minute and token-per-minute buckets.

A bucket may go into debt: ``reserve`` takes the amount at once and returns how long the caller
must wait for the debt to refill. That keeps the critical section to a few arithmetic operations
under a ``threading.Lock`` (never held across a sleep or an ``await``), so the same limiter is safe
from threads and from asyncio tasks. A wait longer than the caller's budget is refused (and the
amount given back) with ``RateLimited``, so a request never sleeps past its deadline.
"""

from __future__ import annotations

import asyncio
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from core.llm.errors import RateLimited


class _Bucket:
    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.level = self.capacity
        self.clock = clock
        self.updated = clock()

    def _refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def take(self, amount: float, now: float) -> float:
        self._refill(now)
        self.level -= amount
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def give(self, amount: float) -> None:
        self.level = min(self.capacity, self.level + amount)


@dataclass(frozen=True)
class Limits:
    rpm: int = 0  # 0 = no local limit
    tpm: int = 0


def too_long_wait(scope: str, provider: str, wait: float, max_wait_s: float | None) -> RateLimited:
    """The refusal of a wait longer than the request has left (``scope``: "local" or "shared")."""
    err = RateLimited(
        f"The {scope} {provider} rate limit needs a {abs(wait):.1f} s wait, longer than the "
        f"{max(max_wait_s or 0, 0):.1f} s left for this request.",
        provider=provider,
        hint="Raise the provider's rpm/tpm in STUDIO_MODELS_FILE or try again shortly.",
        local=True, code="LOCAL_RATE_LIMIT", wait_s=round(abs(wait), 1),
    )
    # Retrying could only ask for the same too-long wait; another provider may serve.
    err.retryable = False
    return err


class WaitingLimiter(ABC):
    """``acquire``/``aacquire`` over a limiter's ``_reserve``: take the amount now, then sleep off the debt."""

    @abstractmethod
    def _reserve(self, provider: str, tokens: int, max_wait_s: float | None) -> float:
        """Take one request and ``tokens`` now; the seconds to wait, or ``too_long_wait`` raised."""

    def acquire(self, provider: str, tokens: int, max_wait_s: float | None = None) -> float:
        """Block until the request may go; returns the seconds waited (for reporting)."""
        wait = self._reserve(provider, tokens, max_wait_s)
        if wait > 0:
            time.sleep(wait)
        return wait

    async def aacquire(self, provider: str, tokens: int, max_wait_s: float | None = None) -> float:
        wait = self._reserve(provider, tokens, max_wait_s)
        if wait > 0:
            await asyncio.sleep(wait)
        return wait


class RateLimiter(WaitingLimiter):
    def __init__(self, limits: dict[str, Limits] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[_Bucket | None, _Bucket | None]] = {}
        self._cool_until: dict[str, float] = {}  # a vendor's Retry-After, for every caller
        for provider, lim in (limits or {}).items():
            self._buckets[provider] = (
                _Bucket(lim.rpm, clock) if lim.rpm > 0 else None,
                _Bucket(lim.tpm, clock) if lim.tpm > 0 else None,
            )

    def cool_down(self, provider: str, seconds: float) -> None:
        """The vendor said to wait (a 429 with Retry-After): every caller of this process waits."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            self._cool_until[provider] = max(until, self._cool_until.get(provider, 0.0))

    def _reserve(self, provider: str, tokens: int, max_wait_s: float | None) -> float:
        rpm, tpm = self._buckets.get(provider, (None, None))
        if rpm is None and tpm is None and provider not in self._cool_until:
            return 0.0
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._cool_until.get(provider, 0.0) - now)
            if rpm is not None:
                wait = max(wait, rpm.take(1, now))
            if tpm is not None:
                wait = max(wait, tpm.take(tokens, now))
            if max_wait_s is not None and wait > max_wait_s:
                if rpm is not None:
                    rpm.give(1)
                if tpm is not None:
                    tpm.give(tokens)
                raise too_long_wait("local", provider, wait, max_wait_s)
            return wait

    def refund(self, provider: str, tokens: int) -> None:
        """Give back tokens reserved beyond what the request really used."""
        _, tpm = self._buckets.get(provider, (None, None))
        if tpm is not None and tokens > 0:
            with self._lock:
                tpm.give(tokens)
