"""Rate limits that mean something: the registry carries default rpm/tpm per provider (overridable
in STUDIO_MODELS_FILE), and a vendor's 429 with Retry-After cools that provider down for every
caller in the process; the wait is bounded by each request's deadline and reported on the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.llm.errors import RateLimited
from core.llm.gateway import Gateway
from core.llm.registry import load_registry, registry_from_settings
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Message
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply


def ask(**kw: object) -> ChatRequest:
    return ChatRequest("news_sentiment", [Message("user", "How is BTC?")], model="gpt-5.4-mini",  # type: ignore[arg-type]
                       use_cache=False, **kw)


def test_every_vendor_provider_has_a_default_limit_and_the_models_file_overrides_it(tmp_path: Path) -> None:
    reg = load_registry()
    for provider in ("openai", "anthropic", "glm"):
        assert reg.limits[provider].rpm > 0 and reg.limits[provider].tpm > 0
    models = tmp_path / "models.toml"
    models.write_text("[providers.openai]\nrpm = 7\n", encoding="utf-8")
    reg = load_registry(models)
    assert reg.limits["openai"].rpm == 7 and reg.limits["openai"].tpm == load_registry().limits["openai"].tpm


def test_a_429_with_retry_after_makes_every_caller_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        s = settings_for(fake, "openai")
        gw = Gateway(s, registry_from_settings(s), retry_policy=RetryPolicy(max_retries=0))
        fake.script(Reply(status=429, headers={"retry-after": "1"}), Reply(text="calm"), vendor="openai")
        with pytest.raises(RateLimited):
            gw.complete(ask())
        # Another caller, right after: it waits out the vendor's Retry-After before sending, and says so.
        c = gw.complete(ask())
        assert c.text == "calm" and c.wait_ms > 0 and fake.count() == 2
        # A caller whose deadline is shorter than the cool-down is refused at once, nothing sent.
        fake.script(Reply(status=429, headers={"retry-after": "20"}), vendor="openai")
        with pytest.raises(RateLimited):
            gw.complete(ask())
        with pytest.raises(RateLimited, match="wait"):
            gw.complete(ask(deadline_s=3.0))
        assert fake.count() == 3
