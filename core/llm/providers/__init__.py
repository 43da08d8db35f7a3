"""Provider adapters, one module per vendor SDK, built lazily (importing an SDK costs time)."""

from __future__ import annotations

import importlib
from typing import Any

from core.llm.providers.base import Provider

_MODULES = {
    "offline": ("core.llm.providers.offline", "OfflineProvider"),
    "openai": ("core.llm.providers.openai_chat", "OpenAIProvider"),
    "custom": ("core.llm.providers.openai_chat", "CustomProvider"),
    "anthropic": ("core.llm.providers.anthropic_messages", "AnthropicProvider"),
    "glm": ("core.llm.providers.glm", "GLMProvider"),
}


def configured_in(settings: Any) -> dict[str, bool]:
    """Which providers have what they need, read from settings alone (importing an SDK takes ~0.5 s)."""
    return {
        "openai": getattr(settings, "openai_api_key", None) is not None,
        "anthropic": getattr(settings, "anthropic_api_key", None) is not None,
        "glm": getattr(settings, "glm_api_key", None) is not None,
        "custom": bool(getattr(settings, "custom_llm_base_url", None) and getattr(settings, "custom_llm_models", None)),
        "offline": True,
    }


def make_provider(name: str, settings: Any) -> Provider:
    module_name, cls_name = _MODULES[name]
    cls = getattr(importlib.import_module(module_name), cls_name)
    if name == "offline":
        return cls()
    return cls(settings)
