"""Condition phrases to (left, operator, right) triples, joined by AND/OR.

A clause's condition text is cut at AND/OR words into segments; each segment yields at most one
condition from its operands (indicators, prices, numbers) and its comparator. English puts the
comparator between the operands ("RSI below 30"), Korean after them ("RSI가 30 아래로"); both
come out as ``left op right`` in the order the operands were written.
"""

from __future__ import annotations

import itertools
import re

from core.strategy.compiler import indicators as ind
from core.strategy.compiler import phrasing
from core.strategy.compiler import readings as rd
from core.strategy.compiler.lexicon import (
    AND_WORDS,
    COMPARATORS,
    MOTION,
    MOTION_DOWN,
    MOTION_UP,
    NEGATIVE,
    NEGATIVE_CROSS,
    NEUTRAL_CROSS,
    OR_WORDS,
    OVERBOUGHT,
    OVERBOUGHT_EXIT,
    OVERSOLD,
    OVERSOLD_EXIT,
    POSITIVE,
    POSITIVE_CROSS,
    TOUCH,
    blank,
    has_hangul,
)
from core.strategy.compiler.model import Condition, Context, Segment
from core.strategy.compiler.moves import between, moves
from core.strategy.compiler.vocab import unknown_message, unknown_words

FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!=",
        "crosses_above": "crosses_below", "crosses_below": "crosses_above"}


def parse_conditions(text: str, ctx: Context) -> Segment:
    """All conditions in one clause's text (actions, amounts, symbols already blanked)."""
    seg = Segment()
    passive = phrasing.passive_problem(text)
    if passive:
        seg.problems.append(passive)
        return seg
    text = between(text)
    text = moves(text, ctx.interval, ctx.no_position)
    text = phrasing.rewrite(text)
    side = phrasing.side_problem(text)
    if side:
        seg.problems.append(side)
        return seg
    text = rd.ma_pairs(text)
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
    last: Condition | None = None
    for joiner, piece in pieces:
        known = len(seg.problems)
        bare = _BARE_SIDE.match(piece)
        if bare and joiner == "or" and last is not None and last.operator.startswith("crosses") \
                and isinstance(last.right, int | float):
            # "crosses above 50 or below 40": the second side is crossed too, not a level ("crosses above 70
            # and below 80" keeps its level)
            piece = f" crosses {bare.group(1)} {bare.group(2)} "
        cond = _segment(piece, ctx, seg)
        if len(seg.problems) > known and not seg.problems[-1][0].startswith("'"):
            # Name the part that could not be read, as written (minus what other rules consumed).
            span = " ".join(piece.split())
            en, ko = seg.problems[-1]
            seg.problems[-1] = (f"'{span}': {en}", f"'{span}': {ko}")
        if cond is None:
            continue
        last = cond
        if joiner == "or" and chain:
            seg.chains.append(chain)
            chain = []
        chain.append(cond)
    if chain:
        seg.chains.append(chain)
    return seg


_BARE_SIDE = re.compile(r"^\s*(?:back\s+)?(below|under|above|over)\s+(-?\d+(?:\.\d+)?)\s*$", re.ASCII)
_SPECIALS = ((OVERSOLD_EXIT, "oversold_exit"), (OVERBOUGHT_EXIT, "overbought_exit"),
             (OVERSOLD, "oversold"), (OVERBOUGHT, "overbought"), (POSITIVE_CROSS, "up0"), (NEGATIVE_CROSS, "down0"),
             (POSITIVE, "positive"), (NEGATIVE, "negative"), (TOUCH, "touch"))
# "MA20/60", "EMA50/EMA200", "MA 20/60", "20/60 이평": two moving averages, written as raw calls.
def _segment(text: str, ctx: Context, seg: Segment) -> Condition | None:
    if not text.strip():
        return None
    operands, rest = ind.find_operands(text)
    kinds: set[str] = set()
    touch_at = (0, 0)
    for regex, name in _SPECIALS:
        for m in regex.finditer(rest):
            kinds.add(name)
            touch_at = (m.start(), m.end()) if name == "touch" else touch_at
            rest = blank(rest, m.start(), m.end())
    neutral = bool(NEUTRAL_CROSS.search(rest))
    cmps: list[tuple[int, int, str]] = []
    for regex, op in COMPARATORS:
        for m in regex.finditer(rest):
            cmps.append((m.start(), m.end(), op))
            rest = blank(rest, m.start(), m.end())
    cmps.sort()
    motion = ups = downs = False
    for m in MOTION.finditer(rest):
        motion = True
        ups, downs = ups or bool(MOTION_UP.match(m.group())), downs or bool(MOTION_DOWN.match(m.group()))
        rest = blank(rest, m.start(), m.end())
    numbers = ind.find_numbers(rest)
    for n in numbers:
        rest = blank(rest, n.start, n.end)
    undirected = phrasing.no_direction(rest, text)
    if undirected:  # "crosses 30": above or below? Either reading could be the wrong trade.
        seg.problems.append(undirected)
        return None
    leftover = unknown_words(rest)
    if leftover:
        # Words that are neither filler nor anything we read: dropping them silently would
        # return a strategy that does not match the request.
        seg.problems.append((unknown_message(leftover, "en")[0], unknown_message(leftover, "ko")[1]))
        return None
    operands = sorted(operands + numbers, key=lambda o: o.start)
    # "price closes under ...": two words for the same operand, written side by side
    operands = [o for i, o in enumerate(operands) if i == 0 or o.is_number or o.expr != operands[i - 1].expr
                or any(operands[i - 1].end <= c[0] < o.start for c in cmps)]
    try:
        operands = rd.periods(operands, text, cmps, bool(cmps) or bool(kinds), ctx)
    except ind.CompileProblem as exc:
        seg.problems.append((str(exc), exc.ko))
        return None
    operands = rd.merge_multipliers(operands)
    flipped = _side_before_subject(operands, cmps, text)
    if flipped:
        seg.problems.append(flipped)
        return None
    if not operands and not cmps and not kinds:
        if motion:  # "crosses above the EMA and drops": what drops, and past what, is not said
            seg.problems.append((f"'{text.strip()}' does not say what moves past what",
                                 f"'{text.strip()}'에서 무엇이 어디를 지나는지 알 수 없습니다"))
        return None
    for (_, end, _), (start, _, _) in itertools.pairwise(cmps):
        if re.search(r"[0-9a-z가-힣]{3,}|\d", rest[end:start].replace(" ", "")) or start - end > 12:
            # Two comparisons with something between them and no and/or: reading one would drop
            # the other, so say so instead.
            seg.problems.append(("two comparisons without 'and' or 'or' between them",
                                 "비교가 두 개인데 '그리고'나 '또는'으로 이어지지 않았습니다"))
            return None
    op = rd.motion_way(rd.operator(cmps, motion, seg), neutral and len(cmps) == 1, ups, downs, seg)
    op = rd.cross_at_side(op, text, seg)
    if op == "conflict":
        return None
    operands = rd.signal_args(operands)
    mixed = op == "mixed"
    before = len(operands)
    operands, op = rd.percent_from_level(operands, cmps, cmps[-1][2] if mixed else op, motion, text)
    if mixed and len(operands) == before:  # only "5% or more below" may mix two directions
        seg.problems.append(("comparisons that point opposite ways", "방향이 서로 다른 비교가 함께 있습니다"))
        return None
    if len(operands) > 2:
        extra = ", ".join(o.expr for o in operands[2:])
        seg.problems.append((f"more values than one comparison uses ({extra})",
                             f"비교 하나에 값이 너무 많습니다 ({extra})"))
        return None
    if kinds & {"oversold_exit", "overbought_exit"}:
        rsi = next((o.expr for o in operands if o.expr.startswith("rsi(")), "rsi(14)")
        if any(o.is_number or not o.expr.startswith("rsi(") for o in operands) or op is not None or len(kinds) > 1:
            seg.problems.append(("'out of oversold/overbought' with a comparison of its own",
                                 "과매도/과매수 탈출에 별도의 비교가 있습니다"))
            return None
        ctx.subject, ctx.against_number = rsi, True
        return (Condition(rsi, "crosses_above", 30) if "oversold_exit" in kinds
                else Condition(rsi, "crosses_below", 70))
    if "oversold" in kinds or "overbought" in kinds:
        rsi = next((o.expr for o in operands if o.expr.startswith("rsi(")), "rsi(14)")
        if any(o.is_number or not o.expr.startswith("rsi(") for o in operands) or op is not None:
            seg.problems.append(("oversold/overbought is an RSI zone, said here with another value or comparison",
                                 "과매도/과매수는 RSI 구간인데 다른 값이나 비교가 함께 있습니다"))
            return None
        ctx.subject, ctx.against_number = rsi, True
        over = "overbought" in kinds
        if motion:  # "과매수 구간 진입하면", "drops into oversold": the moment it enters the zone
            if (over and downs) or (not over and ups) or len(kinds) > 1:
                seg.problems.append(("a move that points away from the zone it enters",
                                     "구간에 들어가는 방향과 움직임의 방향이 다릅니다"))
                return None
            return Condition(rsi, "crosses_above", 70) if over else Condition(rsi, "crosses_below", 30)
        return Condition(rsi, ">", 70) if over else Condition(rsi, "<", 30)
    zero = ind.Operand("0", ind.NUMBER, 10**6, 10**6, value=0.0)
    if op is None and kinds & {"up0", "down0"}:
        op = "crosses_above" if "up0" in kinds else "crosses_below"
        operands.append(zero)
    if op is None and ("positive" in kinds or "negative" in kinds):
        op = ">" if "positive" in kinds else "<"
        operands.append(zero)
    if op is None and "touch" in kinds:
        if not any("bb_" in o.expr for o in operands):
            # "hits 50k", "touches the 200 EMA": from above or from below decides the trade.
            span = phrasing.with_value(touch_at[0], touch_at[1], rest, text)
            seg.problems.append((f"'{span}' does not say from which side (say e.g. 'rises to' / 'goes above' "
                                 "or 'drops to' / 'falls below')",
                                 f"'{span}' — 어느 쪽에서 닿는지 없습니다 ('위로 올라가면' 또는 '아래로 떨어지면'처럼 "
                                 "말해 주세요)"))
            return None
        op = "touch"
    if op is None and not kinds and rd.multiple_of_average(operands):
        op = ">"  # "volume is 3 times the average": more than that multiple
    if op is None:
        if any(not o.is_number for o in operands):
            names = ", ".join("price" if o.role == ind.PRICE else o.expr.split("(")[0].upper()
                              for o in operands if not o.is_number)
            seg.problems.append((f"no comparison for {names} (say e.g. 'below 30')",
                                 f"{names}을(를) 무엇과 비교할지 없습니다 (예: '30 아래')"))
        elif operands:
            stray = ", ".join(o.expr for o in operands)
            seg.problems.append((f"the number {stray} is attached to nothing I can read",
                                 f"숫자 {stray}이(가) 무엇에 대한 것인지 알 수 없습니다"))
        return None
    inclusive = any(c[2] in ("<=", ">=") for c in cmps)
    cond = rd.signed_only(_assemble(op, operands, ctx, seg, text, inclusive), kinds, text, seg)
    if cond is not None and neutral and len(cmps) == 1 and not (ups or downs):
        return rd.band_way(cond, text, seg)
    return cond


_SUBJECT_MARK = re.compile(r"\s*(?:이|가|은|는)(?![가-힣])")


def _side_before_subject(operands: list[ind.Operand], cmps: list[tuple[int, int, str]],
                         text: str) -> tuple[str, str] | None:
    """"50일 이동평균선 위로 종가 마감하면": a Korean side word between two lines, the first one unmarked
    as the subject, says the second is on that side of the first; reading it first-to-second turns it round."""
    if len(operands) != 2 or any(o.is_number for o in operands):
        return None
    first, second = operands
    between = [c for c in cmps if first.end <= c[0] < second.start and has_hangul(text[c[0]:c[1]])]
    if not between or _SUBJECT_MARK.match(text[first.end:]):
        return None
    said = " ".join(text.split())
    return (f"'{said}': say what is above or below what with the subject first "
            "(e.g. 'the close above the 50-day average')",
            f"'{said}': 무엇이 무엇의 위나 아래인지 주어를 먼저 써 주세요 (예: '종가가 50일선 위로 마감하면')")


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


_PERCENT_OF = ("change_pct(", "position_pnl_pct", "rsi(")
_LEVEL_OF = {"crosses_above": ">", "crosses_below": "<"}
_OSCILLATORS = ("rsi(", "macd", "change_pct(", "position_pnl_pct")
_PRICE_LINES = ("sma(", "ema(", "bb_")
def _assemble(op: str, operands: list[ind.Operand], ctx: Context, seg: Segment, text: str,
              inclusive: bool = False) -> Condition | None:
    times = next((o for o in operands if o.is_number and o.unit == "x"), None)
    if times is not None:
        # "2배" / "3x" left on its own is a multiple of nothing: comparing a line with the bare number
        # 2 would be a wrong graph
        seg.problems.append((f"'{times.expr}x' is not a multiple of anything I can read (say e.g. '2x its "
                             "average volume')",
                             f"'{times.expr}배'가 무엇의 배수인지 알 수 없습니다 (예: '거래량이 평균의 2배')"))
        return None
    operands = rd.level_lines(operands, text)
    cond = _assemble_raw(op, operands, ctx, seg, text)
    if cond is not None and cond.left.startswith(_OSCILLATORS) and str(cond.right).startswith(_PRICE_LINES):
        # RSI against a moving average of the price: two scales that never meet
        seg.problems.append((f"{cond.left} is compared with {cond.right}, a price line",
                             f"{cond.left}을(를) 가격선 {cond.right}과(와) 비교할 수 없습니다"))
        return None
    if cond is not None and cond.left == "volume" and "volume_sma" in str(cond.right) and cond.operator in _LEVEL_OF:
        # Volume starts again at every candle: "volume jumps above 3x its average", "평균의 3배를
        # 넘으면" is that candle's volume above the multiple, not a line crossing another; "3배 이상 터지면"
        # keeps the multiple itself.
        level = _LEVEL_OF[cond.operator] + ("=" if inclusive else "")
        cond = Condition(cond.left, level, cond.right, cond.notes)
    pct = next((o for o in operands if o.is_number and o.unit == "%"), None)
    if cond is not None and pct is not None and not cond.left.startswith(_PERCENT_OF):
        # "종가가 이전 종가보다 3% 높으면" read as close >= 3 would be a wrong graph: a percent
        # compared with a price needs what it is a percent of.
        seg.problems.append((f"'{pct.expr}%' is compared with {cond.left}, which is not a percentage "
                             "(say e.g. 'up 3% from the previous candle' or '3% below the 20 EMA')",
                             f"'{pct.expr}%'를 {cond.left}와 비교할 수 없습니다 (예: '직전 봉 대비 3% 이상 오르면', "
                             "'20 EMA보다 3% 아래')"))
        return None
    return cond


def _assemble_raw(op: str, operands: list[ind.Operand], ctx: Context, seg: Segment, text: str) -> Condition | None:
    notes: list[str] = [o.defaulted for o in operands if o.defaulted]
    if len(operands) > 2:  # "RSI와 MACD가 양수면": a third value (here the zero) would be dropped
        extra = ", ".join(o.expr for o in operands[2:])
        seg.problems.append((f"more values than one comparison uses ({extra})",
                             f"비교 하나에 값이 너무 많습니다 ({extra})"))
        return None
    if op == "touch":
        band = next((o for o in operands if "bb_" in o.expr), None)
        if band is None:
            seg.problems.append(("'touches' needs a band or moving average", "'터치'에는 밴드나 이동평균이 필요합니다"))
            return None
        op = "<=" if ("lower" in band.expr or "bb_auto" in band.expr) else ">="
    if len(operands) >= 2:
        left, right = operands[0], operands[1]
        if re.match(r"\s*(?:보다|[을를](?![가-힣]))", text[left.end:right.start]) and not re.match(
                r"\s*[을를](?![가-힣])", text[right.end:]):
            # "20일선보다 종가가 높으면", "20일선을 가격이 돌파하면": the particle marks what is compared
            # with or crossed; the other one is the subject, whichever is written first
            left, right = right, left
        if left.is_number and not right.is_number:
            # "30 밑으로 RSI가 떨어지면", "30보다 RSI가 낮으면": the comparison belongs to what is compared,
            # whichever is written first, so swapping the two and flipping the operator would turn it
            # round; the order does not say which reading was meant.
            said = " ".join(text.split())
            seg.problems.append((f"'{said}' names the value {left.expr} before {right.expr}; write "
                                 f"{right.expr} first (e.g. 'RSI below 30')",
                                 f"'{said}'에서 값 {left.expr}이(가) {right.expr}보다 먼저 나옵니다. "
                                 f"지표를 먼저 써 주세요 (예: 'RSI가 30 아래로')"))
            return None
        if left.is_number and right.is_number:
            # "비트코인 60000 65000 아래로": which of the two numbers is the level is not said; using
            # one and dropping the other would be a guess
            seg.problems.append((f"'{text.strip()}' has two numbers ({left.expr}, {right.expr}) for one comparison",
                                 f"'{text.strip()}'에 비교 하나에 숫자가 둘 있습니다 ({left.expr}, {right.expr})"))
            return None
        left_expr = _resolve(left.expr, op, None)
        if right.is_number:
            return _finish(left_expr, op, _number(right), ctx, notes)
        return _finish(left_expr, op, _resolve(right.expr, op, left_expr), ctx, notes)
    if len(operands) == 1:
        only = operands[0]
        if only.is_number:
            if ctx.subject is not None and not ctx.against_number:
                # "RSI 30 아래고 거래량 평균 이상이면 매수, 70 위면 매도": 70 is the RSI's, not the volume's;
                # only a subject last compared with a number may lend itself to a bare number
                seg.problems.append((f"'{' '.join(text.split())}' does not say what is compared with {only.expr}",
                                     f"'{' '.join(text.split())}'에서 무엇을 {only.expr}과(와) 비교하는지 없습니다"))
                return None
            subject = ctx.subject or "close"
            return _finish(subject, op, _number(only), ctx, notes)
        if only.role == ind.AVG and "volume_sma" in only.expr:
            # "거래량 평균 이상" / "above average volume": the volume is the subject, not the price
            return _finish("volume", op, only.expr, ctx, notes)
        if only.role in (ind.LEVEL, ind.BB_AUTO, ind.AVG):
            if op.startswith("crosses") and (ctx.subject or "").startswith(("sma(", "ema(")):
                # "the 20 EMA crosses above the 50 EMA and crosses below the 50 EMA": what crosses in
                # the second clause may be the 20 EMA or the price
                seg.problems.append((f"'{text.strip()}' does not say what crosses {only.expr}",
                                     f"'{text.strip()}'에서 무엇이 {only.expr}을(를) 교차하는지 알 수 없습니다"))
                return None
            return _finish("close", op, _resolve(only.expr, op, "close"), ctx, notes)
        if only.expr.startswith("macd_signal(") and op.startswith("crosses"):
            # "... and crosses below its signal": the signal line is what is crossed, by the MACD
            # the sentence named before; with no MACD before it, what crosses it is unsaid.
            if (ctx.subject or "").startswith("macd("):
                return _finish(ctx.subject or "", op, only.expr, ctx, notes)
            if re.search(r"macd|맥디", text[only.start:only.end]) and has_hangul(text) \
                    and not re.match(r"\s*(?:이|가)(?:\s|$)", text[only.end:]):
                # "MACD 시그널(을) 돌파": the signal is what is crossed, and only the MACD line crosses
                # its own signal ("MACD signal crosses up" may be the signal crossing the MACD: declined)
                return _finish(only.expr.replace("macd_signal(", "macd("), op, only.expr, ctx, notes)
            seg.problems.append((f"'{text.strip()}' does not say what crosses the signal line",
                                 f"'{text.strip()}'에서 무엇이 시그널선을 교차하는지 알 수 없습니다"))
            return None
        if only.role == ind.MACD and op.startswith("crosses"):
            return _finish(only.expr, op, only.expr.replace("macd(", "macd_signal("), ctx, notes)
        if only.role in (ind.OSC, ind.MACD, ind.CHANGE) and op.startswith("crosses"):
            return _finish(only.expr, op, 0, ctx, notes)
        seg.problems.append((f"{only.expr} is compared with nothing (say e.g. '{only.expr} below 30')",
                             f"{only.expr}을(를) 비교할 값이 없습니다 (예: '{only.expr} 30 아래')"))
        return None
    if op.startswith("crosses"):
        if ctx.subject is not None:
            # "MACD 골든크로스이면서 데드크로스면": after a named indicator, a bare cross may be that
            # indicator's or the 50/200 averages'; either reading could be the wrong graph.
            way, ko_way = ("above", "상향") if op == "crosses_above" else ("below", "하향")
            seg.problems.append((f"'{text.strip()}' does not say what crosses what "
                                 f"(say e.g. 'SMA 50 crosses {way} SMA 200')",
                                 f"'{text.strip()}'에서 무엇이 무엇을 교차하는지 알 수 없습니다 "
                                 f"(예: '50일선이 200일선을 {ko_way} 돌파')"))
            return None
        notes.append("golden/dead cross read as SMA(50) against SMA(200)")
        return _finish("sma(50)", op, "sma(200)", ctx, notes)
    seg.problems.append((f"a comparison without anything to compare in '{text.strip()}'",
                         f"'{text.strip()}'에 비교할 대상이 없습니다"))
    return None


def _finish(left: str, op: str, right: str | float, ctx: Context, notes: list[str]) -> Condition:
    ctx.subject, ctx.against_number = left, isinstance(right, int | float)
    return Condition(left, op, right, notes)
