"""What a refinement says it replaces: "trade SOL instead of ETH", "이더 말고 솔라나로", "run it on Bybit
instead of Binance", "switch from 1h to 4h", "바이낸스에서 바이비트로".

Such an instruction names two coins (exchanges, timeframes): the one being replaced must be what the
strategy has now, and is then taken out of the text so only the new one is read. A replaced value
the strategy does not have is declined, never guessed around.
"""

from __future__ import annotations

import re
from typing import Any

from core.strategy.compiler.indicators import CompileProblem
from core.strategy.compiler.lexicon import blank
from core.strategy.compiler.symbols import find_exchanges, find_symbols
from core.strategy.compiler.timeframes import find_timeframes

# Words before the replaced value ("instead of ETH", "from 1h") and after it ("이더 말고", "ETH를 SOL로")
_OLD_BEFORE = re.compile(r"\b(?:instead\s+of|rather\s+than|from|replace|swap|not)\s+(?:the\s+)?$", re.ASCII)
_SAID_WITH_IT = ("instead", "rather", "not")  # marker words read with the replaced value; the others are verbs
_OLD_AFTER = re.compile(r"^\s*(?:말고|대신에?|을|를|은|는|이\s*아니라|가\s*아니라|->|→|에서(?=.*(?:으로|로)))")


def _data(strategy: dict[str, Any]) -> dict[str, Any]:
    return next((n.get("config", {}) for n in strategy.get("nodes", []) if n.get("type") == "data_source"), {})


def without_replaced(strategy: dict[str, Any], text: str, original: str) -> str:
    """``text`` with the replaced coin / exchange / timeframe blanked (positions kept)."""
    data = _data(strategy)
    aligned = len(original) == len(text)
    kinds = (
        ([(h.start, h.end, h.base) for h in find_symbols(text, original if aligned else text)],
         str(data.get("symbol", "")).split("/")[0], "coin", "코인"),
        ([(h.start, h.end, h.exchange) for h in find_exchanges(text)], str(data.get("exchange", "")), "exchange",
         "거래소"),
        ([(f.start, f.end, f.interval) for f in find_timeframes(text) if f.interval], str(data.get("timeframe", "")),
         "timeframe", "봉"),
    )
    for hits, current, word_en, word_ko in kinds:
        if len({value for _, _, value in hits}) != 2:
            continue
        old = []
        for s, e, v in hits:
            before, after = _OLD_BEFORE.search(text[:s]), _OLD_AFTER.match(text[e:])
            if before or after:
                # the marker words go with the replaced value: "instead of ETH", "이더 말고"
                cut = before.start() if before and before.group(0).split()[0] in _SAID_WITH_IT else s
                old.append((cut, e + (after.end() if after else 0), v, s, e))
        if len(old) != 1:
            continue
        start, end, value, value_start, value_end = old[0]
        if value != current:
            span = original[value_start:value_end] if aligned else value
            raise CompileProblem(f"'{span}' is to be replaced, but the strategy's {word_en} is {current}",
                                 f"'{span}'을(를) 바꾸라고 했지만 전략의 {word_ko}은(는) {current}입니다")
        text = blank(text, start, end)
    return text
