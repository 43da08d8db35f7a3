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
    CROSS_OF,
    MOTION,
    NEGATIVE,
    NEGATIVE_CROSS,
    OR_WORDS,
    OVERBOUGHT,
    OVERSOLD,
    POSITIVE,
    POSITIVE_CROSS,
    TOUCH,
    blank,
)
from core.strategy.compiler.moves import between, moves
from core.strategy.compiler.timeframes import MINUTES
from core.strategy.compiler.vocab import unknown_message, unknown_words
from core.strategy.operands import MAX_PERIOD

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
        self.notes: list[str] = []  # conversions stated to the user (e.g. days to candles)


def parse_conditions(text: str, ctx: Context) -> Segment:
    """All conditions in one clause's text (actions, amounts, symbols already blanked)."""
    seg = Segment()
    text = between(text)
    text = moves(text, ctx.interval)
    text = _ma_pairs(text)
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
        known = len(seg.problems)
        cond = _segment(piece, ctx, seg)
        if len(seg.problems) > known and not seg.problems[-1][0].startswith("'"):
            # Name the part that could not be read, as written (minus what other rules consumed).
            span = " ".join(piece.split())
            en, ko = seg.problems[-1]
            seg.problems[-1] = (f"'{span}': {en}", f"'{span}': {ko}")
        if cond is None:
            continue
        if joiner == "or" and chain:
            seg.chains.append(chain)
            chain = []
        chain.append(cond)
    if chain:
        seg.chains.append(chain)
    return seg


_SPECIALS = ((OVERSOLD, "oversold"), (OVERBOUGHT, "overbought"), (POSITIVE_CROSS, "up0"), (NEGATIVE_CROSS, "down0"),
             (POSITIVE, "positive"), (NEGATIVE, "negative"), (TOUCH, "touch"))
# "MA20/60", "EMA50/EMA200", "MA 20/60", "20/60 이평": two moving averages, written as raw calls.
_MA_PAIR = re.compile(r"(?<![a-z])(ema|sma|ma|이평선?|이동\s*평균선?)\s*(\d+)\s*/\s*(?:(ema|sma|ma)\s*)?(\d+)"
                      r"|(?<![\d.])(\d+)\s*/\s*(\d+)\s*(ema|sma|ma|이평선?|이동\s*평균선?|일선)", re.ASCII)


def _ma_pairs(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            first = "ema" if m.group(1) == "ema" else "sma"
            second = "ema" if (m.group(3) or m.group(1)) == "ema" else "sma"
            return f" {first}({m.group(2)}) {second}({m.group(4)}) "
        kind = "ema" if m.group(7) == "ema" else "sma"
        return f" {kind}({m.group(5)}) {kind}({m.group(6)}) "

    return _MA_PAIR.sub(sub, text)


def _segment(text: str, ctx: Context, seg: Segment) -> Condition | None:
    if not text.strip():
        return None
    operands, rest = ind.find_operands(text)
    kinds: set[str] = set()
    for regex, name in _SPECIALS:
        for m in regex.finditer(rest):
            kinds.add(name)
            rest = blank(rest, m.start(), m.end())
    cmps: list[tuple[int, int, str]] = []
    for regex, op in COMPARATORS:
        for m in regex.finditer(rest):
            cmps.append((m.start(), m.end(), op))
            rest = blank(rest, m.start(), m.end())
    cmps.sort()
    motion = False
    for m in MOTION.finditer(rest):
        motion = True
        rest = blank(rest, m.start(), m.end())
    numbers = ind.find_numbers(rest)
    for n in numbers:
        rest = blank(rest, n.start, n.end)
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
        operands = _periods(operands, text, cmps, bool(cmps) or bool(kinds), ctx)
    except ind.CompileProblem as exc:
        seg.problems.append((str(exc), exc.ko))
        return None
    operands = _merge_multipliers(operands)
    if not operands and not cmps and not kinds:
        return None
    for (_, end, _), (start, _, _) in itertools.pairwise(cmps):
        if re.search(r"[0-9a-z가-힣]{3,}|\d", rest[end:start].replace(" ", "")) or start - end > 12:
            # Two comparisons with something between them and no and/or: reading one would drop
            # the other, so say so instead.
            seg.problems.append(("two comparisons without 'and' or 'or' between them",
                                 "비교가 두 개인데 '그리고'나 '또는'으로 이어지지 않았습니다"))
            return None
    op = _operator(cmps, motion, seg)
    if op == "conflict":
        return None
    operands = _signal_args(operands)
    operands = _percent_from_level(operands, cmps, op)
    if len(operands) > 2:
        extra = ", ".join(o.expr for o in operands[2:])
        seg.problems.append((f"more values than one comparison uses ({extra})",
                             f"비교 하나에 값이 너무 많습니다 ({extra})"))
        return None
    if "oversold" in kinds or "overbought" in kinds:
        rsi = next((o.expr for o in operands if o.expr.startswith("rsi(")), "rsi(14)")
        if any(o.is_number for o in operands) or op is not None:
            seg.problems.append(("'oversold/overbought' with a number of its own",
                                 "과매도/과매수에 별도의 숫자가 있습니다"))
            return None
        ctx.subject = rsi
        return Condition(rsi, "<", 30) if "oversold" in kinds else Condition(rsi, ">", 70)
    zero = ind.Operand("0", ind.NUMBER, 10**6, 10**6, value=0.0)
    if op is None and kinds & {"up0", "down0"}:
        op = "crosses_above" if "up0" in kinds else "crosses_below"
        operands.append(zero)
    if op is None and ("positive" in kinds or "negative" in kinds):
        op = ">" if "positive" in kinds else "<"
        operands.append(zero)
    if op is None and "touch" in kinds:
        op = "touch"
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
    return _assemble(op, operands, ctx, seg, text)


def _operator(cmps: list[tuple[int, int, str]], motion: bool, seg: Segment) -> str | None:
    """The comparison: a cross wins over the level it passes ("70 위로 올라서면"); a motion verb turns a
    level into its cross ("30 아래로 떨어지면")."""
    if not cmps:
        return None
    ops = [c[2] for c in cmps]
    crosses = {o for o in ops if o.startswith("crosses")}
    if crosses:
        levels = {o for o in ops if o in CROSS_OF}
        if len(crosses) > 1 or any(CROSS_OF[o] not in crosses for o in levels):
            seg.problems.append(("a cross and a comparison that point opposite ways",
                                 "방향이 서로 다른 돌파와 비교가 함께 있습니다"))
            return "conflict"
        return crosses.pop()
    op = ops[0]
    return CROSS_OF[op] if op in CROSS_OF and motion else op


def _percent_from_level(operands: list[ind.Operand], cmps: list[tuple[int, int, str]],
                        op: str | None) -> list[ind.Operand]:
    """"price is 5% below the 20 SMA" → close < 0.95 * sma(20); "5% above" → 1.05 ×."""
    if op not in ("<", "<=", ">", ">=", "crosses_above", "crosses_below") or len(operands) != 3:
        return operands
    first, pct, level = operands
    if first.is_number or not pct.is_number or pct.unit != "%" or level.is_number or level.role not in (
            ind.LEVEL, ind.BB_AUTO, ind.PRICE, ind.AVG):
        return operands
    if not any(pct.end <= c[0] < level.start for c in cmps) or pct.value is None or not 0 < pct.value < 100:
        return operands
    below = op in ("<", "<=", "crosses_below")
    factor = round(1 - pct.value / 100 if below else 1 + pct.value / 100, 6)
    expr = f"{factor:g} * {level.expr}"
    return [first, ind.Operand(expr, level.role, pct.start, level.end)]


def _signal_args(operands: list[ind.Operand]) -> list[ind.Operand]:
    """"MACD 8 21 5 crosses above its signal": the signal line belongs to that MACD."""
    macd = next((o for o in operands if o.role == ind.MACD), None)
    if macd is None:
        return operands
    args = macd.expr[len("macd"):]
    return [ind.Operand(o.expr.split("(")[0] + args, o.role, o.start, o.end)
            if o.expr in ("macd_signal(12,26,9)", "macd_hist(12,26,9)") and args != "(12,26,9)" else o
            for o in operands]


def _periods(operands: list[ind.Operand], text: str, cmps: list[tuple[int, int, str]], compared: bool,
             ctx: Context) -> list[ind.Operand]:
    """Periods written without parentheses and periods in days.

    - "RSI 14가 35 밑", "SMA 50": a bare indicator followed by a number takes it as its period when
      another number is left to compare with (a moving average needs none);
    - "RSI30이하": a number glued to RSI is the threshold when nothing else could be;
    - "50-day SMA" on 1h candles: 50 days are 1,200 candles.
    """
    out = list(operands)
    numbers = [o for o in out if o.is_number]
    i = 0
    while i < len(out) - 1:
        cur, nxt = out[i], out[i + 1]
        adjacent = nxt.is_number and nxt.unit is None and not re.search(r"[^\s-]", text[cur.end:nxt.start])
        whole = nxt.value is not None and float(nxt.value).is_integer() and 1 <= nxt.value <= 1000
        later = [o for o in out[i + 2:] if o.is_number]
        # "RSI 30 아래 70 위": a comparator right after the number makes it a threshold, not a period.
        cmp_after = len(cmps) >= 2 and later and any(nxt.end <= c[0] < later[0].start for c in cmps)
        if cur.bare and adjacent and whole and not cmp_after and (cur.role == ind.LEVEL or later):
            name = cur.expr.split("(")[0]
            out[i] = ind.Operand(ind.call(name, int(nxt.value or 0)), cur.role, cur.start, nxt.end)
            del out[i + 1]
            numbers.remove(nxt)
            continue
        i += 1
    for j, o in enumerate(out):
        if o.glued is not None and not numbers and compared:
            out[j] = ind.Operand(ind.call("rsi", 14), o.role, o.start, o.end)
            out.insert(j + 1, ind.Operand(str(o.glued), ind.NUMBER, o.end, o.end, value=float(o.glued)))
            break
    for j, o in enumerate(out):
        if o.days is not None and ctx.interval != "1d":
            bars = o.days * 1440 // MINUTES[ctx.interval]
            name = o.expr.split("(")[0]
            if bars > MAX_PERIOD:
                raise ind.CompileProblem(
                    f"a {o.days}-day average on {ctx.interval} candles needs {bars:,} candles (at most {MAX_PERIOD:,})",
                    f"{ctx.interval} 봉에서 {o.days}일 평균은 {bars:,}개 봉이 필요합니다 (최대 {MAX_PERIOD:,})")
            out[j] = ind.Operand(ind.call(name, bars), o.role, o.start, o.end)
            ctx.notes.append(f"{o.days}-day {name.upper()} on {ctx.interval} candles = {name.upper()}({bars})")
    return out


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
