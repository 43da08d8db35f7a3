"""The gateway: one entry point for every model call (DESIGN.md section 4).

For each candidate of the routing chain: provider configured? → price known? → context window
fits? → response cache → quota reservation (worst case) → local rate limit → adapter call with our
retry policy → usage normalised by the adapter → cost from the registry → ledger row settled.

One flow serves every mode: ``stream`` is the flow, ``complete`` drains it (a non-streamed vendor
call is read as a two-item stream), and ``astream``/``acomplete`` are the async twin, which differs
only by ``await``. The rules themselves live in ``routing`` (candidates and fallback), ``attempt``
(what an attempt delivered, cut or retryable) and ``settlement`` (reservation, rows, cache hits).
A stream never falls back or retries once its first token has been handed to the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, TypeVar

from core.config import Settings
from core.llm.accounting import Ledger, Reservation, ResponseCache
from core.llm.attempt import AttemptState, Prepared, Run, aprovider_items, cache_key, provider_items
from core.llm.errors import ProviderError, UnknownModel
from core.llm.providers.base import Call, Provider
from core.llm.providers.offline import OfflineProvider
from core.llm.ratelimit import Limits, RateLimiter
from core.llm.registry import ModelInfo, Registry
from core.llm.retry import RetryPolicy
from core.llm.routing import CANDIDATE_ERRORS, all_failed, allowed, candidate_failed, fallback_policy, prepare
from core.llm.settlement import Settlement, max_tokens
from core.llm.singleflight import FlightGroup, LocalFlights, aled, led
from core.llm.tokens import TokenCount, count_messages
from core.llm.types import ChatRequest, Completion, Message, OfflineHandler, StreamEnd, StreamEvent, TextDelta

__all__ = ["Gateway", "cache_key"]

log = logging.getLogger("core.llm.gateway")
T = TypeVar("T")


class Gateway:
    """``complete`` / ``stream`` (and ``acomplete`` / ``astream``) one ``ChatRequest`` through the routing
    chain. Thread-safe and shareable: one per process (``core.services.composition``). The answer (``Completion``)
    says which model answered, which were tried, the usage, cost and time spent waiting;
    ``store_in_cache`` is for callers that have validated the answer."""

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        ledger: Ledger | None = None,
        cache: ResponseCache | None = None,
        *,
        providers: dict[str, Provider] | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        deadline_s: float | None = None,
        offline: Mapping[str, OfflineHandler] | None = None,
        flights: FlightGroup | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.ledger = ledger
        self.cache = cache
        self.retry = retry_policy or RetryPolicy(max_retries=settings.llm_max_retries, **registry.retry)
        self.timeout_s = float(settings.llm_request_timeout)
        # One logical request (all attempts and fallbacks) gets this much wall time by default.
        self.deadline_s = deadline_s or max(self.timeout_s * 3, 30.0)
        self.cache_ttl = settings.llm_cache_ttl
        self.limiter = rate_limiter or RateLimiter(
            {p: Limits(lim.rpm, lim.tpm) for p, lim in registry.limits.items()}
        )
        self._providers: dict[str, Provider] = dict(providers or {})
        self.flights: FlightGroup = flights or LocalFlights()
        if offline is not None:
            # The local engine is injected, one handler per use case (core.services.composition).
            self._providers.setdefault(OfflineProvider.name, OfflineProvider(settings, offline))
        self._lock = threading.Lock()
        self._configured: list[str] | None = None
        self._chains: dict[tuple[Any, ...], tuple[Registry, Settings, list[ModelInfo]]] = {}

    @property
    def settlement(self) -> Settlement:  # built on use: callers may swap ``ledger``/``cache`` after construction
        return Settlement(self.ledger, self.cache, self.cache_ttl)

    # ------------------------------------------------------------------ providers
    def provider(self, name: str) -> Provider:
        prov = self._providers.get(name)
        if prov is None:
            with self._lock:
                prov = self._providers.get(name)
                if prov is None:
                    from core.llm.providers import make_provider

                    prov = make_provider(name, self.settings)
                    self._providers[name] = prov
        return prov

    def configured_providers(self) -> list[str]:
        # Settings do not change under a gateway (a new gateway is built when they do): compute once.
        if self._configured is None:
            from core.llm.providers import provider_classes

            self._configured = [
                name for name, cls in provider_classes().items()
                if not cls.local and (self._providers[name].configured() if name in self._providers
                                      else cls.is_configured(self.settings))
            ]
        return self._configured

    def chain(self, req: ChatRequest) -> list[ModelInfo]:
        # Worked out once per use case and choice: settings and registry stay the same under a gateway.
        found = self._chains.get(key := (req.use_case, req.model, req.fallback))
        if found is None or found[0] is not self.registry or found[1] is not self.settings:
            found = self._chains[key] = (self.registry, self.settings, self._chain(req))
        return list(found[2])

    def _chain(self, req: ChatRequest) -> list[ModelInfo]:
        default = self.settings.llm_default_model
        if default:
            try:
                self.registry.get(default)
            except UnknownModel as exc:
                raise UnknownModel(f"LLM_DEFAULT_MODEL names an unknown model: {exc.message}",
                                   hint=exc.hint) from None
        full = self.registry.chain(req.use_case, self.configured_providers(), req.model, default)
        return allowed(full, req, fallback_policy(req, self.settings.llm_fallback))

    def count(self, model: str, messages: list[Message]) -> TokenCount:
        """Exact for OpenAI models, ``estimated`` for the others."""
        info = self.registry.get(model)
        return count_messages(info.provider, info.name, messages)

    # ------------------------------------------------------------------ steps both flows share
    def _start(self, req: ChatRequest) -> tuple[list[ModelInfo], Run]:
        return self.chain(req), Run(req=req, request_id=req.request_id or os.urandom(16).hex(),
                                    deadline=time.monotonic() + (req.deadline_s or self.deadline_s))

    def _prepare(self, info: ModelInfo, run: Run) -> Prepared:
        use_cache = self.cache is not None and self.cache_ttl > 0
        return prepare(info, self.provider(info.provider), run, use_cache=use_cache)

    def _call(self, run: Run, prep: Prepared, res: Reservation | None) -> Call:
        cap = res.max_tokens if res is not None else max_tokens(run, prep)
        return Call(prep.info, run.req, cap, max(0.5, min(self.timeout_s, run.remaining())), prep.input_tokens)

    def _limit_args(self, run: Run, prep: Prepared, call: Call) -> tuple[str, int, float]:
        return prep.info.provider, prep.reserved_input + call.max_tokens, max(0.0, run.remaining() - 1.0)

    def _waited(self, run: Run, prep: Prepared, waited: float) -> None:
        run.waited_s += waited
        if waited:
            log.info("local rate limit for %s: waited %.2f s", prep.info.provider, waited)

    def _retry_delay(self, run: Run, prep: Prepared, err: ProviderError, attempt: int) -> float | None:
        """Our one retry policy: the wait before the next attempt (reported as waiting), or None to stop.
        A vendor's Retry-After on a 429 also cools the provider down for every other caller."""
        if err.status_code == 429 and err.retry_after and err.retry_after <= self.retry.retry_after_cap_s:
            # (A longer Retry-After means the vendor will not recover soon: the router falls back.)
            self.limiter.cool_down(prep.info.provider, err.retry_after)
        delay = self.retry.next_delay(err, attempt, run.remaining())
        if delay is not None:
            log.info("retrying %s in %.2f s (attempt %d)", prep.info.name, delay, attempt + 1)
            run.waited_s += delay
        return delay

    def _answered(self, run: Run, prep: Prepared, call: Call, state: AttemptState) -> Completion:
        reply = state.reply()
        if not prep.local:
            # The token bucket held input + max_tokens; give back what the answer did not use.
            self.limiter.refund(prep.info.provider, prep.reserved_input + call.max_tokens - reply.usage.total_tokens)
        return Settlement.completion(run, prep, reply, state.elapsed_ms(), state.ttft)

    # ------------------------------------------------------------------ the flow
    def complete(self, req: ChatRequest) -> Completion:
        return _last(self._flow(req, streaming=False))

    def stream(self, req: ChatRequest) -> Iterator[StreamEvent]:
        return self._flow(req, streaming=True)

    def _flow(self, req: ChatRequest, *, streaming: bool) -> Iterator[StreamEvent]:
        chain, run = self._start(req)
        money = self.settlement
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = money.cache_hit(run, prep)
                ticket = self.flights.begin(f"{req.user}\0{prep.cache_key}") if hit is None and prep.cache_key else None
                if ticket is not None and not ticket.leader:
                    shared = ticket.wait(run.remaining())
                    # None: the leader failed, the wait ran out, or the group left the answer in the cache.
                    hit = money.as_hit(run, prep, shared) if shared is not None else money.cache_hit(run, prep)
                    ticket = None
                if hit is not None:
                    yield TextDelta(hit.text)
                    yield StreamEnd(hit)
                    return
                yield from led(ticket, self._attempts(run, prep, money, streaming), money.keep)
                return
            except CANDIDATE_ERRORS as err:
                candidate_failed(run, info, err, first=i == 0)
        raise all_failed(run, len(chain))

    def _attempts(self, run: Run, prep: Prepared, money: Settlement, streaming: bool) -> Iterator[StreamEvent]:
        attempt = 0
        while True:
            attempt += 1
            res = money.reserve(run, prep, attempt)
            state = AttemptState(streaming)
            try:
                call = self._call(run, prep, res)
                if not prep.local:
                    self._waited(run, prep, self.limiter.acquire(*self._limit_args(run, prep, call)))
                with contextlib.closing(provider_items(prep.provider, call, streaming)) as items:
                    for item in items:
                        text = state.take(item)
                        if text is not None:
                            if state.note_due():
                                money.progress(prep, res, state.parts)
                            yield TextDelta(text)
                state.check_done(prep)
            except ProviderError as err:
                failure = state.failure(prep, err)
                money.failed(run, prep, res, failure.error, state.elapsed_ms(), failure.usage)
                delay = None if failure.delivered else self._retry_delay(run, prep, failure.to_retry, attempt)
                if delay is None:
                    raise (failure.error if failure.delivered else failure.to_retry) from None
                time.sleep(delay)
                continue
            except GeneratorExit:
                money.cancelled(run, prep, res, state.parts)
                raise
            except BaseException:
                money.release(res)
                raise
            completion = self._answered(run, prep, call, state)
            money.settle(run, prep, res, completion)
            yield StreamEnd(completion)
            return

    # ------------------------------------------------------------------ the async twin
    # The same flow with ``await``: vendor calls use the SDKs' async clients (zai-sdk has none: its
    # adapter runs in a worker thread), and ledger/cache work runs off the event loop.
    async def _io(self, fn: Callable[..., T], *args: Any) -> T:
        if self.ledger is None and self.cache is None:
            return fn(*args)
        return await asyncio.to_thread(fn, *args)

    async def acomplete(self, req: ChatRequest) -> Completion:
        return await _alast(self._aflow(req, streaming=False))

    def astream(self, req: ChatRequest) -> AsyncIterator[StreamEvent]:
        return self._aflow(req, streaming=True)

    async def _aflow(self, req: ChatRequest, *, streaming: bool) -> AsyncIterator[StreamEvent]:
        chain, run = self._start(req)
        money = self.settlement
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = await self._io(money.cache_hit, run, prep)
                ticket = self.flights.begin(f"{req.user}\0{prep.cache_key}") if hit is None and prep.cache_key else None
                if ticket is not None and not ticket.leader:
                    shared = await asyncio.to_thread(ticket.wait, run.remaining())
                    hit = await (self._io(money.as_hit, run, prep, shared) if shared is not None
                                 else self._io(money.cache_hit, run, prep))  # as above
                    ticket = None
                if hit is not None:
                    yield TextDelta(hit.text)
                    yield StreamEnd(hit)
                    return
                async with contextlib.aclosing(aled(ticket, self._aattempts(run, prep, money, streaming),
                                                    money.keep)) as events:
                    async for event in events:
                        yield event
                return
            except CANDIDATE_ERRORS as err:
                candidate_failed(run, info, err, first=i == 0)
        raise all_failed(run, len(chain))

    async def _aattempts(self, run: Run, prep: Prepared, money: Settlement,
                         streaming: bool) -> AsyncIterator[StreamEvent]:
        attempt = 0
        while True:
            attempt += 1
            res = await self._io(money.reserve, run, prep, attempt)
            state = AttemptState(streaming)
            try:
                call = self._call(run, prep, res)
                if not prep.local:
                    self._waited(run, prep, await self.limiter.aacquire(*self._limit_args(run, prep, call)))
                async with contextlib.aclosing(aprovider_items(prep.provider, call, streaming)) as items:
                    async for item in items:
                        text = state.take(item)
                        if text is not None:
                            if state.note_due():
                                money.progress(prep, res, state.parts)
                            yield TextDelta(text)
                state.check_done(prep)
            except ProviderError as err:
                failure = state.failure(prep, err)
                await self._io(money.failed, run, prep, res, failure.error, state.elapsed_ms(), failure.usage)
                delay = None if failure.delivered else self._retry_delay(run, prep, failure.to_retry, attempt)
                if delay is None:
                    raise (failure.error if failure.delivered else failure.to_retry) from None
                await asyncio.sleep(delay)
                continue
            except GeneratorExit:
                money.cancelled(run, prep, res, state.parts)  # synchronously: a short SQLite write
                raise
            except BaseException:
                # Also on cancellation: release synchronously, never await here.
                money.release(res)
                raise
            completion = self._answered(run, prep, call, state)
            await self._io(money.settle, run, prep, res, completion)
            yield StreamEnd(completion)
            return

    # ------------------------------------------------------------------ cache
    def store_in_cache(self, completion: Completion) -> None:
        """Store a validated answer under the key of the request that produced it."""
        # A local engine's answer has no cache key (it is free and instant to recompute).
        if self.cache is None or completion.cache_key is None or completion.cached or self.cache_ttl <= 0:
            return
        self.cache.put(completion.user, completion.cache_key, completion, self.cache_ttl)


def _last(events: Iterator[StreamEvent]) -> Completion:
    """Drain a flow; its last event carries the completion."""
    end = None
    for event in events:
        end = event
    assert isinstance(end, StreamEnd)
    return end.completion


async def _alast(events: AsyncIterator[StreamEvent]) -> Completion:
    end = None
    async with contextlib.aclosing(events):  # type: ignore[type-var]
        async for event in events:
            end = event
    assert isinstance(end, StreamEnd)
    return end.completion
