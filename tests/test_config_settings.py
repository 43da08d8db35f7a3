"""Settings: environment wins over .streamlit/secrets.toml; malformed values get actionable messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.config import ConfigError, load_settings
from tests.fakes.studio_env import clean_env


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    clean_env(monkeypatch, tmp_path)
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(path))
    return path


def test_secrets_file_is_read(secrets: Path) -> None:
    secrets.write_text('OPENAI_API_KEY = "sk-from-file-123456"\nLLM_MONTHLY_QUOTA_USD = "25.50"\n'
                       'CUSTOM_LLM_MODELS = "llama3, qwen3"\n', encoding="utf-8")
    s = load_settings()
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == "sk-from-file-123456"
    assert s.llm_monthly_quota_usd == Decimal("25.50")
    assert s.custom_llm_models == ["llama3", "qwen3"]


def test_environment_wins_over_secrets_file(secrets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets.write_text('OPENAI_API_KEY = "sk-from-file-123456"\nLLM_MAX_RETRIES = 5\n', encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-654321")
    monkeypatch.setenv("LLM_MAX_RETRIES", "1")
    s = load_settings()
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == "sk-from-env-654321"
    assert s.llm_max_retries == 1


def test_zai_api_key_is_an_alias_of_glm_api_key(secrets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZAI_API_KEY", "zai-key-123456")
    s = load_settings()
    assert s.glm_api_key is not None and s.glm_api_key.get_secret_value() == "zai-key-123456"


@pytest.mark.parametrize(("name", "value", "needle"), [
    ("LLM_MAX_RETRIES", "lots", "LLM_MAX_RETRIES"),
    ("LLM_REQUEST_TIMEOUT", "-3", "LLM_REQUEST_TIMEOUT"),
    ("LLM_MONTHLY_QUOTA_USD", "ten dollars", "e.g. 10 or 25.50"),
    ("OPENAI_BASE_URL", "api.openai.com", "http://"),
])
def test_malformed_value_names_the_setting(secrets: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                           needle: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert needle in str(info.value) and "Fix the environment variable" in str(info.value)


def test_malformed_secrets_file_is_reported_without_its_content(secrets: Path) -> None:
    secrets.write_text('OPENAI_API_KEY = "sk-half-written-123456\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "not valid TOML" in str(info.value)
    assert "sk-half-written" not in str(info.value)


def test_keys_never_appear_in_repr(secrets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-visible-123456")
    s = load_settings()
    assert "sk-ant-visible" not in repr(s) and "sk-ant-visible" not in str(s.model_dump())


def test_no_key_means_not_configured(secrets: Path) -> None:
    from core.services import models

    s = load_settings()
    assert s.openai_api_key is None
    from core.config import reset_settings_cache

    reset_settings_cache()
    status = {p.name: p for p in models.provider_status()}
    assert not status["openai"].configured and "OPENAI_API_KEY" in status["openai"].note
    assert status["offline"].configured
    reset_settings_cache()
