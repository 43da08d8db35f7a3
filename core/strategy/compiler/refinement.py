"""Refinement instructions applied to an existing strategy ("RSI 기간을 21로", "make the amount 200 USDT",
"also notify me", "손절 5% 추가", "use the 4h chart", "switch to ETH", "change 30 to 25").

Every recognised instruction edits the strategy and adds a line to ``changes``; an instruction
that changes nothing is declined with examples, never silently ignored.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from core.errors import EngineCannotAnswer
from core.strategy.compiler import actions as act
from core.strategy.compiler import refine_actions as ac
from core.strategy.compiler import refine_coverage as coverage
from core.strategy.compiler import refine_direction as direction
from core.strategy.compiler import refine_edits as ed
from core.strategy.compiler import refine_logic as logic
from core.strategy.compiler import refine_periods as periods
from core.strategy.compiler import refine_remove as removal
from core.strategy.compiler import refine_replace as replace
from core.strategy.compiler import refine_rules as rules
from core.strategy.compiler import refine_scope as scope
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import COMPARATORS, REFINE_EXAMPLES, blank, normalise, unify
from core.strategy.compiler.symbols import find_exchanges, find_symbols
from core.strategy.compiler.timeframes import find_timeframes

_PERIOD = re.compile(
    r"(rsi|sma|ema|macd|atr|이동\s*평균|이평|볼린저|bollinger|(?<![a-z])bb(?![a-z])|moving\s+average|volume|거래량)"
    r"[^0-9]{0,30}?(?:period|기간|length|길이)[^0-9]{0,20}?(\d+)"
    r"|(rsi|sma|ema|atr)\s*(?:\(\s*)?(\d+)\s*\)?\s*(?:로|으로)\s*(?:바꿔|변경|수정|해)?"
    r"|(?:use|make\s+it|switch\s+to|change\s+(?:it\s+)?to)\s+(rsi|sma|ema|atr)\s*\(?\s*(\d+)\s*\)?"
    r"|(\d+)[\s-]*(?:period|기간|일)\s+(rsi|sma|ema|atr)"
    # "make the RSI 9-period", "change RSI(14) to RSI(9)"
    r"|(rsi|sma|ema|atr)[\s-]*(\d+)[\s-]*(?:period|length)\b")
_CALL_TO_CALL = re.compile(r"(rsi|sma|ema|atr)\s*\(\s*(\d+)\s*\)\s*(?:to|->|→|에서|을|를)\s*(?:rsi|sma|ema|atr)?\s*\("
                           r"\s*(\d+)\s*\)")
_REPLACE_NUMBER = re.compile(r"(?:from\s+)?(-?\d+(?:\.\d+)?)\s*(?:을|를|에서|->|→|to|=>)\s*(-?\d+(?:\.\d+)?)"
                             r"\s*(?:으로|로)?")
_NUMBER_INSTEAD = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:instead\s+of|rather\s+than|in\s+place\s+of)\s*(-?\d+(?:\.\d+)?)"
                             r"|(?P<old>-?\d+(?:\.\d+)?)\s*(?:말고|대신에?)\s*(?P<new>-?\d+(?:\.\d+)?)")
_THRESHOLD = re.compile(r"(?:threshold|level|기준(?:값|선)?|수치)\D{0,20}?(-?\d+(?:\.\d+)?)")
_AMOUNT_WORDS = re.compile(r"amount|size|금액|수량|매수\s*금액|규모|얼마")
_REMOVE = re.compile(r"remove|delete|drop|without|no\s+more|\boff\b|삭제|제거|빼|없애|끄|꺼")
_RENAME = re.compile(r"(?:rename(?:\s+it)?\s+to|call\s+it|name\s+it|이름(?:을|은)?)\s*[\"'“]?(.+?)[\"'”]?"
                     r"\s*(?:으로|로)?"
                     r"\s*(?:바꿔|변경|해\s*줘|해줘|해)?\s*$")
_ADD_CONDITION = re.compile(r"\b(?:also|require[sd]?|only|add(?:ed)?|plus|additionally|in\s+addition|as\s+well|must"
                            r"|should|(?:has|have|needs?|got)\s+to|too|and)\b"
                            r"|조건\s*추가|추가|하나\s*더|때만|경우에만|그리고|넣어|붙여|외에|도\s|야(?:\s|$)|야\s*만",
                            re.ASCII)


_HANGUL = {"알에스아이": "rsi", "맥디": "macd", "엠에이시디": "macd", "엠에이씨디": "macd", "이엠에이": "ema",
           "에스엠에이": "sma", "에이티알": "atr"}
_HANGUL_NAMES = re.compile("|".join(_HANGUL))
# "tighten the stop to 2%", "move the stop up to 3%": in a change, a stop with a percent is the stop
# loss; it is written "sl" padded to the same length, so spans still line up with the trader's text
_BARE_STOP = re.compile(r"(?<![a-z])stop(?![\s-]*(?:loss|out))(?=(?:\s+(?:down|up|back|in|out|level|distance))*"
                        r"\s*(?:at|to|of|:|=)?\s*-?\d+(?:\.\d+)?\s*(?:%|percent))")
_MANNER = re.compile(r"(?:더\s*)?(?:넓게|좁게|타이트하게|빡빡하게|여유\s*있게|느슨하게|크게|작게)")
_BARE_TARGET = re.compile(r"(?<![a-z])target(?!\s*price)(?=\s*(?:at|to|of|:|=)?\s*\+?\d+(?:\.\d+)?\s*(?:%|percent))")
# "push the take profit out to 15%": the adverb between the exit and "to" (the verb says the direction)
_EXIT_ADVERB = re.compile(r"(?:(?<=profit)|(?<=loss)|(?<=\btp)|(?<=\bsl)|(?<=stop))\s+(?:out|up|down|back|in)"
                          r"(?=\s+(?:to|at)\b)")
# "change the timeframe to 4 hours", "봉을 4시간으로": a span after the chart's own word is its candle
_FRAME_SAID = re.compile(r"(?P<lead>\b(?:time\s*frame|timeframe|interval|candles?|chart)\s+(?:to|into|=|:)?\s*"
                         r"|(?:봉|차트|타임프레임)\s*(?:을|를|은|는|:)?\s*)"
                         r"(?P<n>\d+)\s*(?P<unit>hours?|hrs?|minutes?|mins?|days?|시간|분|일)", re.ASCII)
_FRAME_UNIT = {"h": "h", "m": "m", "d": "d", "시": "h", "분": "m", "일": "d"}


def _as_frame(m: re.Match[str]) -> str:
    frame = m.group("n") + _FRAME_UNIT[m.group("unit")[0]]
    return (m.group("lead") + frame).ljust(len(m.group(0)))


# "set TP to 15": an exit is a percent, said or not
_EXIT_NO_PERCENT = re.compile(r"(?:(?<![a-z])(?:tp|sl)(?![a-z])|take[\s-]*profit|stop[\s-]*loss|익절|손절)"
                              r"\s*(?:(?:to|at|of|:|=|은|는|을|를)\s*)?-?\d+(?:\.\d+)?(?![\d.%]|\s*(?:%|퍼센트|프로|percent))")
_EXIT_WIDTH = re.compile(r"(손절|익절)(\s*폭)")  # "손절폭 3%로": the stop's distance is the stop


def _readable(text: str) -> str:
    text = _HANGUL_NAMES.sub(lambda m: _HANGUL[m.group(0)], text)
    text = _BARE_STOP.sub("sl  ", text)
    text = _BARE_TARGET.sub("tp    ", text)
    text = _EXIT_ADVERB.sub(lambda m: " " * len(m.group(0)), text)
    text = _FRAME_SAID.sub(_as_frame, text)
    text = _EXIT_NO_PERCENT.sub(lambda m: m.group(0) + "%", text)
    if _NOTIFY_WORDS.search(text) and not re.search(r"macd|맥디", text):
        text = re.sub(r"\bsignals?\b", lambda m: " " * len(m.group(0)), text)  # "notify me on every signal"
    return _EXIT_WIDTH.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)


def _in_own_words(message: str, original: str) -> str:
    """Quoted spans of a decline in the trader's own letter case ('mfi' → 'MFI')."""
    def own(m: re.Match[str]) -> str:
        found = re.search(re.escape(m.group(1)), original, re.IGNORECASE)
        return f"'{found.group(0)}'" if found else m.group(0)

    return re.sub(r"'([^'\n]{1,80})'", own, message)


def _decline(reason_en: str, reason_ko: str, lang: str) -> EngineCannotAnswer:
    examples = REFINE_EXAMPLES[lang]
    if lang == "ko":
        return EngineCannotAnswer(f"오프라인 엔진이 이 수정 요청을 이해하지 못했습니다: {reason_ko}",
                                  hint="이런 요청을 이해합니다: " + ", ".join(f"“{e}”" for e in examples),
                                  examples=examples)
    return EngineCannotAnswer(f"The offline engine could not apply this change: {reason_en}",
                              hint="It understands: " + ", ".join(f"“{e}”" for e in examples), examples=examples)


def refine(strategy: dict[str, Any], instruction: str, language: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Apply one instruction; returns (new strategy, human-readable changes)."""
    from core.strategy.compiler import language_of

    original = unify(instruction or "").strip()
    lang = language_of(original or str(strategy.get("name", "")), language)
    if not original:
        raise _decline("the instruction is empty.", "수정 요청이 비어 있습니다.", lang)
    if len(original) > 500:
        raise _decline("the instruction is longer than 500 characters.", "수정 요청이 500자를 넘습니다.", lang)
    if not isinstance(strategy, dict) or not isinstance(strategy.get("nodes"), list):
        raise _decline("there is no strategy to change.", "수정할 전략이 없습니다.", lang)
    result = copy.deepcopy(strategy)
    result.setdefault("edges", [])
    text = _readable(normalise(original))
    changes: list[ed.Change] = []
    try:
        text = replace.without_replaced(strategy, text, original)
        _apply(result, text, original, lang, changes)
    except CompileProblem as exc:
        raise _decline(_in_own_words(f"{exc}.", original), _in_own_words(f"{exc.ko}.", original), lang) from None
    same = periods.same_both_sides(result)
    if same and same != periods.same_both_sides(strategy):
        raise _decline(f"{same} would compare a line with itself; say which line each side should use.",
                       f"{same}이(가) 같은 선끼리 비교하게 됩니다. 양쪽에 어떤 선을 쓸지 말해 주세요.", lang)
    if not changes:
        raise _decline(f"nothing in '{original}' matched a change I can make.",
                       f"'{original}'에서 적용할 수 있는 변경을 찾지 못했습니다.", lang)
    # an overlap the edit made (not one the strategy already had) is this instruction's doing
    overreach = scope.beyond_named_side(strategy, result, text) or scope.added_to_both_sides(
        strategy, result, text) or (
        scope.sides_at_once(result) if not scope.sides_at_once(strategy) else None)
    if overreach:
        raise _decline(*overreach, lang)
    join = logic.join_said(text)
    if join and logic.has_or(strategy) == logic.has_or(result):
        word = "OR" if join == "or" else "AND"
        raise _decline(f"it asks to join the conditions with {word}, but they were not rejoined; ask for that "
                       "change on its own", f"조건을 {'또는' if join == 'or' else '그리고'}로 잇자고 했지만 바뀌지 "
                       "않았습니다. 그 변경만 따로 요청해 주세요", lang)
    # the direction words are read as written: "push the take profit out" keeps its "out"
    contradiction = direction.contradiction(strategy, result, _HANGUL_NAMES.sub(
        lambda m: _HANGUL[m.group(0)], normalise(original)))
    if contradiction:
        raise _decline(*(_in_own_words(reason, original) for reason in contradiction), lang)
    removed = removal.REMOVAL.search(text)
    if removed and {n.get("id") for n in strategy["nodes"]} <= {n.get("id") for n in result["nodes"]}:
        # "remove the stop loss and add a take profit at 10%": the other change was made, the removal not
        word = original[removed.start():].split()[0] if len(original) == len(text) else removed.group(0)
        raise _decline(f"'{word}' was said, but nothing was removed; ask for the removal on its own "
                       "(e.g. 'remove the stop loss').",
                       f"'{word}'라고 했지만 아무것도 삭제되지 않았습니다. 삭제만 따로 요청해 주세요 "
                       "(예: '손절 없애줘').", lang)
    read = ac.without_scale_said(strategy, result, text)
    if _notify_count(result) < _notify_count(strategy):
        read = _NO_MORE.sub(lambda m: " " * len(m.group(0)), _ANYMORE.sub(lambda m: " " * len(m.group(0)), read))
    if logic.has_or(strategy) != logic.has_or(result):
        read = logic.without_join_words(read)
    unread = coverage.unread(strategy, result, read, original)
    if unread:
        raise _decline(_in_own_words(f"{unread[0]}.", original), _in_own_words(f"{unread[1]}.", original), lang)
    return result, [ko if lang == "ko" else en for en, ko in changes]


_NOTIFY_WORDS = re.compile(r"notif|alert|(?<![a-z])ping(?![a-z])|(?<![a-z])(?:tell|message|warn)\s+me(?![a-z])"
                           r"|\blet\s+me\s+know\b|\bheads[\s-]*up\b|\bmessages?\b|알림|알려|메시지|메세지", re.ASCII)
# "stop the notifications", "don't alert me", "알림 그만": the notification goes, it is not added
_NO_MORE = re.compile(r"\b(?:stop|no|don'?t|do\s+not|never|disable|mute|cancel|silence|quit)\b"
                      r"|그만|중지|중단|멈춰|멈추|안\s*(?:받|보내|줘)\S*|말아\S*|마세요|(?:보내|하)지\s*마\S*",
                      re.ASCII)
_ANYMORE = re.compile(r"\bany\s*more\b|\bany\s+longer\b|더\s*이상|이제", re.ASCII)


def _notify_count(strategy: dict[str, Any]) -> int:
    return sum(1 for n in strategy.get("nodes", []) if (n.get("config") or {}).get("action_type") == "notify")


def _only_when_notify(strategy: dict[str, Any], text: str) -> bool:
    """"RSI 70 이상일 때만 알려줘" on a strategy that only notifies: a condition added to it, not a notification."""
    kinds = {(n.get("config") or {}).get("action_type") for n in strategy.get("nodes", []) if n.get("type") == "action"}
    return kinds == {"notify"} and bool(re.search(r"\bonly\b|때만|경우에만", text)) and any(
        regex.search(text) for regex, _ in COMPARATORS)


_MACD_TRIPLE = re.compile(r"macd\D{0,12}?(\d+)\s*[,/ ]\s*(\d+)\s*[,/ ]\s*(\d+)")
_EXIT_WORDS = re.compile(r"(stop[\s-]*loss|(?<![a-z])(?:sl|stop)(?![a-z])|손절)"
                         r"|(take[\s-]*profit|(?<![a-z])(?:tp|target)(?![a-z])|익절)")


def _apply(result: dict[str, Any], text: str, original: str, lang: str, changes: list[ed.Change]) -> None:
    """Apply every change the instruction names ("buy 0.5 ETH instead" switches the coin and the amount)."""
    rename = _RENAME.search(original)
    if rename and re.search(r"rename|call it|name it|이름", text):
        name = rename.group(1).strip()[:200]
        changes.append((f"name → {name}", f"이름 → {name}"))
        result["name"] = name
        return
    if _REMOVE.search(text) and _EXIT_WORDS.search(text) and not re.search(r"\d\s*%", text):
        if removal.named_families(text):
            # "remove the stop and the volume condition": one removal at a time, or one would be dropped
            raise CompileProblem("it removes an exit and a condition at once; ask for one removal at a time",
                                 "익절/손절과 조건을 한꺼번에 삭제하라고 했습니다. 하나씩 요청해 주세요")
        ac._remove_exits(result, text, changes)
        return
    if removal.REMOVAL.search(text) and not _EXIT_WORDS.search(text) and not _NOTIFY_WORDS.search(text) and not any(
            regex.search(text) for regex, _ in COMPARATORS) and removal.remove_conditions(result, text, changes):
        return
    buys = any(n["type"] == "action" and n.get("config", {}).get("action_type") == "buy" for n in result["nodes"])
    # "손절 넓게 6%로": the manner word between the exit and its number is the direction, read after the edit
    exits, rest = act.find_exits(_MANNER.sub(lambda m: " " * len(m.group(0)), text), holding=buys)
    if exits.take_profit is not None or exits.stop_loss is not None:
        left = re.search(r"\S*\d+(?:\.\d+)?\s*%\s*\S*", rest)  # "익절 5% 그리고 하루에 8% 오르면": the 8% unread
        if left:
            span = original[left.start():left.end()].strip()
            raise CompileProblem(f"'{span}' is not something I can read next to the exit",
                                 f"'{span}'은(는) 익절/손절과 함께 이해할 수 없는 부분입니다")
        ac._set_exit(result, exits.take_profit, exits.stop_loss, changes)
        text = rest
    if ac.flip_said(text) and ac.flip_action(result, text, lang, changes):
        return
    if rules.rule_said(text) and rules.add_sell_rule(result, text, changes):
        return
    if _NOTIFY_WORDS.search(text) and not _only_when_notify(result, text):
        if _REMOVE.search(text) or _NO_MORE.search(text):
            if not ac._remove_notify(result, changes):
                raise CompileProblem("there is no notification to remove", "삭제할 알림이 없습니다")
        elif not ac._add_notify(result, lang, changes, text):
            raise CompileProblem("there is no buy or sell to notify about", "알림을 붙일 매수/매도가 없습니다")
        return
    triple = _MACD_TRIPLE.search(text)
    if triple:
        ed._set_macd(result, tuple(int(g) for g in triple.groups()), changes)
        return
    interval = next((n["config"].get("timeframe") for n in result["nodes"] if n.get("type") == "data_source"), "")
    if periods.swap_lines(result, text, original, str(interval), changes):
        return
    call = _CALL_TO_CALL.search(text)
    if call:
        # "change RSI(14) to RSI(9)": the period named first must be the strategy's
        if not ed._replace_period(result, text, float(call.group(2)), float(call.group(3)), changes):
            raise CompileProblem(f"the strategy has no {call.group(1).upper()}({call.group(2)})",
                                 f"전략에 {call.group(1).upper()}({call.group(2)})이(가) 없습니다")
        return
    period = _PERIOD.search(text)
    if period and period.group(3) and re.search(r"threshold|level|기준|수치", text):
        period = None  # "매도 기준을 RSI 80으로": the threshold is named, so 80 is not a period
    if period:
        groups = [g for g in period.groups() if g]
        word, number = (groups[1], groups[0]) if groups[0].isdigit() else (groups[0], groups[1])
        value = int(number)
        family = next(fam for key, fam in ed.IND_NAMES.items() if re.sub(r"\s+", "", key) in re.sub(r"\s+", "", word))
        if period.group(3) in ("rsi", "atr") and "(" not in period.group(0):
            # "RSI 25로": the period or the level? Both are numbers a trader changes.
            name = period.group(3).upper()
            raise CompileProblem(
                f"'{period.group(0).strip()}' — is {value} the {name} period or its level? Say e.g. '{name} period "
                f"{value}' or '{name} threshold {value}'",
                f"'{period.group(0).strip()}' — {value}이(가) {name} 기간인지 기준값인지 알 수 없습니다. "
                f"'{name} 기간 {value}로' 또는 '{name} 기준 {value}로'처럼 말해 주세요")
        ed._set_period(result, family, value, changes)
        return
    frames = [f for f in find_timeframes(text) if f.interval]
    if frames:
        ed._set_timeframe(result, frames[0].interval or "1h", changes)
        for f in frames:
            text = blank(text, f.start, f.end)
    exchanges = find_exchanges(text)
    if exchanges:
        if len({e.exchange for e in exchanges}) > 1:
            raise CompileProblem("it names several exchanges; a strategy reads one",
                                 "거래소가 여러 개입니다. 전략은 한 거래소만 읽습니다")
        hit = exchanges[0]
        span = original[hit.start:hit.end] if len(original) == len(text) else hit.exchange
        ed._set_exchange(result, hit.exchange, span, changes)
        for e in exchanges:
            text = blank(text, e.start, e.end)
    symbols = find_symbols(text, original if len(original) == len(text) else text)
    switch = re.search(r"switch|change|use|instead|trade|make|move|run|replace|swap|바꿔|변경|대신|옮겨|갈아타"
                       r"|으로|로\b|로\s", text)
    money = re.search(r"\d\s*(?:k|m|만|천|억)?\s*(?:usdt|usd|달러|krw|원)|\$\s*\d", text)
    amount_said = _AMOUNT_WORDS.search(text) or money or any(
        a.unit not in (None, "USDT") for a in act.find_amounts(text, symbols))
    if symbols and switch:
        ed._set_symbol(result, symbols[0].base, changes)
    if amount_said and ac._set_amount(result, text, changes):
        return
    if symbols and switch:
        return
    instead = _NUMBER_INSTEAD.search(text)
    if instead:
        # "use 80 instead of 70", "70 말고 80으로": the number said as replaced is the strategy's
        old, new = (instead.group(2), instead.group(1)) if instead.group(1) else (instead.group("old"),
                                                                                    instead.group("new"))
        if ed._replace_number(result, float(old), float(new), changes, text):
            return
    replace = _REPLACE_NUMBER.search(text)
    if replace and ed._replace_number(result, float(replace.group(1)), float(replace.group(2)), changes, text):
        return
    if replace and ed._replace_period(result, text, float(replace.group(1)), float(replace.group(2)), changes):
        return  # "RSI 14를 7로": the number was a period
    scale = ac.scale_said(text)
    if _AMOUNT_WORDS.search(text) and scale is not None:
        ac._scale_amount(result, scale, changes)
        return
    threshold = _THRESHOLD.search(text)
    if threshold and ed._set_threshold(result, float(threshold.group(1)), text, changes):
        return
    if changes:
        return
    if ac.set_it(result, text, (direction.said(text) or (None,))[0], changes):
        return
    if logic.join_said(text) and not removal.named_families(text) and not any(
            regex.search(text) for regex, _ in COMPARATORS) and logic.rejoin(result, text, changes):
        return
    if _ADD_CONDITION.search(text):
        ed._add_conditions(result, text, changes)

