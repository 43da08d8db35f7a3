"""A worst case that cannot be beaten: where our count is an estimate (Anthropic, GLM, custom), the
quota holds the UTF-8 bytes of the request plus framing, priced at the dearest input-side rate, and
max_tokens of output. Real gateway, SQLite ledger, Anthropic SDK against the loopback fake vendor."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import QuotaExceeded
from core.llm.types import ChatRequest, Message, ModelPrice
from core.services.composition import build_gateway
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply

KOREAN = "비트코인 1시간봉 RSI가 30 아래로 떨어지고 거래량이 20일 평균의 두 배를 넘으면 100 USDT 매수, " * 20


def test_korean_prompt_reserves_its_utf8_bytes_so_a_bill_at_that_count_fits(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    msgs = [Message("user", KOREAN)]
    with FakeVendor() as fake:
        probe = build_gateway(settings_for(fake, "anthropic", studio_db=tmp_path / "probe.db"))
        model = "claude-haiku-4-5"
        counted = probe.count(model, msgs)
        price = probe.registry.get(model).price
        utf8 = len(KOREAN.encode("utf-8"))
        assert counted.estimated and counted.upper >= utf8 > counted.tokens
        # A quota between what the old estimate held and what a vendor counting bytes would bill.
        estimate_hold = price.worst_case(counted.tokens, 64)
        quota = (estimate_hold + price.worst_case(utf8, 64)) / 2
        gw = build_gateway(settings_for(fake, "anthropic", studio_db=tmp_path / "studio.db",
                                        llm_monthly_quota_usd=quota))
        fake.script(Reply(text="ok", input_tokens=utf8, output_tokens=64), vendor="anthropic")
        with pytest.raises(QuotaExceeded):
            gw.complete(ChatRequest("market_analysis", msgs, model=model, max_tokens=64, use_cache=False))
        assert fake.count() == 0  # refused before anything was sent: no overspend possible


def test_reserved_input_is_priced_at_the_dearest_input_side_rate() -> None:
    price = ModelPrice(Decimal("3"), Decimal("15"), Decimal("0.3"), Decimal("3.75"))
    # 1M input tokens could all be cache writes ($3.75), dearer than plain input ($3).
    assert price.worst_case(1_000_000, 0) == Decimal("3.75")
    assert price.worst_case(0, 1_000_000) == Decimal("15")
