"""Market analysis: indicator figures from the chosen data → model (or offline rules) → seed schema.

The model gets a short list of figures (latest close, 24h change, RSI, MACD, moving averages,
Bollinger bands, ATR, volume ratio), never raw candles: that is cheaper, and it keeps the model's
judgement tied to numbers the user can see on the card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from core.accounts.principal import LOCAL_USER_ID, Principal, owner_id
from core.llm.structured import ask_structured
from core.llm.types import ChatRequest, FallbackPolicy
from core.offline.inputs import MarketFigures
from core.prompts.builder import Language, build_prompt
from core.services.common import BadInput, CallInfo, gateway_or_default
from core.services.market_data import MarketData, indicator_frame
from core.services.outputs import MarketAnalysis, vendor_schema

MIN_BARS = 35  # MACD(12,26,9) needs 34 bars before its first value
DAY_S = 86_400


@dataclass
class MarketAnalysisResult:
    analysis: str
    trend: str
    recommendation: str
    confidence: float
    reason: str
    risk_level: str
    indicators: dict[str, float | None]
    symbol: str
    timeframe: str
    as_of: str
    language: Language = "en"
    info: CallInfo = field(default_factory=CallInfo)

    def as_json(self) -> dict[str, Any]:
        """The `analyze-market --json` shape (DESIGN.md section 5)."""
        return {
            "analysis": self.analysis, "trend": self.trend, "recommendation": self.recommendation,
            "confidence": self.confidence, "reason": self.reason, "risk_level": self.risk_level,
            "indicators": self.indicators,
        }


def _clean(value: Any, digits: int = 6) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, digits) if math.isfinite(number) else None


def _bars_per_day(timeframe: str) -> int:
    try:
        from core.market.timeframes import timeframe_seconds

        seconds = timeframe_seconds(timeframe)
    except Exception:  # an unusual timeframe label: fall back to one bar
        return 1
    return max(1, DAY_S // seconds) if seconds else 1


def compute_figures(data: MarketData) -> dict[str, float | None]:
    """The latest indicator values (None while an indicator is still warming up)."""
    frame = indicator_frame(data)
    last, prev = frame.iloc[-1], frame.iloc[-2]
    close = frame["close"]
    price = _clean(last["close"])
    back = _bars_per_day(data.timeframe)
    change = None
    if len(close) > back and close.iloc[-1 - back]:
        change = _clean((close.iloc[-1] / close.iloc[-1 - back] - 1) * 100, 3)
    upper, lower = _clean(last["bb_upper"]), _clean(last["bb_lower"])
    position = None
    if upper is not None and lower is not None and price is not None and upper > lower:
        position = _clean((price - lower) / (upper - lower), 3)
    atr = _clean(last["atr_14"])
    volume_avg = _clean(last["volume_sma_20"])
    figures: dict[str, float | None] = {
        "price": price,
        "change_24h_pct": change,
        "volume": _clean(last["volume"]),
        "volume_ratio_20": _clean(last["volume"] / volume_avg, 3) if volume_avg else None,
        "rsi_14": _clean(last["rsi_14"], 2),
        "macd": _clean(last["macd"]),
        "macd_signal": _clean(last["macd_signal"]),
        "macd_hist": _clean(last["macd_hist"]),
        "macd_hist_prev": _clean(prev["macd_hist"]),
        "sma_20": _clean(last["sma_20"]),
        "sma_50": _clean(last["sma_50"]),
        "ema_20": _clean(last["ema_20"]),
        "bb_upper": upper,
        "bb_middle": _clean(last["bb_middle"]),
        "bb_lower": lower,
        "bb_position": position,
        "atr_14": atr,
        "atr_pct": _clean(atr / price * 100, 3) if atr is not None and price else None,
    }
    return figures


_LABELS = {
    "price": "Last close", "change_24h_pct": "Change over 24h (%)", "volume": "Last bar volume",
    "volume_ratio_20": "Volume / 20-bar average volume", "rsi_14": "RSI(14)", "macd": "MACD(12,26,9) line",
    "macd_signal": "MACD signal line", "macd_hist": "MACD histogram (line - signal)",
    "macd_hist_prev": "MACD histogram on the previous bar", "sma_20": "SMA(20)", "sma_50": "SMA(50)",
    "ema_20": "EMA(20)", "bb_upper": "Bollinger(20,2) upper", "bb_middle": "Bollinger(20,2) middle",
    "bb_lower": "Bollinger(20,2) lower", "bb_position": "Position within the bands (0 = lower, 1 = upper)",
    "atr_14": "ATR(14)", "atr_pct": "ATR(14) as % of price",
}


def _prompt_figures(figures: dict[str, float | None]) -> list[tuple[str, str]]:
    return [(_LABELS.get(k, k), "n/a" if v is None else f"{v:g}") for k, v in figures.items()]


def analyze_market(
    data: MarketData,
    *,
    symbol: str | None = None,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    language: str | None = None,
    use_cache: bool = True,
    gateway: Any | None = None,
) -> MarketAnalysisResult:
    if data is None or len(data.df) < MIN_BARS:
        bars = 0 if data is None else len(data.df)
        raise BadInput(
            f"Market analysis needs at least {MIN_BARS} bars of data; got {bars}.",
            hint="Load a longer range (200 bars or more gives every indicator a value).",
        )
    sym = symbol or data.symbol
    lang: Language = "ko" if language == "ko" else "en"
    figures = compute_figures(data)
    as_of = str(data.df.index[-1])
    built = build_prompt(
        "market_analysis", lang, symbol=sym, timeframe=data.timeframe, bars=len(data.df), as_of=as_of,
        figures=_prompt_figures(figures),
    )
    req = ChatRequest(
        use_case="market_analysis", messages=built.messages, model=model, user=owner_id(user), max_tokens=800,
        output_schema=vendor_schema(MarketAnalysis), schema_name="market_analysis", json_mode=True,
        use_cache=use_cache, fallback=fallback, template_version=built.template_version,
        offline_context=MarketFigures(sym, data.timeframe, figures, lang),
    )
    result = ask_structured(gateway_or_default(gateway), req, MarketAnalysis.model_validate, language=lang)
    out: MarketAnalysis = result.value
    return MarketAnalysisResult(
        analysis=out.analysis, trend=out.trend, recommendation=out.recommendation,
        confidence=round(out.confidence, 3), reason=out.reason, risk_level=out.risk_level,
        indicators=figures, symbol=sym, timeframe=data.timeframe, as_of=as_of, language=lang,
        info=CallInfo.of(result),
    )
