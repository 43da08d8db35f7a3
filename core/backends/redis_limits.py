"""Rate limits shared by every replica, in Redis (``STUDIO_REDIS_URL``).

- ``RedisRateLimiter``: the gateway's per-provider rpm/tpm buckets (same interface and the same
  "debt" semantics as ``core.llm.ratelimit.RateLimiter``), so N replicas together send a vendor at
  most its configured rate, not N times it; and the provider's cooldown after a vendor 429 with
  Retry-After, so the replica that was told to wait is not the only one that does.
- ``RedisRequestRateLimiter``: the REST API's per-user sliding one-minute window (same ``hit`` as
  ``core.accounts.ratelimit.RequestRateLimiter``).

Each decision is one Lua script, which Redis runs atomically: no two replicas can take the same
token. Time is Redis's own clock (``TIME``) unless a clock is injected (tests), because monotonic
clocks of different hosts cannot be compared. Keys expire once idle, so Redis holds no garbage.

Redis out of reach is ``SharedStateUnavailable`` (a storage error: the API answers 503, the CLI exits
2), raised before anything is sent to a vendor: without the shared limits a replica cannot know how
much the others are sending.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from core.llm.ratelimit import Limits, WaitingLimiter, too_long_wait
from core.storage import StorageError

KEY_PREFIX = "studio:"
log = logging.getLogger("core.backends.redis_limits")

# KEYS: rpm bucket, tpm bucket, cooldown. ARGV: rpm, tpm, tokens, max_wait_s (-1: none), now_s (-1: Redis TIME).
# A bucket holds ``level`` (may go negative: debt) and ``updated``; it refills at per_minute / 60 per s.
# The cooldown is a key that lives as long as the vendor asked us to wait (its TTL is the wait).
_BUCKETS = """
local now = tonumber(ARGV[5])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local max_wait = tonumber(ARGV[4])
local limits = {tonumber(ARGV[1]), tonumber(ARGV[2])}
local amounts = {1, tonumber(ARGV[3])}
local levels = {}
local wait = math.max(0, redis.call('PTTL', KEYS[3])) / 1000.0
for i = 1, 2 do
  if limits[i] > 0 then
    local cap = limits[i]
    local rate = cap / 60.0
    local state = redis.call('HMGET', KEYS[i], 'level', 'updated')
    local level = tonumber(state[1]) or cap
    local updated = tonumber(state[2]) or now
    level = math.min(cap, level + math.max(0, now - updated) * rate) - amounts[i]
    levels[i] = level
    if level < 0 then wait = math.max(wait, -level / rate) end
  end
end
if max_wait >= 0 and wait > max_wait then
  return tostring(-wait)
end
for i = 1, 2 do
  if limits[i] > 0 then
    redis.call('HSET', KEYS[i], 'level', tostring(levels[i]), 'updated', tostring(now))
    redis.call('EXPIRE', KEYS[i], 120 + math.ceil(-math.min(levels[i], 0) / (limits[i] / 60.0)))
  end
end
return tostring(wait)
"""

# KEYS: cooldown. ARGV: milliseconds. Extends the provider's cooldown, never shortens it.
_COOL_DOWN = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
"""

# KEYS: tpm bucket. ARGV: tpm, tokens. Gives back tokens (never above capacity).
_REFUND = """
local cap = tonumber(ARGV[1])
local level = tonumber(redis.call('HGET', KEYS[1], 'level'))
if level == nil then return 0 end
redis.call('HSET', KEYS[1], 'level', tostring(math.min(cap, level + tonumber(ARGV[2]))))
return 1
"""

# KEYS: window (sorted set). ARGV: per_minute, member, now_ms (-1: Redis TIME).
# Returns -1 when the request may go, else the milliseconds until the oldest hit leaves the window.
_WINDOW = """
local now = tonumber(ARGV[3])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = 60000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
return -1
"""


class SharedStateUnavailable(StorageError):
    """Redis (``STUDIO_REDIS_URL``) cannot be reached; nothing was sent to the vendor. Try again shortly."""


def _where(client: Any) -> str:
    """redis://host:port/db of a client, without its password, for messages."""
    kw = client.connection_pool.connection_kwargs
    return f"redis://{kw.get('host', 'localhost')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"


def _run(client: Any, script: Any, keys: list[str], args: list[Any]) -> Any:
    import redis

    try:
        return script(keys=keys, args=args)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise SharedStateUnavailable(
            f"The shared rate limits in Redis ({_where(client)}) cannot be reached right now ({exc}); "
            "nothing was sent to the vendor.",
            hint="Try again in a moment. If it persists, check that Redis is running and that STUDIO_REDIS_URL "
            "is right.",
        ) from None


# Callers beyond this many wait for a free connection instead of opening their own: hundreds of threads
# each holding a socket to Redis starve one another on a busy machine until a read times out.
MAX_CONNECTIONS = 32
POOL_WAIT_S = 30


def client_for(url: str) -> Any:
    import redis

    pool = redis.BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT_S, socket_timeout=5, socket_connect_timeout=5,
        health_check_interval=30)
    return redis.Redis(connection_pool=pool)


class RedisRateLimiter(WaitingLimiter):
    """Per-provider rpm/tpm buckets shared through Redis; a drop-in for ``RateLimiter``."""

    def __init__(self, client: Any, limits: dict[str, Limits] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self._client = client
        self._limits = {p: lim for p, lim in (limits or {}).items() if lim.rpm > 0 or lim.tpm > 0}
        self._clock = clock
        self._buckets = client.register_script(_BUCKETS)
        self._refund = client.register_script(_REFUND)
        self._cool = client.register_script(_COOL_DOWN)

    def _keys(self, provider: str) -> list[str]:
        return [f"{KEY_PREFIX}rl:{provider}:rpm", f"{KEY_PREFIX}rl:{provider}:tpm", f"{KEY_PREFIX}cool:{provider}"]

    def cool_down(self, provider: str, seconds: float) -> None:
        """The vendor said to wait (a 429 with Retry-After): every caller on every replica waits."""
        ms = int(max(0.0, seconds) * 1000)
        if ms > 0:
            try:
                _run(self._client, self._cool, self._keys(provider)[2:], [ms])
            except SharedStateUnavailable as exc:  # the vendor's own error is what the caller must see
                log.warning("could not share the %s cooldown: %s", provider, exc.message)

    def _reserve(self, provider: str, tokens: int, max_wait_s: float | None) -> float:
        # A provider without rpm/tpm limits still honours a cooldown another replica was given.
        lim = self._limits.get(provider) or Limits()
        now = self._clock() if self._clock is not None else -1
        wait = float(_run(self._client, self._buckets, self._keys(provider), [
            lim.rpm, lim.tpm, max(0, int(tokens)), -1 if max_wait_s is None else max(0.0, max_wait_s), now]))
        if wait < 0:
            raise too_long_wait("shared", provider, wait, max_wait_s)
        return wait

    def refund(self, provider: str, tokens: int) -> None:
        """Give back tokens reserved beyond what the request really used."""
        lim = self._limits.get(provider)
        if lim is not None and lim.tpm > 0 and tokens > 0:
            try:
                _run(self._client, self._refund, self._keys(provider)[1:2], [lim.tpm, int(tokens)])
            except SharedStateUnavailable as exc:  # after an answer: never lose it over a refund
                log.warning("could not give back %d %s tokens: %s", tokens, provider, exc.message)


class RedisRequestRateLimiter:
    """The API's per-user one-minute window, shared through Redis; a drop-in for ``RequestRateLimiter``."""

    def __init__(self, client: Any, clock: Callable[[], float] | None = None) -> None:
        self._client = client
        self._clock = clock
        self._window = client.register_script(_WINDOW)

    def hit(self, user_id: str, per_minute: int) -> float | None:
        """Count one request; returns None when allowed, else the seconds to wait (for Retry-After)."""
        if per_minute <= 0:
            return 60.0
        now_ms = int(self._clock() * 1000) if self._clock is not None else -1
        wait_ms = int(_run(self._client, self._window, [f"{KEY_PREFIX}req:{user_id}"],
                           [per_minute, uuid.uuid4().hex, now_ms]))
        if wait_ms < 0:
            return None
        return max(1.0, float(-(-wait_ms // 1000)))
