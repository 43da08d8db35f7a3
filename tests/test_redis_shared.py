"""What several replicas share through Redis besides the rate buckets: a vendor's cooldown after a 429
and single-flight of identical requests. Each ``RedisRateLimiter`` / ``RedisFlights`` built on its own
client stands for one replica; the leader that dies is a real process killed with SIGKILL. (Through
the API, three uvicorn replicas and the real SDKs: tests/test_replicas.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from typing import Any

import pytest

from core.backends.redis_flights import RedisFlights, _keys
from core.backends.redis_limits import RedisRateLimiter, client_for
from core.llm.errors import RateLimited
from core.llm.ratelimit import Limits
from core.llm.types import Completion, Usage
from tests.api_support import ROOT, free_port

KEY = "alice\0cache-key-of-one-request"


def answer(text: str = "bullish") -> Completion:
    return Completion(text=text, model="gpt-5.4-mini", provider="openai", requested_model="gpt-5.4-mini",
                      usage=Usage(900, 100), cost_usd=Decimal("0.0012"), request_id="r1", cache_key="k", user="alice")


def wait_for(predicate: Any, what: str, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (value := predicate()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


# -- cooldowns ---------------------------------------------------------------------------------

def test_a_cooldown_one_replica_was_given_holds_back_the_others(redis_url: str) -> None:
    told, other = (RedisRateLimiter(client_for(redis_url), {"openai": Limits(500, 0)}) for _ in range(2))
    told.cool_down("openai", 20)
    with pytest.raises(RateLimited, match="wait") as refused:
        other.acquire("openai", 100, max_wait_s=2.0)
    assert refused.value.retryable is False  # waiting longer than the request may is not worth a retry
    # Only that provider waits; one with no rpm/tpm limit of its own still honours its cooldown.
    assert other.acquire("anthropic", 100, max_wait_s=2.0) == 0.0
    told.cool_down("custom", 20)
    with pytest.raises(RateLimited):
        other.acquire("custom", 100, max_wait_s=2.0)


def test_a_shorter_retry_after_never_shortens_a_cooldown(redis_url: str) -> None:
    told, other = (RedisRateLimiter(client_for(redis_url), {"openai": Limits(500, 0)}) for _ in range(2))
    told.cool_down("openai", 20)
    other.cool_down("openai", 0.5)
    with pytest.raises(RateLimited):
        other.acquire("openai", 1, max_wait_s=5.0)


def test_a_caller_with_time_left_waits_the_cooldown_out_and_reports_it(redis_url: str) -> None:
    told, other = (RedisRateLimiter(client_for(redis_url), {}) for _ in range(2))
    told.cool_down("openai", 5.0)
    waited = other.acquire("openai", 1, max_wait_s=30.0)
    assert 0 < waited <= 5.0


# -- single-flight -----------------------------------------------------------------------------

def test_a_follower_on_another_replica_gets_the_leaders_answer(redis_url: str) -> None:
    leader_side, follower_side = RedisFlights(client_for(redis_url)), RedisFlights(client_for(redis_url))
    leader = leader_side.begin(KEY)
    follower = follower_side.begin(KEY)
    assert leader.leader and not follower.leader
    got: list[Completion | None] = []
    waiting = threading.Thread(target=lambda: got.append(follower.wait(60)))
    waiting.start()
    leader.finish(answer("bullish"))
    waiting.join(timeout=60)
    assert got and got[0] is not None
    assert (got[0].text, got[0].model, got[0].usage.input_tokens, got[0].user) == ("bullish", "gpt-5.4-mini", 900,
                                                                                    "alice")
    # Arriving just after it landed (before its caller cached it): served the same answer, no new flight.
    late = follower_side.begin(KEY)
    assert not late.leader and late.wait(60) is not None


def test_other_users_and_other_requests_never_share_a_flight(redis_url: str) -> None:
    group = RedisFlights(client_for(redis_url))
    tickets = [group.begin(key) for key in (KEY, "bob\0cache-key-of-one-request", "alice\0another-request")]
    assert all(t.leader for t in tickets)
    for t in tickets:
        t.finish(None)


def test_a_failed_leader_sends_its_followers_ahead_on_their_own(redis_url: str) -> None:
    leader_side, follower_side = RedisFlights(client_for(redis_url)), RedisFlights(client_for(redis_url))
    leader = leader_side.begin(KEY)
    follower = follower_side.begin(KEY)
    leader.finish(None)
    assert follower.wait(60) is None
    again = follower_side.begin(KEY)
    assert again.leader  # nothing was shared: the next caller leads a new flight
    again.finish(None)


_LEADER = """
import sys, time
from core.backends.redis_flights import RedisFlights
from core.backends.redis_limits import client_for
ticket = RedisFlights(client_for(sys.argv[1]), lock_ttl_s=5).begin(sys.argv[2].replace("|", "\\0"))
print("leader" if ticket.leader else "follower", flush=True)
time.sleep(600)
"""


def test_a_leader_killed_mid_flight_frees_the_flight_once_its_lock_lapses(redis_url: str) -> None:
    client = client_for(redis_url)
    proc = subprocess.Popen([sys.executable, "-c", _LEADER, redis_url, KEY.replace("\0", "|")], cwd=ROOT,
                            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"leader"
        lock = _keys(KEY)[0]
        # While the leader lives its lock is renewed (the TTL goes back up), and others follow it.
        lowest = [client.pttl(lock)]

        def renewed() -> bool:
            ttl = client.pttl(lock)
            lowest[0] = min(lowest[0], ttl)
            return ttl > lowest[0] + 200  # the TTL went back up: a renewal, not our reading's jitter

        wait_for(renewed, "the live leader to renew its lock")
        follower = RedisFlights(client_for(redis_url)).begin(KEY)
        assert not follower.leader
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert follower.wait(60) is None  # the lock lapsed without an answer
        assert client.exists(lock) == 0
        successor = RedisFlights(client).begin(KEY)
        assert successor.leader
        successor.finish(None)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_redis_out_of_reach_never_fails_the_request() -> None:
    group = RedisFlights(client_for(f"redis://127.0.0.1:{free_port()}/0"))
    ticket = group.begin(KEY)
    assert ticket.leader  # goes to the vendor alone
    ticket.finish(answer())


def test_redis_out_of_reach_refuses_before_any_vendor_call_and_says_so() -> None:
    from core.backends.redis_limits import RedisRequestRateLimiter, SharedStateUnavailable

    port = free_port()
    limiter = RedisRateLimiter(client_for(f"redis://:s3cret@127.0.0.1:{port}/0"), {"openai": Limits(500, 0)})
    with pytest.raises(SharedStateUnavailable) as refused:
        limiter.acquire("openai", 100, max_wait_s=5.0)
    message = str(refused.value)
    assert f"redis://127.0.0.1:{port}/0" in message and "nothing was sent to the vendor" in message
    assert "s3cret" not in message and refused.value.kind == "storage"  # the API answers 503
    with pytest.raises(SharedStateUnavailable):
        RedisRequestRateLimiter(client_for(f"redis://127.0.0.1:{port}/0")).hit("alice", 60)
    # After a vendor's answer or error, a lost Redis never replaces what the caller must see.
    limiter.refund("openai", 50)
    limiter.cool_down("openai", 3)
