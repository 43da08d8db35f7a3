"""Usage normalisation shared by the adapters (no SDK imports: each adapter loads only its own SDK)."""

from __future__ import annotations

from typing import Any

from core.llm.providers.base import Call
from core.llm.types import Usage


def field(obj: Any, name: str) -> Any:
    """``obj.name`` of an SDK model, or ``obj[name]`` of a response body read as JSON (None if absent)."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def usage_from_openai(u: Any) -> Usage:
    """OpenAI/GLM ``prompt_tokens`` INCLUDE cached (and cache-written) tokens: take them out so that
    each is billed once at its own rate. Reasoning tokens are part of completion_tokens. ``u`` is the
    SDK's usage model or the ``usage`` object of a JSON body."""
    if u is None:
        return Usage()
    prompt = int(field(u, "prompt_tokens") or 0)
    details = field(u, "prompt_tokens_details")
    cached = int(field(details, "cached_tokens") or 0) if details is not None else 0
    written = int(field(details, "cache_write_tokens") or 0) if details is not None else 0
    out_details = field(u, "completion_tokens_details")
    reasoning = int(field(out_details, "reasoning_tokens") or 0) if out_details is not None else 0
    return Usage(
        input_tokens=max(0, prompt - cached - written),
        output_tokens=int(field(u, "completion_tokens") or 0),
        cache_read_tokens=cached,
        cache_write_tokens=written,
        reasoning_tokens=reasoning,
    )


def partial_usage(call: Call, text: str, exact: Usage | None = None) -> Usage:
    """Usage of a stream cut before the vendor's usage event: our own counts, labelled estimated."""
    from core.llm.tokens import count_text

    if exact is not None and exact.output_tokens:
        return exact
    base = exact or Usage(input_tokens=call.input_tokens)
    return Usage(base.input_tokens, count_text(text), base.cache_read_tokens, base.cache_write_tokens, 0, True)
