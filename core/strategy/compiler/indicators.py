"""Indicator and price phrases to operand text of the grammar (``rsi(14)``, ``bb_lower(20,2)``, ...).

Each finder returns ``Operand`` tokens with their span; the caller blanks matched spans so a
shorter phrase ("volume") never re-matches inside a longer one ("average volume").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.strategy.compiler.lexicon import blank
from core.strategy.compiler.money import HANGUL_PRICE, KO_GROUPS_RE, hangul_number, korean_number
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
    days: int | None = None  # a moving average written in days ("50-day", "20일선"): bars depend on the chart
    glued: int | None = None  # "RSI30": 30 may be the period or the threshold; the segment decides
    bare: bool = False  # an indicator written without a period ("RSI", "SMA"): a number after it may be one

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


def call(name: str, *args: float) -> str:
    expr = f"{name}({','.join(_fmt(a) for a in args)})"
    try:
        return to_text(parse_operand(expr))
    except OperandError as exc:
        raise CompileProblem(exc.short) from None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_RAW = re.compile(r"(?<![a-z_])(" + "|".join(sorted(INDICATORS, key=len, reverse=True)) + r")\s*\(([^()]*)\)"
                  r"(?!\s*(?:의\s*)?(?:histogram|hist|히스토그램|signal|시그널))")  # "macd(12,26,9) 히스토그램"
_MACD_ARGS = (r"(?:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)"
              r"|\s*(?<![\d.])(\d+)\s*[,/ ]\s*(\d+)\s*[,/ ]\s*(\d+)(?![\d.%]))?")  # "MACD 12 26 9" too
_MACD_WORD = r"(?:macd|맥디|엠에이시디|엠에이씨디)"
_MACD_HIST = re.compile(_MACD_WORD + _MACD_ARGS + r"\s*(?:의\s*)?(?:histogram|hist|히스토그램|오실레이터|oscillator)"
                        r"|(?:" + _MACD_WORD + r"\s*)?히스토그램|\bhistogram\b", re.ASCII)
_MACD_SIGNAL = re.compile(_MACD_WORD + _MACD_ARGS + r"\s*(?:의\s*)?(?:signal(?:\s*line)?|시그널(?:\s*선|\s*라인)?)"
                          r"|\bsignal(?:\s*line)?\b|시그널(?:\s*선|\s*라인)?", re.ASCII)
_MACD = re.compile(_MACD_WORD + _MACD_ARGS + r"(?:\s*(?:line|선|라인))?", re.ASCII)
_RSI = re.compile(r"(?:(?<![\d.])(\d+)(?:\s?-\s?|\s{0,2})(?:period\s*|기간\s*|일\s*)?)?"
                  r"(?:rsi|상대\s*강도\s*지수|알에스아이|알쓰아이)"
                  r"(?:\s*\(\s*(\d+)\s*\)|\s+(\d+)\s*-?\s*(?:period|기간)(?:\s*짜리)?|(\d+)(?![\d.%]))?", re.ASCII)
_BB_SIDE = {"lower": "bb_lower", "bottom": "bb_lower", "하단": "bb_lower", "아랫": "bb_lower",
            "upper": "bb_upper", "top": "bb_upper", "상단": "bb_upper", "윗": "bb_upper",
            "middle": "bb_middle", "mid": "bb_middle", "basis": "bb_middle", "중단": "bb_middle",
            "중간": "bb_middle", "중심": "bb_middle"}
_SIDE = r"(lower|upper|middle|bottom|top|mid|basis|하단|상단|중단|중간|중심|아랫|윗)"
_BB_ARGS = (r"(?:\s*\(\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*\)"
            r"|\s+(?<![\d.])(\d+)\s*[, ]\s*(\d(?:\.\d+)?)(?![\d.%]))?")  # "bb 20 2" too
# "볼밴"/"볼벤" and "bbands" are how traders shorten the Bollinger bands, in both languages
_BB_WORD = r"(?:bollinger|볼린저|볼린져|볼밴드|볼밴|볼벤|(?<![a-z])bbands?(?![a-z])|(?<![a-z])bb(?![a-z]))"
_BB_A = re.compile(_SIDE + r"\s*(?:" + _BB_WORD + r"(?:\s*bands?|\s*밴드)?|bands?(?![a-z]))" + _BB_ARGS, re.ASCII)
_BB_B = re.compile(_BB_WORD + r"(?:\s*bands?|\s*밴드)?" + _BB_ARGS + r"(?:\s*의)?\s*" + _SIDE
                   + r"?(?:\s*(?:band|밴드|선|line))?" + _BB_ARGS, re.ASCII)
_MA_WORD = (r"(?:(?<![a-z])sma|(?<![a-z])ema|(?<![a-z])ma(?![a-z])|moving\s+average"
            r"|이동\s*평균(?:\s*선)?|이평(?:\s*선)?"
            r"|이엠에이|에스엠에이"
            r"|엠에이)")
_MA = re.compile(
    r"(?:(?<![\d.])(\d+)(?:\s?-\s?|\s{0,2})(day|days|period|bar|일|기간|봉)?\s{0,2}(simple\s+|exponential\s+|단순\s*|지수\s*)?"
    r"(" + _MA_WORD + r"))"
    r"|(?:(simple\s+|exponential\s+|단순\s*|지수\s*)?(" + _MA_WORD + r")\s*\(?\s*(\d+)?\s*\)?"
    r"(?:\s*(day|일|period|기간)(?![가-힣]))?)"
    r"|(?<![\d.])([1-9]\d*)(?:\s*(일)\s*|)선(?!물)"
    r"|(?<![\d.])(\d+)\s*-\s*(day)(?![a-z])(?!\s*(?:rsi|atr|high|low|volume|%|change|window))",
    re.ASCII,
)
_AVG_VOLUME = re.compile(
    r"(?:(\d+)\s*-?\s*(?:period|day|bar|일|기간|봉)\s+)?(?:average|avg|mean|평균|평소)\s*(?:trading\s+)?(?:volume|거래량)"
    r"(?:\s*\(\s*(\d+)\s*\))?|(?:volume|거래량)\s*(?:average|avg|평균|sma|이평)"
    r"(?:\s*\(?\s*(\d+)(?!\s*(?:배|x(?![a-z])|times|\.\d))\s*\)?)?")
_VOLUME = re.compile(r"(?:trading\s+)?volume|거래량|(?<![a-z])vol(?![a-z])")
_AVG = re.compile(r"(?:(?:its|the)\s+)?(?:(\d+)\s*-?\s*(?:period|day|bar|일|기간|봉)\s+)?(?:average|avg|평균|평소)"
                  r"(?:\s*\(\s*(\d+)\s*\))?")
_ATR = re.compile(r"(?:(\d+)\s*-?\s*(?:period|기간|일)\s*)?(?:(?<![a-z])atr(?![a-z])|에이티알)(?:\s*\(\s*(\d+)\s*\))?"
                  r"|average\s+true\s+range", re.ASCII)
_CHANGE = re.compile(r"(?:(\d+)\s*-?\s*(?:bar|candle|봉)\s*)?(?:%\s*change|percent(?:age)?\s+change|price\s+change"
                     r"|change\s*pct|변동률|등락률|변화율|상승률|하락률)"
                     r"(?:\s+(?:over|in|across)\s+(?:the\s+)?(?:last|past)\s+(\d+)\s*(?:candles?|bars?))?", re.ASCII)
_PNL = re.compile(r"position_pnl_pct|수익률|(?<![a-z])pnl(?![a-z])|p&l|(?<![a-z])profit(?![a-z])|손익률?|평가\s*손익")
_PRICE = re.compile(r"closing\s+price|(?<![a-z])close[sd]?(?![a-z])|(?<![a-z])closing(?![a-z])|(?<![a-z])price(?![a-z])"
                    r"|가격|종가|시세|현재가")
_OPEN = re.compile(r"open(?:ing)?\s+price|시가(?!총액)|(?<![a-z])(?:the\s+)?open(?![a-z])"
                   r"(?!\s+(?:a|an|the|my|position|long|short|trade|orders?)\b)")
_HIGH = re.compile(r"(?<![a-z])(?:high\s+price|candle\s+high|the\s+high)(?![a-z])|고가")
_LOW = re.compile(r"(?<![a-z])(?:low\s+price|candle\s+low|the\s+low)(?![a-z])|저가")
_NUMBER = re.compile(r"(?<![a-z_\d.])(-?\$?\s?\d+(?:,\d{3})*(?:\.\d+)?)"
                     r"\s*(k(?![a-z])|m(?![a-z])|억|천만|백만|십만|만|천|백(?!분)|%|퍼센트|percent|프로|x(?![a-z])|times(?![a-z])|배|\*|usdt|usd|달러|불(?!장|안)|dollars?|원|krw)?"
                     r"|(?<![a-z])(zero)(?![a-z])|(0)\s*선|영선", re.ASCII)


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
    for i in (1, 4):
        if m.lastindex and m.lastindex >= i and m.group(i):
            return int(m.group(i)), int(m.group(i + 1)), int(m.group(i + 2))
    return 12, 26, 9


def _macd_hist(m: re.Match[str]) -> Operand:
    return Operand(call("macd_hist", *_macd_args(m)), OSC, m.start(), m.end())


def _macd_signal(m: re.Match[str]) -> Operand:
    return Operand(call("macd_signal", *_macd_args(m)), OSC, m.start(), m.end())


def _macd(m: re.Match[str]) -> Operand:
    return Operand(call("macd", *_macd_args(m)), MACD, m.start(), m.end())


def _rsi(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    op = Operand(call("rsi", _int(period, 14)), OSC, m.start(), m.end(), bare=period is None)
    if m.group(4) and not m.group(1):
        op.glued = int(m.group(4))
    return op


def _bb(m: re.Match[str], side_group: int, args_at: tuple[int, ...]) -> Operand:
    side = m.group(side_group)
    period = k = None
    for i in args_at:
        if m.group(i):
            period, k = m.group(i), m.group(i + 1)
            break
    args = (_int(period, 20), float(k) if k else 2)
    if side is None:
        return Operand(call("bb_middle", *args).replace("bb_middle", "bb_auto"), BB_AUTO, m.start(), m.end())
    return Operand(call(_BB_SIDE[side], *args), LEVEL, m.start(), m.end())


def _ma(m: re.Match[str]) -> Operand:
    g = m.groups()
    if g[8]:  # "20일선", "20선"
        return _ma_operand("sma", int(g[8]), g[9] == "일", m)
    if g[10]:  # "the 50-day"
        return _ma_operand("sma", int(g[10]), True, m)
    if g[3]:
        period, unit, flavour, word = g[0], g[1] or "", g[2] or "", g[3]
    else:
        flavour, word, period, unit = g[4] or "", g[5], g[6], g[7] or ""
    kind = "ema" if "ema" in word or "이엠에이" in word or "exponential" in flavour or "지수" in flavour else "sma"
    if not period:
        op = Operand(call(kind, 20), LEVEL, m.start(), m.end(), bare=True)
        op.defaulted = f"{kind.upper()} period not given; 20 used"
        return op
    return _ma_operand(kind, int(period), unit in ("day", "days", "일"), m)


def _ma_operand(kind: str, period: int, in_days: bool, m: re.Match[str]) -> Operand:
    """``in_days``: the period counts days; the condition parser turns it into bars of the chart."""
    op = Operand(call(kind, period), LEVEL, m.start(), m.end())
    op.days = period if in_days else None
    return op


_AVG_DEFAULT = "average period not given; 20 candles used"


def _avg_volume(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(call("volume_sma", _int(period, 20)), AVG, m.start(), m.end(),
                   defaulted=None if period else _AVG_DEFAULT)


def _volume(m: re.Match[str]) -> Operand:
    return Operand("volume", VOLUME, m.start(), m.end())


def _avg(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(f"avg({_int(period, 20)})", AVG, m.start(), m.end(), defaulted=None if period else _AVG_DEFAULT)


def _atr(m: re.Match[str]) -> Operand:
    period = next((g for g in m.groups() if g), None)
    return Operand(call("atr", _int(period, 14)), OSC, m.start(), m.end(), bare=period is None)


def _change(m: re.Match[str]) -> Operand:
    return Operand(call("change_pct", _int(m.group(1) or m.group(2), 1)), CHANGE, m.start(), m.end())


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
    (_BB_A, lambda m: _bb(m, 1, (2, 4))),
    (_BB_B, lambda m: _bb(m, 5, (1, 3, 6, 8))),
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


_MACD_NEEDLES = ("macd", "맥디", "엠에이", "히스토그램", "histogram", "signal", "시그널")
# Literal pieces at least one of which every match of a finder contains: most prompts name one or two
# indicators, so a substring test skips the other finders' regexes (the compiler's hot loop).
NEEDLES: dict[re.Pattern[str], tuple[str, ...]] = {
    _RAW: ("(",), _MACD_HIST: _MACD_NEEDLES, _MACD_SIGNAL: _MACD_NEEDLES, _MACD: _MACD_NEEDLES,
    _RSI: ("rsi", "상대", "알에스", "알쓰"), _BB_A: ("bollinger", "볼린", "볼밴", "볼벤", "bb", "band"),
    _BB_B: ("bollinger", "볼린", "볼밴", "볼벤", "bb"),
    _AVG_VOLUME: ("average", "avg", "mean", "평균", "평소", "volume", "거래량"),
    _MA: ("ma", "moving", "이동", "이평", "엠에이", "선", "day"), _VOLUME: ("vol", "거래량"),
    _AVG: ("average", "avg", "평균", "평소"), _ATR: ("atr", "average true", "에이티알"), _CHANGE: ("change", "률"),
    _PNL: ("pnl", "수익률", "p&l", "profit", "손익"),
    _OPEN: ("open", "시가"), _HIGH: ("high", "고가"), _LOW: ("low", "저가"),
}


def find_operands(text: str) -> tuple[list[Operand], str]:
    """Indicator/price operands in ``text``; returns them and the text with their spans blanked."""
    found: list[Operand] = []
    for regex, build in FINDERS:
        needles = NEEDLES.get(regex)
        if needles is not None and not any(n in text for n in needles):
            continue
        new = [build(m) for m in regex.finditer(text) if m.end() > m.start()]
        for op in new:
            text = blank(text, op.start, op.end)
        found.extend(new)
    found.sort(key=lambda o: o.start)
    return found, text


_SCALE = {"k": 1_000, "m": 1_000_000, "억": 100_000_000, "천만": 10_000_000, "백만": 1_000_000, "만": 10_000,
          "천": 1_000, "백": 100, "십만": 100_000}
_KO_SCALES = ("억", "천만", "백만", "십만", "만", "천", "백")


def find_numbers(text: str) -> list[Operand]:
    out: list[Operand] = []
    for m in _NUMBER.finditer(text):
        if out and m.start() < out[-1].end:
            continue  # inside "1억 5천만" read as one number
        if m.group(3) or m.group(4) or (m.group(0) == "영선"):
            out.append(Operand("0", NUMBER, m.start(), m.end(), value=0.0))
            continue
        raw = m.group(1).replace("$", "").replace(",", "").replace(" ", "")
        value = float(raw)
        unit = m.group(2)
        if unit in _SCALE:
            tail_at = m.end()
            if unit in _KO_SCALES:  # "1억 5천만", "9천5백만": the whole Korean number, read as said
                ko = KO_GROUPS_RE.match(text, m.end(1) - len(raw))
                if ko is not None and "$" not in m.group(1) and not m.group(1).startswith("-"):
                    value, tail_at = korean_number(ko.group(0)), ko.end()
                else:
                    value *= _SCALE[unit]
            else:
                value *= _SCALE[unit]
            unit = None
            tail = re.match(r"\s*(원|krw|달러|불(?!장|안)|usdt|usd)?", text[tail_at:])
            if tail_at > m.end() or (tail and tail.group(0).strip()):
                end = tail_at + (len(tail.group(0)) if tail and tail.group(0).strip() else 0)
                out.append(Operand(_fmt(value), NUMBER, m.start(), end, value=value, unit="usd"))
                continue
        elif unit in ("%", "퍼센트", "percent", "프로"):
            unit = "%"
        elif unit in ("x", "times", "배", "*"):
            unit = "x"
        elif unit:
            unit = "usd"
        if "$" in m.group(1):
            unit = "usd"
        end = m.start() + len(m.group(0).rstrip())  # trailing blanks belong to no one
        out.append(Operand(_fmt(value), NUMBER, m.start(), end, value=value, unit=unit))
    for h in HANGUL_PRICE.finditer(text):
        if any(o.start < h.end() and h.start() < o.end for o in out):
            continue
        value = float(hangul_number(h.group(1)))
        out.append(Operand(_fmt(value), NUMBER, h.start(), h.end(), value=value, unit="usd"))
    return sorted(out, key=lambda o: o.start)
