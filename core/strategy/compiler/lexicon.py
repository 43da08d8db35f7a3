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
    text = text.replace("≤", "<=").replace("≥", ">=").replace("–", "-").replace("—", "-")
    # "rsi < 20 => buy", "RSI<=25 -> 매수": an arrow before an action is "then", not a comparison
    return _ARROW.sub(" then ", text)


_ARROW = re.compile(r"\s*(?:->|=>|→|⇒)\s*(?=(?:buy|sell|notify|alert|long|매수|매도|알림|사|팔)(?![a-z]))",
                    re.IGNORECASE)


def normalise(text: str) -> str:
    """``unify`` then lower case."""
    return unify(text).lower()


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def blank(text: str, start: int, end: int) -> str:
    """Replace a span by spaces so later positions stay where they were."""
    return text[:start] + " " * (end - start) + text[end:]


# (pattern, operator). Crossings first, then inclusive forms, then strict ones. re.ASCII: \b must
# see Hangul as a boundary, so "MACD golden cross면" still reads the English words.
COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.ASCII), op)
    for p, op in [
        # 뚫다/돌파 read upward unless a downward word comes with them: "아래로 뚫으면", "하향 뚫으면"
        (r"(?:아래|밑)\s*(?:으로|로)\s*(?:뚫|돌파|관통)|하향\s*(?:으로\s*)?뚫", "crosses_below"),
        # "30 아래로 가면", "70 위로 갈 때": going to a side is moving there
        (r"(?:아래|밑|below|under)\s*(?:으로|로)\s*(?:가면|갈\s*때|가는\s*순간|갔을\s*때|가자마자)", "crosses_below"),
        (r"(?:위|above|over)\s*로\s*(?:가면|갈\s*때|가는\s*순간|갔을\s*때|가자마자)", "crosses_above"),
        (r"\bcross(?:es|ed|ing)?\s+(?:above|over|up(?:\s+through)?)\b|\bupward\s+cross", "crosses_above"),
        (r"\bbr(?:eak(?:s|ing)?|oke)\s+(?:out\s+|up\s+)?(?:above|over|through)\b|\bbreakout\s+above\b",
         "crosses_above"),
        (r"\bgolden\s*cross(?:es|ed)?\b|\breclaim(?:s|ed|ing)?\b|\bmoves?\s+back\s+above\b"
         r"|\b(?:flips?|turns?)\s+above\b", "crosses_above"),
        (r"골든\s*크로스|(?<![가-힣])골크|상향\s*돌파|상향\s*이탈|(?<!하향)(?<!하향\s)돌파|뚫|회복|올라서|넘어서|넘어가"
         # "70 넘으면" is the moment it goes over (like "goes above 70"); "넘는 구간", "넘어 있으면" stay levels
         r"|넘으면|넘을\s*때|넘었을\s*때|넘었으면|넘는\s*순간|넘자마자|상향\s*전환", "crosses_above"),
        # "pushes through the 50 EMA": a push says upward; "drops through" says downward
        (r"\b(?:push|punch|blast|rip)(?:es|ed|s|ing|ped|ping)?\s+(?:up\s+)?(?:through|past)\b", "crosses_above"),
        (r"\b(?:falls?|fell|drops?|dropped|sinks?|sank|crash(?:es|ed)?|plunges?|plunged)\s+(?:down\s+)?through\b",
         "crosses_below"),
        (r"\bcross(?:es|ed|ing)?\s+(?:below|under|down(?:\s+through)?)\b|\bdownward\s+cross", "crosses_below"),
        (r"\bbr(?:eak(?:s|ing)?|oke)\s+(?:down\s+)?(?:below|under)\b|\bbr(?:eak(?:s|ing)?|oke)\s+down\s+(?:through|past)\b"
         r"|\bbreakdown\s+below\b", "crosses_below"),
        (r"\bdea(?:d|th)\s*cross(?:es|ed)?\b|\blos(?:es|e|t|ing)\b|\b(?:flips?|turns?)\s+below\b", "crosses_below"),
        # "70에서 꺾이면", "30 아래로 꺾이면": turning down through the level
        (r"(?:아래|밑)\s*(?:으로|로)\s*꺾(?:이|여|였|인)|에서\s*꺾(?:이|여|였|인)", "crosses_below"),
        # "RSI가 30에서 반등하면": turning up through the level it bounces off
        (r"에서\s*(?:반등|튀어\s*오르|튀어\s*올라)", "crosses_above"),
        (r"데드\s*크로스|(?<![가-힣])데크(?![가-힣])|하향\s*돌파|하향\s*이탈|이탈|깨지|깨면|깨고|깨질|깨졌|무너지|무너졌"
         r"|하향\s*전환", "crosses_below"),
        # "30보다 작아지면", "평균보다 커지면": becoming lower or higher is the moment it passes, like "drops below"
        (r"(?:보다\s*)?(?:낮아지|낮아질|낮아졌|작아지|작아질|작아졌)", "crosses_below"),
        (r"(?:보다\s*)?(?:높아지|높아질|높아졌|커지|커질|커졌)", "crosses_above"),
        # "less than or equal to 35": one inclusive comparison, read before "less than" alone
        (r"\b(?:less|lower|smaller)\s+than\s+or\s+equal(?:\s+to)?\b|\bequal\s+to\s+or\s+(?:less|lower)\s+than\b", "<="),
        (r"\b(?:greater|higher|more|bigger)\s+than\s+or\s+equal(?:\s+to)?\b"
         r"|\bequal\s+to\s+or\s+(?:greater|higher|more)\s+than\b", ">="),
        (r"<=|=<|\bat\s+or\s+(?:below|under|beneath)\b|\bor\s+(?:less|lower|below|under)\b|\bat\s+most\b"
         r"|\bno\s+more\s+than\b|\bno\s+higher\s+than\b|이하", "<="),
        (r">=|=>|\bat\s+or\s+(?:above|over)\b|\bor\s+(?:more|higher|above|over)\b|\bat\s+least\b"
         r"|\bno\s+less\s+than\b|\bno\s+lower\s+than\b|이상", ">="),
        (r"!=|\bnot\s+equal(?:\s+to)?\b", "!="),
        (r"==|\bequals?\b|\bequal\s+to\b", "=="),
        (r"<|\bless\s+than\b|\blower\s+than\b|\bbelow\b|\bunder\b|\bbeneath\b|미만|아래|밑돌|밑|하회"
         r"|(?:보다\s*)?(?:낮|작)(?:아지|으|아|을|은|다)|보다\s*적(?:으|어|을|은|다)"
         # "20일선보다 낮고 ...": the stem left when "고" was read as "and"
         r"|(?:보다\s*)?(?<![가-힣])(?:낮|작)(?=\s|$)|보다\s*적(?=\s|$)", "<"),
        (r">|\bgreater\s+than\b|\bhigher\s+than\b|\bmore\s+than\b|\babove\b|\bover\b|\bexceeds?\b|\btops?\b"
         r"|초과|위로|위에|위면|위일|위이|위(?=\s|$)|상회|웃돌|넘"
         r"|(?:보다\s*)?(?:높|크)(?:아지|으|아|을|은|다|면)"
         # "평균보다 5배 많으면": more of it, said of an amount (volume)
         r"|(?:보다\s*)?(?:더\s*)?많(?:으|아|을|은|다)|(?:보다\s*)?(?<![가-힣])(?:높|크|많)(?=\s|$)", ">"),
    ]
]
# A motion verb turns a level into the event of crossing it: "goes above 75", "30 아래로 떨어지면"
# are crosses; "is above 75", "30 아래면", "위에 있으면" are levels.
MOTION = re.compile(
    r"\b(?:goes|go|going|went|gets?|got|moves?|moved|falls?|fell|falling|drops?|dropped|dropping|dips?|dipped"
    r"|sinks?|sank|slips?|slipped|slides?|slid|plunges?|plunged|rises?|rose|rising|climbs?|climbed|jumps?|jumped"
    r"|pushes|pushed|pops?|popped|spikes?|spiked|surges?|surged|rall(?:y|ies|ied)|tanks?|tanked|crash(?:es|ed)?"
    r"|enters|entered|entering)\b"
    r"|떨어지|떨어져|떨어질|떨어졌|내려가|내려갈|내려간|내려갔|내려오|내려와|하락하|하락할|하락해|빠지|빠질|빠져|빠졌"
    r"|올라가|올라갈|올라간|올라갔|올라오|올라와|상승하|상승할|상승해|오르|오를|올랐|진입하|들어가|들어오"
    # "거래량이 평균의 3배 이상 터지면": bursting, surging, shooting up
    r"|터지|터질|터져|터졌|급증|폭증|치솟",
    re.ASCII)
# Which way a motion verb goes: a cross said one way and moved the other ("뚫고 내려가면") is read by
# the motion when the cross word itself has no direction, and refused when it has one.
MOTION_DOWN = re.compile(
    r"\b(?:falls?|fell|falling|drops?|dropped|dropping|dips?|dipped|sinks?|sank|slips?|slipped|slides?|slid"
    r"|plunges?|plunged|tanks?|tanked|crash(?:es|ed)?)\b"
    r"|떨어|내려|하락|빠지|빠질|빠져|빠졌", re.ASCII)
MOTION_UP = re.compile(
    r"\b(?:rises?|rose|rising|climbs?|climbed|jumps?|jumped|pushes|pushed|pops?|popped|spikes?|spiked|surges?"
    r"|surged|rall(?:y|ies|ied))\b|올라|상승|오르|오를|올랐|터지|터질|터져|터졌|급증|폭증|치솟", re.ASCII)
# Korean cross words that say no direction of their own: "돌파", "뚫" (read upward) and "이탈" (read
# downward) unless 상향/하향 or a side ("아래로 뚫") comes with them.
NEUTRAL_CROSS = re.compile(r"(?<!향)(?<!향\s)(?<!로)(?<!로\s)(?:돌파|뚫|이탈)")
CROSS_OF = {"<": "crosses_below", "<=": "crosses_below", ">": "crosses_above", ">=": "crosses_above"}

# Phrases that are whole conditions on their own.
# Leaving a zone is the cross out of it: "comes out of oversold", "과매도 탈출" → RSI crosses above 30.
_ZONE_EXIT = (r"\b(?:comes?|came|gets?|got|moves?|moved|climbs?|rises?|breaks?|bounces?|pops?|drops?|falls?)"
              r"\s+out\s+of\s+"
              r"(?:the\s+)?{zone}(?:\s+(?:zone|territory|area|region|levels?))?"
              r"|\b(?:exits?|exited|leaves?|left|escapes?|escaped)\s+(?:the\s+)?{zone}(?:\s+(?:zone|territory|area|region))?"
              r"|{ko}\s*(?:구간|영역|권|상태)?\s*(?:에서\s*)?(?:탈출|벗어나|벗어난|벗어났|빠져나오|빠져나와)")
OVERSOLD_EXIT = re.compile(_ZONE_EXIT.format(zone="oversold", ko="과매도"), re.ASCII)
OVERBOUGHT_EXIT = re.compile(_ZONE_EXIT.format(zone="overbought", ko="과매수"), re.ASCII)
OVERSOLD = re.compile(r"\boversold\b|과매도", re.ASCII)
OVERBOUGHT = re.compile(r"\boverbought\b|과매수", re.ASCII)
POSITIVE_CROSS = re.compile(r"\b(?:turns?|turned|turning|flips?|flipped|flipping|goes|went|crosses|crossed)\s+"
                            r"(?:positive|green)\b|양전환|양전|양으로\s*전환|플러스\s*전환|플러스로\s*전환", re.ASCII)
NEGATIVE_CROSS = re.compile(r"\b(?:turns?|turned|turning|flips?|flipped|flipping|goes|went|crosses|crossed)\s+"
                            r"(?:negative|red)\b|음전환|음전|음으로\s*전환|마이너스\s*전환|마이너스로\s*전환", re.ASCII)
POSITIVE = re.compile(r"\b(?:is\s+)?positive\b|양수|양으로|플러스", re.ASCII)
NEGATIVE = re.compile(r"\b(?:is\s+)?negative\b|음수|음으로|마이너스", re.ASCII)
TOUCH = re.compile(r"\btouch(?:es|ed|ing)?\b|\bhits?\b|\btags?\b|\breach(?:es|ed|ing)?\b"
                   r"|닿|터치|도달|찍으|찍을|찍었|찍히",
                   re.ASCII)

AND_WORDS = re.compile(r"\band\b|&&|(?<![a-z])&(?![a-z])|(?<=\s)\+(?=\s)|\bbut(?:\s+only)?(?:\s+(?:if|when))?\b"
                       r"|그리고|이고|이며|이면서|으면서|면서|동시에|(?<=[가-힣])고(?=\s)|\bwhile\b|\bplus\b"
                       # "200일선 위에 있을 때 RSI 40 이하면": a condition "at the time" another holds
                       r"|(?<=[가-힣])\s*때(?:에만|에|만|는)?(?=\s+\S)",
                       re.ASCII)
# "30 or below" is one comparison (<=); "above 70 or below 30" is two.
OR_WORDS = re.compile(r"(?<!\bat\s)(?<!\bequal\sto\s)(?<!\bequal\s)"
                      r"\bor\b(?!\s+(?:less|lower|below|under|more|higher|above|over|fewer|greater|equal)\b"
                      r"(?!\s*(?:than\s+)?-?\d))"
                      r"|\|\||또는|혹은|이거나|거나", re.ASCII)

# Clause boundaries: where one rule may end and another begin.
CLAUSE_SPLIT = re.compile(r",(?!\d{3})|[;\n!?:]|\.(?!\d)|\bthen\b|(?<=[가-힣])(?:고|며)\s*,|\s그\s*다음", re.ASCII)

# Terms we recognise as real trading concepts but cannot express in format v1.
UNSUPPORTED: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p, re.ASCII), en, ko)
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
        (r"\bfor\s+(?:the\s+)?(?:last\s+|past\s+|next\s+)?(?:\d+|two|three|four|five|six|several|a\s+few)\s+"
         r"(?:consecutive\s+|straight\s+|successive\s+|more\s+|full\s+)?(?:candles?|bars?|closes?|sessions?|periods?"
         r"|days?|hours?|weeks?|minutes?)\b"
         r"|\b(?:\d+|two|three|four|five|six)\s+(?:consecutive|straight|successive)\b|\b(?:(?:\d+|two|three|four|five|six)\s+(?:candles?|bars?|days?|hours?|times|closes?|sessions?)\s+)?in\s+a\s+row\b"
         r"|\bconsecutive(?:ly)?\b"
         r"|\bfor\s+(?:a|an|one|a\s+full|a\s+whole|the\s+whole|the\s+entire|a\s+few|some|a\s+couple\s+of)\s+"
         r"(?:full\s+|whole\s+)?(?:candles?|bars?|days?|hours?|weeks?|sessions?|while|minutes?|closes?)\b"
         r"|\d+\s*(?:개\s*)?(?:봉|캔들|일|시간|분|번|회)\s*(?:이상\s*)?(?:연속|내리|계속|째)|연속"
         r"|(?:\d+\s*(?:개\s*)?(?:봉|캔들|일|시간|분)|하루|이틀|사흘|일주일|한\s*주)\s*(?:동안|간|이상|내내)\s*"
         r"(?:계속\s*)?(?:유지|머무|머물|있(?:으면|을|는))",
         "a condition held for several candles in a row", "여러 봉 연속 유지 조건"),
        (r"(?:전봉|전\s*봉|이전\s*봉|직전\s*봉|전일|어제|지난\s*봉)\s*(?:의\s*)?(?:고가|저가|종가|시가|캔들|양봉|음봉)"
         r"|(?:previous|prior|last|yesterday'?s?)\s+(?:candle'?s?\s+|bar'?s?\s+|day'?s?\s+)?(?:high|low|open|close)\b"
         r"|yesterday|\b(?:closed|closes|close)\s+(?:green|red)\b|양봉|음봉|\bgreen\s+candle|\bred\s+candle",
         "earlier candles' values", "이전 봉의 값"),
        (r"\bkeltner|켈트너|\bdonchian|돈치안|\bmfi\b|\bcmf\b|\btrix\b|\bpivot|피봇|피벗|\benvelope|엔벨로프"
         r"|\bheikin|하이킨|\baroon|\bkdj\b|\bdmi\b|\bppo\b|\bstc\b|\bsqueeze\b|스퀴즈"
         r"|fear\s*(?:and|&)\s*greed|공포\s*(?:탐욕|지수)|탐욕\s*지수|\bdominance|도미넌스|\bmvrv|\bnupl|\bhash\s*rate|해시레이트",
         "an indicator outside the format", "형식에 없는 지표"),
        (r"\bshort(?:ing)?\b|숏|공매도", "short selling", "숏(공매도)"),
        (r"\bleverage\b|레버리지|\b\d+x\s+long\b|\bmargin\b|선물|\bfutures\b|\bperp", "leverage", "레버리지"),
        (r"\bgrid\b|그리드|\bdca\b|분할\s*매수|물타기|적립식|\brebalanc|리밸런싱",
         "position-building schemes (grid/DCA)",
         "분할 매수·그리드"),
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
