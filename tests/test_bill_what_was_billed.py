"""Bill what the vendor billed: an attempt that reached the vendor is a ledger row with the usage the
vendor reported (Anthropic's message_start before a cut included); where it reported nothing, the
input we counted, marked as an estimate, never $0. Messages name the problem, never a class name.
Real gateway and SQLite ledger, real SDKs against the loopback fake vendor."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from core.llm.errors import ProviderError
from core.llm.gateway import Gateway
from core.llm.types import ChatRequest, Message
from core.services.composition import build_gateway
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply


def rows(gw: Gateway) -> list[dict[str, Any]]:
    return list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]


def ask(model: str) -> ChatRequest:
    return ChatRequest("news_sentiment", [Message("user", "How is BTC today?")], model=model, use_cache=False)


def test_anthropic_stream_cut_after_message_start_is_billed_its_reported_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "anthropic", llm_max_retries=0))
        fake.script(Reply(input_tokens=800, cache_read_tokens=200, cut_after=0), vendor="anthropic")
        with pytest.raises(ProviderError) as caught:
            list(gw.stream(ask("claude-sonnet-4-6")))
        assert "Error" not in str(caught.value).split(":")[0]
        [row] = rows(gw)
        assert (row["input_tokens"], row["cache_read_tokens"]) == (800, 200)
        price = gw.registry.get("claude-sonnet-4-6").price
        assert price.input is not None and price.cache_read is not None
        expected = round((800 * price.input + 200 * price.cache_read) / 1_000_000 * 1_000_000)
        assert row["cost_micro_usd"] == expected > 0


def test_a_timeout_after_sending_is_billed_the_input_estimate(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", llm_max_retries=0, llm_request_timeout=1.0))
        fake.script(Reply(delay_s=2.5), vendor="openai")
        with pytest.raises(ProviderError, match="did not answer in time"):
            gw.complete(ask("gpt-5.4-mini"))
        [row] = rows(gw)
        assert row["estimated"] == 1 and row["input_tokens"] > 0 and row["cost_micro_usd"] > 0


def test_a_500_is_billed_the_input_estimate_and_shown_as_the_fallback_cost(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", llm_max_retries=0))
        fake.script(Reply(status=500), Reply(text="calm"), vendor="openai")
        c = gw.complete(ChatRequest("news_sentiment", [Message("user", "How is BTC today?")], model="gpt-5.4-mini",
                                    fallback="same_vendor", use_cache=False))
        failed, answered = rows(gw)
        assert failed["status"] == "unavailable" and failed["estimated"] == 1 and failed["cost_micro_usd"] > 0
        assert c.fallback_from == "gpt-5.4-mini" and c.failed_cost_usd * 1_000_000 == failed["cost_micro_usd"]
        assert answered["status"] == "ok"


def test_an_unreachable_vendor_is_named_without_a_class_name(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with FakeVendor() as fake:
        settings = settings_for(fake, "openai", llm_max_retries=0, openai_base_url=f"http://127.0.0.1:{port}/v1")
        gw = build_gateway(settings)
        with pytest.raises(ProviderError) as caught:
            gw.complete(ask("gpt-5.4-mini"))
    text = str(caught.value)
    assert "Could not reach OpenAI" in text and "the connection failed" in text
    assert "APIConnectionError" not in text and "Error." not in text
    assert rows(gw) == []  # nothing was sent, so nothing is billed
