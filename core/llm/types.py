"""Typed values that flow through the gateway: requests, usage, prices, completions, ledger rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from core.messages import Message as Message  # re-exported: requests carry these
from core.messages import Role as Role

# Which other models may answer when the chosen one fails (LLM_FALLBACK, ``--fallback``): none, the
# same vendor's, or any configured one. A request without a model ("auto") may use any, and only
# "auto" may end at the offline engine.
FallbackPolicy = Literal["off", "same_vendor", "any"]
FALLBACK_POLICIES: tuple[FallbackPolicy, ...] = ("off", "same_vendor", "any")
USE_CASES = (
    "strategy_generation",
    "strategy_refinement",
    "market_analysis",
    "news_sentiment",
    "strategy_optimization",
)
# The token counts a usage row carries, in ledger-column order (``Usage`` field names).
TOKEN_KINDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
MTOK = Decimal(1_000_000)
MICRO_USD = Decimal("0.000001")


def charged(usd: Decimal) -> Decimal:
    """What a call is billed: the exact cost rounded half up to the micro-dollar.

    The ledger stores integer micro-dollars; rounding once, here, means the figure a page shows
    for a call is the figure the Usage dashboard adds up.
    """
    return usd.quantize(MICRO_USD, rounding=ROUND_HALF_UP)


class OfflineInput:
    """Base of the typed inputs a local engine reads instead of the prompt (one dataclass per use
    case, defined by the engine that the composition root injects); never sent to a vendor."""


# One callable per use case, handed to the gateway by the composition root: input -> the JSON text
# a model would have returned (or EngineCannotAnswer).
OfflineHandler = Callable[[Any], str]


@dataclass
class ChatRequest:
    """One logical request. ``offline_context`` feeds the offline engine and is never sent to a vendor."""

    use_case: str
    messages: list[Message]
    model: str | None = None
    user: str = "local"
    max_tokens: int = 2048
    temperature: float | None = 0.2
    top_p: float | None = None
    output_schema: dict[str, Any] | None = None
    schema_name: str = "result"
    json_mode: bool = False
    use_cache: bool = True
    template_version: str | None = None
    allow_shrink: bool = False
    offline_context: OfflineInput | None = None
    deadline_s: float | None = None
    request_id: str | None = None
    # None: the setting (LLM_FALLBACK), else "off" for an explicit model and "any" for auto. The old
    # booleans still read: False is "off", True is "any".
    fallback: FallbackPolicy | bool | None = None


@dataclass(frozen=True)
class Usage:
    """Normalised usage. ``input_tokens`` excludes cache reads and writes, each billed at its own rate."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    estimated: bool = False

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            self.estimated or other.estimated,
        )

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens


class PriceMissing(ValueError):
    pass


@dataclass(frozen=True)
class PriceTier:
    """Rates that apply to a whole call once its prompt (input + cache reads + cache writes) is
    above ``above_tokens`` (long-context pricing); a rate left None keeps the base rate."""

    above_tokens: int
    input: Decimal | None = None
    output: Decimal | None = None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens; ``None`` means unknown (never treated as free)."""

    input: Decimal | None
    output: Decimal | None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    version: str = ""  # the price data's date (and the file it came from, when not built in)
    tiers: tuple[PriceTier, ...] = ()  # ascending thresholds
    source: str = ""  # where the prices were taken from

    @property
    def known(self) -> bool:
        return self.input is not None and self.output is not None

    def for_prompt(self, prompt_tokens: int) -> ModelPrice:
        """The rates a call with this many prompt tokens is billed at (its tier's, else the base)."""
        tier = next((t for t in reversed(self.tiers) if prompt_tokens > t.above_tokens), None)
        if tier is None:
            return ModelPrice(self.input, self.output, self.cache_read, self.cache_write, self.version, (), self.source)
        return ModelPrice(
            tier.input if tier.input is not None else self.input,
            tier.output if tier.output is not None else self.output,
            tier.cache_read if tier.cache_read is not None else self.cache_read,
            tier.cache_write if tier.cache_write is not None else self.cache_write,
            self.version, (), self.source,
        )

    def cost(self, usage: Usage) -> Decimal:
        if not self.known:
            raise PriceMissing("price unknown")
        if self.tiers:
            prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
            return self.for_prompt(prompt).cost(usage)
        assert self.input is not None and self.output is not None
        # Cache rates default to the input rate: billing a cached token at full price over-reserves,
        # it never under-charges.
        read = self.cache_read if self.cache_read is not None else self.input
        write = self.cache_write if self.cache_write is not None else self.input
        total = (
            self.input * usage.input_tokens
            + self.output * usage.output_tokens
            + read * usage.cache_read_tokens
            + write * usage.cache_write_tokens
        )
        return total / MTOK

    def worst_case(self, input_tokens: int, max_tokens: int) -> Decimal:
        """The most the call can cost: every input token at the dearest input-side rate (writing the
        prompt cache costs more than plain input) and ``max_tokens`` of output."""
        if not self.known:
            raise PriceMissing("price unknown")
        if self.tiers:
            return self.for_prompt(input_tokens).worst_case(input_tokens, max_tokens)
        assert self.input is not None and self.output is not None
        dearest = max(r for r in (self.input, self.cache_read, self.cache_write) if r is not None)
        return (dearest * input_tokens + self.output * max_tokens) / MTOK


@dataclass(frozen=True)
class ModelInfo:
    """A registry entry (core.llm.registry builds them from models.toml)."""

    name: str
    provider: str
    price: ModelPrice
    context_window: int | None = None
    max_output: int | None = None
    structured_output: str = "none"
    use_cases: tuple[str, ...] = ()
    source: str = "builtin"  # builtin | models_file | custom_env


@dataclass
class Completion:
    text: str
    model: str
    provider: str
    requested_model: str | None
    usage: Usage
    cost_usd: Decimal
    finish_reason: str | None = None
    tried: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    cached: bool = False
    cost_saved_usd: Decimal = Decimal(0)
    request_id: str = ""
    cache_key: str | None = None
    user: str = "local"
    # Time this request spent waiting on local rate limits and retry backoff, all attempts together.
    wait_ms: float = 0.0
    # Set when another model answered: the model that failed first, and why.
    fallback_from: str | None = None
    fallback_reason: str | None = None
    # What the failed attempts before this answer cost (they reached a vendor, so they are billed).
    failed_cost_usd: Decimal = Decimal(0)


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class StreamEnd:
    completion: Completion


StreamEvent = TextDelta | StreamEnd
CompletionStream = Iterator[StreamEvent]


@dataclass
class UsageRow:
    """One ledger row: every attempt that reached a vendor, and every cache hit."""

    request_id: str
    user_id: str
    use_case: str
    provider: str
    model: str
    requested_model: str | None
    usage: Usage
    cost_usd: Decimal
    status: str  # ok | cached | cut | <error kind>
    price_version: str = ""
    cost_saved_usd: Decimal = Decimal(0)
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    error: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
