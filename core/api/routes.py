"""The endpoints (DESIGN.md 6a). Each one authenticates, calls a service as the key's owner, and answers
with a model from ``core.api.schemas``; errors are turned into JSON by ``core.api.errors``."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from core.api import convert
from core.api import schemas as s
from core.api.auth import CurrentPrincipal
from core.api.errors import error_body
from core.api.strict import gateway_for
from core.errors import StudioError
from core.services.common import BadInput
from core.services.wording import language_of

router = APIRouter()

_ERR = {"model": s.ErrorBody}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {**_ERR, "description": "Missing, unknown or revoked API key"},
    413: {**_ERR, "description": "Input larger than its limit"},
    422: {**_ERR, "description": "Invalid request or strategy (with the validation codes)"},
    429: {**_ERR, "description": "Too many requests; see Retry-After",
          "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}},
}
LLM_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": s.QuotaExceededBody, "description": "QUOTA_EXCEEDED: the monthly quota would be passed"},
    502: {**_ERR, "description": "Every provider failed after retries and fallbacks"},
    503: {**_ERR, "description": "No provider available"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {**ERRORS, 404: {**_ERR, "description": "Not yours, or unknown"}}
SAMPLES = ("bittrex_btc-usdt",)


def _strategy_result(result: Any) -> dict[str, Any]:
    return {**convert.call(result), "strategy": convert.strategy_model(result.strategy),
            "validation": convert.report(result.report), "changes": list(result.changes)}


# --- LLM use cases ------------------------------------------------------------------------------


@router.post("/llm/generate-strategy", response_model=s.GeneratedOut, tags=["llm"], response_model_exclude_none=True,
             responses={**LLM_ERRORS, 200: {"content": {"text/event-stream": {}},
                                            "description": "The strategy (or, with stream=true, server-sent events)"}})
def generate_strategy(body: s.GenerateIn, principal: CurrentPrincipal,
                      stream: Annotated[bool, Query(description="answer as server-sent events")] = False,
                      accept_language: Annotated[str | None, Header(
                          description="the language of the explanation: ko or en (en by default)",
                          max_length=200)] = None) -> Any:
    """A validated strategy for a plain-language request, with its real token counts and cost, and the
    strategy read back in plain sentences (``explanation``, in the Accept-Language language).

    With ``stream=true``: ``delta`` events carry text as the model writes it, a ``reask`` event marks a
    re-ask after an invalid answer, and a final ``result`` event carries the body of the JSON answer
    (or an ``error`` event with the error body)."""
    from core.services.generation import generate_strategy as generate
    from core.services.strategy_library import explain_strategy

    lang = language_of(accept_language, "en")

    def run(on_delta: Any = None, on_attempt: Any = None) -> Any:
        result = generate(body.prompt, model=body.model, user=principal, language=body.language,
                          use_cache=body.use_cache, on_delta=on_delta, on_attempt=on_attempt,
                          gateway=gateway_for(body.fallback))
        return {**_strategy_result(result), "explanation": " ".join(explain_strategy(result.strategy, lang))}

    if not stream:
        return run()
    return _sse(lambda delta, attempt: run(delta, attempt), s.GeneratedOut, lang)


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _sse(work: Any, model: type[s.CallOut] = s.StrategyOut, lang: str = "en") -> Response:
    """Run ``work`` in a thread, forwarding its deltas. An error before the first delta (quota, bad
    model) is an ordinary JSON error with its status; after that it can only be an ``error`` event."""
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def body() -> None:
        try:
            out = work(lambda text: events.put(("delta", text)),
                       lambda number, problems: events.put(("reask", {"attempt": number, "problems": problems})))
            events.put(("result", model.model_validate(out).model_dump(mode="json", by_alias=True,
                                                                              exclude_none=True)))
        except StudioError as exc:
            events.put(("error", exc))
        except Exception as exc:
            events.put(("crash", exc))

    threading.Thread(target=body, name="api-sse", daemon=True).start()
    first = events.get()
    if first[0] in ("error", "crash"):
        # The app's error handlers answer it, as for any route: status, JSON, the caller's language.
        raise first[1]

    def stream() -> Iterator[str]:
        item = first
        while True:
            kind, value = item
            if kind in ("delta", "reask"):
                yield _event(kind, {"text": value} if kind == "delta" else value)
            elif kind == "result":
                yield _event("result", value)
                return
            else:
                payload = error_body(value, lang)[1] if kind == "error" else {
                    "error_code": "INTERNAL_ERROR", "message": "Something went wrong on our side."}
                yield _event("error", payload)
                return
            item = events.get()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.post("/strategies/refine", response_model=s.StrategyOut, tags=["llm"], responses=LLM_ERRORS,
             response_model_exclude_none=True)
def refine_strategy(body: s.RefineIn, principal: CurrentPrincipal) -> Any:
    """The strategy revised by the instruction, validated, with a readable list of changes."""
    from core.services.generation import refine_strategy as refine

    result = refine(body.strategy, body.instruction, model=body.model, user=principal,
                    language=body.language, use_cache=body.use_cache, gateway=gateway_for(body.fallback))
    return _strategy_result(result)


@router.post("/strategies/validate", response_model=s.ValidationOut, tags=["strategies"], responses=ERRORS)
def validate_strategy(body: s.ValidateIn, principal: CurrentPrincipal,
                      accept_language: Annotated[str | None, Header(
                          description="the language of the issues' messages: ko or en (en by default)",
                          max_length=200)] = None) -> Any:
    """Every rule checked; an invalid strategy is a 200 report with ``valid: false`` and its issues,
    their messages in the Accept-Language language."""
    from core.services.strategy_library import validate_strategy as validate

    return convert.report(validate(body.strategy), language_of(accept_language, "en"))


def _market_data(data: UploadFile | None, sample: str | None, symbol: str | None) -> Any:
    from core.services import market_data

    if data is not None and sample:
        raise BadInput("Send either a CSV file (data) or a sample name (sample), not both.")
    if data is not None:
        raw = data.file.read()
        if not raw:
            raise BadInput("The uploaded CSV is empty.", hint="Send a header row and at least one bar.")
        # Bytes only: a text argument would be read as a file path by the loader.
        return market_data.load_csv(bytes(raw), name="upload", symbol=symbol or market_data.SAMPLE_SYMBOL)
    if sample:
        if sample not in SAMPLES:
            raise BadInput(f"There is no bundled sample named {sample!r}.", hint=f"Use one of: {', '.join(SAMPLES)}.")
        return market_data.load_sample()
    raise BadInput("Market data is missing.", hint=f"Upload a CSV as 'data', or pass sample={SAMPLES[0]}.")


def _strategy_form(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"The strategy is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if not isinstance(value, dict):
        raise BadInput("The strategy must be a JSON object.")
    return value


DataFile = Annotated[UploadFile | None, File(description="OHLCV CSV: timestamp, open, high, low, close, volume")]
SampleName = Annotated[str | None, Form(description=f"a bundled sample instead of a file: {', '.join(SAMPLES)}",
                                        max_length=64)]


@router.post("/backtest", response_model=s.BacktestOut, tags=["market"], responses=ERRORS,
             response_model_exclude_none=True)
def backtest(
    principal: CurrentPrincipal,
    strategy: Annotated[str, Form(description="the strategy JSON", max_length=200_000)],
    data: DataFile = None,
    sample: SampleName = None,
    fee_bps: Annotated[float, Form(ge=0, le=1000)] = 10,
    slippage_bps: Annotated[float, Form(ge=0, le=1000)] = 5,
    cash: Annotated[float, Form(gt=0, le=1e12)] = 10_000,
) -> Any:
    """Backtest a strategy on an uploaded CSV or a bundled sample: next-bar-open fills, fees both sides."""
    from core.services.backtesting import run_backtest

    body = _strategy_form(strategy)
    bars = _market_data(data, sample, None)
    result = run_backtest(body, bars, fee_bps=fee_bps, slippage_bps=slippage_bps, cash=cash)
    summary = result.summary()
    return {**summary, "notes": list(result.notes)}


@router.post("/market/analyze", response_model=s.MarketOut, tags=["llm"], responses=LLM_ERRORS)
def analyze_market(
    principal: CurrentPrincipal,
    data: DataFile = None,
    sample: SampleName = None,
    symbol: Annotated[str | None, Form(max_length=32, examples=["BTC/USDT"])] = None,
    model: Annotated[str | None, Form(max_length=s.MAX_MODEL_CHARS)] = None,
    language: Annotated[s.Language | None, Form()] = None,
    fallback: Annotated[s.Fallback | None, Form(description=s.FALLBACK_HELP)] = None,
) -> Any:
    """Trend, recommendation, confidence and reason from the indicators of the given bars."""
    from core.services.analysis import analyze_market as analyze

    result = analyze(_market_data(data, sample, symbol), symbol=symbol, model=model, user=principal,
                     language=language, gateway=gateway_for(fallback))
    return {**convert.call(result.info), **result.as_json(), "symbol": result.symbol,
            "timeframe": result.timeframe, "as_of": result.as_of}


@router.post("/news/sentiment", response_model=s.SentimentOut, tags=["llm"], responses=LLM_ERRORS)
def news_sentiment(body: s.SentimentIn, principal: CurrentPrincipal) -> Any:
    """Sentiment, score, keywords, impact and price implication of one news item."""
    from core.services.news import NewsItem, analyze_news

    result = analyze_news(NewsItem(body.title, body.content, body.source, body.published_at), model=body.model,
                          user=principal, language=body.language, gateway=gateway_for(body.fallback))
    return {**convert.call(result.info), **result.as_json()}


@router.post("/strategies/optimize", response_model=s.OptimizeOut, tags=["llm"], responses=LLM_ERRORS,
             response_model_exclude_none=True)
def optimize(
    principal: CurrentPrincipal,
    strategy: Annotated[str, Form(description="the strategy JSON", max_length=200_000)],
    data: DataFile = None,
    sample: SampleName = None,
    model: Annotated[str | None, Form(max_length=s.MAX_MODEL_CHARS)] = None,
    language: Annotated[s.Language | None, Form()] = None,
    fallback: Annotated[s.Fallback | None, Form(description=s.FALLBACK_HELP)] = None,
) -> Any:
    """A proposal tested by backtest (70/30 out-of-sample); the original is kept when it is not better."""
    from core.services.optimization import optimize_strategy

    result = optimize_strategy(_strategy_form(strategy), _market_data(data, sample, None), model=model,
                               user=principal, language=language, gateway=gateway_for(fallback))
    out = result.as_json()
    out["optimized_strategy"] = convert.strategy_model(out["optimized_strategy"])
    return {**convert.call(result.info), **out}
