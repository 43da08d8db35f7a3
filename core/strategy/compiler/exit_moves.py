"""Exits written as a move of the position: "sell when up 5%", "exit at +5% or -2%",
"5% 오르면 팔고", "수익 10% 나면 익절", "손실 3% 나면 매도".

With no window and a sell word, a percent move is the position's move from its entry, which is what
the take-profit and stop-loss of the graph are. A window next to it ("in 24 hours", "하루에",
"전일 대비") makes it a candle move instead, and a name before it ("RSI 5% 오르면") makes it a move of
that value: neither is read here, so the condition rules see them as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_N = r"(\d+(?:\.\d+)?)\s*(?:%|퍼센트|프로)"
_SELL_EN = (r"(?<![a-z])(?:sell(?:\s+(?:it|all|everything|the\s+position|my\s+position))?|exit(?:\s+the\s+position)?"
            r"|close(?:\s+(?:it|out|the\s+position|my\s+position))?|get\s+out|cash\s+out|take\s+profits?"
            r"|stop\s+out|stop[\s-]*loss|cut\s+(?:the\s+|my\s+)?loss(?:es)?)")
_WHO_EN = r"(?:(?:it'?s|it\s+is|price\s+is|the\s+price\s+is|i'?m|i\s+am|we'?re|the\s+position\s+is|it)\s+)?"
_UP_EN = r"(?:up|in\s+profit(?:\s+by)?|gains?|rises?|goes\s+up)"
_DOWN_EN = r"(?:down|in\s+loss(?:\s+by)?|at\s+a\s+loss\s+of|falls?|drops?|goes\s+down|loses)"
_MOVE_EN = re.compile(_SELL_EN + r"\s+(?:when|if|once|after|as\s+soon\s+as)\s+" + _WHO_EN
                      + rf"(?:(?P<up>{_UP_EN})|(?P<down>{_DOWN_EN}))\s+(?:by\s+)?[+-]?{_N}"
                      # "sell if it is up 10% or down 4%": both exits in one clause
                      + rf"(?:\s*(?:or|,)\s*(?:(?P<up2>{_UP_EN})|(?P<down2>{_DOWN_EN}))\s+(?:by\s+)?[+-]?{_N})?",
                      re.ASCII)
# "exit at +5% or -2%", "sell at -2% / +5%": the signs say which is which
_SIGNED_EN = re.compile(_SELL_EN + r"\s+(?:at|on)\s+([+-])" + _N
                        + r"(?:\s*(?:or|and|/|,)\s*(?:at\s+)?([+-])" + _N + ")?", re.ASCII)
# "close the position at 10% profit or 5% loss", "sell with a 10% gain": the word names which exit
_WORDED_EN = re.compile(_SELL_EN + r"\s+(?:at|on|with|for)\s+(?:an?\s+)?" + _N + r"\s+(profit|gain|loss)"
                        + r"(?:\s*(?:or|and|/|,)\s*(?:at\s+)?(?:an?\s+)?" + _N + r"\s+(profit|gain|loss))?", re.ASCII)
_SELL_KO = r"\s*(?:(?:전량|전부|다)\s*)?(?:팔(?:고|면|아|자|기|래)?|판다|매도|청산|정리|익절|손절)"
_UP_KO = (r"(?:오르면|올라가면|오를\s*때|올랐을\s*때|상승하면|상승\s*시|먹으면|먹을\s*때|먹었을\s*때"
          r"|수익\s*(?:이\s*)?(?:나면|날\s*때|이면|시))")
_DOWN_KO = (r"(?:떨어지면|떨어질\s*때|빠지면|빠질\s*때|하락하면|하락\s*시|내려가면"
            r"|손실\s*(?:이\s*)?(?:나면|날\s*때|이면|시))")
# "매수한 뒤(에)", "산 다음": after the buy, so the position's move
_AFTER_BUY_KO = r"(?:(?<![가-힣])(?:(?:매수|구매|진입)\s*(?:한|하고\s*난)|산|사고\s*난)\s*)?"
# "..., 매수 후 10% 오르면 매도": a clause opening with the buy it refers to; the word is the exit's, not a second buy
_BUY_REF = re.compile(r"(?:^|[,;.])\s*((?:매수|구매|진입)\s*)$")
_MOVE_KO = re.compile(rf"(?:{_AFTER_BUY_KO}(?:후|뒤|다음|이후)(?:에)?\s*)?(?:(?:가격|시세)(?:이|가|은|는)?\s*)?"
                      rf"[+-]?{_N}\s*(?:이상\s*)?(?:(?P<up>{_UP_KO})|(?P<down>{_DOWN_KO})){_SELL_KO}")
# "수익 10% 나면 익절", "수익률 10% 되면 매도", "손실 3% 나면 팔아"
_PNL_KO = re.compile(rf"(?:(?P<up>수익|이익)|(?P<down>손실))(?:률)?\s*(?:이|가)?\s*[+-]?{_N}\s*(?:이상\s*)?"
                     rf"(?:나면|날\s*때|되면|이면|넘으면|달성\s*(?:하면|시))\s*(?:에\s*)?{_SELL_KO}")
# words that give a move its own window or its own subject: then it is not the position's move
# ... or another condition joined to it ("sell when up 5% and RSI > 70" is not the take-profit alone)
_WINDOW_AFTER = re.compile(r"\s*(?:&|(?:in|within|over|from|since|vs\.?|versus|than|compared|during|per"
                           r"|on\s+the\s+(?:day|candle|bar|week|hour)"
                           r"|and|plus|while|but\s+only|if|when|unless)\b)", re.ASCII)
_BEFORE_OK = re.compile(r"(?:^|[,;.]"
                        # after the buy itself ("매수하고", "사고"), never after another condition ("넘고")
                        r"|(?<![가-힣])(?:(?:매수|구매|진입|손절|익절|매도|청산|정리)(?:하고|해서)?|사고|사서|사|팔고|그리고)"
                        r"|\b(?:and|then|also|but))\s*$", re.ASCII)


@dataclass
class ExitMove:
    attr: str  # take_profit | stop_loss
    value: float
    start: int
    end: int


def _pct(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


def exit_moves(text: str) -> list[ExitMove]:
    """Every exit written as a move of the position, with its span (``text`` lower-cased)."""
    found: list[ExitMove] = []
    for m in _MOVE_EN.finditer(text):
        if _WINDOW_AFTER.match(text, m.end()) or (m.group(6) and bool(m.group("up")) == bool(m.group("up2"))):
            continue  # a window makes it a candle move; "up 5% or up 8%" is not two exits
        said = m.group(0)
        if (m.group("up") and re.match(r"stop|cut", said)) or (m.group("down") and said.startswith("take")):
            continue  # "stop loss when I'm up 5%": the words disagree
        found.append(ExitMove("take_profit" if m.group("up") else "stop_loss", _pct(m.group(3)), m.start(), m.end()))
        if m.group(6):
            found.append(ExitMove("take_profit" if m.group("up2") else "stop_loss", _pct(m.group(6)),
                                  m.start(), m.end()))
    for m in _SIGNED_EN.finditer(text):
        signs = [(m.group(1), m.group(2)), (m.group(3), m.group(4))]
        pairs = [(s, v) for s, v in signs if s]
        if len({s for s, _ in pairs}) != len(pairs) or _WINDOW_AFTER.match(text, m.end()):
            continue  # "+5% or +8%": two take-profits, not read
        for sign, value in pairs:
            found.append(ExitMove("take_profit" if sign == "+" else "stop_loss", _pct(value), m.start(), m.end()))
    for m in _WORDED_EN.finditer(text):
        pairs = [(m.group(2), m.group(1))] + ([(m.group(4), m.group(3))] if m.group(3) else [])
        kinds = ["stop_loss" if word == "loss" else "take_profit" for word, _ in pairs]
        if len(set(kinds)) != len(kinds) or _WINDOW_AFTER.match(text, m.end()):
            continue  # "at 5% profit or 8% gain": two take-profits, not read
        for kind, (_, value) in zip(kinds, pairs, strict=True):
            found.append(ExitMove(kind, _pct(value), m.start(), m.end()))
    for regex, number in ((_MOVE_KO, 1), (_PNL_KO, 3)):
        for m in regex.finditer(text):
            start = m.start()
            after_buy = regex is _MOVE_KO and re.match(r"후|뒤|이후|다음", m.group(0))
            ref = _BUY_REF.search(text[:start]) if after_buy else None
            start = ref.start(1) if ref else start
            if regex is _MOVE_KO and not _BEFORE_OK.search(text[:start]):
                continue  # "RSI 5% 오르면", "하루에 5% 오르면": a move of something else, or in a window
            word = m.group(0)
            if ("익절" in word and m.group("down")) or ("손절" in word and m.group("up")):
                continue  # "5% 빠지면 익절": the words disagree
            found.append(ExitMove("take_profit" if m.group("up") else "stop_loss", _pct(m.group(number)),
                                  start, m.end()))
    return found
