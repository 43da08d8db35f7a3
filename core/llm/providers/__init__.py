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


def make_provider(name: str, settings: Any) -> Provider:
    module_name, cls_name = _MODULES[name]
    cls = getattr(importlib.import_module(module_name), cls_name)
    if name == "offline":
        return cls()
    return cls(settings)
