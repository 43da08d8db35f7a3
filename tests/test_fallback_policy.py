"""The user's choice is the contract: a chosen model falls back only as far as the user allows, every
fallback says so (with what the failed attempts cost), and the offline engine answers only when it
was chosen or the choice was "auto". Real SDKs against the loopback fake vendor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.llm.errors import AuthenticationFailed, ProviderError
from core.llm.gateway import Gateway
from core.llm.registry import registry_from_settings
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Message
from core.offline import handlers
from core.offline.inputs import NewsItem
from tests.fakes.studio_env import KEYS, clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply
from tests.test_services_cli import run

NEWS = NewsItem("Bitcoin ETF inflows hit a record", "Strong demand.", "wire", "", "en")


@pytest.fixture
def fake() -> FakeVendor:
    with FakeVendor() as server:
        yield server  # type: ignore[misc]


def gateway(fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: object) -> Gateway:
    clean_env(monkeypatch, tmp_path)
    s = settings_for(fake, "openai", "anthropic", **settings)
    return Gateway(s, registry_from_settings(s), retry_policy=RetryPolicy(max_retries=0), offline=handlers())


def ask(model: str | None, **kw: object) -> ChatRequest:
    return ChatRequest("news_sentiment", [Message("user", "How is BTC?")], model=model,  # type: ignore[arg-type]
                       offline_context=NEWS, **kw)


def cli_env(fake: FakeVendor) -> dict[str, str]:
    return {"OPENAI_API_KEY": KEYS["openai"], "OPENAI_BASE_URL": fake.openai_base_url,
            "ANTHROPIC_API_KEY": KEYS["anthropic"], "ANTHROPIC_BASE_URL": fake.anthropic_base_url,
            "LLM_MAX_RETRIES": "0", "NO_PROXY": "127.0.0.1,localhost"}


def test_explicit_choice_that_gets_401_exits_5_and_calls_no_other_vendor(fake: FakeVendor, tmp_path: Path) -> None:
    fake.script(Reply(status=401, error_message="Incorrect API key provided"), vendor="openai")
    proc = run(tmp_path, "generate", "buy 100 USDT of BTC when the 1h RSI(14) falls below 30",
               "--model", "gpt-5.4-mini", extra_env=cli_env(fake))
    assert proc.returncode == 5, proc.stderr
    assert fake.count("openai") == 1 and fake.count("anthropic") == 0
    assert "gpt-5.4-mini" in proc.stderr and "401" in proc.stderr and proc.stdout == ""
    assert "ProviderError" not in proc.stderr and "AuthenticationFailed" not in proc.stderr


def test_an_allowed_fallback_is_printed_on_stderr_with_the_failed_cost(fake: FakeVendor, tmp_path: Path) -> None:
    answer = json.dumps({"sentiment": "positive", "score": 0.6, "keywords": ["etf"], "summary": "ok",
                         "impact": "medium", "price_implication": "bullish"})
    fake.script(Reply(status=500, error_message="upstream exploded"), Reply(text=answer), vendor="openai")
    proc = run(tmp_path, "sentiment", "--title", "Bitcoin ETF approved", "--content", "Flows are strong.",
               "--model", "gpt-5.4-mini", "--fallback", "any", "--json", extra_env=cli_env(fake))
    assert proc.returncode == 0, proc.stderr
    models = [a.body["model"] for a in fake.attempts]
    assert models[0] == "gpt-5.4-mini" and len(models) == 2 and models[1] != "gpt-5.4-mini"
    assert f"{models[1]} answered because gpt-5.4-mini failed" in proc.stderr
    assert "failed attempts cost $" in proc.stderr


def test_same_vendor_stays_with_the_vendor(fake: FakeVendor, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch, llm_fallback="same_vendor")
    fake.script(Reply(status=503), vendor="openai")
    c = gw.complete(ask("gpt-5.4-mini"))
    assert c.provider == "openai" and c.model != "gpt-5.4-mini" and fake.count("anthropic") == 0
    assert c.fallback_from == "gpt-5.4-mini" and "503" in (c.fallback_reason or "")


def test_explicit_choice_with_any_never_ends_at_the_offline_engine(fake: FakeVendor, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(status=401, repeat=20), vendor="openai")
    fake.script(Reply(status=401, repeat=20), vendor="anthropic")
    with pytest.raises(ProviderError) as caught:
        gw.complete(ask("gpt-5.4-mini", fallback="any"))
    assert caught.value.exit_code == 5 and fake.count("anthropic") >= 1
    # Off (the default for a chosen model): the chosen model's own error, nothing else tried.
    fake.reset()
    fake.script(Reply(status=401), vendor="openai")
    with pytest.raises(AuthenticationFailed):
        gw.complete(ask("gpt-5.4-mini"))
    assert fake.count() == 1


def test_auto_may_end_at_the_offline_engine_and_says_so(fake: FakeVendor, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(status=401, repeat=20), vendor="openai")
    fake.script(Reply(status=401, repeat=20), vendor="anthropic")
    c = gw.complete(ask(None))
    assert c.provider == "offline" and c.fallback_from is not None and c.fallback_from != "offline"
