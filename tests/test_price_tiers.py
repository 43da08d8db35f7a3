"""Price tiers: above a prompt-token threshold a call is billed at the model's long-context rates,
and the ledger prices each call by the tier it fell into. Every model states its price date and
source. Real gateway and SQLite ledger, Anthropic SDK against the loopback fake vendor."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.llm.registry import load_registry
from core.llm.types import ChatRequest, Message
from core.services.composition import build_gateway
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply


def test_a_long_prompt_is_billed_at_the_long_context_rates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "anthropic"))
        fake.script(Reply(text="short", input_tokens=1_000, output_tokens=1_000),
                    Reply(text="long", input_tokens=250_000, output_tokens=1_000), vendor="anthropic")
        req = ChatRequest("strategy_generation", [Message("user", "Summarise the attached filings.")],
                          model="claude-sonnet-4-6", max_tokens=2_000, use_cache=False)
        short, long = gw.complete(req), gw.complete(req)
        # Base: $3 in / $15 out per Mtok. Above 200k prompt tokens: $6 in / $22.50 out.
        assert str(short.cost_usd) == "0.018000" and str(long.cost_usd) == "1.522500"
        rows = list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]
        assert [r["cost_micro_usd"] for r in rows] == [18_000, 1_522_500]


def test_every_model_names_its_price_date_and_source() -> None:
    reg = load_registry()
    for info in reg.models.values():
        if info.price.known:
            assert info.price.version and info.price.source, info.name
    sonnet = reg.get("claude-sonnet-4-6").price
    assert sonnet.version == "2026-07" and "200k" in sonnet.source and sonnet.tiers[0].above_tokens == 200_000
