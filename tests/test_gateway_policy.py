"""Our retry policy, the rate limiter (in process and shared through Redis) and offline token counting."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from core.llm.errors import AuthenticationFailed, BadRequest, ProviderUnavailable, RateLimited
from core.llm.ratelimit import Limits, RateLimiter
from core.llm.retry import RetryPolicy, is_retryable_status, parse_retry_after
from core.llm.tokens import count_messages, count_text
from core.llm.types import Message


@pytest.mark.parametrize(("status", "retry"), [(408, True), (409, True), (429, True), (500, True), (503, True),
                                               (529, True), (400, False), (401, False), (403, False),
                                               (404, False), (422, False)])
def test_only_transient_statuses_are_retryable(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    when = datetime.now(UTC) + timedelta(seconds=30)
    assert 28 <= parse_retry_after({"retry-after": format_datetime(when, usegmt=True)}) <= 31  # type: ignore[operator]
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_policy_never_retries_auth_or_bad_request() -> None:
    policy = RetryPolicy(max_retries=5)
    assert policy.next_delay(AuthenticationFailed("no"), 1, 60) is None
    assert policy.next_delay(BadRequest("no"), 1, 60) is None


def test_policy_honours_retry_after_up_to_the_cap_and_the_deadline() -> None:
    policy = RetryPolicy(max_retries=3, retry_after_cap_s=20)
    assert policy.next_delay(RateLimited("x", retry_after=7), 1, 60) == 7
    assert policy.next_delay(RateLimited("x", retry_after=3600), 1, 60) is None  # over the cap: fall back
    assert policy.next_delay(RateLimited("x", retry_after=7), 1, 5) is None  # past the deadline
    assert policy.next_delay(ProviderUnavailable("x"), 4, 60) is None  # retries exhausted


def test_backoff_strategies() -> None:
    full = RetryPolicy(strategy="exponential", base_s=1, cap_s=8, rng=random.Random(1))
    samples = [full.backoff(4) for _ in range(200)]
    assert all(0 <= s <= 8 for s in samples) and max(samples) > 4  # full jitter spreads over [0, 8]
    assert RetryPolicy(strategy="linear", base_s=0.5, cap_s=8).backoff(3) == 1.5
    assert RetryPolicy(strategy="fixed", base_s=0.5).backoff(3) == 0.5


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """The same limiter tests on the in-process buckets and on the Redis-shared ones (STUDIO_REDIS_URL)."""
    if request.param == "memory":
        return RateLimiter
    from core.backends.redis_limits import RedisRateLimiter, client_for

    client = client_for(request.getfixturevalue("redis_url"))
    request.addfinalizer(client.close)
    return lambda limits, clock=None: RedisRateLimiter(client, limits, clock=clock)


def test_rate_limiter_waits_for_tokens_and_reports_the_wait(make_limiter: Callable[..., Any]) -> None:
    limiter = make_limiter({"openai": Limits(rpm=0, tpm=600)})  # 10 tokens per second
    assert limiter.acquire("openai", 600) == 0
    t0 = time.monotonic()
    waited = limiter.acquire("openai", 3, max_wait_s=2)
    assert 0.2 <= waited <= 0.4 and time.monotonic() - t0 >= 0.2
    assert limiter.acquire("anthropic", 10**9) == 0  # no limit configured


def test_rate_limiter_refuses_waits_beyond_the_budget(make_limiter: Callable[..., Any]) -> None:
    limiter = make_limiter({"glm": Limits(rpm=60, tpm=0)})
    for _ in range(60):
        limiter.acquire("glm", 1)
    with pytest.raises(RateLimited, match="rate limit"):
        limiter.acquire("glm", 1, max_wait_s=0.1)


def test_rate_limiter_is_shared_safely_by_threads_and_tasks(make_limiter: Callable[..., Any]) -> None:
    # A frozen clock: no refill while the threads start, so every wait is determined by its turn alone.
    limiter = make_limiter({"openai": Limits(rpm=600, tpm=0)}, clock=lambda: 0.0)  # 10 per second
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        w = limiter.acquire("openai", 1, max_wait_s=5)
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(603)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def tasks() -> list[float]:
        return await asyncio.gather(*(limiter.aacquire("openai", 1, max_wait_s=5) for _ in range(2)))

    more = asyncio.run(tasks())
    # 600 pass at once; the next 5 are spaced 0.1 s apart in the order they took their turn.
    assert sorted(waits)[:600] == [0.0] * 600
    # No lost or doubled updates: the 5 late callers got exactly the next 5 slots.
    assert sorted(waits + more)[600:] == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5])


def test_token_counts_are_exact_for_openai_and_labelled_estimates_elsewhere() -> None:
    assert count_text("hello world") == 2
    msgs = [Message("system", "Be brief."), Message("user", "hello world")]
    openai = count_messages("openai", "gpt-4o", msgs)
    assert not openai.estimated and openai.encoding == "o200k_base"
    assert count_messages("openai", "gpt-4", msgs).encoding == "cl100k_base"
    other = count_messages("anthropic", "claude-haiku-4-5", msgs)
    assert other.estimated and other.tokens >= openai.tokens


def test_encodings_load_with_no_network(tmp_path: Path) -> None:
    # A fresh cache directory and a dead proxy: the committed BPE files are the only way to succeed.
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "tk"), "HTTPS_PROXY": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    code = ("import core.llm.tokens as t, tiktoken; print(t.count_text('hello world', 'cl100k_base'), "
            "len(tiktoken.encoding_for_model('gpt-4o').encode('hello world')))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "2"]


def test_gateway_count_labels_other_vendors_as_estimates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from core.config import load_settings
    from core.llm.gateway import Gateway
    from core.llm.registry import load_registry
    from tests.fakes.studio_env import clean_env

    clean_env(monkeypatch, tmp_path)
    gw = Gateway(load_settings(), load_registry())
    msgs = [Message("user", "RSI below 30 on the 1h chart: buy 100 USDT of BTC")]
    exact = gw.count("gpt-4o", msgs)
    assert not exact.estimated
    for model in ("claude-3-opus", "glm-5.1"):
        counted = gw.count(model, msgs)
        assert counted.estimated and counted.tokens > exact.tokens


def test_unused_tokens_are_given_back(make_limiter: Callable[..., Any]) -> None:
    limiter = make_limiter({"openai": Limits(tpm=600)}, clock=lambda: 0.0)
    assert limiter.acquire("openai", 600) == 0
    limiter.refund("openai", 300)  # the answer used less than max_tokens
    assert limiter.acquire("openai", 300, max_wait_s=0) == 0
    with pytest.raises(RateLimited):
        limiter.acquire("openai", 1, max_wait_s=0)
