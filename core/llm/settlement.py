"""Every money rule of the gateway, written once: the reservation before an attempt, the ledger row
after it (answered, failed, cut or cancelled), and the cache hit. The gateway's sync and async
flows call these; the async flow runs them off the event loop."""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.errors import redact
from core.llm.accounting import Ledger, Reservation, ResponseCache
from core.llm.attempt import Prepared, Run, estimate_usage
from core.llm.errors import ProviderError, StreamInterrupted
from core.llm.providers.base import Reply
from core.llm.registry import ModelInfo
from core.llm.singleflight import HANDOFF_TTL_S
from core.llm.types import Completion, Usage, UsageRow, charged

log = logging.getLogger("core.llm.gateway")


def max_tokens(run: Run, prep: Prepared) -> int:
    """The request's cap, within the model's own maximum output (the reservation holds no more)."""
    cap = prep.info.max_output
    return min(run.req.max_tokens, cap) if cap else run.req.max_tokens


class Settlement:
    def __init__(self, ledger: Ledger | None, cache: ResponseCache | None, ttl_s: int = HANDOFF_TTL_S) -> None:
        self.ledger = ledger
        self.cache = cache
        self.ttl_s = ttl_s  # the response cache's lifetime (LLM_CACHE_TTL)

    # ------------------------------------------------------------------ values
    @staticmethod
    def completion(run: Run, prep: Prepared, reply: Reply, latency_ms: float, ttft_ms: float | None) -> Completion:
        info = prep.info
        cost = charged(info.price.cost(reply.usage)) if info.price.known else Decimal(0)
        return Completion(
            text=reply.text, model=info.name, provider=info.provider, requested_model=run.req.model,
            usage=reply.usage, cost_usd=cost, finish_reason=reply.finish_reason,
            tried=[*run.tried, info.name], latency_ms=latency_ms, ttft_ms=ttft_ms,
            request_id=run.request_id, cache_key=prep.cache_key, user=run.req.user, wait_ms=run.waited_s * 1000,
            **Settlement.fallback_fields(run),
        )

    @staticmethod
    def fallback_fields(run: Run) -> dict[str, Any]:
        first = run.failures[0] if run.failures else None
        return {"fallback_from": first[0] if first else None, "fallback_reason": first[1] if first else None,
                "failed_cost_usd": run.failed_cost}

    @staticmethod
    def row(run: Run, info: ModelInfo, usage: Usage, status: str, *, latency_ms: float = 0.0,
            ttft_ms: float | None = None, error: str | None = None, cost_saved: Decimal = Decimal(0),
            cost: Decimal | None = None) -> UsageRow:
        if cost is None:  # (an answer's row passes the cost its completion was priced at)
            cost = Decimal(0) if status == "cached" or not info.price.known else charged(info.price.cost(usage))
        return UsageRow(
            request_id=run.request_id, user_id=run.req.user, use_case=run.req.use_case,
            provider=info.provider, model=info.name, requested_model=run.req.model, usage=usage,
            cost_usd=cost, status=status, price_version=info.price.version, cost_saved_usd=cost_saved,
            latency_ms=latency_ms, ttft_ms=ttft_ms, error=redact(error) if error else None,
        )

    # ------------------------------------------------------------------ cache
    def cache_hit(self, run: Run, prep: Prepared) -> Completion | None:
        if prep.cache_key is None or self.cache is None:
            return None
        try:
            hit = self.cache.get(run.req.user, prep.cache_key)
        except Exception as exc:  # a broken cache must not break the request
            log.warning("cache lookup failed: %s", redact(str(exc)))
            return None
        if hit is None:
            return None
        return self.as_hit(run, prep, hit)

    def keep(self, completion: Completion) -> None:
        """Leave a flight leader's answer in the cache for its followers (a lock-sharing group)."""
        if self.cache is None or completion.cache_key is None:
            return
        try:
            self.cache.put(completion.user, completion.cache_key, completion, min(self.ttl_s, HANDOFF_TTL_S))
        except Exception as exc:  # a broken cache must not break the request: the followers call themselves
            log.warning("cache write for a flight's followers failed: %s", redact(str(exc)))

    def as_hit(self, run: Run, prep: Prepared, hit: Completion) -> Completion:
        """An answer this request did not pay for (from the cache, or shared by a concurrent
        identical request): recorded as a cache hit with what it saved."""
        saved = prep.info.price.cost(hit.usage) if prep.info.price.known else Decimal(0)
        if self.ledger is not None:
            self.ledger.record(self.row(run, prep.info, hit.usage, "cached", cost_saved=saved))
        return replace(hit, cached=True, cost_usd=Decimal(0), cost_saved_usd=saved, tried=[*run.tried, prep.info.name],
                       request_id=run.request_id, requested_model=run.req.model, latency_ms=0.0,
                       cache_key=prep.cache_key, user=run.req.user, **self.fallback_fields(run))

    # ------------------------------------------------------------------ ledger
    def reserve(self, run: Run, prep: Prepared, attempt: int) -> Reservation | None:
        if self.ledger is None or prep.local:
            return None
        return self.ledger.reserve(
            user_id=run.req.user, request_id=f"{run.request_id}:{attempt}", model=prep.info.name,
            price=prep.info.price, input_tokens=prep.reserved_input, max_tokens=max_tokens(run, prep),
            allow_shrink=run.req.allow_shrink, use_case=run.req.use_case, provider=prep.info.provider,
        )

    def progress(self, prep: Prepared, res: Reservation | None, parts: list[str]) -> None:
        """Output received so far on a streamed call: what its lease charges if the process dies."""
        if self.ledger is None or res is None:
            return
        self.ledger.note_output(res, estimate_usage(prep, "".join(parts)).output_tokens)

    def settle(self, run: Run, prep: Prepared, res: Reservation | None, completion: Completion) -> None:
        if self.ledger is None:
            return
        row = self.row(run, prep.info, completion.usage, "ok", latency_ms=completion.latency_ms,
                       ttft_ms=completion.ttft_ms, cost=completion.cost_usd)
        self._write(res, row, settle=True)

    def failed(self, run: Run, prep: Prepared, res: Reservation | None, err: ProviderError,
               latency_ms: float, usage: Usage | None = None) -> None:
        """Release the reservation; a failure the vendor saw becomes a ledger row."""
        # Timeouts and unreadable bodies count: the vendor may have billed them.
        reached = err.status_code is not None or isinstance(err, StreamInterrupted) or bool(err.details.get("reached"))
        if reached and not prep.local and (usage is None or usage.total_tokens == 0):
            # The vendor received the request and reported nothing: never $0, but the input we
            # counted, marked as an estimate.
            usage = Usage(input_tokens=prep.input_tokens, estimated=True)
        row = self.row(run, prep.info, usage or Usage(), err.kind, latency_ms=latency_ms, error=str(err)) \
            if reached else None
        if row is not None:
            run.failed_cost += row.cost_usd
        if self.ledger is not None:
            if res is not None:
                self.ledger.release(res, row)
            elif row is not None:
                self.ledger.record(row)
        log.info("attempt failed: model=%s kind=%s status=%s request=%s: %s", prep.info.name, err.kind,
                 err.status_code, run.request_id, redact(str(err)))

    def cancelled(self, run: Run, prep: Prepared, res: Reservation | None, parts: list[str]) -> None:
        """The caller stopped reading: settle the partial answer as a cancelled row (synchronously)."""
        if self.ledger is None:
            return
        usage = estimate_usage(prep, "".join(parts))
        self._write(res, self.row(run, prep.info, usage, "cancelled", error="stream closed by the caller"))

    def release(self, res: Reservation | None) -> None:
        """Any other exit (cancellation included): give the reservation back, synchronously."""
        if self.ledger is not None and res is not None:
            self.ledger.release(res, None)

    def _write(self, res: Reservation | None, row: UsageRow, *, settle: bool = False) -> None:
        assert self.ledger is not None
        if res is None:
            self.ledger.record(row)
        elif settle:
            self.ledger.settle(res, row)
        else:
            self.ledger.release(res, row)
