"""OpenAI chat completions through the official ``openai`` SDK; also the custom OpenAI-compatible
endpoint (Ollama, vLLM, llama.cpp server), which speaks the same wire. Sync (``OpenAI``) and
async (``AsyncOpenAI``) clients, both with ``max_retries=0``."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

from core.llm.errors import register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamItem, bind_to_loop
from core.llm.providers.chatstream import ChatStreamState
from core.llm.providers.errmap import map_error, sdk_errors
from core.llm.providers.usage import usage_from_openai

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SDK_ERRORS = sdk_errors("openai", "httpx2", "httpx")


class OpenAIProvider(Provider):
    name = "openai"
    vendor = "OpenAI"
    placeholder_key = "unset"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._client: Any = None
        # httpx async pools belong to one event loop: one async client per loop.
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        register_secret(self._key())

    def _key(self) -> str | None:
        secret = self.settings.openai_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return self._key() is not None

    def base_url(self) -> str | None:
        return self.settings.openai_base_url or DEFAULT_BASE_URL

    def _options(self) -> dict[str, Any]:
        # max_retries=0: our retry policy is the only one (vendor-sdks.md section 2).
        return {"api_key": self._key() or self.placeholder_key, "base_url": self.base_url(), "max_retries": 0,
                "timeout": float(self.settings.llm_request_timeout)}

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import openai

                    self._client = openai.OpenAI(**self._options())
        return self._client

    async def aclient(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._aclients.get(loop)
        if client is None:
            # The client holds its loop alive through its connections, so weak keys alone never
            # drop it: forget clients of loops that have ended (asyncio.run per batch, say).
            for old in [lp for lp in list(self._aclients) if lp.is_closed()]:
                self._aclients.pop(old, None)
            import openai

            client = openai.AsyncOpenAI(**self._options())
            self._aclients[loop] = (client, await bind_to_loop(client))
            return client
        return client[0]

    # ------------------------------------------------------------------ request body
    def _sampling_allowed(self, model: str) -> bool:
        # Reasoning models (gpt-5.x, o-series) reject temperature/top_p other than the default.
        return not model.startswith(("gpt-5", "o1", "o3", "o4"))

    def _params(self, call: Call) -> dict[str, Any]:
        req, info = call.request, call.model
        params: dict[str, Any] = {
            "model": info.name,
            "messages": [m.as_dict() for m in req.messages],
            "max_completion_tokens": call.max_tokens,
            "timeout": call.timeout_s,
        }
        if self._sampling_allowed(info.name):
            if req.temperature is not None:
                params["temperature"] = req.temperature
            if req.top_p is not None:
                params["top_p"] = req.top_p
        fmt = self._response_format(call)
        if fmt is not None:
            params["response_format"] = fmt
        return params

    def _stream_params(self, call: Call) -> dict[str, Any]:
        return {**self._params(call), "stream": True, "stream_options": {"include_usage": True}}

    def _response_format(self, call: Call) -> dict[str, Any] | None:
        req, mode = call.request, call.model.structured_output
        if req.output_schema is not None and mode == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": req.schema_name, "strict": True, "schema": req.output_schema}}
        if (req.output_schema is not None or req.json_mode) and mode in ("json_schema", "json_object"):
            return {"type": "json_object"}
        return None

    def _reply(self, resp: Any) -> Reply:
        choice = resp.choices[0] if resp.choices else None
        text = (choice.message.content or "") if choice is not None else ""
        return Reply(text, usage_from_openai(resp.usage), choice.finish_reason if choice else None, resp.model)

    def _mapped(self, exc: BaseException, call: Call) -> Exception:
        return map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor)

    # ------------------------------------------------------------------ sync
    def complete(self, call: Call) -> Reply:
        try:
            resp = self.client().chat.completions.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        return self._reply(resp)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self.client().chat.completions.create(**self._stream_params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        state = ChatStreamState(self.name, self.vendor, call)
        try:
            with stream:
                for chunk in stream:
                    yield from state.feed(chunk)
        except SDK_ERRORS as exc:
            raise state.broken(exc) from None
        yield state.done()

    # ------------------------------------------------------------------ async
    async def acomplete(self, call: Call) -> Reply:
        try:
            resp = await (await self.aclient()).chat.completions.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        return self._reply(resp)

    async def astream(self, call: Call) -> AsyncIterator[StreamItem]:
        try:
            stream = await (await self.aclient()).chat.completions.create(**self._stream_params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        state = ChatStreamState(self.name, self.vendor, call)
        try:
            async with stream:
                async for chunk in stream:
                    for piece in state.feed(chunk):
                        yield piece
        except SDK_ERRORS as exc:
            raise state.broken(exc) from None
        yield state.done()


class CustomProvider(OpenAIProvider):
    """A self-hosted OpenAI-compatible server named by CUSTOM_LLM_BASE_URL."""

    name = "custom"
    vendor = "the custom endpoint"
    placeholder_key = "no-key"  # local servers usually need no key, but the SDK insists on one

    def _key(self) -> str | None:
        secret = self.settings.custom_llm_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return bool(self.settings.custom_llm_base_url and self.settings.custom_llm_models)

    def base_url(self) -> str | None:
        return self.settings.custom_llm_base_url

    def _sampling_allowed(self, model: str) -> bool:
        return True

    def _params(self, call: Call) -> dict[str, Any]:
        params = super()._params(call)
        # Self-hosted servers know max_tokens, not OpenAI's newer max_completion_tokens.
        params["max_tokens"] = params.pop("max_completion_tokens")
        return params

    def _response_format(self, call: Call) -> dict[str, Any] | None:
        if call.request.output_schema is not None or call.request.json_mode:
            return {"type": "json_object"}
        return None
