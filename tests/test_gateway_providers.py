"""Every provider's real SDK against the loopback fake vendor, through the gateway."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from core.llm.errors import BadRequest, ContextTooLong, ProviderUnavailable, StreamInterrupted
from core.llm.gateway import Gateway
from core.llm.registry import registry_from_settings
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Completion, Message, StreamEnd, TextDelta, Usage
from core.offline import handlers as offline_handlers
from core.offline.inputs import NewsItem
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply

MTOK = Decimal(1_000_000)


@dataclass(frozen=True)
class Case:
    provider: str
    vendor: str  # which wire of the fake it talks to
    first: str
    second: str  # the next model of the news_sentiment chain when only this provider is configured
    prices: tuple[str, str, str, str | None]  # input, output, cache read, cache write per Mtok
    cache_write: int  # cache-write tokens the fake reports (only Anthropic has the field here)


CASES = {
    "openai": Case("openai", "openai", "gpt-5.4-mini", "gpt-5.4-nano", ("0.75", "4.5", "0.075", None), 0),
    "anthropic": Case("anthropic", "anthropic", "claude-sonnet-4-6", "claude-haiku-4-5",
                      ("3", "15", "0.3", "3.75"), 100),
    "glm": Case("glm", "glm", "glm-5.1", "glm-4.7-flash", ("1.4", "4.4", "0.26", "0"), 0),
    "custom": Case("custom", "openai", "local-a", "local-b", ("0.5", "1.5", "0.05", None), 0),
}

MODELS_FILE = """
[models."local-a"]
provider = "custom"
input = 0.5
output = 1.5
cache_read = 0.05
context_window = {ctx_a}
[models."local-b"]
provider = "custom"
input = 0.5
output = 1.5
cache_read = 0.05
context_window = 100000
{extra}
"""


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


def make_gateway(fake: FakeVendor, case: Case, tmp_path: Path, *, small_context: bool = False) -> Gateway:
    extra = ""
    ctx_a = 100000
    if small_context:
        if case.provider == "custom":
            ctx_a = 60
        else:
            extra = f'[models."{case.first}"]\ncontext_window = 60\n'
    models_file = tmp_path / "models.toml"
    models_file.write_text(MODELS_FILE.format(ctx_a=ctx_a, extra=extra), encoding="utf-8")
    settings = settings_for(fake, case.provider, studio_models_file=models_file)
    return Gateway(settings, registry_from_settings(settings),
                   retry_policy=RetryPolicy(max_retries=3, base_s=0.01, cap_s=0.02), offline=offline_handlers())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    clean_env(monkeypatch, tmp_path)
    return tmp_path


def request(case: Case, **kw: object) -> ChatRequest:
    """The case's first model, chosen explicitly, with fallback to any configured model allowed
    (these tests exercise the fallback itself; the default for an explicit choice is "off")."""
    msgs = [Message("system", "You are terse."), Message("user", "Say hello.")]
    return ChatRequest("news_sentiment", msgs, **{"model": case.first, "fallback": "any", **kw})  # type: ignore[arg-type]


def usage_reply(case: Case, **kw: object) -> Reply:
    return Reply(text="The market looks calm today.", input_tokens=1000, output_tokens=200,
                 cache_read_tokens=400, cache_write_tokens=case.cache_write, **kw)  # type: ignore[arg-type]


def expected_cost(case: Case) -> Decimal:
    inp, out, read, write = (Decimal(p) if p is not None else None for p in case.prices)
    assert inp is not None and out is not None and read is not None
    total = inp * 1000 + out * 200 + read * 400 + (write or inp) * case.cache_write
    return total / MTOK


def check_usage(case: Case, completion: Completion) -> None:
    # Normalised: input EXCLUDES the 400 cached tokens whatever the vendor's convention.
    assert completion.usage == Usage(1000, 200, 400, case.cache_write, 0)
    assert completion.cost_usd == expected_cost(case)


def test_plain_reply_usage_and_cost(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(usage_reply(case), vendor=case.vendor)
    c = gw.complete(request(case))
    assert c.text == "The market looks calm today."
    assert (c.model, c.provider, c.tried) == (case.first, case.provider, [case.first])
    check_usage(case, c)
    sent = fake.attempts[0]
    assert sent.body["model"] == case.first
    assert sent.headers["authorization"].startswith("Bearer ")
    if case.vendor == "openai" and case.provider == "openai":
        assert sent.body["max_completion_tokens"] == 2048
    if case.provider in ("custom", "glm"):
        assert sent.body["max_tokens"] == 2048
    if case.vendor == "anthropic":
        assert sent.body["system"] == "You are terse."
        assert [m["role"] for m in sent.body["messages"]] == ["user"]
        assert "anthropic-version" in sent.headers


def test_streamed_reply(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(usage_reply(case, chunks=["The market ", "looks calm ", "today."]), vendor=case.vendor)
    events = list(gw.stream(request(case)))
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas == ["The market ", "looks calm ", "today."]
    end = events[-1]
    assert isinstance(end, StreamEnd)
    assert end.completion.text == "The market looks calm today."
    assert end.completion.ttft_ms is not None and end.completion.finish_reason
    check_usage(case, end.completion)
    if case.vendor == "openai":
        assert fake.attempts[0].body["stream_options"] == {"include_usage": True}


def test_429_retry_after_is_honoured_then_success(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=429, headers={"retry-after": "1"}), usage_reply(case), vendor=case.vendor)
    t0 = time.monotonic()
    c = gw.complete(request(case))
    assert time.monotonic() - t0 >= 0.95  # the server's 1 s, not our 10 ms backoff
    assert c.wait_ms >= 950  # and the wait is reported
    assert c.tried == [case.first] and c.text
    assert fake.count() == 2


def test_retry_after_beyond_cap_falls_back_at_once(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=429, headers={"retry-after": "3600"}), vendor=case.vendor)
    c = gw.complete(request(case))
    # Nothing was slept (the reported wait, not wall time, which a loaded machine stretches).
    assert c.wait_ms < 1000
    assert c.tried == [case.first, case.second]
    assert fake.count() == 2  # one try of the first model, then the fallback at once


def test_repeated_500s_then_fallback_and_no_sdk_retries(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=500, repeat=4), usage_reply(case), vendor=case.vendor)
    c = gw.complete(request(case))
    assert (c.model, c.tried) == (case.second, [case.first, case.second])
    models = [a.body["model"] for a in fake.attempts]
    assert models == [case.first] * 4 + [case.second]  # 1 try + 3 retries of ours, then the fallback
    # Every request was a first attempt from the SDK's point of view: no SDK retried on its own.
    assert set(fake.retry_counts()) <= {"0", None}


def test_401_is_not_retried_and_falls_back(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=401), vendor=case.vendor)
    c = gw.complete(request(case))
    assert c.tried == [case.first, case.second]
    assert [a.body["model"] for a in fake.attempts] == [case.first, case.second]


def test_400_is_neither_retried_nor_fallen_back(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=400, error_message="messages: unsupported role"), vendor=case.vendor)
    with pytest.raises(BadRequest, match="unsupported role"):
        gw.complete(request(case))
    assert fake.count() == 1


def test_cut_stream_raises_typed_error_with_partial_usage(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(usage_reply(case, chunks=["abc ", "def ", "ghi ", "jkl"], cut_after=2), vendor=case.vendor)
    seen: list[str] = []
    with pytest.raises(StreamInterrupted) as info:
        for event in gw.stream(request(case)):
            if isinstance(event, TextDelta):
                seen.append(event.text)
    err = info.value
    assert seen == ["abc ", "def "]
    assert err.partial_text == "abc def "
    assert err.usage is not None and err.usage.output_tokens > 0
    if case.vendor == "anthropic":
        assert err.usage.input_tokens == 1000  # message_start carried the vendor's own input count
    assert fake.count() == 1  # never retried, never fell back after the first token


def test_cut_before_first_token_is_retried(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(cut_after=0), usage_reply(case), vendor=case.vendor)
    end = list(gw.stream(request(case)))[-1]
    assert isinstance(end, StreamEnd) and end.completion.tried == [case.first]
    assert fake.count() == 2


def test_context_overflow_refused_before_any_request(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env, small_context=True)
    long_req = request(case, max_tokens=50, fallback=False)
    with pytest.raises(ContextTooLong, match="context window of 60"):
        gw.complete(long_req)
    with pytest.raises(ContextTooLong):
        list(gw.stream(long_req))
    assert fake.count() == 0


def test_context_overflow_routes_to_larger_model(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env, small_context=True)
    c = gw.complete(request(case, max_tokens=50))
    assert c.model == case.second and c.tried == [case.first, case.second]
    assert [a.body["model"] for a in fake.attempts] == [case.second]


def test_async_twins(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(usage_reply(case), usage_reply(case), vendor=case.vendor)

    async def run() -> tuple[Completion, list[object]]:
        c = await gw.acomplete(request(case))
        events = [e async for e in gw.astream(request(case))]
        return c, events

    c, events = asyncio.run(run())
    check_usage(case, c)
    end = events[-1]
    assert isinstance(end, StreamEnd)
    check_usage(case, end.completion)


def test_structured_output_request_plumbing(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    schema = {"type": "object", "properties": {"score": {"type": "number"}}, "required": ["score"],
              "additionalProperties": False}
    fake.script(Reply(text='{"score": 0.5}'), vendor=case.vendor)
    gw.complete(request(case, output_schema=schema, schema_name="sentiment"))
    body = fake.attempts[0].body
    if case.provider == "openai":
        assert body["response_format"] == {"type": "json_schema", "json_schema": {
            "name": "sentiment", "strict": True, "schema": schema}}
    elif case.provider == "anthropic":
        assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    else:
        assert body["response_format"] == {"type": "json_object"}


def test_async_fallback_and_cut_stream(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(Reply(status=503, repeat=4), usage_reply(case),
                usage_reply(case, chunks=["abc ", "def ", "ghi"], cut_after=1), vendor=case.vendor)

    async def run() -> tuple[Completion, list[str], StreamInterrupted | None]:
        c = await gw.acomplete(request(case))
        seen: list[str] = []
        try:
            async for event in gw.astream(request(case)):
                if isinstance(event, TextDelta):
                    seen.append(event.text)
        except StreamInterrupted as exc:
            return c, seen, exc
        return c, seen, None

    c, seen, cut = asyncio.run(run())
    assert c.tried == [case.first, case.second]
    assert c.usage == Usage(1000, 200, 400, case.cache_write, 0)
    assert seen == ["abc "] and cut is not None and cut.partial_text == "abc "
    assert fake.count() == 6


def test_caller_stopping_a_stream_early_is_fine(env: Path, fake: FakeVendor, case: Case) -> None:
    gw = make_gateway(fake, case, env)
    fake.script(usage_reply(case, chunks=["a", "b", "c"]), usage_reply(case), vendor=case.vendor)
    stream = gw.stream(request(case))
    assert isinstance(next(stream), TextDelta)
    stream.close()  # e.g. the user navigated away
    assert gw.complete(request(case)).text  # the client and the connection pool still work


def test_sampling_parameters_only_where_the_model_accepts_them(env: Path, fake: FakeVendor) -> None:
    case = CASES["openai"]
    gw = make_gateway(fake, case, env)
    gw.complete(request(case, temperature=0.3))  # gpt-5.x reasoning models reject temperature
    gw.complete(ChatRequest("news_sentiment", [Message("user", "x")], model="gpt-4o", temperature=0.3))
    first, second = (a.body for a in fake.attempts)
    assert "temperature" not in first and second["temperature"] == 0.3


def test_total_deadline_stops_vendor_attempts(env: Path, fake: FakeVendor) -> None:
    case = CASES["openai"]
    gw = make_gateway(fake, case, env)
    gw.complete(request(case))  # warm up: SDK import and tokenizer load are not part of the budget
    fake.reset()
    fake.script(Reply(delay_s=1.5, repeat=3), vendor="openai")
    with pytest.raises(ProviderUnavailable, match=r"deadline has passed|did not answer in time"):
        gw.complete(request(case, deadline_s=1.0, fallback=False))
    # One attempt, cut at the deadline (the reply would have taken 1.5 s); no retry after it.
    assert fake.count() == 1
    # With "auto" (no model chosen) the chain skips the remaining vendor models and ends at the
    # offline engine; a chosen model never ends there (test_fallback_policy.py).
    fake.reset()
    fake.script(Reply(delay_s=1.5, repeat=3), vendor="openai")
    item = NewsItem("BTC ETF inflows surge", "", "x", "", "en")
    auto = request(case, model=None, deadline_s=1.0, offline_context=item)
    c = gw.complete(auto)
    assert c.provider == "offline" and c.tried[0] == gw.chain(auto)[0].name and fake.count() == 1
