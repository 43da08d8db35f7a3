"""Action phrases (buy/매수, sell/매도, notify/알림), their amounts, and take-profit/stop-loss exits."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.strategy.compiler.exit_moves import exit_moves
from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import blank
from core.strategy.compiler.money import WON, WORTH, won
from core.strategy.compiler.symbols import SymbolHit

BUY = re.compile(r"(?<![a-z])(?:buy(?:s|ing)?(?!\s+(?:price|level|point))"
                 r"|purchase|go\s+long|long|enter(?:\s+a)?(?:\s+long)?|accumulate"
                 r"|grab|scoop(?:\s+up)?|snag|load\s+up(?:\s+on)?|ape\s+into|ape(?:\s+in)?(?=\s+\$?\d)"
                 # "put 60 USDT in", "spend 100 USDT on ETH", "entry: 400 USDT of BTC when ..."
                 r"|put(?=\s+(?:in\s+)?\$?\d)|spend(?:s|ing)?|invest(?:s|ing)?|entry(?=\s*:))(?![a-z])"
                 r"|담아|담자|담기|줍줍|주워"
                 r"|(?<!과)매수(?!가\s*(?:대비|보다|에서|기준)|가격|단가)"  # not 과매수, not 매수가 (entry price)
                 r"|구매|구입|사줘|사 줘|사\s*주(?:세요|십시오|시고|시면|실래요|라|어|고)"
                 r"|사고|사서|산다|사라|사자|살래|롱\s*진입|들어가\s*(?:줘|자|주세요|줄래|라)"
                 # "진입" is a buy, but "과매수 구간 진입" is the indicator entering a zone
                 r"|(?<!구간)(?<!구간\s)(?<!영역)(?<!영역\s)(?<!권)(?<!권\s)(?<!과매수)(?<!과매수\s)(?<!과매도)(?<!과매도\s)진입"
                 r"|(?<![가-힣])사(?![가-힣])|(?<![가-힣])롱(?![가-힣])")  # "10만원 사": the bare imperative
SELL = re.compile(r"(?<![a-z])(?:sell(?:s|ing)?|dump|exit|liquidate|trim"
                  r"|close\s+(?:out\s+)?(?:the\s+|my\s+)?(?:whole\s+|entire\s+|full\s+)?position)(?![a-z])"
                  r"|(?<!과)매도|팔아|팔고|판다|팔자|팔기|팔래|청산|정리"
                  r"|(?<=전량\s)익절|(?<=전량)익절|(?<=전량\s)손절|(?<=전량)손절")  # "전량 익절": sell it all
# A channel named with the notice ("텔레그램 알림", "a Telegram alert", "notify me on Discord") is where the
# notice goes, which the notify action leaves to the app's settings: part of the notify phrase.
_CHANNEL_EN = r"(?:telegram|discord|slack|sms|text|e-?mail|push|kakao(?:talk)?|phone)"
_CHANNEL_KO = r"(?:텔레그램|텔레|디스코드|디코|슬랙|카카오톡|카톡|문자|이메일|메일|푸시|푸쉬|핸드폰|휴대폰)"
NOTIFY = re.compile(r"(?<![a-z])(?:(?:" + _CHANNEL_EN + r"\s+)?(?:notify|notification|alert|message)(?:\s+me)?"
                    r"|(?:receive|get)\s+(?:an?\s+)?(?:" + _CHANNEL_EN + r"\s+)?(?:notification|alert|message|ping)"
                    r"|get\s+notified|tell\s+me|let\s+me\s+know|ping\s+me|warn\s+me"
                    r"|(?:give\s+me\s+)?an?\s+heads[\s-]?up|(?:give\s+me\s+)?heads[\s-]?up"
                    r"|send\s+(?:me\s+)?(?:an?\s+)?(?:" + _CHANNEL_EN + r"\s+)?(?:alert|message|notification))"
                    r"(?:\s+(?:on|via|by|through|over)\s+" + _CHANNEL_EN + r")?(?![a-z])"
                    r"|(?:" + _CHANNEL_KO + r"\s*(?:으로|로|에)?\s*)?(?:알림|알려|통보|메시지|메세지|경고)")
ALL = re.compile(r"(?<![a-z])(?:all(?:\s+of\s+it)?|everything|entire(?:\s+position)?|whole(?:\s+position)?)(?![a-z])"
                 r"|전량|전부|모두|몽땅|싹\s*다|다\s*(?=팔|매도)|풀\s*(?=매도|청산)")
QUOTE_AMOUNT = re.compile(
    r"(?:\$\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(k|m|million|만|천)?(?![a-z])"
    r"|(\d+(?:,\d{3})*(?:\.\d+)?)\s*(k|m|million|만|천)?\s*(?:usdt|usdc|usd|dollars?|달러|불|테더|\$)(?![a-z])"
    # "2.5k of ETH", "1m worth of BTC": a scaled number spent on a coin is money in the pair's quote
    r"|(\d+(?:\.\d+)?)\s*(k|m)(?=\s+(?:worth\s+)?of\b))"
    + WORTH
)
COUNT_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*개")
# "BTC daily: buy 0.01 when ...": a fraction below one written straight after the order is coins (nobody
# spends 0.01 dollars); a whole number there ("buy 100") could be either and stays unread
FRACTION_AMOUNT = re.compile(r"(?<![a-z])(?:buy|sell|purchase)\s+(0?\.\d+)(?![\d.,%])"
                             r"(?!\s*(?:usdt|usdc|usd|dollars?|krw|won|k\b|m\b|\$|달러|원|만|천|억|개|of\b|worth\b))",
                             re.ASCII)
_PCT = r"\s*(?:%|퍼센트|percent|프로)"
_TP_WORD = (r"(?:take[\s-]*profits?|(?<![a-z])tp(?![a-z])|profit\s+target|target\s+profit"
            r"|(?<![a-z])target(?=\s*:?\s*\+?\d+(?:\.\d+)?\s*%)"
            r"|(?:bank|lock\s+in|secure|take)\s+(?:the\s+|my\s+|some\s+)?(?:profits?|gains?)"
            r"|익절(?:\s*(?:라인|가|선|기준|목표))?"
            r"|이익\s*실현|수익\s*실현|목표\s*수익(?:률)?|목표가)")
_SL_WORD = (r"(?:stop[\s-]*loss(?:es)?|stop[\s-]*out|(?<![a-z])stop(?=\s+at\b)|(?<![a-z])sl(?![a-z])"
            r"|(?<![a-z])bail(?:\s+out)?(?=\s+(?:at|on)\b)|(?<![a-z])stop(?=\s*:?\s*-?\d+(?:\.\d+)?\s*%)"
            r"|cut\s+(?:my\s+|the\s+)?loss(?:es)?|손절(?:매)?(?:\s*(?:라인|가|선|기준))?|손실\s*제한)")
_JOIN = r"\s*(?:(?:at|of|to|on|:|=|은|는|을|를|가|이|에|도)\s*)?"
# Word-first forms ("익절 9%", "stop loss 3%") and number-first forms ("9% 수익 익절", "3% loss stop loss").
# All word-first forms are read before any number-first one: in "손절 3% 익절 9%" the number-first
# reading of "3% 익절" would hand the stop's 3% to the take-profit.
# ... but not "손절 10% 오르면 익절": a number followed by its own move belongs to the word after it.
_OWN_MOVE = (r"(?!\s*(?:이상\s*)?(?:오르|상승|올라|떨어|하락|내려|빠지|빠질|수익|손실|이익"
             r"|profit|loss|gain|drop|fall|rise))")
# "매수가 대비 5% 떨어지면 손절": the entry named before the move it is measured from
_FROM_ENTRY = r"(?:(?:매수가|진입가|평단가?|매입가|구매가)\s*(?:대비|기준|에서|보다)\s*)?"
TP_WORD_FIRST = re.compile(_TP_WORD + _JOIN + r"\+?(\d+(?:\.\d+)?)" + _PCT + _OWN_MOVE + r"(?:\s*(?:에서|에|로|으로))?")
TP_NUMBER_FIRST = re.compile(
    _FROM_ENTRY + r"\+?(\d+(?:\.\d+)?)\s*(?:%|퍼센트)\s*(?:이상\s*)?"
    r"(?:오르면|상승하면|올라가면|오를\s*때|수익(?:이\s*나면|나면)?\s*)?"
    r"(?:에서|에|면|이면|시|수익(?:이면|에서|시|일\s*때|에)?|이익(?:이면|에서|시|에)?|profit)?\s*"
    # "a 5% target", "5% TP": the percent first, then the word
    r"(?:익절|take[\s-]*profit|이익\s*실현|(?<![a-z])(?:profit\s+)?target(?![a-z])|(?<![a-z])tp(?![a-z]))")
SL_WORD_FIRST = re.compile(_SL_WORD + _JOIN + r"-?(\d+(?:\.\d+)?)" + _PCT + _OWN_MOVE + r"(?:\s*(?:에서|에|로|으로))?")
SL_NUMBER_FIRST = re.compile(
    _FROM_ENTRY + r"-?(\d+(?:\.\d+)?)\s*(?:%|퍼센트)\s*(?:이상\s*)?"
    r"(?:떨어지면|하락하면|내려가면|빠지면|떨어질\s*때|손실(?:이\s*나면|나면)?\s*)?"
    r"(?:에서|에|면|이면|시|손실(?:이면|에서|시|일\s*때|에)?|loss)?\s*"
    # "with a 2% stop", "3% SL"
    r"(?:손절(?:매)?|stop(?:[\s-]*loss)?(?![a-z])|(?<![a-z])sl(?![a-z]))")
# "TP 8 SL 3": a take-profit or stop written without its percent sign, read as a percent only when the
# number could not be a price of the coin (no bitcoin trades at 8); a unit or a scale after it is not this
_BARE_END = (r"(?![\d.]|,\d)(?!\s*(?:%|퍼센트|프로|percent|usdt|usdc|usd|달러|불|원|krw|만|천|억|\$|[kmhd](?![a-z])"
             r"|배|x(?![a-z])|개|시간|분|일|봉|times|bars?|candles?|hours?|days?))")
TP_BARE = re.compile(_TP_WORD + _JOIN + r"\+?(\d+(?:\.\d+)?)" + _BARE_END)
SL_BARE = re.compile(_SL_WORD + _JOIN + r"-?(\d+(?:\.\d+)?)" + _BARE_END)
PARTIAL_SELL = re.compile(r"(?<![a-z])sell\s+(\d+)\s*%|(\d+)\s*%\s*(?:만\s*)?(?:를\s*|을\s*)?(?:매도|팔)")
_SCALE = {"k": 1_000, "m": 1_000_000, "million": 1_000_000, "만": 10_000, "천": 1_000}


@dataclass
class Action:
    kind: str  # buy | sell | notify
    start: int
    end: int
    amount: float | str | None = None
    unit: str | None = None  # "USDT" (quote) or a base ticker
    symbol: SymbolHit | None = None


@dataclass
class Exits:
    take_profit: float | None = None
    stop_loss: float | None = None


def _num(text: str, scale: str | None = None) -> float:
    value = float(text.replace(",", "")) * _SCALE.get(scale or "", 1)
    return int(value) if value.is_integer() else value


def find_exits(text: str, holding: bool = False,
               price_like: Callable[[float], bool] | None = None) -> tuple[Exits, str]:
    """Take-profit and stop-loss percents. Raises CompileProblem when one is given twice.

    ``holding``: the strategy already buys (a refinement), so "sell when up 5%" exits that position.
    ``price_like``: whether a number could be a price of the coin traded; given, "TP 8 SL 3" without
    percent signs is read as percents when neither number could be a price, and declined when one could."""
    exits = Exits()
    moves = exit_moves(text)
    rest = text
    for move in moves:
        rest = blank(rest, move.start, move.end)
    # with no buy, "수익률 10% 이상이면 매도" is a sell rule on the position, not an exit of a buy
    for move in moves if holding or BUY.search(rest) else []:
        _set_exit(exits, move.attr, move.value)
        text = blank(text, move.start, move.end)
    word_first = ((TP_WORD_FIRST, "take_profit"), (SL_WORD_FIRST, "stop_loss"))
    number_first = ((TP_NUMBER_FIRST, "take_profit"), (SL_NUMBER_FIRST, "stop_loss"))
    # The sentence's own order decides: "3% 손절 9% 익절" puts numbers first, "손절 3% 익절 9%" words.
    firsts = [min((m.start() for r, _ in forms for m in r.finditer(text)), default=len(text) + 1)
              for forms in (word_first, number_first)]
    for regex, attr in (number_first + word_first) if firsts[1] < firsts[0] else (word_first + number_first):
        for m in regex.finditer(text):
            _set_exit(exits, attr, _num(m.group(1)))
            text = blank(text, m.start(), m.end())
    if price_like is not None:
        for regex, attr in ((TP_BARE, "take_profit"), (SL_BARE, "stop_loss")):
            for m in regex.finditer(text):
                value = _num(m.group(1))
                span = " ".join(m.group(0).split())
                if not 0 < value < 100:
                    raise CompileProblem(
                        f"'{span}' reads as a price; a take profit or stop loss is a percent of the entry here "
                        "(write e.g. 'take profit 8%')",
                        f"'{span}'은(는) 가격으로 보입니다. 익절·손절은 매수가 대비 퍼센트입니다 (예: '익절 8%')")
                if price_like(value):
                    raise CompileProblem(
                        f"'{span}' could be a price or a percent; a take profit or stop loss is a percent of the "
                        f"entry here (write e.g. '{span}%')",
                        f"'{span}'이(가) 가격인지 퍼센트인지 알 수 없습니다. 익절·손절은 매수가 대비 퍼센트입니다 "
                        f"('{span}%'처럼 써 주세요)")
                _set_exit(exits, attr, value)
                text = blank(text, m.start(), m.end())
    return exits, text


def _set_exit(exits: Exits, attr: str, value: float) -> None:
    before = getattr(exits, attr)
    if before is not None and before != value:
        what = ("take profit", "익절") if attr == "take_profit" else ("stop loss", "손절")
        raise CompileProblem(f"two {what[0]} levels ({before}% and {value}%); keep one",
                             f"{what[1]}이 두 번 있습니다 ({before}%, {value}%); 하나만 남겨 주세요")
    setattr(exits, attr, value)


def find_actions(text: str) -> list[Action]:
    actions: list[Action] = []
    for regex, kind in ((SELL, "sell"), (BUY, "buy"), (NOTIFY, "notify")):
        for m in regex.finditer(text):
            if any(a.start <= m.start() < a.end for a in actions):
                continue
            actions.append(Action(kind, m.start(), m.end()))
    actions.sort(key=lambda a: a.start)
    # "buy BTC long", "롱 매수": two words for one buy, not two orders
    merged: list[Action] = []
    for a in actions:
        if merged and _same_order(merged[-1], a, text):
            merged[-1].end = a.end
        else:
            merged.append(a)
    return merged


_BETWEEN_ORDERS = re.compile(r"[\d,;.]|\b(?:and|then|when|if|or|also|plus)\b|그리고|하고|고\s|면|또", re.ASCII)


def _same_order(before: Action, after: Action, text: str) -> bool:
    between = text[before.end:after.start]
    if before.kind == after.kind and (QUOTE_AMOUNT.fullmatch(between.strip()) or WON.fullmatch(between.strip())):
        return True  # "롱 100 USDT 들어가줘": one order with its amount inside
    return before.kind == after.kind and len(between.split()) <= 1 and not _BETWEEN_ORDERS.search(between)


@dataclass
class Amount:
    value: float | str
    unit: str | None  # "USDT", a base ticker, or None (count of coins / "all")
    start: int
    end: int


def find_amounts(text: str, symbols: list[SymbolHit]) -> list[Amount]:
    """Money amounts ("100 USDT", "$50", "200달러"), coin amounts ("0.5 ETH", "0.01 비트코인", "0.1개")
    and "all"/"전량". Coin amounts are a number written right before a coin's name."""
    found: list[Amount] = []
    for m in QUOTE_AMOUNT.finditer(text):
        number, scale = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
        value = _num(number, scale)
        # "2.5k of ETH" names no currency: the pair's quote, settled once the market is known
        found.append(Amount(value, "QUOTE" if m.group(5) else "USDT", m.start(), m.end()))
    for m in WON.finditer(text):
        if not any(a.start < m.end() and m.start() < a.end for a in found):
            found.append(Amount(won(m), "KRW", m.start(), m.end()))
    for hit in symbols:
        m = re.search(r"(\d+(?:\.\d+)?)\s*(?:개의?\s*)?$", text[max(0, hit.start - 16): hit.start])
        if m:
            start = hit.start - len(m.group(0))
            if not any(a.start <= start < a.end for a in found):
                worth = re.match(WORTH, text[hit.end:])  # "0.1비트치"
                found.append(Amount(_num(m.group(1)), hit.base, start, hit.end + (worth.end() if worth else 0)))
    for m in COUNT_AMOUNT.finditer(text):
        if not any(a.start <= m.start() < a.end for a in found):
            found.append(Amount(_num(m.group(1)), None, m.start(), m.end()))
    for m in FRACTION_AMOUNT.finditer(text):
        if not any(a.start <= m.start(1) < a.end for a in found):
            found.append(Amount(_num(m.group(1)), None, m.start(1), m.end(1)))
    for m in ALL.finditer(text):
        found.append(Amount("all", None, m.start(), m.end()))
    found.sort(key=lambda a: a.start)
    return found


def assign_amounts(actions: list[Action], amounts: list[Amount], text: str, max_gap: int = 24) -> list[Amount]:
    """Give each buy/sell the nearest unused amount within ``max_gap`` characters, not across a
    comparison word (so "60000 달러 아래로 떨어지면 100 USDT 매수" buys 100, not 60000).
    Returns the amounts used (their spans are no longer condition numbers)."""
    used: list[Amount] = []
    for action in actions:
        if action.kind == "notify":
            continue
        best: tuple[int, Amount] | None = None
        for amount in amounts:
            if amount in used or (amount.value == "all" and action.kind != "sell"):
                continue
            inside = action.start <= amount.start and amount.end <= action.end  # "롱 100 USDT 들어가줘"
            before = amount.end <= action.start
            gap = 0 if inside else action.start - amount.end if before else amount.start - action.end
            # "buy ETH/KRW on bithumb with 200000 krw": "with" ties a farther amount to its buy.
            tied = amount.start > action.end and re.search(r"\b(?:with|using|spending|for)\s*$", text[:amount.start])
            if gap < 0 or gap > (max_gap * 2 if tied else max_gap):
                continue
            between = "" if inside else text[min(amount.end, action.end): max(amount.start, action.start)]
            if re.search(r"아래|위로|이하|이상|미만|초과|below|above|under|over|when|if|면\b", between):
                continue
            if amount.start > action.end and re.search(r"(?:하|이)?고\s|그리고|\band\b|\bthen\b", between):
                continue  # "…면 매수하고 7만 달러 넘으면 매도": the next clause's price, not this order's amount
            if best is None or gap < best[0]:
                best = (gap, amount)
        if best is not None:
            amount = best[1]
            used.append(amount)
            action.amount = amount.value
            action.unit = amount.unit
    return used


_CLAUSE_BEFORE = re.compile(r"(?:^|[,;:]|\b(?:with|using|spending))\s*$")
_CLAUSE_AFTER = re.compile(r"\s*(?:[,;.!]|$)")


def lone_amount(actions: list[Action], amounts: list[Amount], used: list[Amount], text: str) -> Amount | None:
    """"long ETH when the 50 EMA reclaims the 200 EMA on the 4h, 250 usdt": a money amount written as a
    clause of its own, with exactly one order left without an amount (a buy), is that order's amount."""
    open_orders = [a for a in actions if a.kind in ("buy", "sell") and a.amount is None]
    free = [m for m in amounts if m not in used and m.value != "all"]
    if len(open_orders) != 1 or open_orders[0].kind != "buy" or len(free) != 1 or free[0].unit not in (
            "USDT", "KRW", "QUOTE"):
        return None
    amount = free[0]
    if not (_CLAUSE_BEFORE.search(text[:amount.start]) and _CLAUSE_AFTER.match(text, amount.end)):
        return None
    open_orders[0].amount, open_orders[0].unit = amount.value, amount.unit
    return amount

