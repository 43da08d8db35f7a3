"""Timeframe phrases ("1h", "4시간봉", "daily", "일봉", "15-minute chart") to format intervals."""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED = ("1m", "5m", "15m", "30m", "1h", "4h", "1d")
DEFAULT = "1h"
MINUTES = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "4h": 240, "1d": 1440}

_NUM_UNIT = re.compile(
    r"(?<![a-z0-9.])(\d+)\s*-?\s*(m|min|mins|minute|minutes|분|h|hr|hrs|hour|hours|시간|d|day|days|일)"
    r"(?:\s*(봉|차트|캔들|chart|candles?|candlesticks?|bars?|timeframe|tf)|(?![a-z0-9]))"
)
_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bdaily\b|일봉|하루\s*봉|\bday\s+(?:chart|candles?)\b|\bd1\b"
                r"|\b(?:every|each|once\s+a)\s+day\b|매일|하루\s*마다"), "1d"),
    (re.compile(r"\bhourly\b|한\s*시간\s*봉|시간봉"
                r"|매\s*시간|\bh1\b|\b(?:every|each|once\s+an)\s+hour\b|한\s*시간\s*마다"), "1h"),
    (re.compile(r"\bh4\b"), "4h"),
    (re.compile(r"\bm(1|5|15|30)\b"), "m"),
]


# "the four-hour chart", "fifteen minute candles": a spelled-out candle size, hyphenated or named as a chart
# ("in four hours" stays a window)
_SPELLED = {"one": 1, "five": 5, "fifteen": 15, "thirty": 30, "four": 4}
_SPELLED_UNIT = re.compile(r"\b(one|five|fifteen|thirty|four)(?:(-)|\s+)(minute|hour|day)s?\b"
                           r"(?(2)(?:\s+(?:chart|candles?|candlesticks?|bars?|timeframe))?"
                           r"|\s+(?:chart|candles?|candlesticks?|bars?|timeframe)\b)", re.ASCII)
# "4시간 RSI", "30분 MACD": a candle size written straight before what is read on those candles
_NAMES_AFTER = re.compile(r"\s*(?:rsi|macd|ema|sma|볼린저|이평|이동\s*평균|종가|거래량)", re.ASCII)
_MILLIONS = re.compile(r"\s*(?:krw|won|usdt|usdc|usd|dollars?|원|달러|worth\b|of\b)")


@dataclass(frozen=True)
class TimeframeHit:
    interval: str | None  # None: recognised as a timeframe but not supported (e.g. 2h)
    text: str
    start: int
    end: int


def _to_interval(number: int, unit: str) -> str | None:
    if unit in ("m", "min", "mins", "minute", "minutes", "분"):
        minutes = number
    elif unit in ("h", "hr", "hrs", "hour", "hours", "시간"):
        minutes = number * 60
    else:
        minutes = number * 1440
    for interval, value in MINUTES.items():
        if value == minutes:
            return interval
    return None


def find_timeframes(text: str) -> list[TimeframeHit]:
    """Timeframe mentions in order. A number + unit counts only as a chart/candle size when it is
    written as one ("4h", "4시간봉", "4-hour chart"); "in 24 hours" is a window, not a timeframe."""
    hits: list[TimeframeHit] = []
    for m in _NUM_UNIT.finditer(text):
        before = text[max(0, m.start() - 8): m.start()]
        if re.search(r"\b(?:in|within|over|last|past|for)\s*$|지난\s*$|최근\s*$", before):
            continue  # a look-back window
        after = text[m.end(): m.end() + 6]
        if m.group(3) is None and re.match(r"\s*(동안|만에|내에|이내|사이|change|변동|등락|상승|하락)", after):
            continue  # "24시간 변동률" is a window ("1시간봉 등락률" names the candles)
        unit = m.group(2)
        if m.group(3) is None and unit in ("일", "day", "days") and not re.match(r"\s*(마다|간격)", after):
            continue  # "50일 이동평균" is a period; "1d" alone is a timeframe
        hyphenated = "-" in m.group(0)  # "4-hour RSI", "15-minute chart": an adjective naming the candles
        if m.group(3) is None and unit in ("분", "시간", "minute", "minutes", "hour", "hours") and \
                not hyphenated and not re.match(r"\s*(마다|간격|기준)", after) and \
                not _NAMES_AFTER.match(text, m.end()) and \
                not re.search(r"every\s*$|매\s*$", before):
            continue
        if unit == "m" and _MILLIONS.match(text, m.end()):
            continue  # "2m KRW", "5m worth of": millions, not minutes
        hits.append(TimeframeHit(_to_interval(int(m.group(1)), unit), m.group(0), m.start(), m.end()))
    for m in _SPELLED_UNIT.finditer(text):
        unit = {"minute": "m", "hour": "h", "day": "d"}[m.group(3)]
        hits.append(TimeframeHit(_to_interval(_SPELLED[m.group(1)], unit), m.group(0), m.start(), m.end()))
    for regex, interval in _WORDS:
        for m in regex.finditer(text):
            if any(h.start <= m.start() < h.end for h in hits):
                continue
            value = f"{m.group(1)}m" if interval == "m" else interval
            hits.append(TimeframeHit(value, m.group(0), m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def bars_for(hours: float, interval: str) -> int:
    """How many candles of ``interval`` cover ``hours`` (at least one)."""
    return max(1, round(hours * 60 / MINUTES[interval]))
