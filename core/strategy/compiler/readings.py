"""How written operands are read before a condition is assembled: periods without parentheses and
in days, a number glued to RSI, a percent off a level, the signal line of a named MACD, pairs of
moving averages ("MA20/60"), and which comparison a clause makes (a motion verb makes a cross)."""

from __future__ import annotations

import itertools
import re

from core.strategy.compiler import indicators as ind
from core.strategy.compiler.lexicon import CROSS_OF
from core.strategy.compiler.model import Condition, Context, Segment
from core.strategy.compiler.timeframes import MINUTES
from core.strategy.operands import MAX_PERIOD

_HANGUL = re.compile(r"[가-힣]")

_MA_PAIR = re.compile(r"(?<![a-z])(ema|sma|ma|이평선?|이동\s*평균선?)\s*(\d+)\s*/\s*(?:(ema|sma|ma)\s*)?(\d+)"
                      r"|(?<![\d.])(\d+)\s*/\s*(\d+)\s*(ema|sma|ma|이평선?|이동\s*평균선?|일선)", re.ASCII)


def ma_pairs(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            first = "ema" if m.group(1) == "ema" else "sma"
            second = "ema" if (m.group(3) or m.group(1)) == "ema" else "sma"
            return f" {first}({m.group(2)}) {second}({m.group(4)}) "
        kind = "ema" if m.group(7) == "ema" else "sma"
        return f" {kind}({m.group(5)}) {kind}({m.group(6)}) "

    return _MA_PAIR.sub(sub, text)


def operator(cmps: list[tuple[int, int, str]], motion: bool, seg: Segment) -> str | None:
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
    directions = {CROSS_OF[o] for o in ops if o in CROSS_OF}
    if len(directions) > 1:  # "above or equal to" is one; "5% or more below" is settled by the percent rule
        return "mixed"
    op = ops[0]
    return CROSS_OF[op] if op in CROSS_OF and motion else op


_MULTIPLE = re.compile(r"^\d+(?:\.\d+)? \* (?:avg|volume_sma)\(")


def multiple_of_average(operands: list[ind.Operand]) -> bool:
    """Volume and a multiple of its average, and nothing else: "volume 3x the average"."""
    multiple = [o for o in operands if _MULTIPLE.match(o.expr)]
    others = [o for o in operands if o not in multiple]
    return len(multiple) == 1 and all(o.expr == "volume" for o in others) and (
        bool(others) or "volume_sma" in multiple[0].expr)


_BARE_LINE = re.compile(r"\d+\s*선")


def level_lines(operands: list[ind.Operand], text: str) -> list[ind.Operand]:
    """"RSI 30선": after an oscillator, a number with 선 is its level line, not a 30-day average."""
    out = list(operands)
    for i in range(1, len(out)):
        o = out[i]
        if out[0].expr.startswith(("rsi(", "macd", "change_pct(", "position_pnl_pct")) and o.expr.startswith("sma(") \
                and _BARE_LINE.fullmatch(text[o.start:o.end].strip()):
            value = float(o.expr[4:-1])
            out[i] = ind.Operand(o.expr[4:-1], ind.NUMBER, o.start, o.end, value=value)
    return out


def motion_way(op: str | None, neutral: bool, ups: bool, downs: bool, seg: Segment) -> str | None:
    """A cross read against the way its motion verb goes: "하단 뚫고 내려가면" is a cross below (돌파/뚫
    say no way of their own); "crosses above ... and drops" points two ways and is refused."""
    if op is None or not op.startswith("crosses") or not (ups or downs):
        return op
    if ups and downs:
        seg.problems.append(("it moves both up and down; which way it must cross is not clear",
                             "오르는 말과 내리는 말이 함께 있어 어느 방향으로 지나가야 하는지 분명하지 않습니다"))
        return "conflict"
    moved = "crosses_above" if ups else "crosses_below"
    if moved == op:
        return op
    if neutral:
        return moved
    seg.problems.append(("a cross and a move that point opposite ways", "돌파 방향과 움직임의 방향이 서로 다릅니다"))
    return "conflict"


_AT_SIDE = re.compile(r"(?:위|아래|밑)\s*(?:에서|서)(?=\s)")


def cross_at_side(op: str | None, text: str, seg: Segment) -> str | None:
    """"0선 위에서 골든크로스": a cross while on one side of a level, or the cross of that level? The
    side rules have already read "아래에서 올라오면"; what is left names where, not which way."""
    found = _AT_SIDE.search(text) if op and op.startswith("crosses") else None
    if found is None:
        return op
    span = " ".join(text.split())
    seg.problems.append((f"'{span}': a cross said to happen on one side of a level is not clear (say the level and "
                         "the cross as two conditions joined by 'and')",
                         f"'{span}': 선의 위나 아래'에서' 일어나는 교차인지, 그 선을 교차하는 것인지 분명하지 않습니다 "
                         "('MACD가 0 위에 있고 "
                         "시그널을 상향 돌파하면'처럼 두 조건으로 말해 주세요)"))
    return "conflict"


_SIGNED = ("macd", "change_pct(", "position_pnl_pct")
_SIGN_WORDS = {"positive", "negative", "up0", "down0"}


def signed_only(cond: Condition | None, kinds: set[str], text: str, seg: Segment) -> Condition | None:
    """"양전하면", "turns green", "is positive" of something that is never below zero (the price, volume,
    RSI): the trader means the day's or the candle's change, which the words do not say."""
    if cond is None or not kinds & _SIGN_WORDS or cond.left.startswith(_SIGNED):
        return cond
    span = " ".join(text.split())
    seg.problems.append((f"'{span}': {cond.left} is never below zero, so turning positive or negative must be "
                         "its change; say over which window (e.g. 'up 0% or more from the previous candle')",
                         f"'{span}': {cond.left}은(는) 0 아래로 내려가지 않으니 양전/음전은 변동률을 말합니다. "
                         "기간을 말해 주세요 (예: '전일 대비 0% 이상 오르면')"))
    return None


def band_way(cond: Condition, text: str, seg: Segment) -> Condition | None:
    """A band edge crossed by a word with no way of its own: "하단 돌파" is said for breaking down
    through the lower band as often as for coming back up into it ("상단 이탈" likewise), so either
    reading could be the wrong trade."""
    right = str(cond.right)
    if not ((cond.operator == "crosses_above" and "bb_lower" in right)
            or (cond.operator == "crosses_below" and "bb_upper" in right)):
        return cond
    span = " ".join(text.split())
    seg.problems.append((f"'{span}' does not say which way it crosses the band (say e.g. 'drops below the "
                         "lower band' or 'crosses back above the lower band')",
                         f"'{span}' — 밴드를 어느 방향으로 지나는지 없습니다 ('아래로 이탈' 또는 "
                         "'상향 돌파'처럼 말해 주세요)"))
    return None


_THAN = re.compile(r"\s*(?:보다|대비|에\s*비해)\s*$")
# the word that says which side of the level, as opposed to "이상"/"넘게"/"초과" saying how far past it
_SIDE_KO = re.compile(r"아래|밑|위|낮|높|작|크|하회|상회")


def percent_from_level(operands: list[ind.Operand], cmps: list[tuple[int, int, str]],
                       op: str | None, motion: bool, text: str = "") -> tuple[list[ind.Operand], str | None]:
    """"price is 5% below the 20 SMA" → close < 0.95 * sma(20); "5% above" → 1.05 ×; "5% or more
    below" → close <= 0.95 * sma(20). The comparison next to the level gives the direction.

    Korean writes the level before the percent and the side after it: "가격이 EMA 50보다 5% 넘게
    아래면" is close < 0.95 * ema(50), "20일선 대비 3% 이상 낮으면" close <= 0.97 * sma(20)."""
    if op is None or len(operands) != 3:
        return operands, op
    first, pct, level = operands
    if not first.is_number and level.is_number and level.unit == "%" and not pct.is_number \
            and _THAN.match(text[pct.end:level.start]):
        pct, level = level, pct
        near = [c for c in cmps if c[0] >= pct.end and c[2] in CROSS_OF and _SIDE_KO.search(text[c[0]:c[1]])]
    elif first.is_number or not pct.is_number or pct.unit != "%" or level.is_number:
        return operands, op
    else:
        near = [c for c in cmps if pct.end <= c[0] < level.start and c[2] in ("<", ">", "<=", ">=")]
    if level.role not in (ind.LEVEL, ind.BB_AUTO, ind.PRICE, ind.AVG):
        return operands, op
    if not near or pct.value is None or not 0 < pct.value < 100 or (op.startswith("crosses") and not motion):
        return operands, op
    below = CROSS_OF[near[-1][2]] == "crosses_below"
    inclusive = any(c[2] in ("<=", ">=") for c in cmps)
    op = ("<=" if inclusive else "<") if below else (">=" if inclusive else ">")
    if motion:
        op = CROSS_OF[op]
    factor = round(1 - pct.value / 100 if below else 1 + pct.value / 100, 6)
    start, end = min(pct.start, level.start), max(pct.end, level.end)
    return [first, ind.Operand(f"{factor:g} * {level.expr}", level.role, start, end)], op


def signal_args(operands: list[ind.Operand]) -> list[ind.Operand]:
    """"MACD 8 21 5 crosses above its signal": the signal line belongs to that MACD."""
    macd = next((o for o in operands if o.role == ind.MACD), None)
    if macd is None:
        return operands
    args = macd.expr[len("macd"):]
    return [ind.Operand(o.expr.split("(")[0] + args, o.role, o.start, o.end)
            if o.expr in ("macd_signal(12,26,9)", "macd_hist(12,26,9)") and args != "(12,26,9)" else o
            for o in operands]


def periods(operands: list[ind.Operand], text: str, cmps: list[tuple[int, int, str]], compared: bool,
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
        # A Korean comparator follows its value ("RSI 30 이하", "RSI 30 아래 70 위"): one right after the
        # number makes the number a threshold, not a period. English ones precede it ("RSI 21 is below 35").
        between = [text[c[0]:c[1]] for c in cmps if later and nxt.end <= c[0] < later[0].start]
        cmp_after = any(_HANGUL.search(word) for word in between) or (len(cmps) >= 2 and bool(between))
        if cur.bare and adjacent and whole and not cmp_after and (cur.role == ind.LEVEL or later):
            name = cur.expr.split("(")[0]
            if later and not re.search(r"[^\s,]", text[nxt.end:later[0].start]):
                # "RSI 30 40 이하": two bare numbers in a row; the first may be a period or a stray level
                span = text[cur.start:later[0].end].strip()
                raise ind.CompileProblem(
                    f"'{span}' — is {nxt.expr} the period or a level? Put a period in parentheses, "
                    f"e.g. '{name.upper()}({nxt.expr})'",
                    f"'{span}' — {nxt.expr}이(가) 기간인지 기준값인지 알 수 없습니다. 기간은 괄호에 넣어 "
                    f"주세요 (예: '{name.upper()}({nxt.expr})')")
            out[i] = ind.Operand(ind.call(name, int(nxt.value or 0)), cur.role, cur.start, nxt.end)
            del out[i + 1]
            numbers.remove(nxt)
            continue
        i += 1
    for cur, nxt in itertools.pairwise(out):
        # "SMA 50 200 위면", "EMA 20 50 crosses above": a period written without parentheses right
        # before a bare number; it may be one average against a level or two averages
        written = text[cur.start:cur.end].strip()
        if not cur.is_number and nxt.is_number and nxt.unit is None and written[-1:].isdigit() \
                and not re.search(r"[^\s,]", text[cur.end:nxt.start]) \
                and not (cur.expr.startswith(("rsi(", "atr(")) and re.search(r"[a-z가-힣]\d+$", written)):
            # ("RSI14 30 이하": a period glued to RSI leaves the next number nothing to be but its level)
            span = text[cur.start:nxt.end].strip()
            pair = f"{written}/{nxt.expr}"
            raise ind.CompileProblem(
                f"'{span}' — is {nxt.expr} a level or a second period? Write e.g. "
                f"'{cur.expr} above {nxt.expr}' or '{pair}'",
                f"'{span}' — {nxt.expr}이(가) 기준값인지 두 번째 기간인지 알 수 없습니다. 예: "
                f"'{cur.expr} {nxt.expr} 위', '{pair}'")
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


def merge_multipliers(operands: list[ind.Operand]) -> list[ind.Operand]:
    """"2x its average volume" / "평균의 2배" → one operand ``2 * volume_sma(20)``."""
    out: list[ind.Operand] = []
    i = 0
    while i < len(operands):
        cur = operands[i]
        nxt = operands[i + 1] if i + 1 < len(operands) else None
        if cur.is_number and cur.unit == "x" and nxt is not None and not nxt.is_number:
            out.append(ind.Operand(f"{cur.expr} * {nxt.expr}", nxt.role, cur.start, nxt.end, defaulted=nxt.defaulted))
            i += 2
            continue
        if not cur.is_number and nxt is not None and nxt.is_number and nxt.unit == "x" and (
                (out and not out[-1].is_number) or "volume_sma" in cur.expr):  # "거래량 평균 2배 이상"
            out.append(ind.Operand(f"{nxt.expr} * {cur.expr}", cur.role, cur.start, nxt.end, defaulted=cur.defaulted))
            i += 2
            continue
        out.append(cur)
        i += 1
    return out
