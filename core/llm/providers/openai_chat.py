"""OpenAI chat completions through the official ``openai`` SDK; also the custom OpenAI-compatible
endpoint (Ollama, vLLM, llama.cpp server), which speaks the same wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from core.llm.errors import StreamInterrupted, register_secret
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem
from core.llm.providers.errmap import map_error, sdk_errors
from core.llm.providers.usage import partial_usage, usage_from_openai
from core.llm.types import Usage

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SDK_ERRORS = sdk_errors("openai", "httpx2", "httpx")


class OpenAIProvider(Provider):
    name = "openai"
    vendor = "OpenAI"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._client: Any = None
        self._lock = threading.Lock()
        key = self._key()
        register_secret(key)

    def _key(self) -> str | None:
        secret = self.settings.openai_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return self._key() is not None

    def base_url(self) -> str | None:
        return self.settings.openai_base_url or DEFAULT_BASE_URL

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import openai

                    # max_retries=0: our retry policy is the only one (vendor-sdks.md section 2).
                    self._client = openai.OpenAI(
                        api_key=self._key() or "unset", base_url=self.base_url(), max_retries=0,
                        timeout=float(self.settings.llm_request_timeout),
                    )
        return self._client

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

    def _response_format(self, call: Call) -> dict[str, Any] | None:
        req, mode = call.request, call.model.structured_output
        if req.output_schema is not None and mode == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": req.schema_name, "strict": True, "schema": req.output_schema}}
        if (req.output_schema is not None or req.json_mode) and mode in ("json_schema", "json_object"):
            return {"type": "json_object"}
        return None

    # ------------------------------------------------------------------ calls
    def complete(self, call: Call) -> Reply:
        try:
            resp = self.client().chat.completions.create(**self._params(call))
        except SDK_ERRORS as exc:
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
        choice = resp.choices[0] if resp.choices else None
        text = (choice.message.content or "") if choice is not None else ""
        return Reply(text, usage_from_openai(resp.usage), choice.finish_reason if choice else None, resp.model)

    def stream(self, call: Call) -> Iterator[StreamItem]:
        params = {**self._params(call), "stream": True, "stream_options": {"include_usage": True}}
        try:
            stream = self.client().chat.completions.create(**params)
        except SDK_ERRORS as exc:
            raise map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor) from None
        parts: list[str] = []
        usage: Usage | None = None
        finish: str | None = None
        try:
            with stream:
                for chunk in stream:
                    if chunk.usage is not None:
                        usage = usage_from_openai(chunk.usage)
                    for choice in chunk.choices or []:
                        if choice.finish_reason:
                            finish = choice.finish_reason
                        piece = choice.delta.content if choice.delta is not None else None
                        if piece:
                            parts.append(piece)
                            yield piece
        except SDK_ERRORS as exc:
            err = map_error(exc, provider=self.name, model=call.model.name, vendor=self.vendor)
            text = "".join(parts)
            raise StreamInterrupted(
                f"The {self.vendor} stream for {call.model.name} broke off after {len(text)} characters: "
                f"{err.message}", provider=self.name, model=call.model.name, status_code=err.status_code,
                partial_text=text, usage=partial_usage(call, text, usage),
            ) from None
        if finish is None:
            text = "".join(parts)
            raise StreamInterrupted(
                f"The {self.vendor} stream for {call.model.name} ended without a finish reason.",
                provider=self.name, model=call.model.name, partial_text=text,
                usage=partial_usage(call, text, usage))
        if usage is None:
            # The server ignored include_usage: count ourselves and say so.
            usage = partial_usage(call, "".join(parts))
        yield StreamDone(usage, finish)


class CustomProvider(OpenAIProvider):
    """A self-hosted OpenAI-compatible server named by CUSTOM_LLM_BASE_URL."""

    name = "custom"
    vendor = "the custom endpoint"

    def _key(self) -> str | None:
        secret = self.settings.custom_llm_api_key
        return secret.get_secret_value() if secret is not None else None

    def configured(self) -> bool:
        return bool(self.settings.custom_llm_base_url and self.settings.custom_llm_models)

    def base_url(self) -> str | None:
        return self.settings.custom_llm_base_url

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import openai

                    # Local servers usually need no key, but the SDK insists on one.
                    self._client = openai.OpenAI(
                        api_key=self._key() or "no-key", base_url=self.base_url(), max_retries=0,
                        timeout=float(self.settings.llm_request_timeout),
                    )
        return self._client

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
