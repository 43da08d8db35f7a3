"""Build the process-wide gateway from settings: registry, providers, ledger and cache."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.config import Settings
from core.errors import register_secret
from core.llm.gateway import Gateway
from core.llm.providers import provider_classes
from core.llm.registry import registry_from_settings
from core.llm.types import OfflineHandler

log = logging.getLogger("core.llm.factory")


def register_settings_secrets(settings: Settings) -> None:
    """Teach ``redact`` every configured key (of every provider class) so it is removed verbatim."""
    for cls in provider_classes().values():
        register_secret(cls.key_from(settings))


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name in {module, "core.storage"}:
            log.warning("%s is not available; the gateway runs without it", module)
            return None
        raise


def build_gateway(settings: Settings, *, with_ledger: bool = True, with_cache: bool = True,
                  offline: Mapping[str, OfflineHandler] | None = None, backends: Any = None) -> Gateway:
    """The gateway over the studio database. ``offline``: the local engine's handlers, one per use
    case; the composition root (``core.services.composition``) passes them, so this package never
    imports the engine. ``backends`` (``core.backends``, passed the same way) puts the ledger and
    cache in PostgreSQL and the rate limits, cooldowns and single-flight in Redis when their URLs are set."""
    register_settings_secrets(settings)
    registry = registry_from_settings(settings)
    ledger = cache = None
    shared = backends.ledger_and_cache(settings) if backends is not None and (with_ledger or with_cache) else None
    if shared is not None:
        ledger = shared[0] if with_ledger else None
        cache = shared[1] if with_cache else None
    elif with_ledger or with_cache:
        storage = _optional("core.storage")
        if storage is not None:
            db = storage.get_db(settings.studio_db)
            if with_ledger and (mod := _optional("core.usage.ledger")) is not None:
                # The caller gets its answer before the settle's commit (core/usage/deferred.py).
                ledger = mod.SqliteLedger(db, Decimal(settings.llm_monthly_quota_usd),
                                          reservation_ttl_s=settings.llm_reservation_lease_s, deferred_settle=True)
            if with_cache and (mod := _optional("core.usage.cache")) is not None:
                cache = mod.SqliteCache(db)
    # None keeps the in-process rpm/tpm buckets.
    limiter = backends.provider_rate_limiter(settings, registry) if backends is not None else None
    # None keeps the in-process single-flight.
    flights = backends.flight_group(settings) if backends is not None else None
    gateway = Gateway(settings, registry, ledger=ledger, cache=cache, offline=offline, rate_limiter=limiter,
                      flights=flights)
    if gateway.configured_providers():
        # Loading o200k takes ~0.3-1 s: do it now in the background, not inside the first request.
        from core.llm.tokens import encoding

        threading.Thread(target=encoding, name="tiktoken-warmup", daemon=True).start()
    return gateway
