"""Build the process-wide gateway from settings: registry, providers, ledger and cache."""

from __future__ import annotations

import importlib
import logging
import threading
from decimal import Decimal
from typing import Any

from core.errors import register_secret
from core.llm.gateway import Gateway
from core.llm.registry import registry_from_settings

log = logging.getLogger("core.llm.factory")


def register_settings_secrets(settings: Any) -> None:
    """Teach ``redact`` every configured key so it is removed verbatim from any text."""
    for name in ("openai_api_key", "anthropic_api_key", "glm_api_key", "custom_llm_api_key"):
        secret = getattr(settings, name, None)
        if secret is not None:
            register_secret(secret.get_secret_value())


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name in {module, "core.storage"}:
            log.warning("%s is not available; the gateway runs without it", module)
            return None
        raise


def build_gateway(settings: Any, *, with_ledger: bool = True, with_cache: bool = True) -> Gateway:
    register_settings_secrets(settings)
    registry = registry_from_settings(settings)
    ledger = cache = None
    if with_ledger or with_cache:
        storage = _optional("core.storage")
        if storage is not None:
            db = storage.get_db(settings.studio_db)
            if with_ledger and (mod := _optional("core.usage.ledger")) is not None:
                ledger = mod.SqliteLedger(db, Decimal(settings.llm_monthly_quota_usd))
            if with_cache and (mod := _optional("core.usage.cache")) is not None:
                cache = mod.SqliteCache(db)
    gateway = Gateway(settings, registry, ledger=ledger, cache=cache)
    if gateway.configured_providers():
        # Loading o200k takes ~0.3-1 s: do it now in the background, not inside the first request.
        from core.llm.tokens import encoding

        threading.Thread(target=encoding, name="tiktoken-warmup", daemon=True).start()
    return gateway
