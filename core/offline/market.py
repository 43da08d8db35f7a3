"""Offline market analysis: transparent rules over indicator values.

Input: ``core.offline.inputs.MarketFigures`` (symbol, timeframe, indicator values, language). The
indicator names are the ones ``core.services.analysis.compute_figures`` produces (price, rsi_14,
macd_hist, macd_hist_prev, sma_20, sma_50, sma_200, bb_upper, bb_middle, bb_lower, bb_position, ...);
any may be None when the data is too short. Every signal that moves the verdict is named in the
reason, so a trader can check it against the chart.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from core.errors import EngineCannotAnswer
from core.offline.inputs import MarketFigures

BUY_AT = 2.0
SELL_AT = -2.0


@dataclass
class Signal:
    weight: float
    en: str
    ko: str


def _num(indicators: dict[str, Any], name: str) -> float | None:
    value = indicators.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def trend_of(ind: dict[str, Any]) -> str:
    """Moving-average alignment: price > SMA20 > SMA50 (> SMA200 when known) is an uptrend."""
    price, fast, slow, long = (_num(ind, k) for k in ("price", "sma_20", "sma_50", "sma_200"))
    if price is None or fast is None or slow is None:
        return "SIDEWAYS"
    if price > fast > slow and (long is None or slow > long or price > long):
        return "UPTREND"
    if price < fast < slow and (long is None or slow < long or price < long):
        return "DOWNTREND"
    return "SIDEWAYS"


def signals_of(ind: dict[str, Any], trend: str) -> list[Signal]:
    out: list[Signal] = []
    if trend == "UPTREND":
        out.append(Signal(2.0, "moving averages are aligned upward (price > SMA20 > SMA50)",
                          "이동평균선이 정배열입니다 (가격 > SMA20 > SMA50)"))
    elif trend == "DOWNTREND":
        out.append(Signal(-2.0, "moving averages are aligned downward (price < SMA20 < SMA50)",
                          "이동평균선이 역배열입니다 (가격 < SMA20 < SMA50)"))
    rsi = _num(ind, "rsi_14")
    if rsi is not None:
        if rsi < 30:
            out.append(Signal(1.5, f"RSI {rsi:.1f} is oversold (< 30)", f"RSI {rsi:.1f} 로 과매도 구간입니다 (< 30)"))
        elif rsi > 70:
            out.append(
                Signal(-1.5, f"RSI {rsi:.1f} is overbought (> 70)", f"RSI {rsi:.1f} 로 과매수 구간입니다 (> 70)")
            )
        elif rsi < 40:
            out.append(Signal(0.5, f"RSI {rsi:.1f} is weak but near oversold", f"RSI {rsi:.1f} 로 과매도에 가깝습니다"))
        elif rsi > 60:
            out.append(Signal(-0.5, f"RSI {rsi:.1f} is high but not overbought",
                              f"RSI {rsi:.1f} 로 높지만 과매수는 아닙니다"))
    hist, prev = _num(ind, "macd_hist"), _num(ind, "macd_hist_prev")
    if hist is not None:
        if prev is not None and prev <= 0 < hist:
            out.append(Signal(1.5, "MACD just crossed above its signal line", "MACD 가 시그널선을 상향 돌파했습니다"))
        elif prev is not None and prev >= 0 > hist:
            out.append(Signal(-1.5, "MACD just crossed below its signal line", "MACD 가 시그널선을 하향 돌파했습니다"))
        elif hist > 0:
            out.append(Signal(0.5, "MACD is above its signal line", "MACD 가 시그널선 위에 있습니다"))
        elif hist < 0:
            out.append(Signal(-0.5, "MACD is below its signal line", "MACD 가 시그널선 아래에 있습니다"))
    pos = _num(ind, "bb_position")
    if pos is not None:
        if pos <= 0.05:
            out.append(Signal(1.0, "price is at or below the lower Bollinger band",
                              "가격이 볼린저 밴드 하단 이하에 있습니다"))
        elif pos >= 0.95:
            out.append(Signal(-1.0, "price is at or above the upper Bollinger band",
                              "가격이 볼린저 밴드 상단 이상에 있습니다"))
    return out


def risk_of(ind: dict[str, Any]) -> str:
    """Band width relative to the middle band measures volatility; RSI extremes add risk."""
    upper, middle, lower = _num(ind, "bb_upper"), _num(ind, "bb_middle"), _num(ind, "bb_lower")
    width = (upper - lower) / middle * 100 if upper is not None and lower is not None and middle else None
    level = 1
    if width is not None:
        level = 0 if width < 4 else (1 if width < 10 else 2)
    rsi = _num(ind, "rsi_14")
    if rsi is not None and (rsi > 80 or rsi < 20):
        level = min(2, level + 1)
    return ("LOW", "MEDIUM", "HIGH")[level]


def analyse(symbol: str, timeframe: str, indicators: dict[str, Any], language: str = "en") -> dict[str, Any]:
    if _num(indicators, "price") is None:
        raise EngineCannotAnswer(
            "The offline market rules need at least the latest price and some indicators.",
            hint="Load more candles (e.g. 200+ bars) so RSI, MACD, moving averages and Bollinger bands exist.",
        )
    ko = language == "ko"
    trend = trend_of(indicators)
    signals = signals_of(indicators, trend)
    total = sum(s.weight for s in signals)
    if total >= BUY_AT:
        recommendation = "BUY"
    elif total <= SELL_AT:
        recommendation = "SELL"
    else:
        recommendation = "HOLD"
    # Confidence grows with the agreement of the signals; rules never claim certainty.
    agreeing = sum(1 for s in signals if (s.weight > 0) == (total > 0) and s.weight != 0)
    if recommendation == "HOLD":
        confidence = 0.55 - 0.05 * abs(total)
    else:
        confidence = min(0.85, 0.45 + 0.08 * abs(total) + 0.03 * agreeing)
    confidence = round(max(0.3, confidence), 2)
    risk = risk_of(indicators)
    price = _num(indicators, "price") or 0.0
    change = _num(indicators, "change_24h_pct")
    # Signals that agree with the verdict come first, so the reason argues for what it recommends.
    direction = 1 if total > 0 else -1 if total < 0 else 0
    ranked = sorted(signals, key=lambda s: (s.weight * direction <= 0, -abs(s.weight)))
    trend_word = {
        "UPTREND": ("an uptrend", "상승 추세"),
        "DOWNTREND": ("a downtrend", "하락 추세"),
        "SIDEWAYS": ("a sideways range", "횡보 구간"),
    }[trend]
    risk_word = {"LOW": ("low", "낮음"), "MEDIUM": ("medium", "보통"), "HIGH": ("high", "높음")}[risk]
    if ko:
        change_txt = f", 24시간 변동률 {change:+.2f}%" if change is not None else ""
        details = "; ".join(s.ko for s in ranked[:3]) or "뚜렷한 신호가 없습니다"
        analysis = (
            f"{symbol} ({timeframe}) 현재 가격 {price:,.4g}{change_txt}. 시장은 {trend_word[1]}에 있습니다. "
            f"주요 신호: {details}. 변동성 위험은 {risk_word[1]}입니다."
        )
        verdict = {"BUY": "매수", "SELL": "매도", "HOLD": "관망"}[recommendation]
        reason = f"규칙 점수 {total:+.1f} 로 {verdict}: " + (
            "; ".join(s.ko for s in ranked[:2]) if ranked else "신호가 엇갈리거나 약합니다"
        ) + "."
    else:
        change_txt = f", {change:+.2f}% over 24h" if change is not None else ""
        details = "; ".join(s.en for s in ranked[:3]) or "no clear signal"
        analysis = (
            f"{symbol} ({timeframe}) trades at {price:,.4g}{change_txt}. The market is in {trend_word[0]}. "
            f"Main signals: {details}. Volatility risk is {risk_word[0]}."
        )
        reason = f"Rule score {total:+.1f} gives {recommendation}: " + (
            "; ".join(s.en for s in ranked[:2]) if ranked else "signals are mixed or weak"
        ) + "."
    return {
        "analysis": analysis,
        "trend": trend,
        "recommendation": recommendation,
        "confidence": confidence,
        "reason": reason,
        "risk_level": risk,
    }


def answer(request: MarketFigures) -> str:
    result = analyse(request.symbol, request.timeframe, dict(request.indicators), request.language or "en")
    return json.dumps(result, ensure_ascii=False)
