"""Indicator and price phrases to operand text of the grammar (``rsi(14)``, ``bb_lower(20,2)``, ...).

Each finder returns ``Operand`` tokens with their span; the caller blanks matched spans so a
shorter phrase ("volume") never re-matches inside a longer one ("average volume").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.strategy.compiler.lexicon import blank
from core.strategy.operands import INDICATORS, OperandError, parse_operand, to_text

# Roles decide how a lone operand is completed: a "level" (moving average, band) is compared with
# the price; an oscillator needs a number; "avg" is resolved from the subject it is compared with.
PRICE, LEVEL, OSC, MACD, VOLUME, AVG, BB_AUTO, PNL, CHANGE, NUMBER = (
    "price", "level", "osc", "macd", "volume", "avg", "bb_auto", "pnl", "change", "number")


@dataclass
class Operand:
    expr: str
    role: str
    start: int
    end: int
    value: float | None = None  # numbers only
    unit: str | None = None  # numbers only: "%", "x", "usd"
    defaulted: str | None = None  # a note when a period was not given

    @property
    def is_number(self) -> bool:
        return self.role == NUMBER


class CompileProblem(ValueError):
    """A phrase was recognised but cannot be compiled (e.g. rsi(0)); ``ko`` is the Korean wording."""

    def __init__(self, message: str, ko: str | None = None) -> None:
        super().__init__(message)
        self.ko = ko or message


def _int(text: str | None, default: int) -> int:
    return int(text) if text else default


def _call(name: str, *args: float) -> str:
    expr = f"{name}({','.join(_fmt(a) for a in args)})"
    try:
        return to_text(parse_operand(expr))
    except OperandError as exc:
        raise CompileProblem(exc.short) from None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_RAW = re.compile(r"(?<![a-z_])(" + "|".join(sorted(INDICATORS, key=len, reverse=True)) + r")\s*\(([^()]*)\)")
_MACD_ARGS = r"(?:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\))?"
_MACD_HIST = re.compile(r"macd" + _MACD_ARGS + r"\s*(?:의\s*)?(?:histogram|hist|히스토그램)"
                        r"|(?:macd\s*)?히스토그램|\bhistogram\b")
_MACD_SIGNAL = re.compile(r"macd" + _MACD_ARGS + r"\s*(?:의\s*)?(?:signal(?:\s*line)?|시그널(?:\s*선|\s*라인)?)"
                          r"|\bsignal(?:\s*line)?\b|시그널(?:\s*선|\s*라인)?")
_MACD = re.compile(r"macd" + _MACD_ARGS + r"(?:\s*(?:line|선|라인))?")
_RSI = re.compile(r"(?:(\d+)\s*-?\s*(?:period\s*|기간\s*|일\s*)?)?(?:rsi|상대\s*강도\s*지수)"
                  r"(?:\s*\(\s*(\d+)\s*\)|(\d+)(?![\d.%])|\s+(\d+)\s*-?\s*(?:period|기간)(?:\s*짜리)?)?")
_BB_SIDE = {"lower": "bb_lower", "bottom": "bb_lower", "하단": "bb_lower", "아랫": "bb_lower",
            "upper": "bb_upper", "top": "bb_upper", "상단": "bb_upper", "윗": "bb_upper",
            "middle": "bb_middle", "mid": "bb_middle", "basis": "bb_middle", "중단": "bb_middle",
            "중간": "bb_middle", "중심": "bb_middle"}
_SIDE = r"(lower|upper|middle|bottom|top|mid|basis|하단|상단|중단|중간|중심|아랫|윗)"
_BB_ARGS = r"(?:\s*\(\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*\))?"
_BB_A = re.compile(_SIDE + r"\s+(?:(?:bollinger|볼린저|bb)(?:\s*bands?|\s*밴드)?|bands?(?![a-z]))" + _BB_ARGS)
_BB_B = re.compile(r"(?:bollinger|볼린저|\bbb\b)(?:\s*bands?|\s*밴드)?" + _BB_ARGS + r"(?:\s*의)?\s*" + _SIDE
                   + r"?(?:\s*(?:band|밴드|선|line))?")
_MA = re.compile(
    r"(?:(\d+)\s*-?\s*(?:day|days|period|bar|일|기간|봉)?\s*(simple\s+|exponential\s+|단순\s*|지수\s*)?"
    r"(sma|ema|(?<![a-z])ma(?![a-z])|moving\s+average|이동\s*평균(?:\s*선)?|이평(?:\s*선)?))"
    r"|(?:(simple\s+|exponential\s+|단순\s*|지수\s*)?(sma|ema|(?<![a-z])ma(?![a-z])|moving\s+average|이동\s*평균(?:\s*선)?"
    r"|이평(?:\s*선)?)\s*\(?\s*(\d+)?\s*\)?(?:\s*(?:day|일|period|기간))?)"
    r"|(\d+)\s*일\s*선"
)
_AVG_VOLUME = re.compile(
    r"(?:(\d+)\s*-?\s*(?:period|day|bar|일|기간|봉)\s+)?(?:average|avg|mean|평균)\s*(?:trading\s+)?(?:volume|거래량)"
    r"(?:\s*\(\s*(\d+)\s*\))?|(?:volume|거래량)\s*(?:average|avg|평균|sma|이평)(?:\s*\(?\s*(\d+)\s*\)?)?")
_VOLUME = re.compile(r"(?:trading\s+)?volume|거래량|(?<![a-z])vol(?![a-z])")
_AVG = re.compile(r"(?:(?:its|the)\s+)?(?:(\d+)\s*-?\s*(?:period|day|bar|일|기간|봉)\s+)?(?:average|avg|평균)"
                  r"(?:\s*\(\s*(\d+)\s*\))?")
_ATR = re.compile(r"(?:(\d+)\s*-?\s*(?:period|기간|일)\s*)?(?<![a-z])atr(?![a-z])(?:\s*\(\s*(\d+)\s*\))?"
                  r"|average\s+true\s+range")
_CHANGE = re.compile(r"(?:(\d+)\s*-?\s*(?:bar|candle|봉)\s+)?(?:%\s*change|percent(?:age)?\s+change|price\s+change"
                     r"|change\s*pct|변동률|등락률|변화율|상승률|하락률)")
_PNL = re.compile(r"position_pnl_pct|수익률|(?<![a-z])pnl(?![a-z])|p&l|(?<![a-z])profit(?![a-z])|손익률?|평가\s*손익")
_PRICE = re.compile(r"closing\s+price|(?<![a-z])close[sd]?(?![a-z])|(?<![a-z])closing(?![a-z])|(?<![a-z])price(?![a-z])"
                    r"|가격|종가|시세|현재가")
_OPEN = re.compile(r"open(?:ing)?\s+price|시가(?!총액)")
_HIGH = re.compile(r"(?<![a-z])(?:high\s+price|candle\s+high|the\s+high)(?![a-z])|고가")
_LOW = re.compile(r"(?<![a-z])(?:low\s+price|candle\s+low|the\s+low)(?![a-z])|저가")
_NUMBER = re.compile(r"(?<![a-z_\d.])(-?\$?\s?\d+(?:,\d{3})*(?:\.\d+)?)"
                     r"\s*(k|만|천|%|퍼센트|percent|x|배|\*|usdt|usd|달러|dollars?)?"
                     r"|(?<![a-z])(zero)(?![a-z])|(0)\s*선|영선")


def _raw(m: re.Match[str]) -> Operand:
    name = m.group(1)
    args = [a.strip() for a in m.group(2).split(",") if a.strip()]
    try:
        expr = to_text(parse_operand(f"{name}({','.join(args)})"))
    except OperandError as exc:
        raise CompileProblem(exc.short) from None
    role = LEVEL if name.startswith(("sma", "ema", "bb_")) else VOLUME if name == "volume_sma" else (
        MACD if name == "macd" else OSC)
    return Operand(expr, role, m.start(), m.end())


def _macd_args(m: re.Match[str]) -> tuple[int, int, int]:
    if m.lastindex and m.group(1):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return 12, 26, 9


def _macd_hist(m: re.Match[str]) -> Operand:
    return Operand(_call("macd_hist", *_macd_args(m)), OSC, m.start(), m.end())


def _macd_signal(m: re.Match[str]) -> Operand:
    return Operand(_call("macd_signal", *_macd_args(m)), OSC, m.start(), m.end())


def _macd(m: re.Match[str]) -> Operand:
    return Operand(_call("macd", *_macd_args(m)), MACD, m.start(), m.end())


def _rsi(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    op = Operand(_call("rsi", _int(period, 14)), OSC, m.start(), m.end())
    return op


def _bb(m: re.Match[str], side_group: int, args_at: int) -> Operand:
    side = m.group(side_group)
    period, k = m.group(args_at), m.group(args_at + 1)
    args = (_int(period, 20), float(k) if k else 2)
    if side is None:
        return Operand(_call("bb_middle", *args).replace("bb_middle", "bb_auto"), BB_AUTO, m.start(), m.end())
    return Operand(_call(_BB_SIDE[side], *args), LEVEL, m.start(), m.end())


def _ma(m: re.Match[str]) -> Operand:
    g = m.groups()
    if g[6]:  # "20일선"
        return Operand(_call("sma", int(g[6])), LEVEL, m.start(), m.end())
    if g[2]:
        period, flavour, word = g[0], g[1] or "", g[2]
    else:
        flavour, word, period = g[3] or "", g[4], g[5]
    kind = "ema" if "ema" in word or "exponential" in flavour or "지수" in flavour else "sma"
    op = Operand(_call(kind, _int(period, 20)), LEVEL, m.start(), m.end())
    if not period:
        op.defaulted = f"{kind.upper()} period not given; 20 used"
    return op


def _avg_volume(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(_call("volume_sma", _int(period, 20)), AVG, m.start(), m.end())


def _volume(m: re.Match[str]) -> Operand:
    return Operand("volume", VOLUME, m.start(), m.end())


def _avg(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(f"avg({_int(period, 20)})", AVG, m.start(), m.end())


def _atr(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(_call("atr", _int(period, 14)), OSC, m.start(), m.end())


def _change(m: re.Match[str]) -> Operand:
    return Operand(_call("change_pct", _int(m.group(1), 1)), CHANGE, m.start(), m.end())


def _column(name: str) -> Callable[[re.Match[str]], Operand]:
    return lambda m: Operand(name, PRICE, m.start(), m.end())


def _pnl(m: re.Match[str]) -> Operand:
    return Operand("position_pnl_pct", PNL, m.start(), m.end())


FINDERS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Operand]]] = [
    (_RAW, _raw),
    (_MACD_HIST, _macd_hist),
    (_MACD_SIGNAL, _macd_signal),
    (_MACD, _macd),
    (_RSI, _rsi),
    (_BB_A, lambda m: _bb(m, 1, 2)),
    (_BB_B, lambda m: _bb(m, 3, 1)),
    (_AVG_VOLUME, _avg_volume),
    (_MA, _ma),
    (_VOLUME, _volume),
    (_AVG, _avg),
    (_ATR, _atr),
    (_CHANGE, _change),
    (_PNL, _pnl),
    (_OPEN, _column("open")),
    (_HIGH, _column("high")),
    (_LOW, _column("low")),
    (_PRICE, _column("close")),
]


def find_operands(text: str) -> tuple[list[Operand], str]:
    """Indicator/price operands in ``text``; returns them and the text with their spans blanked."""
    found: list[Operand] = []
    for regex, build in FINDERS:
        new = [build(m) for m in regex.finditer(text) if m.end() > m.start()]
        for op in new:
            text = blank(text, op.start, op.end)
        found.extend(new)
    found.sort(key=lambda o: o.start)
    return found, text


_SCALE = {"k": 1_000, "만": 10_000, "천": 1_000}


def find_numbers(text: str) -> list[Operand]:
    out: list[Operand] = []
    for m in _NUMBER.finditer(text):
        if m.group(3) or m.group(4) or (m.group(0) == "영선"):
            out.append(Operand("0", NUMBER, m.start(), m.end(), value=0.0))
            continue
        raw = m.group(1).replace("$", "").replace(",", "").replace(" ", "")
        value = float(raw)
        unit = m.group(2)
        if unit in _SCALE:
            value *= _SCALE[unit]
            unit = None
        elif unit in ("%", "퍼센트", "percent"):
            unit = "%"
        elif unit in ("x", "배", "*"):
            unit = "x"
        elif unit:
            unit = "usd"
        if "$" in m.group(1):
            unit = "usd"
        out.append(Operand(_fmt(value), NUMBER, m.start(), m.end(), value=value, unit=unit))
    return out
