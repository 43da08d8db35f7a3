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
from core.llm.providers.errmap import sdk_errors
from core.llm.providers.sdk import SdkProvider

DEFAULT_BASE_URL = "https://api.z.ai/api/paas/v4"
SDK_ERRORS = sdk_errors("zai", "httpx")


class GLMProvider(SdkProvider):
    name = "glm"
    vendor = "GLM"
    key_setting = "glm_api_key"
    base_url_setting = "glm_base_url"
    default_base_url = DEFAULT_BASE_URL

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

    def complete(self, call: Call) -> Reply:
        try:
            resp = self.client().chat.completions.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        return chat_reply(resp)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self.client().chat.completions.create(**self._params(call), stream=True)
        except SDK_ERRORS as exc:
            raise self._mapped(exc, call) from None
        state = ChatStreamState(self.name, self.vendor, call)
        try:
            for chunk in stream:
                yield from state.feed(chunk)
        except SDK_ERRORS as exc:
            raise state.broken(exc) from None
        finally:
            close = getattr(getattr(stream, "response", None), "close", None)
            if close is not None:
                close()
        yield state.done()
