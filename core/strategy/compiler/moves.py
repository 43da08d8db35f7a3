"""Percent moves over a window, moves from the entry price, "between" ranges, volume spikes.

Each is rewritten to condition text the segment parser reads like any written condition
("falls 5% in 24 hours" → "change_pct(24) <= -5"), so AND/OR around it still work. Windows are
counted in candles of the strategy's timeframe: "하루에 10% 오르면" on 1h candles is change_pct(24).
"""

from __future__ import annotations

import re

from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.timeframes import MINUTES

# A comparison with the day before; its "전일 종가"/"yesterday's close" is not an earlier candle's value to
# decline but the start of the window.
_DAY_BEFORE_KO = re.compile(
    r"(?:전일|전날|어제|하루\s*전)\s*(?:의\s*)?(?:종가\s*)?(?:대비|보다|에\s*비해|와\s*비교해|과\s*비교해)")
_DAY_BEFORE_EN = re.compile(
    r"\b(?:from|than|vs\.?|versus|compared\s+(?:to|with)|since)\s+(?:yesterday(?:'?s)?(?:\s+close)?"
    r"|(?:the\s+)?(?:previous|prior)\s+day(?:'?s)?(?:\s+close)?)(?![a-z'])", re.ASCII)
DAY_BEFORE = re.compile(f"{_DAY_BEFORE_KO.pattern}|{_DAY_BEFORE_EN.pattern}", re.ASCII)

# "closes at least 2% below the previous candle's close", "is 3% above the prior close": a move from the
# candle before, which is change_pct(1); its "previous close" is not an earlier candle's value to decline
PREV_CLOSE_EN = re.compile(
    r"(?:(?:the\s+)?(?:closing\s+price|price|close|candle|bar|it)\s+)?(?:(?:closes?|closed|is|trades?|prints?)\s+)?"
    r"(?P<strict>(?:more\s+than|over)\s+)?(?:at\s+least\s+)?(?P<pct>\d+(?:\.\d+)?)\s*%\s+(?:or\s+more\s+)?"
    r"(?P<side>below|under|lower\s+than|above|over|higher\s+than)\s+(?:that\s+of\s+)?(?:the\s+)?(?:previous|prior|last)\s+"
    r"(?:candle'?s?\s+|bar'?s?\s+)?close\b", re.ASCII)
_PREV_CANDLE_KO = (r"(?:직전|이전|전)\s*(?:봉|캔들)\s*(?:의\s*)?(?:종가\s*)?(?:대비|보다|에\s*비해)"
                   r"|전봉\s*(?:종가\s*)?(?:대비|보다|에\s*비해)|(?:직전|이전|전)\s*종가\s*(?:대비|보다|에\s*비해)")
# the same window in Korean, when a percent move follows it ("직전 봉 종가 대비 3% 하락")
PREV_CANDLE_KO = re.compile(rf"(?:{_PREV_CANDLE_KO})(?=\s*\d+(?:\.\d+)?\s*%)")
# Word windows to numbers first, so one pattern reads "in a day" and "in 24 hours" alike.
_WORD_WINDOWS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.ASCII), r)
    for p, r in [
        (r"\b(?:in|within|over)\s+(?:a|one|a\s+single)\s+day\b", "in 24 hours"),
        (r"\b(?:in|within|over)\s+(?:a|one)\s+week\b", "in 168 hours"),
        (r"\b(?:in|within|over)\s+(?:an|one)\s+hour\b", "in 1 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last|past)\s+(?:day|24h)\b", "in 24 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last|past)\s+week\b", "in 168 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last|past)\s+hour\b", "in 1 hours"),
        (r"\b(?:in|within|over)\s+(\d+)\s*weeks?\b", "in {w} hours"),
        (r"\b(?:from|than|vs\.?|versus|compared\s+(?:to|with))\s+(?:the\s+)?(?:previous|prior|last)\s+"
         r"(?:candle|bar|close)\b", "in 1 candles"),
        (r"\b(?:in|within|on)\s+(?:a|one|a\s+single)\s+(?:candle|bar)\b", "in 1 candles"),
        (_PREV_CANDLE_KO, " 1봉 동안 "),
        # "하루 10% 빠지면": the window said with no particle, right before its percent
        (r"(?:한\s*)?하루\s*(?:만에|동안|사이|에|새|(?=\d+(?:\.\d+)?\s*%))", " 24시간 동안 "),
        (r"이틀\s*(?:만에|동안|사이|에|새|(?=\d+(?:\.\d+)?\s*%))", " 48시간 동안 "),
        (r"사흘\s*(?:만에|동안|사이|에|새|(?=\d+(?:\.\d+)?\s*%))", " 72시간 동안 "),
        (r"(?:일주일|1\s*주일|한\s*주|1\s*주)\s*(?:만에|동안|사이|에|새|(?=\d+(?:\.\d+)?\s*%))", " 168시간 동안 "),
        (r"한\s*시간\s*(?:만에|동안|사이|에|새|내)", " 1시간 동안 "),
        (r"반나절\s*(?:만에|동안|사이|에)", " 12시간 동안 "),
        (r"(?:2|두)\s*주\s*(?:만에|동안|사이|에|새)", " 336시간 동안 "),
        # "전일 (종가) 대비", "어제 종가보다", "from yesterday's close": the day before, in whatever
        # candles the chart has (a day of them; one on a daily chart)
        (_DAY_BEFORE_KO.pattern, " 24시간 동안 "),
        (_DAY_BEFORE_EN.pattern, " in 24 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last\s+|past\s+)?two\s+days\b", "in 48 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last\s+|past\s+)?three\s+days\b", "in 72 hours"),
        (r"\b(?:in|within|over)\s+(?:the\s+)?(?:last\s+|past\s+)?two\s+hours\b", "in 2 hours"),
    ]
]


def _windows(text: str) -> str:
    for regex, replacement in _WORD_WINDOWS:
        if "{w}" in replacement:
            text = regex.sub(lambda m, r=replacement: r.format(w=int(m.group(1)) * 168), text)
        else:
            text = regex.sub(replacement, text)
    return text


_MOVE_EN = re.compile(
    r"(?:(?:the\s+)?(?:closing\s+price|price|close)\s+|it\s+)?"
    # "it has shed 5% over the last 3 hours", "it's up 4% over the last hour"
    r"((?:ha(?:s|ve)\s+)(?:shed|lost|dropped|fallen|dumped|declined|plunged|crashed|tanked|gone\s+down|moved\s+down"
    r"|risen|gained|jumped|pumped|climbed|surged|rallied|gone\s+up|moved\s+up)|it'?s\s+(?:up|down)|sheds?|lost|loses?"
    r"|falls?|fell|drops?|dropped|dumps?|dumped|declines?|declined|decreases?|decreased|plunges?"
    r"|plunged|crash(?:es|ed)|tanks?|tanked|goes\s+down|went\s+down|is\s+down|was\s+down|moves?\s+down"
    r"|rises?|rose|jumps?|jumped|pumps?|pumped|rips?|ripped|gains?|gained|increases?|increased|climbs?|climbed"
    r"|surges?|surged"
    r"|rall(?:ies|ied)|goes\s+up|went\s+up|is\s+up|was\s+up|moves?\s+up)"
    r"\s+(?:by\s+)?(?:(?P<strict>more\s+than\s+|over\s+)|at\s+least\s+)?(\d+(?:\.\d+)?)\s*%(?:\s+or\s+more)?"
    r"(?:\s+(?:in|within|over)\s+(?:(?:the\s+)?(?:last|past)\s+)?(?:an?\s+|one\s+)?(\d+)?\s*"
    r"(hours?|h|days?|d|candles?|bars?|minutes?|mins?))?", re.ASCII)
_MOVE_KO = re.compile(
    r"(?:(?:가격|시세|종가)(?:이|가|은|는)?\s*)?(?:(\d+)\s*(시간|일|분|개\s*봉|봉|캔들)\s*(?:동안|만에|내에|이내|안에|사이|새)?\s*)?(?:에\s*)?(?:가격이\s*|가격\s*)?(?<!보다)(?<!보다\s)(\d+(?:\.\d+)?)\s*%\s*"
    r"(?:이상\s*|(?P<strict_ko>넘게|초과)\s*)?(하락|떨어|급락|폭락|떡락|덤핑|빠지|빠져|빠졌|내리|내려|내렸|낮|상승|오르|오른|올라|올랐|급등|폭등|떡상|펌핑|뛰|뛴|뛰었|높)")
# "volume spikes" / "거래량 급증": read as volume above twice its 20-bar average (stated in the graph).
# A multiple written with it is that multiple: "a 3x volume spike", "거래량 3배 급증".
SPIKE = re.compile(r"(?:(?P<en>\d+(?:\.\d+)?)\s*(?:x|times)\s+(?:the\s+)?(?:average\s+)?)?"
                   r"(?:(?:trading\s+)?volume\s+(?:spikes?|surges?|explodes?)"
                   r"|(?:a\s+)?(?:volume\s+spike|spike\s+in\s+volume))"
                   r"|거래량\s*(?:이|가)?\s*(?:(?P<ko>\d+(?:\.\d+)?)\s*배\s*(?:로\s*)?)?(?:급증|폭증|폭발|터지|터질)")


def spike_multiple(m: re.Match[str]) -> str:
    """The multiple of the 20-bar average a volume spike means (2 unless the prompt says)."""
    return m.group("en") or m.group("ko") or "2"


def _spike(m: re.Match[str]) -> str:
    return f" volume > {spike_multiple(m)} * volume_sma(20) "
# Moves measured from the position's entry are position_pnl_pct, not a candle's change.
# the trader's entry ("my entry", "my buy price"; "buy" itself is read as the order, so "my price" is left of it)
_ENTRY_EN = (r"(?:(?:my|our)\s+(?:buy(?:ing)?\s+|purchase\s+|average\s+)?price"
             r"|(?:my|the|our)\s+(?:entry(?:\s+price)?|buy(?:ing)?\s+price|purchase\s+price|average\s+price))")
# "sell when price is 10% above my entry": the position's gain
_AT_ENTRY_EN = re.compile(r"(?:(?:it|price|the\s+price)\s+)?is\s+(\d+(?:\.\d+)?)\s*%\s+(above|over|below|under)\s+"
                          + _ENTRY_EN, re.ASCII)
_FROM_ENTRY_EN = re.compile(
    r"(?:it\s+|price\s+)?(falls?|drops?|declines?|goes\s+down|is\s+down|rises?|gains?|goes\s+up|is\s+up)\s+"
    r"(?:by\s+)?(\d+(?:\.\d+)?)\s*%\s+(?:below|under|above|over|from)\s+" + _ENTRY_EN
    # "when I'm up 15%", "my position is down 5%": the trader's own position
    + r"|(?:i'?m|i\s+am|we'?re|we\s+are|(?:my|our|the)\s+(?:position|trade|holding)s?\s+(?:is|are))\s+"
    r"(up|down)\s+(?:by\s+)?(\d+(?:\.\d+)?)\s*%")
_WHO = r"(?:i'?m|i\s+am|we'?re|we\s+are|(?:my|our|the)\s+(?:position|trade|holding)s?\s+(?:is|are))"
# "when I'm up 20% or down 7%": the second move is the same position's
_SECOND_MOVE = re.compile(rf"({_WHO})\s+(up|down)(\s+(?:by\s+)?\d+(?:\.\d+)?\s*%\s+(?:or|and)\s+)"
                          r"(?=(?:up|down)\s+(?:by\s+)?\d)")
# "sell when up 5% in a day": up with no subject, over a window: the price's move or the position's?
_BARE_MOVE = re.compile(r"\b(?:when|if|once|as\s+soon\s+as)\s+(?:it'?s\s+|it\s+is\s+)?(?:up|down)\s+(?:by\s+)?"
                        r"\d+(?:\.\d+)?\s*%\s+in\s+\d+\s+(?:hours|candles)\b", re.ASCII)
_FROM_ENTRY_KO = re.compile(
    r"(?:매수가|진입가|평단가?|매입가|구매가)\s*(?:대비|보다|에서|기준)?\s*(\d+(?:\.\d+)?)\s*%\s*(?:이상\s*)?"
    r"(하락|떨어|빠지|빠져|내려|상승|오르|올라)")
_DOWN = ("fall", "fell", "drop", "dump", "decline", "decrease", "plunge", "crash", "tank", "down", "shed", "lost",
         "lose",
         "하락", "떨어", "급락", "폭락", "떡락", "덤핑", "빠지", "빠져", "빠졌", "내리", "내려", "내렸", "낮")
# a bound may carry its scale and currency: "between 60k and 65k", "300만원에서 350만원 사이"
_BOUND_EN = r"(\$?-?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:k|m)(?![a-z]))?(?:\s*(?:usdt|usd|dollars?))?)"
_BOUND_KO = r"(-?\d+(?:\.\d+)?(?:\s*(?:억|천만|백만|만|천))?(?:\s*(?:원|달러|불))?)"
_BETWEEN_EN = re.compile(rf"between\s+{_BOUND_EN}\s+and\s+{_BOUND_EN}")
_BETWEEN_KO = re.compile(rf"{_BOUND_KO}\s*(?:~|-|에서|와|과)\s*{_BOUND_KO}\s*사이")
# "40 이상 60 이하": a range written as two bounds with no connector between them.
_RANGE_KO = re.compile(r"(-?\d+(?:\.\d+)?)\s*(이상|초과)\s*(?:이고\s*|그리고\s*)?(-?\d+(?:\.\d+)?)\s*(이하|미만)")


def _window_bars(number: str | None, unit: str | None, interval: str) -> int:
    """Candles of ``interval`` in the window; a window that is not a whole number of them is refused,
    and so is a move with no window at all ("drops 5%": in one candle? in a day? since the buy?)."""
    if not unit:
        raise CompileProblem("a percent move needs its window (e.g. 'in 24 hours', 'from the previous candle', "
                             "or 'from my entry')",
                             "몇 % 움직임인지 기간이 필요합니다 (예: '24시간 동안', '직전 봉 대비', '매수가 대비')")
    n = float(number) if number else 1.0
    unit = unit.strip()
    if unit.startswith(("hour", "h", "시간")):
        minutes = n * 60
    elif unit.startswith(("day", "d", "일")):
        minutes = n * 1440
    elif unit.startswith(("min", "분")):
        minutes = n
    else:
        return max(1, int(n))
    bars = minutes / MINUTES[interval]
    if bars < 1 or not float(bars).is_integer():
        raise CompileProblem(
            f"a {number or 1} {unit} window is not a whole number of {interval} candles",
            f"{number or 1}{unit} 구간은 {interval} 봉 개수로 딱 나누어지지 않습니다")
    return int(bars)


# "sell all my SOL at +12% or -4%": signed percents said of a sale are the position's gain and loss
_SIGNED_PNL = re.compile(r"(?<![a-z])at\s+([+-])(\d+(?:\.\d+)?)\s*%"
                         r"(?:\s*(?:or|/|,)\s*(?:at\s+)?([+-])(\d+(?:\.\d+)?)\s*%)?(?!\s*(?:in|within|over|from)\b)",
                         re.ASCII)


def _signed_pnl(m: re.Match[str]) -> str:
    pairs = [(m.group(1), m.group(2))] + ([(m.group(3), m.group(4))] if m.group(3) else [])
    if len({sign for sign, _ in pairs}) != len(pairs):
        return m.group(0)  # "+5% or +8%": two gains, not a gain and a loss
    return " or ".join(f" position_pnl_pct >= {v} " if sign == "+" else f" position_pnl_pct <= -{v} "
                       for sign, v in pairs)


def moves(text: str, interval: str, no_position: bool = False) -> str:
    """"falls 5% in 24 hours", "24시간 동안 5% 이상 하락" → the text "change_pct(24) <= -5", which the
    segment parser then reads like any written condition (so AND/OR around it still work)."""
    def bars(m: re.Match[str], number: str | None, unit: str | None) -> int:
        try:
            return _window_bars(number, unit, interval)
        except CompileProblem as exc:  # name the words it is about
            span = " ".join(m.group(0).split())
            raise CompileProblem(f"'{span}': {exc}", f"'{span}': {exc.ko}") from None

    def en(m: re.Match[str]) -> str:
        down = any(w in m.group(1) for w in _DOWN)
        return " " + _move(bars(m, m.group(4), m.group(5)), float(m.group(3)), down, bool(m.group("strict"))) + " "

    def ko(m: re.Match[str]) -> str:
        down = any(w in m.group(5) for w in _DOWN)
        return " " + _move(bars(m, m.group(1), m.group(2)), float(m.group(3)), down, bool(m.group("strict_ko"))) + " "

    def prev_close(m: re.Match[str]) -> str:
        down = m.group("side") in ("below", "under", "lower than")
        return " " + _move(1, float(m.group("pct")), down, bool(m.group("strict"))) + " "

    def entry(m: re.Match[str]) -> str:
        groups = [g for g in m.groups() if g]
        verb, pct = (groups[0], groups[1]) if not groups[0][0].isdigit() else (groups[1], groups[0])
        down = any(w in verb for w in _DOWN)
        value = float(pct)
        text_value = str(int(value)) if value.is_integer() else str(value)
        return f" position_pnl_pct <= -{text_value} " if down else f" position_pnl_pct >= {text_value} "

    text = PREV_CLOSE_EN.sub(prev_close, text)
    if not no_position:
        text = _SIGNED_PNL.sub(_signed_pnl, text)
    text = _windows(text)
    # with nothing ever sold, there is no position whose move it could be: the price moved
    bare = None if no_position else _BARE_MOVE.search(text)
    if bare:
        span = " ".join(bare.group(0).split())
        raise CompileProblem(
            f"'{span}' does not say what moved: the price over that window (say 'when the price is up 5% in "
            "24 hours') or your position since the buy (say 'when I'm up 5%')",
            f"'{span}'에서 무엇이 움직였는지 없습니다: 그 기간의 가격이면 '가격이 24시간 동안 5% 오르면', "
            "매수한 뒤의 수익이면 '매수가 대비 5% 오르면'처럼 말해 주세요")
    text = _SECOND_MOVE.sub(lambda m: f"{m.group(1)} {m.group(2)}{m.group(3)}{m.group(1)} ", text)
    text = _AT_ENTRY_EN.sub(lambda m: f" position_pnl_pct >= {m.group(1)} " if m.group(2) in ("above", "over")
                            else f" position_pnl_pct <= -{m.group(1)} ", text)
    text = _FROM_ENTRY_KO.sub(entry, _FROM_ENTRY_EN.sub(entry, text))
    return SPIKE.sub(_spike, _MOVE_KO.sub(ko, _MOVE_EN.sub(en, text)))


def _move(bars: int, pct: float, down: bool, strict: bool = False) -> str:
    """"more than 5%" / "5% 넘게" is strict; "5%", "at least 5%" and "5% 이상" include 5%."""
    value = int(pct) if pct.is_integer() else pct
    if down:
        return f"change_pct({bars}) {'<' if strict else '<='} -{value}"
    return f"change_pct({bars}) {'>' if strict else '>='} {value}"


def between(text: str) -> str:
    """"RSI between 40 and 60" → "RSI > 40 그리고 RSI < 60"-like text the segment parser reads."""
    def en(m: re.Match[str]) -> str:
        return f"> {m.group(1)} and < {m.group(2)}"

    def ko(m: re.Match[str]) -> str:
        return f"{m.group(1)} 초과 그리고 {m.group(2)} 미만"

    def ko_range(m: re.Match[str]) -> str:
        return f"{m.group(1)} {m.group(2)} 그리고 {m.group(3)} {m.group(4)}"

    return _RANGE_KO.sub(ko_range, _BETWEEN_KO.sub(ko, _BETWEEN_EN.sub(en, text)))
