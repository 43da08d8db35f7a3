"""Trader words said the plain way before the request is read.

Each rewrite keeps the meaning exactly and is narrowed by what must come with it (a number after
"pick up", a percent after "nukes", a price after "clears"); anything looser stays as written and
is declined by the usual coverage check. Runs on the whole request, so later spans quote the plain
words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# a window word is only rewritten right before the percent move it is the window of
_THEN_PERCENT = r"(?:에|에서)?\s*-?\s*\d+(?:\.\d+)?\s*%"
_Plain = str | Callable[[re.Match[str]], str]
_RULES: list[tuple[re.Pattern[str], _Plain]] = [(re.compile(p, re.IGNORECASE), r) for p, r in [
    # buys: "pick up 45 usdt of", "bag 80 USDT", "DCA in 250 USDT ... each time ..."
    (r"\bpick(?:s)?\s+up(?=\s+\$?\d)", "buy"),
    (r"\bbag(?=\s+\$?\d)", "buy"),
    (r"\bdca\s+in(?:to)?(?=\s+\$?\d[^.;\n]*?\b(?:each\s+time|every\s+time|whenever)\b)", "buy"),
    # moves and crossings
    (r"\bnuk(?:es|ed|e)(?=\s+(?:by\s+)?(?:more\s+than\s+|over\s+|at\s+least\s+)?\d+(?:\.\d+)?\s*%)", "drops"),
    (r"\bclear(?:s|ed)?(?=\s+(?:the\s+)?\$?\d)", "crosses above"),
    (r"\bslic(?:es|ed|e)\s+up\s+through\b", "crosses above"),
    (r"\bslic(?:es|ed|e)\s+down\s+through\b", "crosses below"),
    (r"\bprev\b", "previous"),
    (r"\bas\s+long\s+as\b", "while"),
    # "BB(20, 2.5)": the band named with its parameters
    (r"\b(?:the\s+)?(lower|upper|middle)\s+band\s+of\s+(?:the\s+)?bb\s*\(\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*\)",
     r"bb_\1(\2,\3)"),
    # "volume above 4x the 30-bar volume average": the volume's own average over those bars
    (r"(?<=volume)(\s+(?:is\s+)?(?:above|over|below|under|at\s+least|more\s+than)\s+\d+(?:\.\d+)?\s*x)\s+(?:the\s+)?"
     r"(\d+)[- ]?(?:bar|candle|period)\s+(?:volume\s+average|average\s+volume|volume\s+sma)\b",
     r"\1 its \2-bar average"),
    # amounts: "1,500 DOGE", "100,000원", "200불"
    (r"(?<![\d.,])(\d{1,3}(?:,\d{3})+)(?=\s*(?:원|usdt|krw|usd|dollars?|불|달러|개|doge|xrp|ada|shib|trx|pepe)(?![a-z]))",
     lambda m: m.group(1).replace(",", "")),
    (r"(?<![\d.])(\d+(?:\.\d+)?)\s*불(?![가-힣])", r"\1 USDT"),
    # "3% or more down from the previous candle": the move said verb first
    (r"\b(?:it'?s|it\s+is|is)\s+(\d+(?:\.\d+)?)\s*%\s+or\s+more\s+(down|up)\s+(?=from\s+the\s+previous\b)",
     r"it's \2 \1% or more "),
    # "거래량 터지면 (20봉 평균의 4배 이상)": the spike with its size in brackets
    (r"거래량\s*(?:이|가)?\s*터지면\s*\(\s*((?:\d+\s*봉\s*)?평균의\s*\d+(?:\.\d+)?\s*배\s*(?:이상|초과))\s*\)",
     r"거래량이 \1이면"),
    # Korean: 밀리면 (falls), 다 던져 (sell all), 알람 울려줘 (notify), 평균치 (average)
    (r"밀리(?=면|는|고|자|기|ㄹ|거나)", "빠지"),
    (r"밀려(?=서|도|야|요|버리|있)?", "빠져"),
    (r"(?:다|전부|몽땅|싹\s*다)\s*던져(?:\s*(?:줘|주세요|버려|버리자))?", "전량 매도"),
    (r"(?:알람|알림)\s*(?:좀\s*)?울려\s*(?:줘|주세요|주라)", "알림 줘"),
    (r"평균치", "평균"),
    (r"(?<![가-힣])하루\s*(?=(?:사이|만에|동안|새|안에|내에|이내)" + _THEN_PERCENT + ")", "1일 "),
    (r"(?<![가-힣])이틀\s*(?=(?:사이|만에|동안|새|안에|내에|이내)" + _THEN_PERCENT + ")", "2일 "),
    (r"(?<![가-힣])사흘\s*(?=(?:사이|만에|동안|새|안에|내에|이내)" + _THEN_PERCENT + ")", "3일 "),
    (r"(?<![가-힣])나흘\s*(?=(?:사이|만에|동안|새|안에|내에|이내)" + _THEN_PERCENT + ")", "4일 "),
    (r"(?<![가-힣])일주일\s*(?:간|동안)(?=" + _THEN_PERCENT + ")", "7일 동안"),
    (r"(?<=\d)\s*(시간|일)\s*간(?=" + _THEN_PERCENT + ")", r"\1 동안"),
    # "-5% 이상 밀리면": the minus repeats the fall the verb already says
    (r"-\s*(?=\d+(?:\.\d+)?\s*%\s*(?:이상\s*|넘게\s*)?(?:하락|떨어|빠지|빠져|급락|폭락))", ""),
]]


# "..., both must hold" after conditions joined by "and" only repeats the "and"
_BOTH_MUST = re.compile(r",?\s*\bboth\s+(?:must|need\s+to|have\s+to|should)\s+(?:hold|be\s+true|apply|match)\b",
                        re.IGNORECASE)
_OR_WORD = re.compile(r"\b(?:or|either|any)\b|또는|혹은", re.IGNORECASE)


def plain_words(text: str) -> str:
    """``text`` with the trader words above said the plain way (positions may shift)."""
    if re.search(r"\band\b", text, re.IGNORECASE) and not _OR_WORD.search(text):
        text = _BOTH_MUST.sub("", text)
    for pattern, plain in _RULES:
        text = pattern.sub(plain, text)
    return text
