"""Words the offline compiler knows: comparators, connectors, unsupported terms, examples.

Patterns run over lower-cased text. Korean has no word boundaries (particles attach to words), so
Korean patterns match substrings; English ones use \\b. Order matters: longer phrases come first
because each match is blanked out before the next pattern runs.
"""

from __future__ import annotations

import re
import unicodedata

_FULL_WIDTH = str.maketrans({"＜": "<", "＞": ">", "＝": "=", "％": "%", "，": ",", "。": ".", "（": "(", "）": ")"})


def unify(text: str) -> str:
    """NFKC and unified punctuation, letter case kept (capitals tell LINK the coin from "link")."""
    text = unicodedata.normalize("NFKC", text).translate(_FULL_WIDTH)
    return text.replace("≤", "<=").replace("≥", ">=").replace("–", "-").replace("—", "-")


def normalise(text: str) -> str:
    """``unify`` then lower case."""
    return unify(text).lower()


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def blank(text: str, start: int, end: int) -> str:
    """Replace a span by spaces so later positions stay where they were."""
    return text[:start] + " " * (end - start) + text[end:]


# (pattern, operator). Crossings first, then inclusive forms, then strict ones.
COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), op)
    for p, op in [
        (r"\bcross(?:es|ed|ing)?\s+(?:above|over|up(?:\s+through)?)\b", "crosses_above"),
        (r"\bbreak(?:s|ing)?\s+(?:out\s+)?(?:above|over|through)\b", "crosses_above"),
        (r"\bgolden\s*cross\b", "crosses_above"),
        (r"골든\s*크로스|상향\s*돌파|상향\s*이탈|(?<!하향)(?<!하향\s)돌파|뚫", "crosses_above"),
        (r"\bcross(?:es|ed|ing)?\s+(?:below|under|down(?:\s+through)?)\b", "crosses_below"),
        (r"\bbreak(?:s|ing)?\s+(?:down\s+)?(?:below|under)\b", "crosses_below"),
        (r"\bdea(?:d|th)\s*cross\b", "crosses_below"),
        (r"데드\s*크로스|하향\s*돌파|하향\s*이탈|이탈", "crosses_below"),
        (r"<=|=<|\bat\s+or\s+below\b|\bor\s+(?:less|lower|below)\b|\bat\s+most\b|\bno\s+more\s+than\b|이하", "<="),
        (r">=|=>|\bat\s+or\s+above\b|\bor\s+(?:more|higher|above)\b|\bat\s+least\b|\bno\s+less\s+than\b|이상", ">="),
        (r"!=|\bnot\s+equal(?:\s+to)?\b", "!="),
        (r"==|\bequals?\b|\bequal\s+to\b", "=="),
        (r"<|\bless\s+than\b|\blower\s+than\b|\bbelow\b|\bunder\b|\bbeneath\b|미만|아래|밑|하회"
         r"|(?:보다\s*)?(?:낮|작)(?:아지|으|아|을|은|다)", "<"),
        (r">|\bgreater\s+than\b|\bhigher\s+than\b|\bmore\s+than\b|\babove\b|\bover\b|\bexceeds?\b|\btops?\b"
         r"|초과|위로|위에|위면|위일|위이|위(?=\s|$)|상회|넘|(?:보다\s*)?(?:높|크)(?:아지|으|아|을|은|다|면)", ">"),
    ]
]

# Phrases that are whole conditions on their own.
OVERSOLD = re.compile(r"\boversold\b|과매도")
OVERBOUGHT = re.compile(r"\boverbought\b|과매수")
POSITIVE = re.compile(r"\b(?:turns?\s+)?positive\b|양전환|양수|양으로|플러스")
NEGATIVE = re.compile(r"\b(?:turns?\s+)?negative\b|음전환|음수|음으로|마이너스")
TOUCH = re.compile(r"\btouch(?:es|ed|ing)?\b|\bhits?\b|닿|터치")

AND_WORDS = re.compile(r"\band\b|&&|&|그리고|이고|이며|이면서|면서|동시에|(?<=[가-힣])고(?=\s)|\bwhile\b|\bplus\b")
OR_WORDS = re.compile(r"\bor\b(?!\s+(?:less|lower|below|more|higher|above|fewer|greater|equal))"
                      r"|\|\||또는|혹은|이거나|거나")

# Clause boundaries: where one rule may end and another begin.
CLAUSE_SPLIT = re.compile(r",(?!\d{3})|[;\n!?]|\.(?!\d)|\bthen\b|(?<=[가-힣])(?:고|며)\s*,|\s그\s*다음")

# Terms we recognise as real trading concepts but cannot express in format v1.
UNSUPPORTED: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p), en, ko)
    for p, en, ko in [
        (r"ichimoku|일목", "Ichimoku", "일목균형표"),
        (r"stoch(?:astic)?|스토캐스틱", "Stochastic", "스토캐스틱"),
        (r"fibonacci|\bfib\b|피보나치", "Fibonacci", "피보나치"),
        (r"\bvwap\b", "VWAP", "VWAP"),
        (r"\bobv\b", "OBV", "OBV"),
        (r"\bcci\b", "CCI", "CCI"),
        (r"\badx\b|\bdmi\b", "ADX/DMI", "ADX/DMI"),
        (r"williams|%r\b", "Williams %R", "윌리엄스 %R"),
        (r"parabolic|\bsar\b|파라볼릭", "Parabolic SAR", "파라볼릭 SAR"),
        (r"supertrend|슈퍼\s*트렌드", "Supertrend", "슈퍼트렌드"),
        (r"funding\s*rate|펀딩", "funding rate", "펀딩비"),
        (r"open\s*interest|미결제", "open interest", "미결제약정"),
        (r"kimchi|김프|김치\s*프리미엄", "kimchi premium", "김치 프리미엄"),
        (r"tweet|트윗|twitter|트위터|\belon\b|일론", "social media posts", "소셜 미디어 글"),
        (r"\bnews\b|뉴스|headline|헤드라인", "news events", "뉴스"),
        (r"\bweekly\b|주봉|\bmonthly\b|월봉|\b1w\b|\b1m(?:o|onth)\b", "weekly/monthly candles", "주봉/월봉"),
        (r"trailing|트레일링", "trailing stops", "트레일링 스탑"),
        (r"전봉|이전\s*봉|직전\s*봉|previous\s+(?:candle|bar|close|high|low|day)|prior\s+(?:candle|bar)|yesterday",
         "earlier candles' values", "이전 봉의 값"),
        (r"\bshort(?:ing)?\b|숏|공매도", "short selling", "숏(공매도)"),
        (r"\bleverage\b|레버리지|\b\d+x\s+long\b", "leverage", "레버리지"),
        (r"\bhalf\b|절반|\b\d+\s*%\s+of\s+(?:my|the)\s+(?:position|holdings|bag)", "selling part of a position",
         "포지션 일부 매도"),
    ]
]

EXAMPLES = {
    "en": [
        "Buy 100 USDT of BTC when the 1h RSI(14) drops below 30",
        "Sell all ETH when the 4h close crosses below the 50 EMA",
        "Notify me when SOL volume is over 2x its 20-period average on the 15m chart",
        "Buy 0.5 ETH daily when MACD crosses above its signal and RSI < 50, take profit 8%, stop loss 4%",
    ],
    "ko": [
        "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수",
        "이더리움 4시간봉 종가가 50 EMA를 하향 돌파하면 전량 매도",
        "솔라나 15분봉 거래량이 평균의 2배 이상이면 알림",
        "리플 일봉 MACD 골든크로스이고 RSI 50 미만이면 200 USDT 매수, 익절 8% 손절 4%",
    ],
}

REFINE_EXAMPLES = {
    "en": ["make the RSI period 21", "make the amount 200 USDT", "also notify me", "add a stop loss at 5%",
           "use the 4h chart", "switch to ETH", "change 30 to 25"],
    "ko": ["RSI 기간을 21로", "금액을 200 USDT로", "알림도 추가", "손절 5% 추가", "4시간봉으로 바꿔",
           "이더리움으로 바꿔",
           "30을 25로"],
}
