"""Small pieces the E services share: the input error, the gateway lookup, and result metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import StudioError
from core.llm.structured import StructuredResult
from core.llm.types import Usage


class BadInput(StudioError):
    """The caller's input cannot be used; the message says what and how to fix it (exit code 2)."""

    exit_code = 2
    kind = "bad_input"


def gateway_or_default(gateway: Any | None) -> Any:
    if gateway is not None:
        return gateway
    from core.services.models import get_gateway

    return get_gateway()


def require_text(value: Any, what: str, *, limit: int, example: str) -> str:
    text = "" if value is None else str(value)
    if not text.strip():
        raise BadInput(f"The {what} is empty.", hint=f"Write e.g. {example}")
    if len(text) > limit:
        raise BadInput(
            f"The {what} is {len(text):,} characters long; the limit is {limit:,}.",
            hint="Shorten it to the part that matters.",
        )
    return text


@dataclass
class CallInfo:
    """Which model answered, what it cost and how much repair it needed; shown under every result."""

    model: str = ""
    provider: str = ""
    tried: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost_usd: Decimal = Decimal(0)
    attempts: int = 0
    repaired: bool = False
    cached: bool = False
    offline: bool = False
    request_id: str = ""  # the ledger row of the answering attempt (the REST API returns it)
    # Set when a fallback answered: the model that failed first and why, and what the failed
    # attempts cost (they reached a vendor, so they were billed).
    fallback_from: str | None = None
    fallback_reason: str | None = None
    failed_cost_usd: Decimal = Decimal(0)
    wait_ms: float = 0.0  # time spent waiting on local rate limits and retry backoff

    @classmethod
    def of(cls, result: StructuredResult[Any]) -> CallInfo:
        c = result.completion
        return cls(
            model=c.model, provider=c.provider, tried=list(c.tried), usage=result.usage,
            cost_usd=result.cost_usd, attempts=len(result.attempts), repaired=result.repaired,
            cached=c.cached, offline=c.provider == "offline", request_id=c.request_id,
            fallback_from=c.fallback_from, fallback_reason=c.fallback_reason, failed_cost_usd=c.failed_cost_usd,
            wait_ms=c.wait_ms,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "provider": self.provider, "tried": self.tried,
            "input_tokens": self.usage.input_tokens, "output_tokens": self.usage.output_tokens,
            "cost_usd": format(self.cost_usd, "f"), "attempts": self.attempts, "repaired": self.repaired,
            "cached": self.cached, "offline": self.offline,
            "fallback_from": self.fallback_from, "failed_cost_usd": format(self.failed_cost_usd, "f"),
        }
