"""Concurrent identical requests make one vendor call per process; the others get its answer as a
cache hit (free, recorded with what it saved). Real gateway, SQLite ledger and cache, openai SDK
against the loopback fake vendor."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.llm.types import ChatRequest, Completion, Message
from core.services.composition import build_gateway
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply


def request() -> ChatRequest:
    return ChatRequest("news_sentiment", [Message("user", "Is the ETF news bullish?")], model="gpt-5.4-mini")


def test_five_concurrent_identical_requests_make_one_vendor_call(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db"))
        # The vendor takes a while, so that all five are in flight together.
        fake.script(Reply(text="bullish", input_tokens=900, output_tokens=100, delay_s=2.0, repeat=5),
                    vendor="openai")
        start = threading.Barrier(5)
        answers: list[Completion] = []

        def ask() -> None:
            start.wait()
            answers.append(gw.complete(request()))

        threads = [threading.Thread(target=ask) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fake.count() == 1
        assert [a.text for a in answers] == ["bullish"] * 5
        paid = [a for a in answers if not a.cached]
        assert len(paid) == 1 and paid[0].cost_usd > 0
        assert all(a.cost_usd == 0 and a.cost_saved_usd == paid[0].cost_usd for a in answers if a.cached)
        rows = list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]
        assert sorted(r["status"] for r in rows) == ["cached"] * 4 + ["ok"]


def test_async_callers_share_one_flight_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db"))
        fake.script(Reply(text="bullish", delay_s=2.0, repeat=5), vendor="openai")

        async def main() -> list[Completion]:
            return list(await asyncio.gather(*(gw.acomplete(request()) for _ in range(5))))

        answers = asyncio.run(main())
        assert fake.count() == 1 and [a.text for a in answers] == ["bullish"] * 5


def test_a_failed_leader_lets_the_others_try_for_themselves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db", llm_max_retries=0))
        fake.script(Reply(status=400, error_message="bad request", delay_s=1.0), Reply(text="fine"), vendor="openai")
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def ask() -> None:
            start.wait()
            try:
                outcomes.append(gw.complete(request()).text)
            except Exception as exc:  # the leader's own error reaches the leader's caller
                outcomes.append(type(exc).__name__)

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["BadRequest", "fine"] and fake.count() == 2


def test_different_users_never_share_an_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db"))
        fake.script(Reply(text="bullish", delay_s=1.0, repeat=2), vendor="openai")
        start = threading.Barrier(2)
        answers: list[Completion] = []

        def ask(user: str) -> None:
            start.wait()
            answers.append(gw.complete(ChatRequest("news_sentiment", request().messages, model="gpt-5.4-mini",
                                                   user=user)))

        threads = [threading.Thread(target=ask, args=(u,)) for u in ("alice", "bob")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fake.count() == 2 and not any(a.cached for a in answers)


class LockOnlyFlights:
    """A flight group as one on a shared lock is (Redis SET NX, a PostgreSQL advisory lock): it tells a
    follower when the leader is done, never what it answered (``hands_over`` is False)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, threading.Event] = {}
        self.followers_released = 0

    def begin(self, key: str) -> _LockTicket:
        with self._lock:
            done = self._held.get(key)
            if done is not None:
                return _LockTicket(self, key, done, leader=False)
            done = self._held[key] = threading.Event()
            return _LockTicket(self, key, done, leader=True)

    def release(self, key: str, done: threading.Event) -> None:
        with self._lock:
            if self._held.get(key) is done:
                del self._held[key]
        done.set()


@dataclass
class _LockTicket:
    group: LockOnlyFlights
    key: str
    done: threading.Event
    leader: bool
    hands_over: bool = False

    def wait(self, timeout_s: float) -> Completion | None:
        self.done.wait(max(0.0, timeout_s))
        with self.group._lock:
            self.group.followers_released += 1
        return None

    def finish(self, completion: Completion | None) -> None:
        self.group.release(self.key, self.done)


def test_followers_of_a_lock_sharing_group_find_the_leaders_answer_in_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db"))
        gw.flights = flights = LockOnlyFlights()
        fake.script(Reply(text="bullish", input_tokens=900, output_tokens=100, delay_s=2.0, repeat=5),
                    vendor="openai")
        start = threading.Barrier(5)
        answers: list[Completion] = []

        def ask() -> None:
            start.wait()
            answers.append(gw.complete(request()))

        threads = [threading.Thread(target=ask) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert flights.followers_released == 4  # four waited on the leader's lock and got no answer from it
        assert fake.count() == 1
        assert [a.text for a in answers] == ["bullish"] * 5
        paid = [a for a in answers if not a.cached]
        assert len(paid) == 1 and all(a.cost_saved_usd == paid[0].cost_usd > 0 for a in answers if a.cached)
        rows = list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]
        assert sorted(r["status"] for r in rows) == ["cached"] * 4 + ["ok"]


def test_async_followers_of_a_lock_sharing_group_read_the_cache_too(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db"))
        gw.flights = LockOnlyFlights()
        fake.script(Reply(text="bullish", delay_s=2.0, repeat=5), vendor="openai")

        async def main() -> list[Completion]:
            return list(await asyncio.gather(*(gw.acomplete(request()) for _ in range(5))))

        answers = asyncio.run(main())
        assert fake.count() == 1 and [a.text for a in answers] == ["bullish"] * 5


def test_when_a_lock_sharing_leader_fails_its_followers_call_for_themselves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    with FakeVendor() as fake:
        gw = build_gateway(settings_for(fake, "openai", studio_db=tmp_path / "studio.db", llm_max_retries=0))
        gw.flights = LockOnlyFlights()
        fake.script(Reply(status=400, error_message="bad request", delay_s=1.0), Reply(text="fine"), vendor="openai")
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def ask() -> None:
            start.wait()
            try:
                outcomes.append(gw.complete(request()).text)
            except Exception as exc:
                outcomes.append(type(exc).__name__)

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["BadRequest", "fine"] and fake.count() == 2
