"""OpenAI chat completions through the official ``openai`` SDK; also the custom OpenAI-compatible
endpoint (Ollama, vLLM, llama.cpp server), which speaks the same wire. Sync (``OpenAI``) and
async (``AsyncOpenAI``) clients, both with ``max_retries=0``."""

from __future__ import annotations

import json
from typing import Any

from core.config import Settings
from core.llm.providers.base import Call, Reply
from core.llm.providers.chatstream import ChatStreamState, chat_reply
from core.llm.providers.sdk import SdkProvider


class OpenAIProvider(SdkProvider):
    name = "openai"
    order = 10
    vendor = "OpenAI"
    key_env = ("OPENAI_API_KEY",)
    base_url_env = "OPENAI_BASE_URL"
    default_base_url = "https://api.openai.com/v1"
    sdk_modules = ("openai", "httpx2", "httpx")

    def _new_client(self, asynchronous: bool) -> Any:
        # The openai SDK reads httpx from sys.modules when a request fails; if another thread is
        # importing it at that moment (the anthropic or zai SDK, loaded by a fallback), the SDK
        # finds a half-initialised module and raises AttributeError. Loading httpx first closes that.
        import httpx  # noqa: F401
        import openai

        return (openai.AsyncOpenAI if asynchronous else openai.OpenAI)(**self._options())

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

    # ------------------------------------------------------------------ adapter hooks
    def _create(self, client: Any, call: Call, stream: bool) -> Any:
        if stream:
            return client.chat.completions.create(**self._stream_params(call))
        # The answer is read from the HTTP body (``_reply``): the SDK's typed model of a completion
        # costs more to build than the rest of the gateway's work, and only four of its fields are used.
        return client.chat.completions.with_raw_response.create(**self._params(call))

    def _reply(self, resp: Any) -> Reply:
        body = json.loads(resp.http_response.content)
        if not isinstance(body, dict):
            raise json.JSONDecodeError("the response body is not a JSON object", resp.http_response.text[:200], 0)
        return chat_reply(body)

    def _fold(self, call: Call) -> ChatStreamState:
        return ChatStreamState(self.name, self.vendor, call)


class CustomProvider(OpenAIProvider):
    """A self-hosted OpenAI-compatible server named by CUSTOM_LLM_BASE_URL."""

    name = "custom"
    order = 40
    vendor = "the custom endpoint"
    key_env = ("CUSTOM_LLM_API_KEY",)
    base_url_env = "CUSTOM_LLM_BASE_URL"
    default_base_url = None
    placeholder_key = "no-key"  # local servers usually need no key, but the SDK insists on one

    @classmethod
    def is_configured(cls, settings: Settings) -> bool:
        # The key is optional (local servers seldom want one); the endpoint and its models are not.
        return bool(settings.custom_llm_base_url and settings.custom_llm_models)

    @classmethod
    def requirement(cls) -> str:
        return "CUSTOM_LLM_BASE_URL and CUSTOM_LLM_MODELS"

    @classmethod
    def status_note(cls, settings: Settings) -> str:
        return f"configured: {', '.join(settings.custom_llm_models)}"

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
