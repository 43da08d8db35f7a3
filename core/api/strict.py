"""A request's ``fallback`` field: which other models may answer when the chosen one fails.

The values are LLM_FALLBACK's ("off", "same_vendor", "any"; the old booleans read as "any"/"off").
Left out, the server's own setting decides (the services' default gateway), as in the app and the
CLI; given, it is set on every request of the call (the gateway honours ``ChatRequest.fallback``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.llm.types import FallbackPolicy


class WithFallback:
    def __init__(self, gateway: Any, policy: FallbackPolicy) -> None:
        self._gateway = gateway
        self._policy = policy

    def complete(self, req: Any) -> Any:
        return self._gateway.complete(replace(req, fallback=self._policy))

    def stream(self, req: Any) -> Any:
        return self._gateway.stream(replace(req, fallback=self._policy))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway, name)


def policy_of(fallback: FallbackPolicy | bool | None) -> FallbackPolicy | None:
    if fallback is True:
        return "any"
    if fallback is False:
        return "off"
    return fallback


def gateway_for(fallback: FallbackPolicy | bool | None) -> Any | None:
    """None (the services' own default gateway, the configured policy) unless the request chose one."""
    policy = policy_of(fallback)
    if policy is None:
        return None
    from core.services.models import get_gateway

    return WithFallback(get_gateway(), policy)
