"""Anthropic messages through the official ``anthropic`` SDK (``Anthropic`` and ``AsyncAnthropic``)."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

from core.llm.errors import StreamInterrupted, register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem, bind_to_loop
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


def _pick(value: Any, fallback: int) -> int:
    return int(value) if value is not None else fallback


class _MessageStreamState:
    """Folds message events: usage from message_start, overwritten by the cumulative message_delta."""

    def __init__(self, vendor: str, call: Call) -> None:
        self.vendor, self.call = vendor, call
        self.parts: list[str] = []
        self.usage: Usage | None = None
        self.finish: str | None = None
        self.stopped = False

    def feed(self, event: Any) -> str | None:
        kind = event.type
        if kind == "message_start":
            self.usage = usage_from_anthropic(event.message.usage, 0)
        elif kind == "content_block_delta":
            piece = getattr(event.delta, "text", None)
            if piece:
                self.parts.append(piece)
                return piece
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
        return None

    def broken(self, exc: BaseException) -> StreamInterrupted:
        err = map_error(exc, provider="anthropic", model=self.call.model.name, vendor=self.vendor)
        text = "".join(self.parts)
        return StreamInterrupted(
            f"The {self.vendor} stream for {self.call.model.name} broke off after {len(text)} characters: "
            f"{err.message}", provider="anthropic", model=self.call.model.name, status_code=err.status_code,
            partial_text=text, usage=partial_usage(self.call, text, self.usage))

    def done(self) -> StreamDone:
        if not self.stopped:
            text = "".join(self.parts)
            raise StreamInterrupted(
                f"The {self.vendor} stream for {self.call.model.name} ended before message_stop.",
                provider="anthropic", model=self.call.model.name, partial_text=text,
                usage=partial_usage(self.call, text, self.usage))
        return StreamDone(self.usage or Usage(), self.finish)


class AnthropicProvider(Provider):
    name = "anthropic"
    vendor = "Anthropic"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._client: Any = None
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        register_secret(self._key())

    def _key(self) -> str | None:
        secret = self.settings.anthropic_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return self._key() is not None

    def base_url(self) -> str | None:
        return self.settings.anthropic_base_url or DEFAULT_BASE_URL

    def _options(self) -> dict[str, Any]:
        return {"api_key": self._key() or "unset", "base_url": self.base_url(), "max_retries": 0,
                "timeout": float(self.settings.llm_request_timeout)}

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import anthropic

                    self._client = anthropic.Anthropic(**self._options())
        return self._client

    async def aclient(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._aclients.get(loop)
        if client is None:
            # The client holds its loop alive through its connections, so weak keys alone never
            # drop it: forget clients of loops that have ended (asyncio.run per batch, say).
            for old in [lp for lp in list(self._aclients) if lp.is_closed()]:
                self._aclients.pop(old, None)
            import anthropic

            client = anthropic.AsyncAnthropic(**self._options())
            self._aclients[loop] = (client, await bind_to_loop(client))
            return client
        return client[0]

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

    @staticmethod
    def _reply(msg: Any) -> Reply:
        text = "".join(getattr(b, "text", "") for b in msg.content if getattr(b, "type", "") == "text")
        return Reply(text, usage_from_anthropic(msg.usage), msg.stop_reason, msg.model)

    def _mapped(self, exc: BaseException, call: Call) -> Exception:
        return map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor)

    def complete(self, call: Call) -> Reply:
        try:
            msg = self.client().messages.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        return self._reply(msg)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self.client().messages.create(**self._params(call), stream=True)
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        state = _MessageStreamState(self.vendor, call)
        try:
            with stream:
                for event in stream:
                    piece = state.feed(event)
                    if piece:
                        yield piece
        except SDK_ERRORS as exc:
            raise state.broken(exc) from None
        yield state.done()

    async def acomplete(self, call: Call) -> Reply:
        try:
            msg = await (await self.aclient()).messages.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        return self._reply(msg)

    async def astream(self, call: Call) -> AsyncIterator[StreamItem]:
        try:
            stream = await (await self.aclient()).messages.create(**self._params(call), stream=True)
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        state = _MessageStreamState(self.vendor, call)
        try:
            async with stream:
                async for event in stream:
                    piece = state.feed(event)
                    if piece:
                        yield piece
        except SDK_ERRORS as exc:
            raise state.broken(exc) from None
        yield state.done()
