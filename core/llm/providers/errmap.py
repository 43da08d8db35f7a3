"""Turn any SDK exception into one of our ``ProviderError`` types, with a redacted message.

The three SDKs raise different classes for the same HTTP facts, so we map on the facts: the status
code, the response headers (Retry-After) and whether it was a timeout or a connection failure.
The vendor's own message is kept (it is often the most useful part) but always redacted.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import redact
from core.llm.errors import (
    AuthenticationFailed,
    BadRequest,
    ContextTooLong,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
)
from core.llm.retry import parse_retry_after

_CONTEXT_MARKERS = ("context_length", "context length", "context window", "maximum context", "too many tokens",
                    "prompt is too long")


def sdk_errors(*modules: str) -> tuple[type[BaseException], ...]:
    """The exception bases an adapter maps: its SDK's, and the HTTP library's for broken streams.
    Anything else (a TypeError, say) is our bug and must surface as such, not as "unreachable"."""
    import importlib

    roots = {"openai": "OpenAIError", "anthropic": "AnthropicError", "zai": "ZaiError",
             "httpx": "HTTPError", "httpx2": "HTTPError"}
    out: list[type[BaseException]] = [OSError, json.JSONDecodeError]
    for name in modules:
        module = importlib.import_module("zai.core" if name == "zai" else name)
        out.append(getattr(module, roots[name]))
        if name in ("httpx", "httpx2"):
            out.append(module.StreamError)
    return tuple(out)


def _vendor_message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    text = ""
    if response is not None:
        try:
            text = response.text
        except Exception:  # a streamed response may not be readable any more
            text = ""
    if text:
        try:
            data = json.loads(text)
        except ValueError:
            return text[:300]
        if isinstance(data, dict):
            err = data.get("error", data)
            if isinstance(err, dict) and err.get("message"):
                return str(err["message"])[:300]
        return text[:300]
    return str(getattr(exc, "message", "") or exc)[:300]


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def _headers(exc: BaseException) -> dict[str, str]:
    response = getattr(exc, "response", None)
    try:
        return dict(response.headers) if response is not None else {}
    except Exception:
        return {}


def is_timeout(exc: BaseException) -> bool:
    return "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower()


def map_error(exc: BaseException, *, provider: str, model: str, vendor: str) -> ProviderError:
    """``vendor`` is the display name (OpenAI, Anthropic, GLM, custom endpoint)."""
    status = _status(exc)
    kw: dict[str, Any] = {"provider": provider, "model": model, "status_code": status, "vendor": vendor}
    if isinstance(exc, json.JSONDecodeError):
        return ProviderUnavailable(f"{vendor} sent a response for {model} that is not valid JSON.", reached=True,
                                   code="PROVIDER_BAD_JSON", **kw)
    if status is None or status == 200:
        # No HTTP status: transport trouble, or (status 200) an error event inside a stream.
        if is_timeout(exc):
            return ProviderUnavailable(f"{vendor} did not answer in time ({model}).", reached=True, **kw,
                                       code="PROVIDER_TIMEOUT",
                                       hint="Try again, or raise LLM_REQUEST_TIMEOUT.")
        # The vendor's words where it sent some; never an exception class name.
        what = redact(_vendor_message(exc)).strip().rstrip(".") if status == 200 else "the connection failed"
        return ProviderUnavailable(f"Could not reach {vendor} ({model}): {what or 'the connection failed'}.", **kw,
                                   code="PROVIDER_STREAM_ERROR" if status == 200 else "PROVIDER_UNREACHABLE")
    msg = redact(_vendor_message(exc))
    if status in (401, 403):
        return AuthenticationFailed(
            f"{vendor} rejected the API key for {model} (HTTP {status}): {msg}", **kw, code="PROVIDER_AUTH_FAILED",
            hint=f"Check the {provider} key in the environment or .streamlit/secrets.toml.")
    if status == 429:
        return RateLimited(f"{vendor} rate-limited {model} (HTTP 429): {msg}",
                           retry_after=parse_retry_after(_headers(exc)), code="PROVIDER_RATE_LIMITED", **kw)
    if status in (408, 409) or status >= 500:
        return ProviderUnavailable(f"{vendor} failed for {model} (HTTP {status}): {msg}",
                                   retry_after=parse_retry_after(_headers(exc)), code="PROVIDER_HTTP_ERROR", **kw)
    if status in (400, 413, 422) and any(m in msg.lower() for m in _CONTEXT_MARKERS):
        return ContextTooLong(f"{vendor} says the request is too long for {model}: {msg}",
                             code="PROVIDER_CONTEXT_TOO_LONG", **kw)
    if status in (400, 404, 422):
        return BadRequest(f"{vendor} refused the request for {model} (HTTP {status}): {msg}",
                          code="PROVIDER_REJECTED", **kw)
    # 402 billing and other unusual statuses: this model cannot serve now, another one may.
    return ProviderError(f"{vendor} failed for {model} (HTTP {status}): {msg}", code="PROVIDER_HTTP_ERROR", **kw)
