"""A provider is one class: defining it (here, in the test) is all it takes for the registry, the
gateway, the status table, the secrets list and the Settings page's data to know it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import load_settings, reset_settings_cache
from core.errors import redact
from core.llm.errors import ProviderNotConfigured
from core.llm.factory import build_gateway
from core.llm.providers.base import _CLASSES
from core.llm.providers.openai_chat import OpenAIProvider
from core.llm.types import ChatRequest, Message
from tests.fakes.studio_env import clean_env
from tests.fakes.vendor import FakeVendor, Reply

ACME_KEY = "acme-CANARY-0123456789"


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[FakeVendor, Path]]:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:

        class AcmeProvider(OpenAIProvider):
            """An OpenAI-compatible vendor nobody else in the code base knows about."""

            name = "acme"
            vendor = "Acme"
            key_env = ("ACME_API_KEY", "ACME_TOKEN")
            base_url_env = "ACME_BASE_URL"
            default_base_url = "https://api.acme.invalid/v1"

        models = tmp_path / "models.toml"
        models.write_text('[models."acme-1"]\nprovider = "acme"\ninput = 1.0\noutput = 2.0\n'
                          'context_window = 100000\nuse_cases = ["news_sentiment"]\n', encoding="utf-8")
        monkeypatch.setenv("STUDIO_MODELS_FILE", str(models))
        monkeypatch.setenv("ACME_TOKEN", ACME_KEY)  # the alias is enough
        monkeypatch.setenv("ACME_BASE_URL", fake.openai_base_url)
        reset_settings_cache()
        try:
            yield fake, models
        finally:
            _CLASSES.pop("acme", None)
            reset_settings_cache()


def test_a_provider_class_alone_makes_a_working_provider(acme: tuple[FakeVendor, Path]) -> None:
    fake, _ = acme
    settings = load_settings()
    gw = build_gateway(settings, with_ledger=False, with_cache=False)
    assert "acme" in gw.configured_providers()
    fake.script(Reply(text="calm", input_tokens=1000, output_tokens=500), vendor="openai")
    c = gw.complete(ChatRequest("news_sentiment", [Message("user", "hello")], model="acme-1"))
    # Answered by the new provider through the real openai SDK, priced from its models.toml entry.
    assert (c.text, c.provider, c.model, str(c.cost_usd)) == ("calm", "acme", "acme-1", "0.002000")
    assert fake.attempts[0].headers.get("authorization") == f"Bearer {ACME_KEY}"
    # Its key is a known secret: it is removed verbatim from any text.
    assert ACME_KEY not in redact(f"echo {ACME_KEY}")


def test_the_status_table_and_models_list_show_it(acme: tuple[FakeVendor, Path]) -> None:
    fake, _ = acme
    from core.services import models

    models.reset_gateway()
    status = {s.name: s for s in models.provider_status()}
    assert status["acme"].configured and status["acme"].base_url == fake.openai_base_url
    assert ACME_KEY not in repr(models.provider_status())
    row = next(r for r in models.registry_rows() if r["name"] == "acme-1")
    assert row["provider"] == "acme" and row["configured"]


def test_unconfigured_it_says_which_variable_to_set(acme: tuple[FakeVendor, Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_TOKEN")
    reset_settings_cache()
    from core.services import models

    status = {s.name: s for s in models.provider_status()}
    assert not status["acme"].configured and status["acme"].needs == "ACME_API_KEY (or ACME_TOKEN)"
    gw = build_gateway(load_settings(), with_ledger=False, with_cache=False)
    with pytest.raises(ProviderNotConfigured, match="ACME_API_KEY"):
        gw.complete(ChatRequest("news_sentiment", [Message("user", "hello")], model="acme-1", fallback=False))
