"""GLM (Z.ai) through the official ``zai-sdk``.

zai-sdk is the maintained successor of ``zhipuai`` (which has had no release since 2025-08 and does
not import in a clean environment). It is sync only, so async callers run it in a worker thread
(the ``Provider`` defaults). It has no JSON-schema mode: structured requests use ``json_object``
and the caller validates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.llm.providers.base import Call, Reply, StreamItem
from core.llm.providers.chatstream import ChatStreamState, chat_reply
from core.llm.providers.sdk import SdkProvider


class GLMProvider(SdkProvider):
    name = "glm"
    order = 30
    vendor = "GLM"
    key_env = ("GLM_API_KEY", "ZAI_API_KEY")  # ZAI_API_KEY is the SDK's own name
    base_url_env = "GLM_BASE_URL"
    default_base_url = "https://api.z.ai/api/paas/v4"
    sdk_modules = ("zai", "httpx")
    async_client = False  # zai-sdk is sync only

    def _new_client(self, asynchronous: bool) -> Any:
        from zai import ZaiClient

        # zai retries 3 times by default and ignores Retry-After: ours is the only policy.
        return ZaiClient(**self._options())

    def _params(self, call: Call) -> dict[str, Any]:
        req = call.request
        params: dict[str, Any] = {
            "model": call.model.name,
            "messages": [m.as_dict() for m in req.messages],
            "max_tokens": call.max_tokens,
            "timeout": call.timeout_s,
        }
        # The SDK clamps sampling values into (0, 1) and sets do_sample=false for temperature <= 0.
        if req.temperature is not None:
            params["temperature"] = req.temperature
        if req.top_p is not None:
            params["top_p"] = req.top_p
        if req.output_schema is not None or req.json_mode:
            params["response_format"] = {"type": "json_object"}
        return params

    def _create(self, client: Any, call: Call, stream: bool) -> Any:
        return client.chat.completions.create(**self._params(call), **({"stream": True} if stream else {}))

    def _reply(self, resp: Any) -> Reply:
        return chat_reply(resp)

    def _fold(self, call: Call) -> ChatStreamState:
        return ChatStreamState(self.name, self.vendor, call)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        # zai's stream is no context manager: close its HTTP response ourselves.
        try:
            stream = self._create(self.client(), call, True)
        except self.sdk_exceptions as exc:
            raise self._mapped(exc, call) from None
        state = self._fold(call)
        try:
            for chunk in stream:
                yield from state.feed(chunk)
        except self.sdk_exceptions as exc:
            raise state.broken(exc) from None
        finally:
            close = getattr(getattr(stream, "response", None), "close", None)
            if close is not None:
                close()
        yield state.done()
