"""Per-user request rate limit of the REST API: a sliding one-minute window kept in this process.

One window per user id; the limit comes from the user's row (or the configured default). Several API
processes would each keep their own window, so a shared backend (Redis) can replace this class behind
the same ``hit`` method.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class RequestRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def hit(self, user_id: str, per_minute: int) -> float | None:
        """Count one request; returns None when allowed, else the seconds to wait (for Retry-After)."""
        if per_minute <= 0:
            return WINDOW_S
        now = self._clock()
        with self._lock:
            window = self._hits.setdefault(user_id, deque())
            while window and window[0] <= now - WINDOW_S:
                window.popleft()
            if len(window) >= per_minute:
                return max(1.0, math.ceil(window[0] + WINDOW_S - now))
            window.append(now)
            return None
