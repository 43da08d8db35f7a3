"""The gateway: one entry point for every model call (DESIGN.md section 4).

For each candidate of the routing chain: provider configured? → price known? → context window
fits? → response cache → quota reservation (worst case) → local rate limit → adapter call with our
retry policy → usage normalised by the adapter → cost from the registry → ledger row settled.
Fallback to the next candidate follows ``ProviderError.fallback``; a stream never falls back (or
retries) once its first token has been handed to the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from core.errors import EngineCannotAnswer, StudioError, redact
from core.llm.accounting import Ledger, Reservation, ResponseCache
from core.llm.errors import (
    AllModelsFailed,
    ContextTooLong,
    PriceUnknown,
    ProviderError,
    ProviderNotConfigured,
    ProviderUnavailable,
    StreamInterrupted,
    UnknownModel,
)
from core.llm.providers.base import Call, Provider, Reply, StreamDone
from core.llm.ratelimit import Limits, RateLimiter
from core.llm.registry import OFFLINE, ModelInfo, Registry
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Completion, Message, StreamEnd, TextDelta, Usage, UsageRow, charged

log = logging.getLogger("core.llm.gateway")


@dataclass
class _Run:
    """State of one logical request across its candidates and attempts."""

    req: ChatRequest
    request_id: str
    started: float
    deadline: float
    tried: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    waited_s: float = 0.0  # local rate-limit waits and retry backoff, reported on the completion

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class _Prepared:
    info: ModelInfo
    provider: Provider
    input_tokens: int
    estimated: bool
    cache_key: str | None


@dataclass
class _StreamState:
    """What one streamed attempt has delivered so far (shared by the sync and async paths)."""

    t0: float = field(default_factory=time.monotonic)
    parts: list[str] = field(default_factory=list)
    ttft: float | None = None
    done: StreamDone | None = None

    def take(self, item: str | StreamDone) -> str | None:
        """The text to hand on, or None for the final event and empty deltas."""
        if isinstance(item, StreamDone):
            self.done = item
            return None
        if not item:
            return None
        if self.ttft is None:
            self.ttft = self.elapsed_ms()
        self.parts.append(item)
        return item

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.t0) * 1000

    def check_done(self, prep: _Prepared) -> None:
        if self.done is None:
            raise StreamInterrupted(f"The {prep.info.name} stream ended without its final event.",
                                    provider=prep.info.provider, model=prep.info.name,
                                    partial_text="".join(self.parts), usage=None)

    def reply(self) -> Reply:
        assert self.done is not None  # check_done ran inside the attempt
        return Reply("".join(self.parts), self.done.usage, self.done.finish_reason)


def cache_key(provider: str, model: str, req: ChatRequest) -> str:
    """SHA-256 of the canonical JSON of everything that shapes the answer (roles included)."""
    payload = {
        "provider": provider,
        "model": model,
        "messages": [[m.role, m.content] for m in req.messages],
        "temperature": req.temperature,
        "top_p": req.top_p,
        "max_tokens": req.max_tokens,
        "output_schema": req.output_schema,
        "schema_name": req.schema_name if req.output_schema else None,
        "json_mode": req.json_mode,
        "template_version": req.template_version,
        "use_case": req.use_case,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Gateway:
    """``complete`` / ``stream`` (and ``acomplete`` / ``astream``) one ``ChatRequest`` through the
    routing chain. Thread-safe and shareable: build one per process (``core.llm.factory``). The
    answer (``Completion``) says which model answered, which were tried, the usage, the cost and the
    time spent waiting; ``store_in_cache`` is for callers that have validated the answer."""

    def __init__(
        self,
        settings: Any,
        registry: Registry,
        ledger: Ledger | None = None,
        cache: ResponseCache | None = None,
        *,
        providers: dict[str, Provider] | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        deadline_s: float | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.ledger = ledger
        self.cache = cache
        self.retry = retry_policy or RetryPolicy(max_retries=int(getattr(settings, "llm_max_retries", 3)),
                                                 **registry.retry)
        self.timeout_s = float(getattr(settings, "llm_request_timeout", 60.0))
        # One logical request (all attempts and fallbacks) gets this much wall time by default.
        self.deadline_s = deadline_s or max(self.timeout_s * 3, 30.0)
        self.cache_ttl = int(getattr(settings, "llm_cache_ttl", 900))
        self.limiter = rate_limiter or RateLimiter(
            {p: Limits(lim.rpm, lim.tpm) for p, lim in registry.limits.items()}
        )
        self._providers: dict[str, Provider] = dict(providers or {})
        self._lock = threading.Lock()
        self._configured: list[str] | None = None

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
            from core.llm.providers import configured_in

            from_settings = configured_in(self.settings)
            self._configured = [
                name for name in ("openai", "anthropic", "glm", "custom")
                if (self._providers[name].configured() if name in self._providers else from_settings[name])
            ]
        return self._configured

    def chain(self, req: ChatRequest) -> list[ModelInfo]:
        default = getattr(self.settings, "llm_default_model", None)
        if default:
            try:
                self.registry.get(default)
            except UnknownModel as exc:
                raise UnknownModel(f"LLM_DEFAULT_MODEL names an unknown model: {exc.message}",
                                   hint=exc.hint) from None
        return self.registry.chain(req.use_case, self.configured_providers(), req.model, default)

    # ------------------------------------------------------------------ counting
    def count_tokens(self, model: str, messages: list[Message]) -> int:
        return self.count(model, messages).tokens

    def count(self, model: str, messages: list[Message]) -> Any:
        """A ``core.llm.tokens.TokenCount``: exact for OpenAI models, ``estimated`` for the others."""
        info = self.registry.get(model)
        from core.llm.tokens import count_messages

        return count_messages(info.provider, info.name, messages)

    # ------------------------------------------------------------------ shared steps
    def _start(self, req: ChatRequest) -> _Run:
        now = time.monotonic()
        return _Run(req=req, request_id=req.request_id or uuid.uuid4().hex, started=now,
                    deadline=now + (req.deadline_s or self.deadline_s))

    def _prepare(self, info: ModelInfo, run: _Run) -> _Prepared:
        req = run.req
        provider = self.provider(info.provider)
        if not provider.configured():
            raise ProviderNotConfigured(
                f"{info.name} needs a {info.provider} key, and none is configured.",
                provider=info.provider, model=info.name,
                hint=f"Set {_KEY_NAMES.get(info.provider, 'its API key')} (environment or .streamlit/secrets.toml).",
            )
        if info.provider == OFFLINE:
            return _Prepared(info, provider, 0, False, None)
        if run.remaining() <= 0:
            # The request's total deadline is spent: only the instant offline engine may still answer.
            raise ProviderUnavailable(
                f"No time left to try {info.name}: the request's deadline has passed.",
                provider=info.provider, model=info.name,
                hint="Raise LLM_REQUEST_TIMEOUT (the total deadline is three times it) or try again.",
            )
        if not info.price.known:
            raise PriceUnknown(
                f"{info.name} has no known price, so it cannot be used against the monthly quota.",
                hint="Add its prices (input, output per million tokens) to the file named by STUDIO_MODELS_FILE.",
                model=info.name,
            )
        from core.llm.tokens import count_messages

        counted = count_messages(info.provider, info.name, req.messages)
        out_cap = min(req.max_tokens, info.max_output) if info.max_output else req.max_tokens
        if info.context_window and counted.tokens + out_cap > info.context_window:
            approx = "about " if counted.estimated else ""
            raise ContextTooLong(
                f"The request needs {approx}{counted.tokens} input tokens + {out_cap} output tokens, "
                f"more than {info.name}'s context window of {info.context_window}.",
                provider=info.provider, model=info.name,
                hint="Shorten the input, lower max_tokens, or choose a model with a larger context window.",
            )
        key = None
        if req.use_cache and self.cache is not None and self.cache_ttl > 0:
            key = cache_key(info.provider, info.name, req)
        return _Prepared(info, provider, counted.tokens, counted.estimated, key)

    def _completion(self, run: _Run, prep: _Prepared, reply: Reply, latency_ms: float,
                    ttft_ms: float | None) -> Completion:
        info = prep.info
        cost = charged(info.price.cost(reply.usage)) if info.price.known else Decimal(0)
        return Completion(
            text=reply.text, model=info.name, provider=info.provider, requested_model=run.req.model,
            usage=reply.usage, cost_usd=cost, finish_reason=reply.finish_reason,
            tried=[*run.tried, info.name], latency_ms=latency_ms, ttft_ms=ttft_ms,
            request_id=run.request_id, cache_key=prep.cache_key, user=run.req.user, wait_ms=run.waited_s * 1000,
        )

    def _row(self, run: _Run, info: ModelInfo, usage: Usage, status: str, *, latency_ms: float = 0.0,
             ttft_ms: float | None = None, error: str | None = None, cost_saved: Decimal = Decimal(0)) -> UsageRow:
        cost = Decimal(0) if status == "cached" or not info.price.known else charged(info.price.cost(usage))
        return UsageRow(
            request_id=run.request_id, user_id=run.req.user, use_case=run.req.use_case,
            provider=info.provider, model=info.name, requested_model=run.req.model, usage=usage,
            cost_usd=cost, status=status, price_version=info.price.version, cost_saved_usd=cost_saved,
            latency_ms=latency_ms, ttft_ms=ttft_ms, error=redact(error) if error else None,
        )

    def _cache_hit(self, run: _Run, prep: _Prepared) -> Completion | None:
        if prep.cache_key is None or self.cache is None:
            return None
        try:
            hit = self.cache.get(run.req.user, prep.cache_key)
        except Exception as exc:  # a broken cache must not break the request
            log.warning("cache lookup failed: %s", redact(str(exc)))
            return None
        if hit is None:
            return None
        saved = prep.info.price.cost(hit.usage) if prep.info.price.known else Decimal(0)
        if self.ledger is not None:
            self.ledger.record(self._row(run, prep.info, hit.usage, "cached", cost_saved=saved))
        return replace(hit, cached=True, cost_usd=Decimal(0), cost_saved_usd=saved, tried=[*run.tried, prep.info.name],
                       request_id=run.request_id, requested_model=run.req.model, latency_ms=0.0,
                       cache_key=prep.cache_key, user=run.req.user)

    def _reserve(self, run: _Run, prep: _Prepared, attempt: int) -> Reservation | None:
        if self.ledger is None or prep.info.provider == OFFLINE:
            return None
        return self.ledger.reserve(
            user_id=run.req.user, request_id=f"{run.request_id}:{attempt}", model=prep.info.name,
            price=prep.info.price, input_tokens=prep.input_tokens, max_tokens=self._max_tokens(run, prep),
            allow_shrink=run.req.allow_shrink,
        )

    @staticmethod
    def _max_tokens(run: _Run, prep: _Prepared) -> int:
        """The request's cap, within the model's own maximum output (the reservation holds no more)."""
        cap = prep.info.max_output
        return min(run.req.max_tokens, cap) if cap else run.req.max_tokens

    def _call(self, run: _Run, prep: _Prepared, res: Reservation | None) -> Call:
        max_tokens = res.max_tokens if res is not None else self._max_tokens(run, prep)
        timeout = max(0.5, min(self.timeout_s, run.remaining()))
        return Call(prep.info, run.req, max_tokens, timeout, prep.input_tokens)

    def _failed_attempt(self, run: _Run, prep: _Prepared, res: Reservation | None, err: ProviderError,
                        latency_ms: float, usage: Usage | None = None) -> None:
        """Release the reservation; a failure the vendor saw becomes a ledger row."""
        # Timeouts and unreadable bodies count: the vendor may have billed them.
        reached = err.status_code is not None or isinstance(err, StreamInterrupted) or bool(
            err.details.get("reached"))
        row = self._row(run, prep.info, usage or Usage(), err.kind, latency_ms=latency_ms, error=str(err)) \
            if reached else None
        if self.ledger is not None:
            if res is not None:
                self.ledger.release(res, row)
            elif row is not None:
                self.ledger.record(row)
        log.info("attempt failed: model=%s kind=%s status=%s request=%s: %s", prep.info.name, err.kind,
                 err.status_code, run.request_id, redact(str(err)))

    def _settle(self, run: _Run, prep: _Prepared, res: Reservation | None, completion: Completion) -> None:
        if self.ledger is None:
            return
        row = self._row(run, prep.info, completion.usage, "ok", latency_ms=completion.latency_ms,
                        ttft_ms=completion.ttft_ms)
        if res is not None:
            self.ledger.settle(res, row)
        else:
            self.ledger.record(row)

    def _candidate_failed(self, run: _Run, info: ModelInfo, err: StudioError, first: bool) -> None:
        """Decide whether to move to the next candidate; raise when we must not."""
        run.tried.append(info.name)
        run.failures.append((info.name, str(err)))
        if isinstance(err, PriceUnknown):
            if first and run.req.model:
                raise err
            return
        if isinstance(err, EngineCannotAnswer):
            raise err if len(run.tried) == 1 else self._all_failed(run)
        if not isinstance(err, ProviderError) or not err.fallback or not getattr(run.req, "fallback", True):
            raise err

    def _all_failed(self, run: _Run) -> AllModelsFailed:
        detail = "; ".join(f"{m}: {e}" for m, e in run.failures)
        return AllModelsFailed(f"Every model failed for {run.req.use_case}. {detail}", attempts=list(run.failures),
                               hint="Check the provider keys and status, or try again later.")

    # ------------------------------------------------------------------ complete
    def complete(self, req: ChatRequest) -> Completion:
        chain = self.chain(req)
        run = self._start(req)
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = self._cache_hit(run, prep)
                if hit is not None:
                    return hit
                return self._attempts(run, prep)
            except (ProviderError, PriceUnknown, EngineCannotAnswer) as err:
                self._candidate_failed(run, info, err, first=i == 0)
        raise self._all_failed(run)

    def _attempts(self, run: _Run, prep: _Prepared) -> Completion:
        attempt = 0
        while True:
            attempt += 1
            res = self._reserve(run, prep, attempt)
            t0 = time.monotonic()
            try:
                call = self._call(run, prep, res)
                self._rate_limit(run, prep, call)
                reply = prep.provider.complete(call)
            except ProviderError as err:
                self._failed_attempt(run, prep, res, err, (time.monotonic() - t0) * 1000)
                delay = self._retry_delay(run, prep, err, attempt)
                if delay is None:
                    raise
                time.sleep(delay)
                continue
            except BaseException:
                self._release(res)
                raise
            completion = self._answered(run, prep, call, reply, (time.monotonic() - t0) * 1000, None)
            self._settle(run, prep, res, completion)
            return completion

    def _retry_delay(self, run: _Run, prep: _Prepared, err: ProviderError, attempt: int) -> float | None:
        """Our one retry policy: the wait before the next attempt (reported as waiting), or None to stop."""
        delay = self.retry.next_delay(err, attempt, run.remaining())
        if delay is not None:
            log.info("retrying %s in %.2f s (attempt %d)", prep.info.name, delay, attempt + 1)
            run.waited_s += delay
        return delay

    def _release(self, res: Reservation | None) -> None:
        """Any other exit (cancellation included): give the reservation back, synchronously."""
        if self.ledger is not None and res is not None:
            self.ledger.release(res, None)

    def _answered(self, run: _Run, prep: _Prepared, call: Call, reply: Reply, latency_ms: float,
                  ttft_ms: float | None) -> Completion:
        self._refund(prep, call, reply.usage)
        return self._completion(run, prep, reply, latency_ms, ttft_ms)

    def _rate_limit(self, run: _Run, prep: _Prepared, call: Call) -> None:
        if prep.info.provider == OFFLINE:
            return
        waited = self.limiter.acquire(prep.info.provider, prep.input_tokens + call.max_tokens,
                                      max_wait_s=max(0.0, run.remaining() - 1.0))
        run.waited_s += waited
        if waited:
            log.info("local rate limit for %s: waited %.2f s", prep.info.provider, waited)

    def _refund(self, prep: _Prepared, call: Call, usage: Usage) -> None:
        """The token bucket held input + max_tokens; give back what the answer did not use."""
        if prep.info.provider != OFFLINE:
            self.limiter.refund(prep.info.provider, prep.input_tokens + call.max_tokens - usage.total_tokens)

    # ------------------------------------------------------------------ stream
    def stream(self, req: ChatRequest) -> Iterator[TextDelta | StreamEnd]:
        chain = self.chain(req)
        run = self._start(req)
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = self._cache_hit(run, prep)
                if hit is not None:
                    yield TextDelta(hit.text)
                    yield StreamEnd(hit)
                    return
                yield from self._stream_attempts(run, prep)
                return
            except (ProviderError, PriceUnknown, EngineCannotAnswer) as err:
                if isinstance(err, StreamInterrupted) and err.details.get("delivered"):
                    raise
                self._candidate_failed(run, info, err, first=i == 0)
        raise self._all_failed(run)

    def _stream_attempts(self, run: _Run, prep: _Prepared) -> Iterator[TextDelta | StreamEnd]:
        attempt = 0
        while True:
            attempt += 1
            res = self._reserve(run, prep, attempt)
            state = _StreamState()
            try:
                call = self._call(run, prep, res)
                self._rate_limit(run, prep, call)
                with contextlib.closing(prep.provider.stream(call)) as items:
                    for item in items:
                        text = state.take(item)
                        if text is not None:
                            yield TextDelta(text)
                state.check_done(prep)
            except ProviderError as err:
                recorded, usage = self._stream_failure(prep, err, state)
                self._failed_attempt(run, prep, res, recorded, state.elapsed_ms(), usage)
                if state.parts:
                    raise recorded from None
                retry = self._retryable(err)
                delay = self._retry_delay(run, prep, retry, attempt)
                if delay is None:
                    raise retry from None
                time.sleep(delay)
                continue
            except GeneratorExit:
                self._cancelled(run, prep, res, state.parts)
                raise
            except BaseException:
                self._release(res)
                raise
            completion = self._answered(run, prep, call, state.reply(), state.elapsed_ms(), state.ttft)
            self._settle(run, prep, res, completion)
            yield StreamEnd(completion)
            return

    def _stream_failure(self, prep: _Prepared, err: ProviderError,
                        state: _StreamState) -> tuple[ProviderError, Usage | None]:
        """The error to record for a failed stream attempt, and the usage to bill: once text was
        delivered it is a cut, which is never retried."""
        if state.parts:
            cut = self._as_cut(prep, err, state.parts)
            return cut, cut.usage
        return err, None

    @staticmethod
    def _retryable(err: ProviderError) -> ProviderError:
        """A stream that broke before its first token is as retryable as a failed connection."""
        return ProviderErrorRetry(err) if isinstance(err, StreamInterrupted) else err

    def _as_cut(self, prep: _Prepared, err: ProviderError, parts: list[str]) -> StreamInterrupted:
        """Text already reached the caller: the attempt is settled as billed and never retried or
        fallen back (the caller would see two different answers glued together)."""
        text = "".join(parts)
        usage = err.usage if isinstance(err, StreamInterrupted) and err.usage else self._estimate_usage(prep, text)
        cut = err if isinstance(err, StreamInterrupted) else StreamInterrupted(
            f"The {prep.info.name} stream broke off: {err.message}", provider=prep.info.provider,
            model=prep.info.name, status_code=err.status_code)
        cut.partial_text = text
        cut.usage = usage
        cut.details["delivered"] = True
        return cut

    def _cancelled(self, run: _Run, prep: _Prepared, res: Reservation | None, parts: list[str]) -> None:
        """The caller stopped reading: settle the partial answer as a cancelled row (synchronously)."""
        if self.ledger is None:
            return
        usage = self._estimate_usage(prep, "".join(parts))
        row = self._row(run, prep.info, usage, "cancelled", error="stream closed by the caller")
        if res is not None:
            self.ledger.release(res, row)
        else:
            self.ledger.record(row)

    def _estimate_usage(self, prep: _Prepared, text: str) -> Usage:
        if prep.info.provider == OFFLINE:
            return Usage()
        from core.llm.tokens import count_text

        return Usage(input_tokens=prep.input_tokens, output_tokens=count_text(text), estimated=True)

    # ------------------------------------------------------------------ async twins
    # The same steps as the sync path; vendor calls use the SDKs' async clients (zai-sdk has none:
    # its adapter runs in a worker thread), and SQLite ledger/cache work runs off the event loop.
    async def _io(self, fn: Any, *args: Any) -> Any:
        if self.ledger is None and self.cache is None:
            return fn(*args)
        return await asyncio.to_thread(fn, *args)

    async def _arate_limit(self, run: _Run, prep: _Prepared, call: Call) -> None:
        if prep.info.provider == OFFLINE:
            return
        waited = await self.limiter.aacquire(prep.info.provider, prep.input_tokens + call.max_tokens,
                                             max_wait_s=max(0.0, run.remaining() - 1.0))
        run.waited_s += waited
        if waited:
            log.info("local rate limit for %s: waited %.2f s", prep.info.provider, waited)

    async def acomplete(self, req: ChatRequest) -> Completion:
        chain = self.chain(req)
        run = self._start(req)
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = await self._io(self._cache_hit, run, prep)
                if hit is not None:
                    return hit
                return await self._aattempts(run, prep)
            except (ProviderError, PriceUnknown, EngineCannotAnswer) as err:
                self._candidate_failed(run, info, err, first=i == 0)
        raise self._all_failed(run)

    async def _aattempts(self, run: _Run, prep: _Prepared) -> Completion:
        attempt = 0
        while True:
            attempt += 1
            res = await self._io(self._reserve, run, prep, attempt)
            t0 = time.monotonic()
            try:
                call = self._call(run, prep, res)
                await self._arate_limit(run, prep, call)
                reply = await prep.provider.acomplete(call)
            except ProviderError as err:
                await self._io(self._failed_attempt, run, prep, res, err, (time.monotonic() - t0) * 1000)
                delay = self._retry_delay(run, prep, err, attempt)
                if delay is None:
                    raise
                await asyncio.sleep(delay)
                continue
            except BaseException:
                # Also on cancellation: release synchronously (a short SQLite write), never await here.
                self._release(res)
                raise
            completion = self._answered(run, prep, call, reply, (time.monotonic() - t0) * 1000, None)
            await self._io(self._settle, run, prep, res, completion)
            return completion

    async def astream(self, req: ChatRequest) -> AsyncIterator[TextDelta | StreamEnd]:
        chain = self.chain(req)
        run = self._start(req)
        for i, info in enumerate(chain):
            try:
                prep = self._prepare(info, run)
                hit = await self._io(self._cache_hit, run, prep)
                if hit is not None:
                    yield TextDelta(hit.text)
                    yield StreamEnd(hit)
                    return
                async with contextlib.aclosing(self._astream_attempts(run, prep)) as events:
                    async for event in events:
                        yield event
                return
            except (ProviderError, PriceUnknown, EngineCannotAnswer) as err:
                if isinstance(err, StreamInterrupted) and err.details.get("delivered"):
                    raise
                self._candidate_failed(run, info, err, first=i == 0)
        raise self._all_failed(run)

    async def _astream_attempts(self, run: _Run, prep: _Prepared) -> AsyncIterator[TextDelta | StreamEnd]:
        attempt = 0
        while True:
            attempt += 1
            res = await self._io(self._reserve, run, prep, attempt)
            state = _StreamState()
            try:
                call = self._call(run, prep, res)
                await self._arate_limit(run, prep, call)
                async with contextlib.aclosing(prep.provider.astream(call)) as items:
                    async for item in items:
                        text = state.take(item)
                        if text is not None:
                            yield TextDelta(text)
                state.check_done(prep)
            except ProviderError as err:
                recorded, usage = self._stream_failure(prep, err, state)
                await self._io(self._failed_attempt, run, prep, res, recorded, state.elapsed_ms(), usage)
                if state.parts:
                    raise recorded from None
                retry = self._retryable(err)
                delay = self._retry_delay(run, prep, retry, attempt)
                if delay is None:
                    raise retry from None
                await asyncio.sleep(delay)
                continue
            except GeneratorExit:
                self._cancelled(run, prep, res, state.parts)
                raise
            except BaseException:
                self._release(res)
                raise
            completion = self._answered(run, prep, call, state.reply(), state.elapsed_ms(), state.ttft)
            await self._io(self._settle, run, prep, res, completion)
            yield StreamEnd(completion)
            return

    # ------------------------------------------------------------------ cache
    def store_in_cache(self, completion: Completion) -> None:
        """Store a validated answer under the key of the request that produced it."""
        if (self.cache is None or completion.cache_key is None or completion.cached
                or completion.provider == OFFLINE or self.cache_ttl <= 0):
            return
        self.cache.put(completion.user, completion.cache_key, completion, self.cache_ttl)


class ProviderErrorRetry(ProviderError):
    """A stream that broke before its first token: as retryable as a failed connection."""

    kind = "cut"
    retryable = True

    def __init__(self, err: ProviderError) -> None:
        super().__init__(err.message, provider=err.provider, model=err.model, status_code=err.status_code,
                         retry_after=err.retry_after)


_KEY_NAMES = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "glm": "GLM_API_KEY (or ZAI_API_KEY)",
    "custom": "CUSTOM_LLM_BASE_URL and CUSTOM_LLM_MODELS",
}
