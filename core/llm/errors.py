"""Typed errors with user-facing messages.

Every message is safe to show: vendor text passes through ``redact`` before it reaches one of
these, so no API key can leak through an exception, a log line or the UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_KEY_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{6,}"),
    re.compile(r"sk-[A-Za-z0-9_\-]{6,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)((?:api[_-]?key|x-api-key|authorization)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{6,}"),
]

_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a configured key so that ``redact`` removes it verbatim wherever it appears."""
    if value and len(value) >= 6:
        _known_secrets.add(value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    out = str(text)
    for secret in sorted({*_known_secrets, *(s for s in secrets if s)}, key=len, reverse=True):
        out = out.replace(secret, "[REDACTED]")
    for pattern in _KEY_PATTERNS:
        if pattern.groups:
            out = pattern.sub(lambda m: m.group(1) + "[REDACTED]", out)
        else:
            out = pattern.sub("[REDACTED]", out)
    return out


class StudioError(Exception):
    """Base of every error the core raises on purpose. ``str(err)`` is the user-facing message."""

    exit_code = 5
    kind = "error"

    def __init__(self, message: str, *, hint: str | None = None, **details: Any) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        self.details = details
        super().__init__(self.message if not self.hint else f"{self.message} {self.hint}")


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


class QuotaExceeded(StudioError):
    kind = "quota_exceeded"
    exit_code = 4


class PriceUnknown(StudioError):
    """A model without a known price cannot be used against a quota (never priced at 0)."""

    kind = "price_unknown"
    exit_code = 2


class UnknownModel(StudioError):
    kind = "unknown_model"
    exit_code = 2


class EngineCannotAnswer(StudioError):
    """The offline engine (or any engine) could not turn the request into a result."""

    kind = "cannot_answer"
    exit_code = 3


class AllModelsFailed(ProviderError):
    """Every model of the chain failed; ``attempts`` lists (model, error message)."""

    kind = "all_failed"

    def __init__(self, message: str, *, attempts: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        self.attempts = attempts or []
        super().__init__(message, **kw)
