"""Our one retry policy (every SDK client runs with ``max_retries=0``).

Retry only 408, 409, 429, 5xx, timeouts and connection errors; never 400/401/403/404. Backoff is
exponential with full jitter, linear or fixed (the seed's three strategies). A server's
``retry-after-ms`` / ``Retry-After`` is honoured up to a cap: a longer wait means the vendor will
not recover soon, so we stop retrying and let the router fall back instead of sleeping for an hour.
Every wait must also fit in the request's remaining deadline.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.llm.errors import ProviderError

Strategy = Literal["exponential", "linear", "fixed"]
RETRYABLE_STATUS = frozenset({408, 409, 429})


def is_retryable_status(status: int | None) -> bool:
    return status is not None and (status in RETRYABLE_STATUS or 500 <= status <= 599)


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` (preferred) or ``retry-after`` (seconds or HTTP-date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    ms = lowered.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


@dataclass
class RetryPolicy:
    strategy: Strategy = "exponential"
    max_retries: int = 3
    base_s: float = 0.5
    cap_s: float = 8.0
    retry_after_cap_s: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, retry_number: int) -> float:
        """Wait before retry ``retry_number`` (1 = first retry) when the server gave no Retry-After."""
        if self.strategy == "fixed":
            return min(self.base_s, self.cap_s)
        if self.strategy == "linear":
            return min(self.base_s * retry_number, self.cap_s)
        # Full jitter: uniform over [0, min(cap, base*2^n)] spreads clients out after an outage.
        return self.rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** (retry_number - 1))))

    def next_delay(self, error: ProviderError, retry_number: int, remaining_s: float | None) -> float | None:
        """Seconds to wait before retrying, or None when this error must not be retried."""
        if not error.retryable or retry_number > self.max_retries:
            return None
        if error.retry_after is not None:
            if error.retry_after > self.retry_after_cap_s:
                return None
            delay = error.retry_after
        else:
            delay = self.backoff(retry_number)
        if remaining_s is not None and delay >= remaining_s:
            return None
        return delay
