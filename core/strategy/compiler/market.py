"""Which market a prompt trades: the coin, the quote currency (USDT or KRW) and the exchange.

Won amounts, "원화"/KRW, or a Korean exchange (Upbit, Bithumb) make a KRW market; a written pair
("ETH/USDT", "KRW-BTC") decides the quote outright. Defaults (BTC, binance / upbit) are listed as
assumptions. Mixed signals (won and dollar amounts, two exchanges) are declined, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import EngineCannotAnswer
from core.strategy.compiler.actions import Amount
from core.strategy.compiler.declines import decline
from core.strategy.compiler.symbols import (
    DEFAULT_BASE,
    DEFAULT_QUOTE,
    KRW_EXCHANGES,
    ExchangeHit,
    SymbolHit,
)


@dataclass(frozen=True)
class Market:
    base: str
    quote: str
    exchange: str

    @property
    def symbol(self) -> str:
        return f"{self.base}/{self.quote}"


def resolve(symbols: list[SymbolHit], exchanges: list[ExchangeHit], krw_said: bool, amounts: list[Amount],
            lang: str, notes: list[str]) -> Market:
    """The one market of the strategy, or ``EngineCannotAnswer`` naming the conflict."""
    ko = lang == "ko"
    coins = list(dict.fromkeys(s.base for s in symbols))
    if len(coins) > 1:
        # Which coin the conditions read and which one is traded would be a guess.
        raise decline(f"it names several markets ({', '.join(coins)}); the offline engine builds one per strategy.",
                      f"여러 종목({', '.join(coins)})이 있습니다. 오프라인 엔진은 전략 하나에 한 종목만 만듭니다.",
                      lang)
    names = list(dict.fromkeys(e.exchange for e in exchanges))
    if len(names) > 1:
        raise decline(f"it names several exchanges ({', '.join(names)}); a strategy reads one.",
                      f"거래소가 여러 개({', '.join(names)})입니다. 전략은 한 거래소만 읽습니다.", lang)
    explicit = list(dict.fromkeys(s.quote for s in symbols if s.explicit))
    money = {a.unit for a in amounts if a.unit in ("USDT", "KRW")}
    if len(explicit) > 1 or len(money) > 1:
        raise _conflict(lang)
    if explicit:
        quote = explicit[0]
    elif "KRW" in money or krw_said or (names and names[0] in KRW_EXCHANGES and "USDT" not in money):
        quote = "KRW"
    else:
        quote = DEFAULT_QUOTE
    if money and next(iter(money)) != quote and quote in ("USDT", "KRW"):
        raise _conflict(lang)
    if coins:
        base = coins[0]
    else:
        base = DEFAULT_BASE
        notes.append(f"코인이 없어 {base}/{quote}로 가정" if ko else f"no coin named; {base}/{quote} assumed")
    if names:
        exchange = names[0]
        if quote == "KRW" and exchange not in KRW_EXCHANGES:
            # a won market on an exchange that lists none would be a graph whose data cannot load
            raise decline(f"{exchange} has no KRW market; KRW pairs trade on {' or '.join(KRW_EXCHANGES)}.",
                          f"{exchange}에는 원화(KRW) 마켓이 없습니다. 원화 종목은 {', '.join(KRW_EXCHANGES)}에서 "
                          "거래됩니다.", lang)
    else:
        exchange = "upbit" if quote == "KRW" else "binance"
        notes.append(f"거래소가 없어 {exchange} 사용" if ko else f"no exchange named; {exchange} assumed")
    return Market(base, quote, exchange)


def _conflict(lang: str) -> EngineCannotAnswer:
    return decline("it mixes won (KRW) and dollar (USDT) amounts or pairs; say which market to trade.",
                   "원화(KRW)와 달러(USDT) 금액이나 종목이 섞여 있습니다. 어느 시장인지 하나로 말해 주세요.", lang)
