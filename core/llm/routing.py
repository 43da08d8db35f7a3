"""The candidate rules, written once: whether a model of the chain may be tried (configured, priced,
fits its context window, time left), and whether a failure moves on to the next model."""

from __future__ import annotations

from core.coded import Coded
from core.errors import EngineCannotAnswer, StudioError
from core.llm.attempt import Prepared, Run, cache_key
from core.llm.errors import (
    AllModelsFailed,
    ContextTooLong,
    PriceUnknown,
    ProviderError,
    ProviderNotConfigured,
    ProviderUnavailable,
)
from core.llm.providers.base import Provider
from core.llm.registry import OFFLINE, ModelInfo
from core.llm.tokens import count_messages
from core.llm.types import ChatRequest, FallbackPolicy

# What ends one candidate and may move on to the next; anything else ends the request.
CANDIDATE_ERRORS = (ProviderError, PriceUnknown, EngineCannotAnswer)


def fallback_policy(req: ChatRequest, setting: FallbackPolicy | None) -> FallbackPolicy:
    """The user's choice is the contract: an explicit model falls back only as far as allowed."""
    if req.fallback is True:
        return "any"
    if req.fallback is False:
        return "off"
    if req.fallback is not None:
        return req.fallback
    if not req.model:
        return "any"
    return setting or "off"


def allowed(chain: list[ModelInfo], req: ChatRequest, policy: FallbackPolicy) -> list[ModelInfo]:
    """The candidates the policy allows. The offline engine answers only when chosen or for "auto"
    (with any fallback allowed); "auto" with a narrower policy keeps to the chain's first model."""
    if chain[0].provider == OFFLINE or (not req.model and policy == "any"):
        return chain
    first = chain[0]
    if policy == "off":
        return [first]
    rest = [m for m in chain[1:] if m.provider != OFFLINE]
    if policy == "same_vendor":
        rest = [m for m in rest if m.provider == first.provider]
    return [first, *rest]


def prepare(info: ModelInfo, provider: Provider, run: Run, *, use_cache: bool) -> Prepared:
    req = run.req
    if not provider.configured():
        raise ProviderNotConfigured(
            f"{info.name} needs a {info.provider} key, and none is configured.",
            provider=info.provider, model=info.name, code="PROVIDER_NOT_CONFIGURED", env=provider.key_hint(),
            hint=f"Set {provider.key_hint()} (environment or .streamlit/secrets.toml).",
        )
    if provider.local:
        return Prepared(info, provider, 0, False, None)
    if run.remaining() <= 0:
        # The request's total deadline is spent: only a local engine may still answer.
        raise ProviderUnavailable(
            f"No time left to try {info.name}: the request's deadline has passed.",
            provider=info.provider, model=info.name, code="DEADLINE_PASSED",
            hint="Raise LLM_REQUEST_TIMEOUT (the total deadline is three times it) or try again.",
        )
    if not info.price.known:
        raise PriceUnknown(
            f"{info.name} has no known price, so it cannot be used against the monthly quota.",
            hint="Add its prices (input, output per million tokens) to the file named by STUDIO_MODELS_FILE.",
            model=info.name, code="PRICE_UNKNOWN",
        )
    counted = count_messages(info.provider, info.name, req.messages)
    out_cap = min(req.max_tokens, info.max_output) if info.max_output else req.max_tokens
    if info.context_window and counted.tokens + out_cap > info.context_window:
        approx = "about " if counted.estimated else ""
        raise ContextTooLong(
            f"The request needs {approx}{counted.tokens} input tokens + {out_cap} output tokens, "
            f"more than {info.name}'s context window of {info.context_window}.",
            provider=info.provider, model=info.name, code="CONTEXT_TOO_LONG", tokens=counted.tokens,
            output=out_cap, window=info.context_window, estimated=counted.estimated,
            hint="Shorten the input, lower max_tokens, or choose a model with a larger context window.",
        )
    key = cache_key(info.provider, info.name, req) if req.use_cache and use_cache else None
    return Prepared(info, provider, counted.tokens, counted.estimated, key, counted.upper)


def candidate_failed(run: Run, info: ModelInfo, err: StudioError, first: bool) -> None:
    """Record the failure and decide whether to move to the next candidate; raise when we must not."""
    run.tried.append(info.name)
    # A Coded str: still the English text, with the code a translation needs.
    run.failures.append((info.name, Coded(err.code, str(err), **err.params)))
    run.last_error = err
    if isinstance(err, ProviderError) and err.details.get("delivered"):
        raise err  # text reached the caller: a second answer must not be glued on
    if isinstance(err, PriceUnknown):
        if first and run.req.model:
            raise err
        return
    if isinstance(err, EngineCannotAnswer):
        raise err if len(run.tried) == 1 else all_failed(run, len(run.tried))
    if not isinstance(err, ProviderError) or not err.fallback:
        raise err


def all_failed(run: Run, candidates: int) -> StudioError:
    """What the caller gets when no allowed model answered: the one model's own error when it was
    the only one allowed (exit 5 in the CLI, 502/503 in the API), else every model's."""
    if candidates == 1 and run.last_error is not None:
        # What its failed attempts cost, for the message beside the error (AllModelsFailed has it too).
        run.last_error.failed_cost_usd = run.failed_cost  # type: ignore[attr-defined]
        return run.last_error
    detail = "; ".join(f"{m}: {e}" for m, e in run.failures)
    return AllModelsFailed(f"Every model failed for {run.req.use_case}. {detail}", attempts=list(run.failures),
                           failed_cost_usd=run.failed_cost, code="ALL_MODELS_FAILED",
                           params={"use_case": run.req.use_case, "attempts": list(run.failures),
                                   "failed_cost_usd": run.failed_cost},
                           hint="Check the provider keys and status, or try again later.")
