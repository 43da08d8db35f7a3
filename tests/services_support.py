"""Shared setup for the services tests (E): a fake vendor server wired in through the environment.

Everything goes through the real code path: settings from env → the process-wide gateway → the
real SDKs over HTTP → the loopback fake vendor → ledger rows in a per-test SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import reset_settings_cache
from core.services.models import reset_gateway
from tests.fakes.vendor import FakeVendor
from tests.strategy_builders import DESIGN_EXAMPLE

KEY_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL",
            "CUSTOM_LLM_API_KEY", "CUSTOM_LLM_MODELS", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GLM_BASE_URL",
            "LLM_DEFAULT_MODEL")

VALID_STRATEGY: dict[str, Any] = DESIGN_EXAMPLE


def cyclic_strategy() -> dict[str, Any]:
    """VALID_STRATEGY plus an edge back from the action to the condition: a cycle."""
    data = json.loads(json.dumps(VALID_STRATEGY))
    data["edges"].append({"from": "action_1", "to": "condition_1"})
    return data


# Plain generator functions: each test module registers them as fixtures under its own names
# (``offline = pytest.fixture(name="offline")(offline_env)``), which keeps the linter happy.


def isolate_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "studio.db"
    monkeypatch.setenv("STUDIO_DB", str(db))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    reset_settings_cache()
    reset_gateway()
    return db


def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No keys at all: only the offline engine can answer."""
    db = isolate_env(monkeypatch, tmp_path)
    yield db
    reset_settings_cache()
    reset_gateway()


def fake_vendor_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeVendor]:
    """Keys for all three vendors, every base URL pointing at one loopback fake server."""
    isolate_env(monkeypatch, tmp_path)
    with FakeVendor() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-0000")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.anthropic_base_url)
        monkeypatch.setenv("GLM_API_KEY", "glm-test-key-0000")
        monkeypatch.setenv("GLM_BASE_URL", server.glm_base_url)
        reset_settings_cache()
        reset_gateway()
        yield server
    reset_settings_cache()
    reset_gateway()


def ledger_rows(user: str = "local", use_case: str | None = None) -> list[dict[str, Any]]:
    from core.services.usage import recent_requests

    return recent_requests(user, use_case=use_case, limit=1000)


def sent_messages(attempt: Any) -> list[dict[str, Any]]:
    """The chat messages of one request as the vendor received them (system folded in for Anthropic)."""
    body = attempt.body
    messages = list(body.get("messages", []))
    if "system" in body:
        system = body["system"]
        text = system if isinstance(system, str) else "".join(part.get("text", "") for part in system)
        messages.insert(0, {"role": "system", "content": text})
    return messages


def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [])
