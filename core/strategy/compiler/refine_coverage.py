"""Coverage of a refinement: every word of the instruction is read by the change it made, or it is declined.

A refinement applies the change it recognises first ("make the RSI period 21 and switch to ETH" sets
the period); anything else the instruction said would be dropped silently. After the edit, each coin,
timeframe and number the instruction names must be in the revised strategy (or be the value it
replaced), and every other word must be one a refinement reads or filler.
"""

from __future__ import annotations

import json
import re
from typing import Any

from core.strategy.compiler import actions as act
from core.strategy.compiler import indicators as ind
from core.strategy.compiler.lexicon import COMPARATORS, MOTION, blank
from core.strategy.compiler.refine_edits import without_add_words
from core.strategy.compiler.symbols import EXCHANGE_RE, find_symbols
from core.strategy.compiler.timeframes import find_timeframes
from core.strategy.compiler.vocab import ko_stem_in, unknown_words

# Words a refinement reads (verbs of change, what is changed) on top of the compiler's filler.
_REFINE_TEXT = """
make set change switch use instead add remove delete drop without more only require requires required also
period length threshold name rename call amount size instead trade notify notification notifications
alert alerts ping tell sell sells selling buy buys buying sold bought every time times on off the histogram
stop loss take profit target exit exits sl tp keep to into from flip flips positive negative
기간 길이 금액 수량 규모 기준 기준값 기준선 수치 이름 조건 추가 추가해 추가해줘 추가하고 삭제 제거 빼 빼줘
없애 없애줘 바꿔 바꿔줘 바꾸고 바꾸 변경 변경해 변경해줘 수정 수정해 대신 으로 로 알림 매수 매도 할때마다 때마다
마다 손절 익절 라인 손절가 익절가 손절라인 익절라인 팔 팔아 팔고 때만 일때만 만 도 해줘 해 줘
하루 이틀 사흘 일주일 주 동안 만에 사이 새
raise raises raised increase increases bump bumped boost lower lowered decrease reduce reduced cut trim tighten
tightened tighter widen widened wider loosen looser condition conditions filter filters check rule rules
requirement get rid scrap ditch exchange run move give heads send replace swap triggers fires order i'd i'm
put place pull rather than nah yeah yep hmm notifying alerting prefer interval 아니 그냥 걍 음 흠
살 살때 팔때 쪽 거래소 말고 actually 필터 필요 없어 없이 넓게 좁게 타이트하게 빡빡하게 여유있게 느슨하게 크게 작게 더
"""
_REFINE_WORDS = frozenset(_REFINE_TEXT.split())
_NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?")
_CHANGE_STEMS = ("바꾸", "바꿔", "바꿨", "변경", "추가", "수정", "설정", "넣어", "넣고", "빼고", "빼줘", "없애",
                 "해줘", "해주", "올려", "늘려", "늘리", "내려", "줄여", "줄이", "낮춰", "낮추", "높여", "키워",
                 "좁혀", "넓혀", "붙여", "달아", "옮겨", "지워", "보내", "타이트", "삭제", "제거", "빼", "올리",
                 "높이", "받", "꺼", "갈아타")
# "내려가면", "내려와서" are the price moving, which a condition rule must read, not a change verb
_MOTION_STEMS = ("내려가", "내려갔", "내려간", "내려갈", "내려오", "내려와", "내려서")


def _numbers_of(strategy: dict[str, Any]) -> set[float]:
    """Every number written anywhere in the strategy: thresholds, periods inside calls, amounts, '4h'."""
    return {abs(float(n)) for n in _NUMBER_TEXT.findall(json.dumps(strategy.get("nodes", [])))}


def _data_of(strategy: dict[str, Any]) -> dict[str, Any]:
    """The data source's config (symbol, timeframe, exchange); {} when the strategy has none."""
    return next((n.get("config", {}) for n in strategy.get("nodes", []) if n.get("type") == "data_source"), {})


def unread(before: dict[str, Any], after: dict[str, Any], text: str, original: str) -> tuple[str, str] | None:
    """(English, Korean) naming what the instruction said that the revised strategy does not carry."""
    data = _data_of(after)
    symbol, timeframe, exchange = (str(data.get(k, "")) for k in ("symbol", "timeframe", "exchange"))
    # Spans are quoted from the trader's own text when the normalised text still lines up with it.
    aligned = len(original) == len(text)
    rest = text
    for hit in find_symbols(text, original if aligned else text):
        if not symbol.startswith(f"{hit.base}/"):
            span = original[hit.start:hit.end] if aligned else hit.base
            return (f"'{span}' was named, but the strategy still trades {symbol}",
                    f"'{span}'을(를) 말씀하셨지만 전략은 여전히 {symbol}입니다")
        rest = blank(rest, hit.start, hit.end)
    for frame in find_timeframes(rest):
        if frame.interval and frame.interval != timeframe:
            return (f"'{frame.text.strip()}' was named, but the strategy still reads {timeframe} candles",
                    f"'{frame.text.strip()}'을(를) 말씀하셨지만 전략은 여전히 {timeframe} 봉입니다")
        rest = blank(rest, frame.start, frame.end)
    _, rest = act.find_exits(rest, holding=True)
    for m in EXCHANGE_RE.finditer(rest):
        if m.lastgroup != exchange:
            return (f"'{m.group(0)}' was named, but the strategy still reads {exchange or 'its exchange'}",
                    f"'{m.group(0)}'을(를) 말씀하셨지만 전략의 거래소는 여전히 {exchange or '그대로'}입니다")
        rest = blank(rest, m.start(), m.end())
    known = _numbers_of(after) | _numbers_of(before)
    operands, rest = ind.find_operands(rest)
    for number in ind.find_numbers(rest):
        if number.unit != "x" and number.value is not None and abs(number.value) not in known:
            span = original[number.start:number.end].strip() if aligned else number.expr
            return (f"'{span}' is not in the revised strategy", f"'{span}'은(는) 수정된 전략에 반영되지 않았습니다")
        rest = blank(rest, number.start, number.end)
    rest = without_add_words(rest)
    for regex in [r for r, _ in COMPARATORS] + [MOTION, act.BUY, act.SELL, act.NOTIFY, act.ALL]:
        for m in regex.finditer(rest):
            rest = blank(rest, m.start(), m.end())
    left = [w for w in unknown_words(rest) if w not in _REFINE_WORDS and not _change_word(w)
            and not ko_stem_in(w, _REFINE_WORDS)]
    if left:
        return (f"'{left[0]}' is not something I can read in a change" + (
                    f" (nor {', '.join(repr(w) for w in left[1:4])})" if len(left) > 1 else ""),
                f"'{left[0]}'은(는) 수정 요청에서 이해할 수 없는 말입니다")
    said = _SELL_ALL.search(text)
    if said and not _trades_changed(before, after):
        span = original[said.start():said.end()].strip() if aligned else said.group(0)
        return (f"'{span}' is a new sell rule, which a change does not add; add it in the editor or describe the "
                "whole strategy again", f"'{span}'은(는) 새 매도 규칙이라 수정으로 추가하지 않습니다. 편집기에서 "
                "추가하거나 전략 전체를 다시 설명해 주세요")
    # a condition the change removed ("drop the volume condition") is what its words named
    kept = {n.get("id") for n in after.get("nodes", [])}
    written = json.dumps(after.get("nodes", []) + [n for n in before.get("nodes", []) if n.get("id") not in kept])
    # a line the change replaced ("EMA(8) to EMA(10)") was in the strategy before it
    written += json.dumps(before.get("nodes", []))
    for operand in operands:
        family = "bb_" if operand.expr.startswith("bb_") else operand.expr.split("(")[0].split(" ")[-1]
        # a line named with its period ("EMA 26") must be that line, not just one of its kind
        exact = re.fullmatch(r"[a-z_]+\(\d+\)", operand.expr) and re.search(r"\d", text[operand.start:operand.end])
        if operand.role in (ind.NUMBER, ind.PRICE, ind.AVG) or (operand.expr if exact else family) in written:
            continue
        span = original[operand.start:operand.end].strip() if aligned else operand.expr
        return (f"'{span}' was named, but the revised strategy does not use it",
                f"'{span}'을(를) 말씀하셨지만 수정된 전략에 없습니다")
    return None


# "and sell all", "전량 매도": a sell said with its amount, read only where the change made or edited one
_SELL_ALL = re.compile(r"\b(?:sell|dump|exit|liquidate)\w*\s+(?:it\s+|them\s+|my\s+\w+\s+)?(?:all|everything)\b"
                       r"|\b(?:all|everything)\s+(?:sold|out)\b|(?:전량|전부|몽땅|다)\s*(?:매도|팔|청산|정리)",
                       re.ASCII)


def _trades_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """A sell or an exit condition was added, or edited in more than the coin it trades."""
    def parts(node: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in (node.get("config") or {}).items() if k not in ("symbol", "unit")}

    old = {n.get("id"): parts(n) for n in before.get("nodes", [])}
    sells = {n.get("id") for n in after.get("nodes", []) if (n.get("config") or {}).get("action_type") == "sell"}
    # a new way into a sell ("also add: sell all when ...") is a sell rule the change made
    into = [{(e.get("from"), e.get("to")) for e in s.get("edges", []) if e.get("to") in sells} for s in (before, after)]
    return into[0] != into[1] or any(old.get(n.get("id")) != parts(n) for n in after.get("nodes", [])
                                     if (n.get("config") or {}).get("action_type") == "sell"
                                     or (n.get("config") or {}).get("left") == "position_pnl_pct")


def _change_word(word: str) -> bool:
    """Korean change verbs with their endings glued on ("바꾸고", "추가해주세요")."""
    return word.startswith(_CHANGE_STEMS) and not word.startswith(_MOTION_STEMS)
