"""Errors of identity and permission; each message says what to do."""

from __future__ import annotations

from core.errors import StudioError


class KeyInvalid(StudioError):
    """A missing, malformed, unknown or revoked API key (HTTP 401)."""

    kind = "unauthorized"
    exit_code = 2


class Forbidden(StudioError):
    """The caller is known but may not do this (HTTP 403): only an admin may."""

    kind = "forbidden"
    exit_code = 2


class RequestRateLimited(StudioError):
    """The user made more requests than their per-minute limit (HTTP 429 with Retry-After)."""

    kind = "request_rate_limited"
    exit_code = 5

    def __init__(self, message: str, *, retry_after: float, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class KeyNotFound(StudioError):
    """No key with this prefix among the caller's keys (another user's key is not found either)."""

    kind = "not_found"
    exit_code = 2
