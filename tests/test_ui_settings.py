"""Settings and the error display, through AppTest: what a user reads, and never a key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.config import reset_settings_cache
from core.services.models import reset_gateway

ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-test-ui-settings-abcdef0123456789"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL",
                 "CUSTOM_LLM_MODELS", "LLM_MONTHLY_QUOTA_USD", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    reset_gateway()
    yield monkeypatch
    reset_settings_cache()
    reset_gateway()


def settings_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    return at.switch_page("pages/settings.py").run()


def all_text(at: AppTest) -> str:
    parts = [str(getattr(el, "value", "")) for el in at.main]
    parts += [el.proto.arrow_data.data.decode("latin-1", "ignore") for el in at.get("table")]
    return "\n".join(parts)


def test_registry_routing_and_aliases_are_listed(env: pytest.MonkeyPatch) -> None:
    at = settings_page("en")
    assert not at.exception
    assert [h.value for h in at.subheader][:5] == ["Providers", "Model registry", "Routing chains", "API keys",
                                                   "Language"]
    assert len(at.get("table")) == 3
    text = all_text(at)
    assert "gpt-4.1" in text and "claude-3-opus" in text
    assert any("is an alias: requests for it go to its successor" in m.value for m in at.markdown)
    assert not at.error


def test_a_configured_key_appears_nowhere(env: pytest.MonkeyPatch) -> None:
    env.setenv("OPENAI_API_KEY", FAKE_KEY)
    reset_settings_cache()
    at = settings_page("ko")
    assert not at.exception
    text = all_text(at) + "\n".join(str(s) for s in at.session_state.to_dict().values())
    assert "openai" in text
    assert FAKE_KEY not in text


def test_a_malformed_setting_is_explained_not_traced(env: pytest.MonkeyPatch) -> None:
    env.setenv("LLM_MONTHLY_QUOTA_USD", "ten dollars")
    reset_settings_cache()
    at = settings_page("en")
    assert not at.exception
    messages = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]  # as rendered (Markdown unescaped)
    assert messages, "the page should explain the bad setting"
    assert any("LLM_MONTHLY_QUOTA_USD" in m for m in messages)
    assert not any("Traceback" in m for m in messages)


def test_settings_language_choice_switches_the_page(env: pytest.MonkeyPatch) -> None:
    at = settings_page("en")
    at.radio[0].set_value("ko").run()
    assert at.session_state["lang"] == "ko"
    assert at.title[0].value == "설정"
