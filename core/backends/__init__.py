"""Which storage serves this process: SQLite (the default) or PostgreSQL and Redis for several replicas.

``STUDIO_DATABASE_URL=postgresql://…`` moves everything stored (ledger, reservations, quotas, roll-ups,
response cache, strategies) to PostgreSQL; unset, the SQLite file of ``STUDIO_DB`` serves exactly as
before. ``STUDIO_REDIS_URL=redis://…`` moves the shared fast state (rate-limit buckets, provider
cooldowns, single-flight of identical requests) to Redis; unset, it stays in process memory. The
backend modules are imported only when their URL is set, so the default app never loads psycopg or redis.
"""

from __future__ import annotations

from typing import Any


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def database_url(settings: Any | None = None) -> str | None:
    if settings is None:
        from core.config import get_settings

        settings = get_settings()
    return _secret(getattr(settings, "studio_database_url", None))


def redis_url(settings: Any | None = None) -> str | None:
    if settings is None:
        from core.config import get_settings

        settings = get_settings()
    return _secret(getattr(settings, "studio_redis_url", None))


def postgres_database(settings: Any | None = None) -> Any | None:
    """The process's PostgreSQL database when STUDIO_DATABASE_URL is set, else None (use SQLite)."""
    url = database_url(settings)
    if url is None:
        return None
    from core.backends.postgres.db import open_database

    return open_database(url)


def ledger_and_cache(settings: Any) -> tuple[Any, Any] | None:
    """(PgLedger, PgCache) when STUDIO_DATABASE_URL is set, else None."""
    db = postgres_database(settings)
    if db is None:
        return None
    from decimal import Decimal

    from core.backends.postgres.cache import PgCache
    from core.backends.postgres.ledger import PgLedger

    return PgLedger(db, Decimal(settings.llm_monthly_quota_usd)), PgCache(db)


_redis_clients: dict[tuple[int, str], Any] = {}


def redis_client(settings: Any | None = None) -> Any | None:
    """This process's Redis client when STUDIO_REDIS_URL is set, else None (state stays in the process)."""
    url = redis_url(settings)
    if url is None:
        return None
    import os

    key = (os.getpid(), url)
    client = _redis_clients.get(key)
    if client is None:
        from core.backends.redis_limits import client_for

        client = _redis_clients[key] = client_for(url)
    return client


def provider_rate_limiter(settings: Any, registry: Any) -> Any | None:
    """The gateway's rpm/tpm buckets in Redis when STUDIO_REDIS_URL is set, else None (in-process buckets)."""
    client = redis_client(settings)
    if client is None:
        return None
    from core.backends.redis_limits import RedisRateLimiter
    from core.llm.ratelimit import Limits

    return RedisRateLimiter(client, {p: Limits(lim.rpm, lim.tpm) for p, lim in registry.limits.items()})


def flight_group(settings: Any) -> Any | None:
    """Single-flight of identical requests across replicas (a Redis lock) when STUDIO_REDIS_URL is set,
    else None (the gateway's in-process flights)."""
    client = redis_client(settings)
    if client is None:
        return None
    from core.backends.redis_flights import RedisFlights

    # A leader's answer stays readable until its caller has validated and cached it (at most the cache TTL).
    return RedisFlights(client, result_ttl_s=min(10.0, float(settings.llm_cache_ttl)))


def request_rate_limiter() -> Any | None:
    """The API's per-user request window in Redis when STUDIO_REDIS_URL is set, else None."""
    client = redis_client()
    if client is None:
        return None
    from core.backends.redis_limits import RedisRequestRateLimiter

    return RedisRequestRateLimiter(client)
