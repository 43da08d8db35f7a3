"""GLM (Z.ai) through the official ``zai-sdk``.

zai-sdk is the maintained successor of ``zhipuai`` (which has had no release since 2025-08 and does
not import in a clean environment). It is sync only, so async callers run it in a worker thread
(the ``Provider`` defaults). It has no JSON-schema mode: structured requests use ``json_object``
and the caller validates.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from core.llm.errors import register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamItem
from core.llm.providers.chatstream import ChatStreamState
from core.llm.providers.errmap import map_error, sdk_errors
from core.llm.providers.usage import usage_from_openai

DEFAULT_BASE_URL = "https://api.z.ai/api/paas/v4"
SDK_ERRORS = sdk_errors("zai", "httpx")


class GLMProvider(Provider):
    name = "glm"
    vendor = "GLM"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._client: Any = None
        self._lock = threading.Lock()
        register_secret(self._key())

    def _key(self) -> str | None:
        secret = self.settings.glm_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return self._key() is not None

    def base_url(self) -> str | None:
        return self.settings.glm_base_url or DEFAULT_BASE_URL

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from zai import ZaiClient

                    # zai retries 3 times by default and ignores Retry-After: ours is the only policy.
                    self._client = ZaiClient(
                        api_key=self._key() or "unset", base_url=self.base_url(), max_retries=0,
                        timeout=float(self.settings.llm_request_timeout),
                    )
        return self._client

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
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
        choice = resp.choices[0] if resp.choices else None
        text = (choice.message.content or "") if choice is not None else ""
        return Reply(text, usage_from_openai(resp.usage), choice.finish_reason if choice else None, resp.model)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        try:
            stream = self.client().chat.completions.create(**self._params(call), stream=True)
        except SDK_ERRORS as exc:
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
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
