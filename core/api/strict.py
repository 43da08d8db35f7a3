"""``"fallback": false`` in a request: only the model asked for answers, or the call fails.

By default a failing provider falls back along the chain (ending with the offline engine), as in the
app. An API client that needs exactly one model (to compare models, or to fail loudly) turns that
off; the gateway already honours ``ChatRequest.fallback``, this only sets it on every request.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any


class ExactModel:
    def __init__(self, gateway: Any) -> None:
        self._gateway = gateway

    def complete(self, req: Any) -> Any:
        return self._gateway.complete(replace(req, fallback=False))

    def stream(self, req: Any) -> Any:
        return self._gateway.stream(replace(req, fallback=False))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway, name)


def gateway_for(fallback: bool) -> Any | None:
    """None (the services' own default gateway) unless fallback is off."""
    if fallback:
        return None
    from core.services.models import get_gateway

    return ExactModel(get_gateway())
