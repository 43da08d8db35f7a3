"""The composition root: the one place that wires the gateway to the parts it must not import.

``core.llm`` knows nothing of the offline engine, the strategy format or market data; here the
engine's handlers (one typed callable per use case) are handed to the gateway, and so is
``core.backends`` (PostgreSQL ledger and cache, Redis rate limits, when their URLs are set)."""

from __future__ import annotations

from core.config import Settings
from core.llm.factory import build_gateway as _build_llm_gateway
from core.llm.gateway import Gateway


def build_gateway(settings: Settings, *, with_ledger: bool = True, with_cache: bool = True) -> Gateway:
    from core import backends
    from core.offline import handlers

    return _build_llm_gateway(settings, with_ledger=with_ledger, with_cache=with_cache, offline=handlers(),
                              backends=backends)
