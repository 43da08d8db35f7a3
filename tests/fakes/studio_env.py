"""Helpers for tests that point the real gateway at the fake vendor (no monkeypatching of our code).

``clean_env(monkeypatch, tmp_path)`` removes every provider key and base-URL variable that the test
machine might have, points STUDIO_SECRETS_FILE at a missing file and STUDIO_DB at a temp file.
``settings_for(fake, "openai", "anthropic", ..., **overrides)`` builds Settings whose named providers
have a recognisable fake key and the fake server's base URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.config import Settings, load_settings
from tests.fakes.vendor import FakeVendor

ENV_NAMES = (
    "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL", "CUSTOM_LLM_API_KEY",
    "CUSTOM_LLM_MODELS", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GLM_BASE_URL", "ZAI_BASE_URL", "LLM_DEFAULT_MODEL",
    "LLM_MAX_RETRIES", "LLM_REQUEST_TIMEOUT", "LLM_CACHE_TTL", "LLM_MONTHLY_QUOTA_USD", "STUDIO_MODELS_FILE",
    "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_CUSTOM_HEADERS", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
)

# Recognisable keys: a leak test searches every message and log line for these.
KEYS = {
    "openai": "sk-CANARYopenai0123456789",
    "anthropic": "sk-ant-CANARYanthropic0123456789",
    "glm": "CANARYglm0123456789.secretpart",
    "custom": "CANARYcustom0123456789",
}


def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))


def settings_for(fake: FakeVendor, *providers: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"llm_request_timeout": 5.0}
    if "openai" in providers:
        values.update(openai_api_key=KEYS["openai"], openai_base_url=fake.openai_base_url)
    if "anthropic" in providers:
        values.update(anthropic_api_key=KEYS["anthropic"], anthropic_base_url=fake.anthropic_base_url)
    if "glm" in providers:
        values.update(glm_api_key=KEYS["glm"], glm_base_url=fake.glm_base_url)
    if "custom" in providers:
        values.update(custom_llm_api_key=KEYS["custom"], custom_llm_base_url=fake.openai_base_url,
                      custom_llm_models=["local-a", "local-b"])
    values.update(overrides)
    return load_settings(**values)
