"""Anthropic messages through the official ``anthropic`` SDK."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from core.llm.errors import StreamInterrupted, register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem
from core.llm.providers.errmap import map_error, sdk_errors
from core.llm.providers.usage import partial_usage
from core.llm.types import Usage

DEFAULT_BASE_URL = "https://api.anthropic.com"
SDK_ERRORS = sdk_errors("anthropic", "httpx2")


def usage_from_anthropic(u: Any, output_tokens: int | None = None) -> Usage:
    """Anthropic's ``input_tokens`` already EXCLUDES cache reads and writes: no subtraction."""
    if u is None:
        return Usage()
    return Usage(
        input_tokens=int(getattr(u, "input_tokens", 0) or 0),
        output_tokens=int(output_tokens if output_tokens is not None else getattr(u, "output_tokens", 0) or 0),
        cache_read_tokens=int(getattr(u, "cache_read_input_tokens", 0) or 0),
        cache_write_tokens=int(getattr(u, "cache_creation_input_tokens", 0) or 0),
    )


class AnthropicProvider(Provider):
    name = "anthropic"
    vendor = "Anthropic"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._client: Any = None
        self._lock = threading.Lock()
        register_secret(self._key())

    def _key(self) -> str | None:
        secret = self.settings.anthropic_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return self._key() is not None

    def base_url(self) -> str | None:
        return self.settings.anthropic_base_url or DEFAULT_BASE_URL

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import anthropic

                    self._client = anthropic.Anthropic(
                        api_key=self._key() or "unset", base_url=self.base_url(), max_retries=0,
                        timeout=float(self.settings.llm_request_timeout),
                    )
        return self._client

    def _params(self, call: Call) -> dict[str, Any]:
        req = call.request
        system = "\n\n".join(m.content for m in req.messages if m.role == "system")
        params: dict[str, Any] = {
            "model": call.model.name,
            "max_tokens": call.max_tokens,
            "messages": [m.as_dict() for m in req.messages if m.role != "system"],
            # An explicit timeout also keeps the SDK from refusing large non-streaming max_tokens.
            "timeout": call.timeout_s,
        }
        if system:
            params["system"] = system
        # anthropic 2.13 (API 2026-10-21) has no temperature/top_p parameters any more: the
        # request's sampling values are deliberately not sent.
        if req.output_schema is not None and call.model.structured_output == "json_schema":
            params["output_config"] = {"format": {"type": "json_schema", "schema": req.output_schema}}
        return params

    def complete(self, call: Call) -> Reply:
        try:
            msg = self.client().messages.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
        text = "".join(getattr(b, "text", "") for b in msg.content if getattr(b, "type", "") == "text")
        return Reply(text, usage_from_anthropic(msg.usage), msg.stop_reason, msg.model)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self.client().messages.create(**self._params(call), stream=True)
        except SDK_ERRORS as exc:
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
        parts: list[str] = []
        start_usage: Any = None
        usage: Usage | None = None
        finish: str | None = None
        stopped = False
        try:
            with stream:
                for event in stream:
                    kind = event.type
                    if kind == "message_start":
                        start_usage = event.message.usage
                        usage = usage_from_anthropic(start_usage, 0)
                    elif kind == "content_block_delta":
                        piece = getattr(event.delta, "text", None)
                        if piece:
                            parts.append(piece)
                            yield piece
                    elif kind == "message_delta":
                        finish = event.delta.stop_reason or finish
                        # message_delta usage is cumulative; its optional input/cache counts overwrite.
                        d = event.usage
                        base = usage or Usage()
                        usage = Usage(
                            input_tokens=d.input_tokens if getattr(d, "input_tokens", None) is not None
                            else base.input_tokens,
                            output_tokens=int(d.output_tokens or 0),
                            cache_read_tokens=d.cache_read_input_tokens
                            if getattr(d, "cache_read_input_tokens", None) is not None else base.cache_read_tokens,
                            cache_write_tokens=d.cache_creation_input_tokens
                            if getattr(d, "cache_creation_input_tokens", None) is not None
                            else base.cache_write_tokens,
                        )
                    elif kind == "message_stop":
                        stopped = True
        except SDK_ERRORS as exc:
            err = map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor)
            text = "".join(parts)
            raise StreamInterrupted(
                f"The {self.vendor} stream for {call.model.name} broke off after {len(text)} characters: "
                f"{err.message}", provider=self.name, model=call.model.name, status_code=err.status_code,
                partial_text=text, usage=partial_usage(call, text, usage),
            ) from None
        if not stopped:
            text = "".join(parts)
            raise StreamInterrupted(
                f"The {self.vendor} stream for {call.model.name} ended before message_stop.",
                provider=self.name, model=call.model.name, partial_text=text,
                usage=partial_usage(call, text, usage))
        yield StreamDone(usage or Usage(), finish)
