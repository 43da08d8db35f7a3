"""Condition phrases to (left, operator, right) triples, joined by AND/OR.

A clause's condition text is cut at AND/OR words into segments; each segment yields at most one
condition from its operands (indicators, prices, numbers) and its comparator. English puts the
comparator between the operands ("RSI below 30"), Korean after them ("RSI가 30 아래로"); both
come out as ``left op right`` in the order the operands were written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from core.strategy.compiler import indicators as ind
from core.strategy.compiler.lexicon import (
    AND_WORDS,
    COMPARATORS,
    NEGATIVE,
    OR_WORDS,
    OVERBOUGHT,
    OVERSOLD,
    POSITIVE,
    TOUCH,
    blank,
)
from core.strategy.compiler.timeframes import bars_for

FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!=",
        "crosses_above": "crosses_below", "crosses_below": "crosses_above"}


@dataclass
class Condition:
    left: str
    operator: str
    right: str | float
    notes: list[str] = field(default_factory=list)

    def key(self) -> tuple[str, str, str]:
        return self.left, self.operator, str(self.right)


@dataclass
class Segment:
    """Conditions of one clause: OR of AND-chains."""

    chains: list[list[Condition]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (English, Korean)


class Context:
    """What earlier conditions established: the last subject ("70 이상이면 매도" reuses RSI)."""

    def __init__(self, interval: str) -> None:
        self.interval = interval
        self.subject: str | None = None


_MOVE_EN = re.compile(
    r"(?:price\s+|it\s+)?(falls?|drops?|dumps?|declines?|decreases?|plunges?|crashes|tanks?|goes\s+down|is\s+down"
    r"|moves?\s+down|rises?|jumps?|pumps?|gains?|increases?|climbs?|surges?|rallies|goes\s+up|is\s+up|moves?\s+up)"
    r"\s+(?:by\s+)?(?:more\s+than\s+|over\s+|at\s+least\s+)?(\d+(?:\.\d+)?)\s*%"
    r"(?:\s+(?:in|within|over)\s+(?:(?:the\s+)?(?:last|past)\s+)?(?:an?\s+|one\s+)?(\d+)?\s*"
    r"(hours?|h|days?|d|candles?|bars?|minutes?|mins?))?")
_MOVE_KO = re.compile(
    r"(?:(?:가격|시세|종가)(?:이|가|은|는)?\s*)?(?:(\d+)\s*(시간|일|분|개\s*봉|봉|캔들)\s*(?:동안|만에|내에|이내|사이)?\s*)?(?:에\s*)?(\d+(?:\.\d+)?)\s*%\s*"
    r"(?:이상\s*|넘게\s*|초과\s*)?(하락|떨어|급락|빠지|빠져|내리|내려|상승|오르|올라|급등|뛰)")
# "volume spikes" / "거래량 급증": read as volume above twice its 20-bar average (stated in the graph).
SPIKE = re.compile(r"(?:trading\s+)?volume\s+(?:spikes?|surges?|explodes?)"
                    r"|(?:a\s+)?(?:volume\s+spike|spike\s+in\s+volume)"
                    r"|거래량\s*(?:이|가)?\s*(?:급증|폭증|폭발|터지|터질)")
# Moves measured from the position's entry are position_pnl_pct, not a candle's change.
_FROM_ENTRY_EN = re.compile(
    r"(?:it\s+|price\s+)?(falls?|drops?|declines?|goes\s+down|is\s+down|rises?|gains?|goes\s+up|is\s+up)\s+"
    r"(?:by\s+)?(\d+(?:\.\d+)?)\s*%\s+(?:below|under|above|over|from)\s+(?:my|the|our)\s+"
    r"(?:entry(?:\s+price)?|buy(?:ing)?\s+price|purchase\s+price|average\s+price)")
_FROM_ENTRY_KO = re.compile(
    r"(?:매수가|진입가|평단가?|매입가|구매가)\s*(?:대비|보다|에서|기준)?\s*(\d+(?:\.\d+)?)\s*%\s*(?:이상\s*)?"
    r"(하락|떨어|빠지|빠져|내려|상승|오르|올라)")
_DOWN = ("fall", "drop", "dump", "decline", "decrease", "plunge", "crash", "tank", "down",
         "하락", "떨어", "급락", "빠지", "빠져", "내리", "내려")
_BETWEEN_EN = re.compile(r"between\s+(-?\d+(?:\.\d+)?)\s+and\s+(-?\d+(?:\.\d+)?)")
_BETWEEN_KO = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:~|-|에서|와|과)\s*(-?\d+(?:\.\d+)?)\s*사이")


def _window_bars(number: str | None, unit: str | None, interval: str) -> int:
    if not unit:
        return 1
    n = float(number) if number else 1.0
    unit = unit.strip()
    if unit.startswith(("hour", "h", "시간")):
        return bars_for(n, interval)
    if unit.startswith(("day", "d", "일")):
        return bars_for(n * 24, interval)
    if unit.startswith(("min", "분")):
        return bars_for(n / 60, interval)
    return max(1, int(n))


def _moves(text: str, ctx: Context) -> str:
    """"falls 5% in 24 hours", "24시간 동안 5% 이상 하락" → the text "change_pct(24) <= -5", which the
    segment parser then reads like any written condition (so AND/OR around it still work)."""
    def en(m: re.Match[str]) -> str:
        down = any(w in m.group(1) for w in _DOWN)
        return " " + _move(_window_bars(m.group(3), m.group(4), ctx.interval), float(m.group(2)), down) + " "

    def ko(m: re.Match[str]) -> str:
        down = any(w in m.group(4) for w in _DOWN)
        return " " + _move(_window_bars(m.group(1), m.group(2), ctx.interval), float(m.group(3)), down) + " "

    def entry(m: re.Match[str]) -> str:
        groups = [g for g in m.groups() if g]
        verb, pct = (groups[0], groups[1]) if not groups[0][0].isdigit() else (groups[1], groups[0])
        down = any(w in verb for w in _DOWN)
        value = float(pct)
        text_value = str(int(value)) if value.is_integer() else str(value)
        return f" position_pnl_pct <= -{text_value} " if down else f" position_pnl_pct >= {text_value} "

    text = _FROM_ENTRY_KO.sub(entry, _FROM_ENTRY_EN.sub(entry, text))
    return SPIKE.sub(" volume > 2 * volume_sma(20) ", _MOVE_KO.sub(ko, _MOVE_EN.sub(en, text)))


def _move(bars: int, pct: float, down: bool) -> str:
    value = int(pct) if pct.is_integer() else pct
    return f"change_pct({bars}) <= -{value}" if down else f"change_pct({bars}) >= {value}"


def _between(text: str) -> str:
    """"RSI between 40 and 60" → "RSI > 40 그리고 RSI < 60"-like text the segment parser reads."""
    def en(m: re.Match[str]) -> str:
        return f"> {m.group(1)} and < {m.group(2)}"

    def ko(m: re.Match[str]) -> str:
        return f"{m.group(1)} 초과 그리고 {m.group(2)} 미만"

    return _BETWEEN_KO.sub(ko, _BETWEEN_EN.sub(en, text))


def parse_conditions(text: str, ctx: Context) -> Segment:
    """All conditions in one clause's text (actions, amounts, symbols already blanked)."""
    seg = Segment()
    text = _between(text)
    text = _moves(text, ctx)
    # Cut at connectors, remembering which kind each cut was.
    cuts: list[tuple[int, int, str]] = []
    for regex, kind in ((OR_WORDS, "or"), (AND_WORDS, "and")):
        for m in regex.finditer(text):
            if not any(a <= m.start() < b for a, b, _ in cuts):
                cuts.append((m.start(), m.end(), kind))
    cuts.sort()
    pieces: list[tuple[str, str]] = []  # (joiner before the piece, piece text)
    pos, joiner = 0, "and"
    for start, end, kind in cuts:
        pieces.append((joiner, text[pos:start]))
        pos, joiner = end, kind
    pieces.append((joiner, text[pos:]))
    chain: list[Condition] = []
    for joiner, piece in pieces:
        cond = _segment(piece, ctx, seg)
        if cond is None:
            continue
        if joiner == "or" and chain:
            seg.chains.append(chain)
            chain = []
        chain.append(cond)
    if chain:
        seg.chains.append(chain)
    return seg


def _segment(text: str, ctx: Context, seg: Segment) -> Condition | None:
    if not text.strip():
        return None
    operands, rest = ind.find_operands(text)
    specials: list[tuple[int, str]] = []
    for regex, name in ((OVERSOLD, "oversold"), (OVERBOUGHT, "overbought"), (POSITIVE, "positive"),
                        (NEGATIVE, "negative"), (TOUCH, "touch")):
        for m in regex.finditer(rest):
            specials.append((m.start(), name))
            rest = blank(rest, m.start(), m.end())
    cmps: list[tuple[int, int, str]] = []
    for regex, op in COMPARATORS:
        for m in regex.finditer(rest):
            cmps.append((m.start(), m.end(), op))
            rest = blank(rest, m.start(), m.end())
    cmps.sort()
    numbers = ind.find_numbers(rest)
    operands = sorted(operands + numbers, key=lambda o: o.start)
    # "price closes under ...": two words for the same operand, written side by side
    operands = [o for i, o in enumerate(operands) if i == 0 or o.is_number or o.expr != operands[i - 1].expr
                or any(operands[i - 1].end <= c[0] < o.start for c in cmps)]
    operands = _merge_multipliers(operands)
    kinds = {name for _, name in specials}
    if not operands and not cmps and not specials:
        unknown = unknown_words(rest)
        if unknown:
            # Words that are neither filler nor anything we read: dropping them silently would
            # return a strategy that does not match the request.
            part = " ".join(unknown[:6])
            seg.problems.append((f"'{part}' is not something I can turn into a condition",
                                 f"'{part}'은(는) 조건으로 바꿀 수 없습니다"))
        return None
    for (_, end, _), (start, _, _) in itertools.pairwise(cmps):
        if re.search(r"[0-9a-z가-힣]{3,}|\d", rest[end:start].replace(" ", "")) or start - end > 12:
            # Two comparisons with something between them and no and/or: reading one would drop
            # the other, so say so instead.
            seg.problems.append(("two comparisons without 'and' or 'or' between them",
                                 "비교가 두 개인데 '그리고'나 '또는'으로 이어지지 않았습니다"))
            return None
    op = cmps[0][2] if cmps else None
    if len(operands) > 2:
        extra = ", ".join(o.expr for o in operands[2:])
        seg.problems.append((f"more values than one comparison uses ({extra})",
                             f"비교 하나에 값이 너무 많습니다 ({extra})"))
        return None
    if "oversold" in kinds or "overbought" in kinds:
        rsi = next((o.expr for o in operands if o.expr.startswith("rsi(")), "rsi(14)")
        ctx.subject = rsi
        return Condition(rsi, "<", 30) if "oversold" in kinds else Condition(rsi, ">", 70)
    if op is None and ("positive" in kinds or "negative" in kinds):
        op = ">" if "positive" in kinds else "<"
        operands.append(ind.Operand("0", ind.NUMBER, 10**6, 10**6, value=0.0))
    if op is None and "touch" in kinds:
        op = "touch"
    if op is None:
        if any(not o.is_number for o in operands):
            names = ", ".join("price" if o.role == ind.PRICE else o.expr.split("(")[0].upper()
                              for o in operands if not o.is_number)
            seg.problems.append((f"no comparison for {names} (say e.g. 'below 30')",
                                 f"{names}을(를) 무엇과 비교할지 없습니다 (예: '30 아래')"))
        return None
    return _assemble(op, operands, ctx, seg, text)


_EN_FILLER = frozenset({
    "the", "when", "whenever", "if", "its", "it", "is", "are", "was", "be", "been", "being", "goes", "go",
    "going", "gets", "get", "then", "also", "please", "me", "my", "i", "you", "we", "our", "of", "on", "at",
    "for", "with", "chart", "charts", "candle", "candles", "timeframe", "frame", "every", "each", "worth",
    "and", "or", "to", "by", "in", "a", "an", "as", "from", "into", "onto", "up", "down", "this", "that",
    "there", "here", "now", "currently", "just", "once", "again", "same", "time", "times", "should",
    "would", "could", "can", "will", "do", "does", "did", "let", "lets", "want", "like", "wanna", "some",
    "any", "coin", "coins", "token", "tokens", "position", "trade", "trading", "strategy", "using", "use",
    "based", "signal", "signals", "level", "levels", "line", "zone", "area", "market", "both", "either",
    "new"
})
_KO_FILLER = re.compile(
    r"^(?:이|가|을|를|은|는|의|에|에서|으로|로|면|이면|하면|되면|이라면|라면|때|일때|할때|경우|경우에|구간|구간에|구간이면|"
    r"구간에서|나오면|나올때|생기면|발생하면|떨어지면|떨어질때|내려가면|내려갈때|올라가면|올라갈때|오르면|가면|지면|치면|"
    r"찍으면|닿으면|보다|값|값이|값을|선|선을|선이|라인|라인을|봉|봉에서|봉의|봉으로|기준|기준으로|현재|지금|만약|혹시|"
    r"좀|제발|해줘|해주세요|줘|주세요|해|하고|하기|할|및|또|다시|그|이거|차트|차트에서|시장|코인|전략|신호|시그널|"
    r"진입|포지션|상태|상황|정도|이하로|이상으로|미만으로|초과로|아래로|위로|쪽|선에서|에서의|에서는|에는|에도|도|만|"
    r"나|내|저|제|우리|모든|모두|바로|즉시|자동으로|자동|있으면|없으면|이고|이며|이면서|거나|이거나|그리고|또는|혹은|"
    r"보내줘|보내|보내주세요|보내기|해줘요|주라|하자|받기|받고|싶어|싶다|원해|부탁해|부탁|요)$")


def unknown_words(text: str) -> list[str]:
    words = re.findall(r"[a-z]{2,}|[가-힣]+", text)
    return [w for w in words if w not in _EN_FILLER and not (_KO_FILLER.match(w))]


def _merge_multipliers(operands: list[ind.Operand]) -> list[ind.Operand]:
    """"2x its average volume" / "평균의 2배" → one operand ``2 * volume_sma(20)``."""
    out: list[ind.Operand] = []
    i = 0
    while i < len(operands):
        cur = operands[i]
        nxt = operands[i + 1] if i + 1 < len(operands) else None
        if cur.is_number and cur.unit == "x" and nxt is not None and not nxt.is_number:
            out.append(ind.Operand(f"{cur.expr} * {nxt.expr}", nxt.role, cur.start, nxt.end))
            i += 2
            continue
        if not cur.is_number and nxt is not None and nxt.is_number and nxt.unit == "x" and out and \
                not out[-1].is_number:
            out.append(ind.Operand(f"{nxt.expr} * {cur.expr}", cur.role, cur.start, nxt.end))
            i += 2
            continue
        out.append(cur)
        i += 1
    return out


def _resolve(expr: str, op: str, subject: str | None) -> str:
    if "bb_auto(" in expr:
        side = "bb_lower" if op in ("<", "<=", "crosses_below") else "bb_upper"
        expr = expr.replace("bb_auto", side)
    if "avg(" in expr:
        period = re.search(r"avg\((\d+)\)", expr)
        n = period.group(1) if period else "20"
        target = f"volume_sma({n})" if subject in (None, "volume") or (subject or "").startswith("volume") \
            else f"sma({n})"
        expr = re.sub(r"avg\(\d+\)", target, expr)
    return expr


def _number(o: ind.Operand) -> float:
    value = o.value if o.value is not None else float(o.expr)
    return int(value) if float(value).is_integer() else value


def _assemble(op: str, operands: list[ind.Operand], ctx: Context, seg: Segment, text: str) -> Condition | None:
    notes: list[str] = [o.defaulted for o in operands if o.defaulted]
    if op == "touch":
        band = next((o for o in operands if "bb_" in o.expr), None)
        if band is None:
            seg.problems.append(("'touches' needs a band or moving average", "'터치'에는 밴드나 이동평균이 필요합니다"))
            return None
        op = "<=" if ("lower" in band.expr or "bb_auto" in band.expr) else ">="
    if len(operands) >= 2:
        left, right = operands[0], operands[1]
        if left.is_number and not right.is_number:
            left, right, op = right, left, FLIP[op]
        if left.is_number and right.is_number:
            # "BTC 60000 아래로": both numbers only when a price was meant; the first is a period-less
            # stray. Use the subject (or the price) against the last number.
            left_expr = ctx.subject or "close"
            return _finish(left_expr, op, _number(right), ctx, notes)
        left_expr = _resolve(left.expr, op, None)
        if right.is_number:
            return _finish(left_expr, op, _number(right), ctx, notes)
        return _finish(left_expr, op, _resolve(right.expr, op, left_expr), ctx, notes)
    if len(operands) == 1:
        only = operands[0]
        if only.is_number:
            subject = ctx.subject or "close"
            return _finish(subject, op, _number(only), ctx, notes)
        if only.role == ind.AVG and "volume_sma" in only.expr:
            # "거래량 평균 이상" / "above average volume": the volume is the subject, not the price
            return _finish("volume", op, only.expr, ctx, notes)
        if only.role in (ind.LEVEL, ind.BB_AUTO, ind.AVG):
            return _finish("close", op, _resolve(only.expr, op, "close"), ctx, notes)
        if only.role == ind.MACD and op.startswith("crosses"):
            return _finish(only.expr, op, only.expr.replace("macd(", "macd_signal("), ctx, notes)
        if only.role in (ind.OSC, ind.MACD, ind.CHANGE) and op.startswith("crosses"):
            return _finish(only.expr, op, 0, ctx, notes)
        seg.problems.append((f"{only.expr} is compared with nothing (say e.g. '{only.expr} below 30')",
                             f"{only.expr}을(를) 비교할 값이 없습니다 (예: '{only.expr} 30 아래')"))
        return None
    if op.startswith("crosses"):
        notes.append("golden/dead cross read as SMA(50) against SMA(200)")
        return _finish("sma(50)", op, "sma(200)", ctx, notes)
    seg.problems.append((f"a comparison without anything to compare in '{text.strip()}'",
                         f"'{text.strip()}'에 비교할 대상이 없습니다"))
    return None


def _finish(left: str, op: str, right: str | float, ctx: Context, notes: list[str]) -> Condition:
    ctx.subject = left
    return Condition(left, op, right, notes)
