"""LLM-specific errors: provider failures, unknown models, unknown prices, invalid model output.

They subclass ``core.errors.StudioError`` (the ground vocabulary every layer shares); vendor text
passes through ``redact`` before it reaches one of these.
"""

from __future__ import annotations

from typing import Any

from core.errors import StudioError


class ProviderError(StudioError):
    """Raised by a provider adapter or the gateway; ``model`` and ``provider`` say where."""

    retryable = False
    fallback = True

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        model: str | None = None,
        status_code: int | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        **details: Any,
    ) -> None:
        self.provider = provider
        self.model = model
        self.status_code = status_code
        self.retry_after = retry_after
        super().__init__(message, hint=hint, **details)

    @property
    def params(self) -> dict[str, Any]:
        where = {"provider": self.provider, "model": self.model, "status": self.status_code,
                 "retry_after": self.retry_after}
        return {**{k: v for k, v in where.items() if v is not None}, **super().params}


class ProviderNotConfigured(ProviderError):
    kind = "not_configured"


class AuthenticationFailed(ProviderError):
    kind = "auth_failed"


class BadRequest(ProviderError):
    """400/404/422: the request itself is wrong; retrying or falling back would not help."""

    kind = "bad_request"
    fallback = False


class RateLimited(ProviderError):
    kind = "rate_limited"
    retryable = True


class ProviderUnavailable(ProviderError):
    """5xx, timeouts and connection failures."""

    kind = "unavailable"
    retryable = True


class ContextTooLong(ProviderError):
    kind = "context_too_long"


class StreamInterrupted(ProviderError):
    """A stream ended before the vendor finished; carries what arrived and the usage so far."""

    kind = "cut"
    fallback = False

    def __init__(self, message: str, *, partial_text: str = "", usage: Any = None, **kw: Any) -> None:
        self.partial_text = partial_text
        self.usage = usage
        super().__init__(message, **kw)


class OutputInvalid(StudioError):
    """The model's answer could not be turned into a valid result after the allowed re-asks."""

    kind = "output_invalid"
    exit_code = 3

    def __init__(self, message: str, *, errors: list[str] | None = None, attempts: int = 0, **kw: Any) -> None:
        self.errors = errors or []
        self.attempts = attempts
        super().__init__(message, **kw)


class PriceUnknown(StudioError):
    """A model without a known price cannot be used against a quota (never priced at 0)."""

    kind = "price_unknown"
    exit_code = 2


class UnknownModel(StudioError):
    kind = "unknown_model"
    exit_code = 2


class AllModelsFailed(ProviderError):
    """Every model of the chain failed; ``attempts`` lists (model, error message)."""

    kind = "all_failed"

    def __init__(self, message: str, *, attempts: list[tuple[str, str]] | None = None,
                 failed_cost_usd: Any = None, **kw: Any) -> None:
        self.attempts = attempts or []
        self.failed_cost_usd = failed_cost_usd  # what the failed attempts were billed (a Decimal)
        super().__init__(message, **kw)
