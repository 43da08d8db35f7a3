"""Usage normalisation shared by the adapters (no SDK imports: each adapter loads only its own SDK)."""

from __future__ import annotations

from typing import Any

from core.llm.providers.base import Call
from core.llm.types import Usage


def usage_from_openai(u: Any) -> Usage:
    """OpenAI/GLM ``prompt_tokens`` INCLUDE cached (and cache-written) tokens: take them out so that
    each is billed once at its own rate. Reasoning tokens are part of completion_tokens."""
    if u is None:
        return Usage()
    prompt = int(getattr(u, "prompt_tokens", 0) or 0)
    details = getattr(u, "prompt_tokens_details", None)
    cached = int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
    written = int(getattr(details, "cache_write_tokens", 0) or 0) if details is not None else 0
    out_details = getattr(u, "completion_tokens_details", None)
    reasoning = int(getattr(out_details, "reasoning_tokens", 0) or 0) if out_details is not None else 0
    return Usage(
        input_tokens=max(0, prompt - cached - written),
        output_tokens=int(getattr(u, "completion_tokens", 0) or 0),
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
