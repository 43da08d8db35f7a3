"""Social phrases that carry no rule: self-introductions, greetings, sign-offs, apologies, moods.

They are blanked out of the request before anything reads it (positions kept). Each phrase is read
whole, never word by word: "잘 못 봐서요" and "안 좋아서요" hold negations that must stay strict
anywhere else, and a coin named in an introduction ("long-time ETH holder here") is kept, since it
may be the pair the rule trades.
"""

from __future__ import annotations

import re

from core.strategy.compiler.lexicon import blank

_PHRASES_EN = [
    # introductions: "Korean-American trader here", "long-time BTC holder here"
    r"\blong[- ]?time\b",
    r"\b[a-z]+-[a-z]+(?=\s+(?:trader|holder|hodler|investor)\s+here\b)",
    r"\b(?:trader|holder|hodler|investor|newbie|beginner)\s+here\b",
    r"\bi'?ve\s+been\s+(?:trading|holding|hodling|watching|stacking)\b(?=(?:\s+[a-z0-9/]+)?\s+for\s+(?:a\s+while"
    r"|years|months|ages|a\s+long\s+time)\b)",
    r"(?<=[a-z0-9])\s+for\s+(?:a\s+while|years|months|ages|a\s+long\s+time)\b(?=\s*[.!,;])",
    r"\bbeen\s+running\s+this\b(?=\s+on\b)",
    r"\bswing\s+(?:exit|entry|setup|plan)\s+for\b(?=\s+[a-z0-9/]+\s*:)",
    r"\bsorry\s+if\s+this\s+is\s+a\s+(?:dumb|stupid|silly|basic|noob)\s+question\b",
    r"\bi'?m\s+(?:new|a\s+beginner|a\s+noob|new\s+here|new\s+to\s+(?:this|crypto|trading))\b(?=\s*[.!,;]|\s*$)",
    r"\bi'?m\s+(?:so\s+)?tired\s+of\s+(?:round[- ]tripping|giving\s+back|losing)\s+(?:my\s+)?(?:gains|profits)\b",
    r"\bthank(?:s|\s+you)\s+(?:so|very)\s+much\b",
    r"(?:^|(?<=[.!?]))\s*(?:sorry,?\s*)?one\s+more(?:\s+(?:thing|question|request|rule))?\s*[:!.,]",
    r"\bugh+\b(?:\s*,?\s*this\s+market\b)?",
    r"\bhonestly\b",
    r"^\s*(?:hey|hi|hello)\s+(?:team|all|everyone|there)\b",
    r"^\s*(?:good\s+)?morning\b(?=\s*[!,.])",
    # a sign-off and the name under it: "Thanks,\nMike", "Cheers"
    r"\n\s*(?:thanks|thank\s+you|cheers|best|regards|thx)\s*[,!.]*\s*(?:\n\s*[a-z]+\s*)?$",
]
_PHRASES_KO = [
    r"직장인(?:이라|이라서|이어서|이라고)?\s*(?:차트를?\s*)?(?:잘\s*)?(?:못|안)\s*봐(?:서요|요|서)",
    r"요즘\s*장이?\s*(?:너무|넘|진짜|완전|좀)?\s*(?:안\s*좋아서요?|안\s*좋네요|별로라서요?|무서워서요?)",
    r"하나\s*더(?:요|\s*부탁(?:드려요|드립니다|해요|합니다))(?![가-힣])",
    r"\d+\s*(?:년|달|개월)\s*째\s*존버\s*(?:중(?:입니다|이에요|이요)?|하는\s*중)?",
    r"그\s*전까지?(?:는|진)?\s*존버(?:함|할게요|합니다|할게|해요|할래요)?",
    r"(?<![가-힣])존버\s*중(?:입니다|이에요)?",
    r"(?:미국|캐나다|호주|일본|유럽|해외)\s*(?:에\s*)?(?:사는|거주하는|거주\s*중인|살고\s*있는)\s*"
    r"(?:교포|직장인|학생|한국인|사람)(?:입니다|이에요|예요|인데요|인데)?",
]
_SOCIAL = re.compile("|".join(f"(?:{p})" for p in _PHRASES_EN + _PHRASES_KO), re.IGNORECASE | re.MULTILINE)


def drop_social(text: str) -> str:
    """``text`` with every social phrase blanked (same length, so spans quoted later still line up)."""
    for found in reversed(list(_SOCIAL.finditer(text))):
        text = blank(text, found.start(), found.end())
    return text
