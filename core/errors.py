"""The ground-level error vocabulary every layer shares (storage, strategy, market, prompts, llm,
services, UI): the base ``StudioError``, the few errors more than one layer raises, and ``redact``.

Every message is safe to show: text passes through ``redact`` before it reaches one of these, so no
API key can leak through an exception, a log line or the UI. LLM-specific errors (provider
failures, unknown models, prices) live in ``core.llm.errors`` and subclass these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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


def _params_of(details: Mapping[str, Any]) -> dict[str, Any]:
    given = details.get("params")
    if isinstance(given, Mapping):
        return dict(given)
    return {k: v for k, v in details.items() if k not in ("code", "params")}


class StudioError(Exception):
    """Base of every error the core raises on purpose. ``str(err)`` is the English message (what the
    CLI and the API print by default); ``code`` and ``params`` let an interface word it in the
    reader's language (core.services.wording) without parsing the sentence.

    A raise site passes ``code="..."`` (and ``params={...}`` when the details are not the
    parameters); without one the code is the kind in capitals."""

    exit_code = 5
    kind = "error"

    def __init__(self, message: str, *, hint: str | None = None, **details: Any) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        self.details = details
        super().__init__(self.message if not self.hint else f"{self.message} {self.hint}")

    @property
    def code(self) -> str:
        given = self.details.get("code")
        return given if isinstance(given, str) and given else self.kind.upper()

    @property
    def params(self) -> dict[str, Any]:
        """The figures and names the message quotes (user input among them: escape before display)."""
        return _params_of(self.details)


class QuotaExceeded(StudioError):
    """The month's spend (plus what is held for calls in flight) would pass the user's quota."""

    kind = "quota_exceeded"
    exit_code = 4


class EngineCannotAnswer(StudioError):
    """The offline engine (or any engine) could not turn the request into a result."""

    kind = "cannot_answer"
    exit_code = 3


class ConfigError(ValueError):
    """A configuration value is malformed; the message names the setting and how to fix it.

    Defined here, not in core.config, so that the UI can recognise it without importing settings.
    Like StudioError it carries a ``code`` and ``params`` for wording it in another language.
    """

    kind = "config"

    def __init__(self, message: str, *, code: str = "CONFIG_INVALID", **params: Any) -> None:
        super().__init__(redact(message))
        self.code = code
        self.params = params
        self.hint: str | None = None
