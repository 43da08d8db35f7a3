"""The gateway with B's SqliteLedger and SqliteCache on a temp database, talking to the fake vendor."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.errors import QuotaExceeded
from core.llm.errors import PriceUnknown, StreamInterrupted
from core.llm.gateway import Gateway
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Message, StreamEnd
from core.offline.inputs import NewsItem
from core.services.composition import build_gateway
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def gateway(fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *providers: str,
            **overrides: Any) -> Gateway:
    clean_env(monkeypatch, tmp_path)
    settings = settings_for(fake, *(providers or ("openai",)), studio_db=tmp_path / "studio.db", **overrides)
    gw = build_gateway(settings)
    assert gw.ledger is not None and gw.cache is not None
    gw.retry = RetryPolicy(max_retries=2, base_s=0.01, cap_s=0.02)
    return gw


def rows(gw: Gateway) -> list[dict[str, Any]]:
    return list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]


def holds(gw: Gateway) -> int:
    return gw.ledger.live_reservations()  # type: ignore[union-attr]


def req(**kw: Any) -> ChatRequest:
    """gpt-5.4-mini, chosen, with fallback to any configured model allowed (the default is "off")."""
    return ChatRequest("news_sentiment", [Message("user", "How is BTC?")], model="gpt-5.4-mini", fallback="any", **kw)


def test_success_settles_one_row_at_the_exact_cost(fake: FakeVendor, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(input_tokens=1000, output_tokens=100, cache_read_tokens=1000), vendor="openai")
    c = gw.complete(req(user="alice"))
    # gpt-5.4-mini: 0.75 in, 4.5 out, 0.075 cached per Mtok.
    assert c.cost_usd == Decimal("0.001275")
    [row] = rows(gw)
    assert (row["status"], row["user_id"], row["model"], row["input_tokens"], row["cache_read_tokens"]) == (
        "ok", "alice", "gpt-5.4-mini", 1000, 1000)
    assert row["cost_micro_usd"] == 1275
    assert holds(gw) == 0


def test_every_attempt_that_reached_the_vendor_is_a_row(fake: FakeVendor, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(status=503, repeat=3), vendor="openai")
    c = gw.complete(req())
    assert c.model != "gpt-5.4-mini"
    statuses = [(r["model"], r["status"]) for r in rows(gw)]
    assert statuses == [("gpt-5.4-mini", "unavailable")] * 3 + [(c.model, "ok")]
    assert holds(gw) == 0


def test_cut_stream_is_settled_with_partial_usage(fake: FakeVendor, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(chunks=["one ", "two ", "three"], cut_after=2), vendor="openai")
    with pytest.raises(StreamInterrupted):
        list(gw.stream(req()))
    [row] = rows(gw)
    assert row["status"] == "cut" and row["output_tokens"] > 0 and row["estimated"] == 1
    assert row["cost_micro_usd"] > 0
    assert holds(gw) == 0


def test_cache_hit_is_free_and_records_the_saving(fake: FakeVendor, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(text="Bullish.", input_tokens=1000, output_tokens=100), vendor="openai")
    first = gw.complete(req(user="bob"))
    assert not first.cached
    gw.store_in_cache(first)
    again = gw.complete(req(user="bob"))
    assert again.cached and again.text == "Bullish." and again.cost_usd == 0
    assert again.cost_saved_usd == first.cost_usd
    assert fake.count() == 1
    assert [r["status"] for r in rows(gw)] == ["ok", "cached"]
    assert rows(gw)[1]["cost_saved_micro_usd"] == 1200
    # Streaming a cached answer also costs nothing.
    end = list(gw.stream(req(user="bob")))[-1]
    assert isinstance(end, StreamEnd) and end.completion.cached
    # Another user, another temperature, or another template version: a miss.
    for other in (req(user="carol"), req(user="bob", temperature=0.9), req(user="bob", template_version="v2")):
        assert not gw.complete(other).cached
    assert fake.count() == 4


def test_unvalidated_answers_are_not_cached(fake: FakeVendor, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    gw.complete(req())
    assert not gw.complete(req()).cached  # nobody called store_in_cache
    assert fake.count() == 2


def test_quota_refuses_before_any_request(fake: FakeVendor, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch, llm_monthly_quota_usd=Decimal("0.0001"))
    with pytest.raises(QuotaExceeded):
        gw.complete(req(max_tokens=4000))
    assert fake.count() == 0
    assert holds(gw) == 0


def test_model_without_price_is_refused_not_free(fake: FakeVendor, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch, "openai", "glm")
    with pytest.raises(PriceUnknown, match="STUDIO_MODELS_FILE"):
        gw.complete(ChatRequest("market_analysis", [Message("user", "x")], model="glm-5.2"))
    assert fake.count() == 0


def test_offline_answer_records_a_free_row(fake: FakeVendor, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    item = NewsItem("Bitcoin ETF inflows hit a record", "Strong demand.", "wire", "2026-07-01T00:00:00Z", "en")
    c = gw.complete(ChatRequest("news_sentiment", [Message("user", "x")], model="offline", offline_context=item))
    assert c.provider == "offline" and c.cost_usd == 0
    [row] = rows(gw)
    assert (row["provider"], row["status"], row["cost_micro_usd"]) == ("offline", "ok", 0)
    assert fake.count() == 0


def test_async_calls_settle_rows_too(fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(input_tokens=1000, output_tokens=100), Reply(status=500), Reply(chunks=["a", "b"]),
                vendor="openai")

    async def run() -> list[Any]:
        first = await gw.acomplete(req())
        events = [e async for e in gw.astream(req())]
        return [first, events[-1]]

    first, end = asyncio.run(run())
    assert first.cost_usd == Decimal("0.00120") and isinstance(end, StreamEnd)
    assert [r["status"] for r in rows(gw)] == ["ok", "unavailable", "ok"]
    assert holds(gw) == 0


def test_one_gateway_serves_many_threads(fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    gw = gateway(fake, tmp_path, monkeypatch)
    with ThreadPoolExecutor(max_workers=8) as pool:
        # Uncached, so that identical requests are not single-flighted (tests/test_single_flight.py).
        results = list(pool.map(lambda i: gw.complete(req(user=f"u{i % 3}", use_cache=False)), range(24)))
    assert all(r.text for r in results)
    assert len(rows(gw)) == 24 and holds(gw) == 0
    assert fake.count() == 24


def test_stream_closed_by_the_caller_is_settled_as_cancelled(fake: FakeVendor, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    gw = gateway(fake, tmp_path, monkeypatch)
    fake.script(Reply(chunks=["partial ", "answer ", "here"], chunk_delay_s=0.05), vendor="openai")
    stream = gw.stream(req())
    next(stream)
    stream.close()
    [row] = rows(gw)
    assert row["status"] == "cancelled" and row["output_tokens"] > 0 and row["estimated"] == 1
    assert holds(gw) == 0
