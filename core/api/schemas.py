"""Request and response bodies of the REST API.

The strategy in every response is ``core.strategy.schema.Strategy``, and the market and news answers
are ``core.services.outputs``' models: the same pydantic models the validator, the services and the
vendors' JSON-schema mode use, so /api/openapi.json documents the contract formats themselves.
A strategy sent *in* is a plain JSON object: our validator reads it and
answers 422 with its stable issue codes, which say more than a generic schema error would.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from core.services.outputs import MarketAnalysis, NewsSentiment
from core.strategy.schema import Strategy

MAX_PROMPT_CHARS = 4000  # the services' own limit (core.services.generation.MAX_PROMPT_CHARS)
MAX_MODEL_CHARS = 120
Language = Literal["ko", "en"]
# The LLM_FALLBACK values; the old booleans still read (true is "any", false is "off").
Fallback = Literal["off", "same_vendor", "any"] | bool
FALLBACK_HELP = ("which other models may answer when the chosen one fails: off, same_vendor or any "
                 "(true = any, false = off); left out, the server's LLM_FALLBACK setting decides "
                 "(a request without a model may always fall back)")
# Always present, even where empty fields are left out: null says "no fallback happened".
ALWAYS = ("fallback_from", "fallback_reason")


def FallbackField() -> Any:
    return Field(default=None, description=FALLBACK_HELP)


def Usd() -> Any:
    return Field(description="US dollars as a decimal string, exact to the micro-dollar", examples=["0.002865"])


def StrategyIn() -> Any:
    return Field(description="A strategy object in the contract format (the Strategy schema)")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every error: a stable code, a message for people, and details that depend on the code."""

    model_config = ConfigDict(extra="allow")
    error_code: str = Field(examples=["QUOTA_EXCEEDED"])
    message: str


class QuotaExceededBody(ErrorBody):
    spend_usd: str = Usd()
    quota_usd: str = Usd()
    held_usd: str = Usd()
    worst_case_usd: str = Usd()
    resets_at: str = Field(description="UTC date the monthly quota resets", examples=["2027-01-01"])


class IssueOut(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    message: str
    node_id: str | None = None
    edge: dict[str, str] | None = None
    hint: str | None = None


class ValidationOut(BaseModel):
    valid: bool
    issues: list[IssueOut]
    warnings: list[str] = Field(default_factory=list)


class CallOut(BaseModel):
    """Which model answered and what the call cost (every attempt and re-ask included)."""

    model: str
    provider: str
    tried: list[str]
    tokens_used: int
    input_tokens: int
    output_tokens: int
    cost: str = Usd()
    cost_usd: str = Usd()
    cached: bool
    offline: bool
    attempts: int
    request_id: str
    fallback_from: str | None = Field(default=None, description="the model that failed before this one answered; "
                                      "null when no fallback happened", examples=[None])
    fallback_reason: str | None = Field(default=None, description="why that model failed; null without a fallback")
    failed_attempts_cost: str = Field(default="0", description="what the failed attempts before this answer cost "
                                      "(US dollars, decimal string; \"0\" when none)", examples=["0"])
    waited_s: float = Field(default=0.0, description="seconds this call waited on the local rate limit and retry "
                            "backoff before it was answered", examples=[0.0])

    @model_serializer(mode="wrap")
    # No return annotation on purpose: with one, pydantic would document the answer by it instead of
    # by the fields.
    def _keep_fallback_nulls(self, handler: SerializerFunctionWrapHandler):
        out = handler(self)
        if isinstance(out, dict):
            for name in ALWAYS:
                out.setdefault(name, getattr(self, name))
        return out


class GenerateIn(_In):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS,
                        examples=["비트코인 1시간봉 RSI 30 아래면 100 USDT 매수"])
    model: str | None = Field(default=None, max_length=MAX_MODEL_CHARS, examples=["offline"])
    language: Language | None = None
    use_cache: bool = True
    fallback: Fallback | None = FallbackField()


class StrategyOut(CallOut):
    strategy: Strategy
    validation: ValidationOut
    changes: list[str] = Field(default_factory=list)


class GeneratedOut(StrategyOut):
    explanation: str = Field(description="the strategy read back in plain sentences, in the Accept-Language "
                             "language (ko or en; en by default)")


class RefineIn(_In):
    strategy: dict[str, Any] = StrategyIn()
    instruction: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, examples=["RSI 기간을 21로"])
    model: str | None = Field(default=None, max_length=MAX_MODEL_CHARS)
    language: Language | None = None
    use_cache: bool = True
    fallback: Fallback | None = FallbackField()


class ValidateIn(_In):
    strategy: dict[str, Any] = StrategyIn()


class SentimentIn(_In):
    title: str = Field(min_length=1, max_length=500)
    content: str = Field(default="", max_length=20_000)
    source: str = Field(default="", max_length=200)
    published_at: str = Field(default="", max_length=64)
    model: str | None = Field(default=None, max_length=MAX_MODEL_CHARS)
    language: Language | None = None
    fallback: Fallback | None = FallbackField()


class SentimentOut(NewsSentiment, CallOut):
    """The answer the model (or the offline engine) gave, validated by the services' own model."""


class MarketOut(MarketAnalysis, CallOut):
    """The services' MarketAnalysis plus the figures it was based on."""

    indicators: dict[str, float | None]
    symbol: str
    timeframe: str
    as_of: str


class BacktestOut(BaseModel):
    # None (left out) when a figure is undefined, e.g. no closed trade has no win rate.
    total_return_pct: float | None = None
    max_drawdown_pct: float | None = None
    win_rate_pct: float | None = None
    sharpe: float | None = None
    profit_factor: float | None = None
    trades: int
    exposure_pct: float | None = None
    buy_hold_return_pct: float | None = None
    final_equity: str
    open_position: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class OptimizeOut(CallOut):
    optimized_strategy: Strategy
    changes: list[str]
    rejected_changes: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    kept_original: bool
    verdict: str


class SaveIn(_In):
    strategy: dict[str, Any] = StrategyIn()
    note: str = Field(default="", max_length=500)
    source: Literal["generated", "refined", "edited", "imported", "optimized"] = "edited"
    model: str | None = Field(default=None, max_length=MAX_MODEL_CHARS)


class UpdateIn(_In):
    strategy: dict[str, Any] = StrategyIn()
    note: str = Field(default="", max_length=500)
    source: Literal["generated", "refined", "edited", "imported", "optimized"] = "edited"
    model: str | None = Field(default=None, max_length=MAX_MODEL_CHARS)


class SavedOut(BaseModel):
    id: str
    version: int


class SummaryOut(BaseModel):
    id: str
    name: str
    latest_version: int
    created_at: str
    updated_at: str


class StoredOut(BaseModel):
    id: str
    name: str
    version: int
    latest_version: int
    strategy: Strategy
    note: str | None = None
    source: str | None = None
    model: str | None = None
    created_at: str


class VersionOut(BaseModel):
    version: int
    name: str
    note: str | None
    source: str | None
    model: str | None
    created_at: str


class UsageRowOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    requests: int
    spend_usd: str = Usd()


class UsageOut(BaseModel):
    """The `usage --json` document (DESIGN.md 5) plus the quota money held by calls in flight."""

    month: str
    user: str
    spend_usd: str = Usd()
    quota_usd: str = Usd()
    held_usd: str = Usd()
    remaining_usd: str = Usd()
    projected_usd: str = Usd()
    requests: int
    cache_hits: int
    cache_savings_usd: str = Usd()
    by_model: list[UsageRowOut]
    by_provider: list[UsageRowOut]
    by_use_case: list[UsageRowOut]
    by_day: list[UsageRowOut]


BillingStatus = Literal["ok", "overrun", "abandoned", "estimate", "error", "cache_hit", "adjustment"]


class LedgerRowOut(BaseModel):
    """One ledger row: an attempt that reached a vendor, a cache hit, or an admin's adjustment."""

    id: int
    created_at: str
    request_id: str
    use_case: str
    provider: str
    model: str
    requested_model: str | None
    status: str = Field(description="what happened: ok, cached, cancelled, or the error kind")
    billing_status: BillingStatus = Field(description="how the cost was found: the vendor's figures (ok, "
                                          "overrun, error), our estimate (estimate, abandoned), a cache hit or an "
                                          "adjustment")
    input_tokens: int
    output_tokens: int
    cost_usd: str = Usd()
    error: str | None
    note: str | None


class ModelOut(BaseModel):
    name: str
    provider: str
    alias_of: str | None
    input_per_mtok: str | None = Field(description="USD per million input tokens; null when unknown")
    output_per_mtok: str | None
    cache_read_per_mtok: str | None
    cache_write_per_mtok: str | None
    context_window: int | None
    max_output: int | None
    structured_output: str | bool | None
    use_cases: list[str]
    configured: bool
