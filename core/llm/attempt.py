"""One logical request's state, and what one attempt has delivered (shared by every gateway mode).

A non-streamed call is read as a two-item stream (its text, then its usage), so the same attempt
rules serve ``complete``/``stream`` and their async twins: text already handed to the caller means
a cut that is settled as billed and never retried or fallen back; a break before the first token is
as retryable as a failed connection.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from core.errors import StudioError
from core.llm.errors import ProviderError, StreamInterrupted
from core.llm.providers.base import Call, Provider, Reply, StreamDone, StreamItem
from core.llm.registry import ModelInfo
from core.llm.types import ChatRequest, Usage


@dataclass
class Run:
    """State of one logical request across its candidates and attempts."""

    req: ChatRequest
    request_id: str
    deadline: float
    tried: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    waited_s: float = 0.0  # local rate-limit waits and retry backoff, reported on the completion
    failed_cost: Decimal = Decimal(0)  # what the failed attempts that reached a vendor were billed
    last_error: StudioError | None = None

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class Prepared:
    """A candidate that passed the checks: configured, priced, fits its context window."""

    info: ModelInfo
    provider: Provider
    input_tokens: int  # our best count (recorded when the vendor reports nothing)
    estimated: bool
    cache_key: str | None
    input_bound: int = 0  # what the vendor's count cannot exceed: reserved and rate-limited

    @property
    def reserved_input(self) -> int:
        return max(self.input_bound, self.input_tokens)

    @property
    def local(self) -> bool:
        """A local engine (the offline rules): no vendor, price, quota, rate limit or cache."""
        return self.provider.local


class RetryableCut(ProviderError):
    """A stream that broke before its first token: as retryable as a failed connection."""

    kind = "cut"
    retryable = True

    def __init__(self, err: ProviderError) -> None:
        super().__init__(err.message, provider=err.provider, model=err.model, status_code=err.status_code,
                         retry_after=err.retry_after, hint=err.hint)


@dataclass
class Failure:
    """How a failed attempt is recorded (``error``, ``usage``) and what the retry rule sees."""

    error: ProviderError
    usage: Usage | None
    delivered: bool  # text reached the caller: never retry or fall back

    @property
    def to_retry(self) -> ProviderError:
        return RetryableCut(self.error) if isinstance(self.error, StreamInterrupted) else self.error


NOTE_EVERY_S = 0.5


@dataclass
class AttemptState:
    """What one attempt has delivered so far."""

    streaming: bool
    t0: float = field(default_factory=time.monotonic)
    parts: list[str] = field(default_factory=list)
    ttft: float | None = None
    done: StreamDone | None = None
    noted_at: float = 0.0  # when the output seen so far was last handed to the ledger

    def note_due(self, every_s: float = NOTE_EVERY_S) -> bool:
        """True at most every ``every_s`` while text streams in: time to tell the ledger the output
        seen so far, so that a call abandoned mid-stream is charged for it (throttled: the count is
        our own tokenisation of everything received)."""
        if not (self.streaming and self.parts):
            return False
        now = time.monotonic()
        if now - self.noted_at < every_s:
            return False
        self.noted_at = now
        return True

    def take(self, item: StreamItem) -> str | None:
        """The text to hand on, or None for the final event and empty deltas."""
        if isinstance(item, StreamDone):
            self.done = item
            return None
        if not item:
            return None
        if self.ttft is None and self.streaming:
            self.ttft = self.elapsed_ms()
        self.parts.append(item)
        return item

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.t0) * 1000

    def check_done(self, prep: Prepared) -> None:
        if self.done is None:
            raise StreamInterrupted(f"The {prep.info.name} stream ended without its final event.",
                                    provider=prep.info.provider, model=prep.info.name, code="PROVIDER_STREAM_CUT",
                                    partial_text="".join(self.parts), usage=None)

    def reply(self) -> Reply:
        assert self.done is not None  # check_done ran inside the attempt
        return Reply("".join(self.parts), self.done.usage, self.done.finish_reason)

    def failure(self, prep: Prepared, err: ProviderError) -> Failure:
        """A failed stream with delivered text is a cut, billed with what the vendor reported."""
        if not (self.streaming and self.parts):
            # Nothing reached the caller, but the vendor may have reported usage before the break
            # (Anthropic's message_start carries the input and cache counts): bill that.
            return Failure(err, err.usage if isinstance(err, StreamInterrupted) else None, False)
        text = "".join(self.parts)
        usage = err.usage if isinstance(err, StreamInterrupted) and err.usage else estimate_usage(prep, text)
        cut = err if isinstance(err, StreamInterrupted) else StreamInterrupted(
            f"The {prep.info.name} stream broke off: {err.message}", provider=prep.info.provider,
            model=prep.info.name, status_code=err.status_code)
        cut.partial_text = text
        cut.usage = usage
        cut.details["delivered"] = True
        return Failure(cut, usage, True)


def estimate_usage(prep: Prepared, text: str) -> Usage:
    """Our own count where the vendor reported nothing: the input we counted, the text we saw."""
    if prep.local:
        return Usage()
    from core.llm.tokens import count_text

    return Usage(input_tokens=prep.input_tokens, output_tokens=count_text(text), estimated=True)


def provider_items(provider: Provider, call: Call, streaming: bool) -> Iterator[StreamItem]:
    """The vendor's answer as stream items; a non-streamed reply is its text, then its usage."""
    if streaming:
        yield from provider.stream(call)
        return
    reply = provider.complete(call)
    yield reply.text
    yield StreamDone(reply.usage, reply.finish_reason)


async def aprovider_items(provider: Provider, call: Call, streaming: bool) -> AsyncIterator[StreamItem]:
    if streaming:
        async for item in provider.astream(call):
            yield item
        return
    reply = await provider.acomplete(call)
    yield reply.text
    yield StreamDone(reply.usage, reply.finish_reason)


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
