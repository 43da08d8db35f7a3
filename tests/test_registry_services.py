"""core.services.models as the Settings page and the CLI see it, with real settings from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import reset_settings_cache
from core.llm.errors import UnknownModel
from core.llm.types import ChatRequest, Message
from core.services import models
from tests.fakes.studio_env import clean_env
from tests.fakes.vendor import FakeVendor, Reply


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    clean_env(monkeypatch, tmp_path)
    reset_settings_cache()
    models.reset_gateway()
    yield monkeypatch
    reset_settings_cache()
    models.reset_gateway()


def test_no_keys_means_offline_everywhere(env: pytest.MonkeyPatch) -> None:
    chains = models.routing_chains()
    assert all(chain == ["offline"] for chain in chains.values())
    full = models.routing_chains(effective=False)
    assert full["strategy_generation"][0] == "gpt-5.4-mini" and full["strategy_generation"][-1] == "offline"
    choices = models.model_choices("news_sentiment")
    assert choices[0].name == "offline" and choices[0].recommended and choices[0].configured
    assert all(not c.recommended for c in choices[1:])
    nano = next(c for c in choices if c.name == "gpt-5.4-nano")
    assert not nano.configured and "not configured" in nano.label


def test_configured_provider_leads_its_chains_and_key_is_never_shown(env: pytest.MonkeyPatch) -> None:
    env.setenv("ANTHROPIC_API_KEY", "sk-ant-SHOWNOWHERE-123456")
    env.setenv("LLM_DEFAULT_MODEL", "claude-3-sonnet")
    chains = models.routing_chains()
    assert chains["market_analysis"] == ["claude-sonnet-4-6", "claude-haiku-4-5", "offline"]
    first = models.model_choices("market_analysis")[0]
    assert (first.name, first.recommended, first.configured) == ("claude-sonnet-4-6", True, True)
    assert "$3" in first.label and "$15" in first.label
    statuses = {s.name: s for s in models.provider_status()}
    assert statuses["anthropic"].configured and statuses["anthropic"].base_url == "https://api.anthropic.com"
    assert "SHOWNOWHERE" not in repr(models.provider_status()) + repr(models.registry_rows())


def test_unknown_default_model_names_the_setting(env: pytest.MonkeyPatch) -> None:
    env.setenv("LLM_DEFAULT_MODEL", "gpt-9-ultra")
    gw = models.get_gateway()
    with pytest.raises(UnknownModel, match="LLM_DEFAULT_MODEL"):
        gw.complete(ChatRequest("news_sentiment", [Message("user", "x")]))


def test_rate_limits_from_the_models_file_bound_the_wait(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from core.llm.errors import RateLimited

    models_file = tmp_path / "models.toml"
    models_file.write_text("[providers.openai]\nrpm = 1\n", encoding="utf-8")
    with FakeVendor() as fake:
        env.setenv("OPENAI_API_KEY", "sk-test-0123456789")
        env.setenv("OPENAI_BASE_URL", fake.openai_base_url)
        env.setenv("STUDIO_MODELS_FILE", str(models_file))
        gw = models.get_gateway()
        fake.script(Reply(text="one"), vendor="openai")
        req = ChatRequest("news_sentiment", [Message("user", "x")], model="gpt-5.4-nano", fallback=False,
                          deadline_s=3)
        first = gw.complete(req)
        assert first.text == "one" and first.wait_ms == 0
        # The second request in the same minute would wait ~60 s, beyond its 3 s deadline: refused at once.
        with pytest.raises(RateLimited, match="local openai rate limit"):
            gw.complete(req)
        assert fake.count() == 1


def test_malformed_setting_is_a_studio_error_for_pages(env: pytest.MonkeyPatch) -> None:
    from core.errors import StudioError

    env.setenv("LLM_REQUEST_TIMEOUT", "soon")
    with pytest.raises(StudioError, match="LLM_REQUEST_TIMEOUT"):
        models.provider_status()
    with pytest.raises(StudioError, match="LLM_REQUEST_TIMEOUT"):
        models.get_gateway()
