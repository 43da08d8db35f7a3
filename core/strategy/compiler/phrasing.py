"""Phrasings rewritten to the plain condition text the segment parser reads, and phrasings it must
refuse because they leave out what the graph needs.

Rewrites (each keeps the meaning exactly):
- a state after a motion verb is a level: "70 위로 올라가 있으면" is "70 위에 있으면";
- a move out of a side is a cross the other way: "rises from below 30", "30 밑에서 올라오면" →
  crosses above 30 (not below: the side names where it comes from);
- a move to a value says its direction: "drops to 50k", "5만 달러까지 떨어지면" → falls below;
- "back above" is a cross; "twice"/"두 배" are 2x;
- a cross "in either direction" / "어느 방향이든" is both crosses, OR-ed, when nothing else is
  joined to it.
Refusals name the words: a cross with no direction ("crosses 30", "30 크로스"), "from above"
left over where no motion verb says which way.
"""

from __future__ import annotations

import re

from core.strategy.compiler.lexicon import AND_WORDS, OR_WORDS

_STATE_UP = re.compile(r"(?:넘어\s*가|넘어\s*서|넘어|올라\s*서|올라\s*가|올라\s*와)\s*있")
_STATE_DOWN = re.compile(r"(?:떨어져|내려\s*가|내려\s*와|내려\s*서|빠져)\s*있")

_FROM_BELOW_EN = re.compile(
    r"\b(?:rises?|rose|rising|climbs?|climbed|bounces?|bounced|rebounds?|rebounded|comes?|came|moves?|moved"
    r"|goes|went|gets?|got|recovers?|recovered|pops?|popped|turns?\s+up|turned\s+up)\s+(?:back\s+)?(?:up\s+)?"
    r"from\s+(?:below|under|beneath)\b", re.ASCII)
_FROM_ABOVE_EN = re.compile(
    r"\b(?:falls?|fell|falling|drops?|dropped|declines?|declined|comes?\s+(?:back\s+)?down|came\s+down|slides?|slid"
    r"|dips?|dipped|sinks?|sank|moves?\s+down|turns?\s+down|turned\s+down)\s+(?:back\s+)?"
    r"from\s+(?:above|over)\b", re.ASCII)
_FROM_BELOW_KO = re.compile(r"(아래|밑|이하|미만)\s*(?:에서|서)\s*(?:다시\s*)?"
                            r"(?:올라오|올라와|올라가|올라|오르|올랐|반등|상승|회복|탈출|벗어나|벗어난)")
_FROM_ABOVE_KO = re.compile(r"(위|이상|초과)\s*(?:에서|서)\s*(?:다시\s*)?"
                            r"(?:내려오|내려와|내려가|내려|떨어지|떨어져|떨어|하락|빠지|빠져|꺾이|꺾여|꺾)")
# "RSI turns up from 30": it leaves 30 upward, a cross above it.
_TURN_FROM = re.compile(r"\b(?:turns?|turned|turning|hooks?|hooked|curls?|curled)\s+(up|down)\s+(?:from|off|at)\b",
                        re.ASCII)
# "RSI is not above 70" is RSI <= 70: a negated level is the other side, the level itself included.
_NOT_ABOVE = re.compile(r"\b(?:is\s+not|isn'?t|not)\s+(?:above|over|higher\s+than|greater\s+than|more\s+than)\b",
                        re.ASCII)
_NOT_BELOW = re.compile(r"\b(?:is\s+not|isn'?t|not)\s+(?:below|under|lower\s+than|less\s+than)\b", re.ASCII)
_BELOW_TO_ABOVE_KO = re.compile(r"(?:아래|밑)\s*(?:에서|서)\s*위\s*(?:로|쪽으로)")  # "아래에서 위로 돌파"
_ABOVE_TO_BELOW_KO = re.compile(r"위\s*(?:에서|서)\s*(?:아래|밑)\s*(?:로|쪽으로)")
# "from above" / "from below" that no rule above consumed: which way it crosses is not said.
FROM_SIDE = re.compile(r"\bfrom\s+(?:above|below|under|beneath|over)\b", re.ASCII)

_TO_UP_EN = re.compile(
    r"\b(rises?|rose|climbs?|climbed|jumps?|jumped|pumps?|pumped|rall(?:y|ies|ied)|surges?|surged|goes\s+up"
    r"|went\s+up|moves?\s+up|recovers?|recovered|bounces?|bounced)\s+(?:back\s+)?(?:up\s+)?to\b", re.ASCII)
_TO_DOWN_EN = re.compile(
    r"\b(falls?|fell|drops?|dropped|dips?|dipped|sinks?|sank|slides?|slid|plunges?|plunged|tanks?|tanked"
    r"|dumps?|dumped|crash(?:es|ed)?|goes\s+down|went\s+down|moves?\s+down|declines?|declined)\s+"
    r"(?:back\s+)?(?:down\s+)?to\b", re.ASCII)
_TO_UP_KO = re.compile(r"(?:까지|선까지)\s*(?=오르|올라|상승|반등|회복|뛰)")
_TO_DOWN_KO = re.compile(r"(?:까지|선까지)\s*(?=떨어|내려|하락|빠지|빠져|밀리|밀려)")

_BACK = re.compile(r"\b(?:(?:comes?|came|gets?|got|goes|went|is|moves?|climbs?|rises?|pushes|pushed|falls?|fell"
                   r"|drops?|dropped|cross(?:es|ed|ing)?)\s+)?"
                   r"back\s+(above|over|below|under)\b", re.ASCII)
# "bounces back above 30", "slips back below the 50 EMA": a verb that already says its way, with the side it agrees with
_BACK_UP = re.compile(r"\b(?:bounces?|bounced|rebounds?|rebounded|recovers?|recovered|jumps?|jumped|pops?|popped"
                      r"|rall(?:ies|ied)|surges?|surged)\s+back\s+(?:up\s+)?(?:above|over)\b", re.ASCII)
_BACK_DOWN = re.compile(r"\b(?:slips?|slipped|sinks?|sank|dips?|dipped|slides?|slid|tumbles?|tumbled|plunges?|plunged)"
                        r"\s+back\s+(?:down\s+)?(?:below|under)\b", re.ASCII)
# "crosses the zero line upward": the direction written after what is crossed.
_CROSS_THEN_WAY = re.compile(r"\bcross(?:es|ed|ing)?\b(?P<what>(?:\s+[a-z0-9().,]+){1,4}?)\s+"
                             r"(?P<way>upwards?|downwards?|to\s+the\s+(?:up|down)side|from\s+(?:below|under|beneath)"
                             r"|from\s+(?:above|over))\b", re.ASCII)
# "하단 뚫고 내려가면", "20일선 돌파해서 올라가면": a cross word with no way of its own, then the way it
# moves; the connector between them is not an "and" of two conditions.
_CROSS_THEN_MOVE_KO = re.compile(r"(?<!향)(?<!향\s)(?<!로)(?<!로\s)(?:돌파|뚫|이탈)\s*(?:하|해|했|었)?\s*"
                                 r"(?:고|서|어서|해서|하고|하여)?"
                                 r"\s*(?:(?P<down>떨어|내려|하락|빠지|빠져|빠졌)|(?P<up>올라|상승|오르|올랐))")
# "bb middle 위로 cross하면", "시그널 아래로 크로스": the side written with the cross word is its way
_SIDE_CROSS_UP = re.compile(r"위\s*(?:으로|로|쪽으로)\s*(?:cross|크로스|교차)", re.ASCII)
_SIDE_CROSS_DOWN = re.compile(r"(?:아래|밑)\s*(?:으로|로|쪽으로)\s*(?:cross|크로스|교차)", re.ASCII)
_TWICE = re.compile(r"\btwice\b|\bdouble\b|(?<![가-힣])두\s*배", re.ASCII)
_THRICE = re.compile(r"\bthree\s+times\b|\btriple\b|(?<![가-힣])세\s*배", re.ASCII)

_NO_DIRECTION = re.compile(r"\bcross(?:es|ed|ing)?\b|\bbr(?:eak(?:s|ing)?|oke)\b|크로스|교차", re.ASCII)
_EITHER = re.compile(r"(?:\bin\s+)?\b(?:either|any|both)\s+(?:direction|directions|way|ways)\b"
                     r"|\b(?:up\s+or\s+down|above\s+or\s+below)\b"
                     r"|어느\s*(?:방향|쪽)\s*(?:이든|으로든|으로)?|양\s*방향\s*(?:으로)?|방향\s*(?:에\s*)?상관\s*없이|위아래\s*(?:로)?",
                     re.ASCII)
_CROSS_WORD_EN = re.compile(r"\bcross(?:es|ed|ing)?\b(?!\s+(?:above|over|up|below|under|down)\b)", re.ASCII)
_CROSS_WORD_KO = re.compile(r"크로스|교차")


def rewrite(text: str) -> str:
    """Condition text with the phrasings above said the plain way (positions may shift)."""
    text = _CROSS_THEN_MOVE_KO.sub(lambda m: " 하향 돌파 " + m.group("down") if m.group("down")
                                   else " 상향 돌파 " + m.group("up"), text)
    text = _SIDE_CROSS_UP.sub(" 상향 돌파 ", text)
    text = _SIDE_CROSS_DOWN.sub(" 하향 돌파 ", text)
    text = _STATE_UP.sub(" 위에 있", text)
    text = _STATE_DOWN.sub(" 아래에 있", text)
    text = _NOT_ABOVE.sub(" at most ", text)
    text = _NOT_BELOW.sub(" at least ", text)
    text = _TURN_FROM.sub(lambda m: " crosses above " if m.group(1) == "up" else " crosses below ", text)
    text = _BELOW_TO_ABOVE_KO.sub(" 위로 ", text)
    text = _ABOVE_TO_BELOW_KO.sub(" 아래로 ", text)
    text = _FROM_BELOW_EN.sub(" crosses above ", text)
    text = _FROM_ABOVE_EN.sub(" crosses below ", text)
    text = _FROM_BELOW_KO.sub(" 상향 돌파 ", text)
    text = _FROM_ABOVE_KO.sub(" 하향 돌파 ", text)
    text = _TO_UP_EN.sub(lambda m: f" {m.group(1)} above ", text)
    text = _TO_DOWN_EN.sub(lambda m: f" {m.group(1)} below ", text)
    text = _TO_UP_KO.sub(" 위로 ", text)
    text = _TO_DOWN_KO.sub(" 아래로 ", text)
    text = _BACK_UP.sub(" crosses above ", text)
    text = _BACK_DOWN.sub(" crosses below ", text)
    text = _BACK.sub(lambda m: " crosses above " if m.group(1) in ("above", "over") else " crosses below ", text)
    text = _CROSS_THEN_WAY.sub(lambda m: (" crosses above" if _upward(m.group("way")) else " crosses below")
                               + m.group("what") + " ", text)
    text = _TWICE.sub(" 2x ", text)
    text = _THRICE.sub(" 3x ", text)
    return _either(text)


def _upward(way: str) -> bool:
    return "up" in way or "below" in way or "under" in way or "beneath" in way  # from below is upward


def _either(text: str) -> str:
    """"RSI crosses 30 in either direction" → "RSI crosses above 30 or RSI crosses below 30"."""
    either = _EITHER.search(text)
    if either is None:
        return text
    rest = text[:either.start()] + " " * (either.end() - either.start()) + text[either.end():]
    if AND_WORDS.search(rest) or OR_WORDS.search(rest):
        return text  # joined to other conditions: which of them the OR spans would be a guess
    en = _CROSS_WORD_EN.search(rest)
    if en:
        subject, obj = rest[:en.start()], rest[en.end():]
        return f"{subject} crosses above {obj} or {subject} crosses below {obj}"
    ko = _CROSS_WORD_KO.search(rest)
    if ko:
        before, after = rest[:ko.start()], rest[ko.end():]
        return f"{before} 상향 돌파 또는 {before} 하향 돌파 {after}"
    return text


def no_direction(rest: str, original: str) -> tuple[str, str] | None:
    """(English, Korean) problem when a cross or break is left whose direction was never said.

    ``rest`` is the segment with every understood span blanked (same positions as ``original``,
    the segment as written); the span named is the cross word with the value it crosses.
    """
    m = _NO_DIRECTION.search(rest)
    if m is None:
        return None
    span = with_value(m.start(), m.end(), rest, original)
    return (f"'{span}' does not say which way it crosses (say e.g. 'crosses above' or 'crosses below', "
            "or 'crosses ... in either direction')",
            f"'{span}' — 어느 방향인지 없습니다 ('상향 돌파' 또는 '하향 돌파'처럼, 둘 다라면 '어느 방향이든'이라고 "
            "말해 주세요)")


_TOKEN = re.compile(r"\S+")


def with_value(start: int, end: int, rest: str, original: str) -> str:
    """The words at [start, end) plus the value written next to them (spans other rules consumed)."""
    tokens = [(t.start(), t.end()) for t in _TOKEN.finditer(original)]
    here = next((i for i, (a, b) in enumerate(tokens) if a <= start < b), None)
    if here is None:
        return original[start:end].strip()
    first = last = here
    consumed = [not rest[a:b].strip() or rest[a:b].strip() in ("the", "을", "를", "이", "가") for a, b in tokens]
    while last + 1 < len(tokens) and last - here < 3 and consumed[last + 1]:
        last += 1
    while last == here and first > 0 and here - first < 2 and consumed[first - 1]:
        first -= 1  # Korean writes the value first: "30 크로스", "5만 달러 터치"
    return " ".join(original[tokens[first][0]:tokens[last][1]].split())


def side_problem(text: str) -> tuple[str, str] | None:
    m = FROM_SIDE.search(text)
    if m is None:
        return None
    span = m.group(0)
    return (f"'{span}': which way it must cross is not clear (say e.g. 'rises from below 30' or 'drops below 30')",
            f"'{span}': 어느 방향으로 지나가야 하는지 분명하지 않습니다 "
            "(예: '30 밑에서 올라오면', '30 아래로 떨어지면')")


# "the 50 SMA is crossed above by price": the one written first is what is crossed, not what crosses
_PASSIVE = re.compile(r"\b(?:crossed|broken|pierced|breached|reclaimed|lost|tagged|touched)\b[^,;]*?\bby\b"
                      r"|(?:에\s*의해|에게)\s*(?:\S+\s*)?(?:돌파|이탈|뚫|깨)", re.ASCII)


def passive_problem(text: str) -> tuple[str, str] | None:
    m = _PASSIVE.search(text)
    if m is None:
        return None
    span = " ".join(m.group(0).split())
    return (f"'{span}': say it the active way, what crosses first (e.g. 'price crosses above the 50 SMA')",
            f"'{span}': 무엇이 지나가는지를 먼저 써 주세요 (예: '가격이 50일선을 상향 돌파하면')")
