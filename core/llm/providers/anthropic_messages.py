"""Anthropic messages through the official ``anthropic`` SDK (``Anthropic`` and ``AsyncAnthropic``)."""

from __future__ import annotations

from typing import Any

from core.llm.providers.base import Call, Reply, StreamDone
from core.llm.providers.chatstream import StreamFold
from core.llm.providers.sdk import SdkProvider
from core.llm.types import Usage


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


def _pick(value: Any, fallback: int) -> int:
    return int(value) if value is not None else fallback


class _MessageStreamState(StreamFold):
    """Folds message events: usage from message_start, overwritten by the cumulative message_delta."""

    def __init__(self, vendor: str, call: Call) -> None:
        super().__init__("anthropic", vendor, call)
        self.stopped = False

    def feed(self, event: Any) -> list[str]:
        kind = event.type
        if kind == "message_start":
            self.usage = usage_from_anthropic(event.message.usage, 0)
        elif kind == "content_block_delta":
            piece = getattr(event.delta, "text", None)
            if piece:
                self.parts.append(piece)
                return [piece]
        elif kind == "message_delta":
            self.finish = event.delta.stop_reason or self.finish
            d, base = event.usage, self.usage or Usage()
            self.usage = Usage(
                input_tokens=_pick(getattr(d, "input_tokens", None), base.input_tokens),
                output_tokens=int(d.output_tokens or 0),
                cache_read_tokens=_pick(getattr(d, "cache_read_input_tokens", None), base.cache_read_tokens),
                cache_write_tokens=_pick(getattr(d, "cache_creation_input_tokens", None), base.cache_write_tokens),
            )
        elif kind == "message_stop":
            self.stopped = True
        return []

    def done(self) -> StreamDone:
        if not self.stopped:
            raise self.ended_early("before message_stop")
        return StreamDone(self.usage or Usage(), self.finish)


class AnthropicProvider(SdkProvider):
    name = "anthropic"
    order = 20
    vendor = "Anthropic"
    key_env = ("ANTHROPIC_API_KEY",)
    base_url_env = "ANTHROPIC_BASE_URL"
    default_base_url = "https://api.anthropic.com"  # no /v1: the SDK adds it
    sdk_modules = ("anthropic", "httpx2")

    def _new_client(self, asynchronous: bool) -> Any:
        import anthropic

        return (anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic)(**self._options())

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

    def _reply(self, resp: Any) -> Reply:
        text = "".join(getattr(b, "text", "") for b in resp.content if getattr(b, "type", "") == "text")
        return Reply(text, usage_from_anthropic(resp.usage), resp.stop_reason, resp.model)

    def _create(self, client: Any, call: Call, stream: bool) -> Any:
        return client.messages.create(**self._params(call), **({"stream": True} if stream else {}))

    def _fold(self, call: Call) -> _MessageStreamState:
        return _MessageStreamState(self.vendor, call)
