"""Coin names (Korean and English) to exchange symbols, quoted in USDT unless a pair is written."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_QUOTE = "USDT"
DEFAULT_BASE = "BTC"
QUOTES = ("USDT", "USDC", "BUSD", "USD", "BTC", "ETH", "KRW")

# base -> names matched case-insensitively (Korean as substrings, English as words).
COINS: dict[str, tuple[str, ...]] = {
    "BTC": ("btc", "xbt", "bitcoin", "비트코인", "비트", "비코", "빗코"),
    "ETH": ("eth", "ether", "ethereum", "이더리움", "이더", "이더리움코인"),
    "SOL": ("sol", "solana", "솔라나", "솔"),
    "XRP": ("xrp", "ripple", "리플"),
    "DOGE": ("doge", "dogecoin", "도지코인", "도지"),
    "ADA": ("ada", "cardano", "에이다", "카르다노"),
    "BNB": ("bnb", "binance coin", "바이낸스코인", "비앤비"),
    "AVAX": ("avax", "avalanche", "아발란체"),
    "TRX": ("trx", "tron", "트론"),
    "LTC": ("ltc", "litecoin", "라이트코인"),
    "SHIB": ("shib", "shiba", "shiba inu", "시바이누", "시바"),
    "MATIC": ("matic", "polygon", "폴리곤"),
    "POL": ("pol",),
    "ATOM": ("atom", "cosmos", "코스모스"),
    "ETC": ("ethereum classic", "이더리움클래식", "이더리움 클래식", "이클", "이더클"),
    "BCH": ("bch", "bitcoin cash", "비트코인캐시", "비트코인 캐시", "비캐", "비트캐시"),
    "XLM": ("xlm", "stellar", "스텔라루멘", "스텔라"),
    "EOS": ("eos", "이오스"),
    "SAND": ("sand", "sandbox", "샌드박스", "샌드"),
    "WLD": ("wld", "worldcoin", "월드코인"),
    "HBAR": ("hbar", "hedera", "헤데라"),
    "STX": ("stx", "stacks", "스택스"),
    "APT": ("apt", "aptos", "앱토스"),
    "SUI": ("sui", "수이"),
    "ARB": ("arb", "arbitrum", "아비트럼"),
    "NEAR": ("near protocol", "니어프로토콜", "니어"),
    "PEPE": ("pepe", "페페"),
    "UNI": ("uniswap", "유니스왑"),
    "FIL": ("fil", "filecoin", "파일코인"),
}
# Tickers that are also English words: only matched when written in capitals in the prompt.
CAPS_ONLY: dict[str, str] = {"LINK": "chainlink|체인링크|링크", "DOT": "polkadot|폴카닷|폴닷", "TON": "toncoin|톤코인",
                             "NEAR": "", "UNI": "", "OP": "optimism|옵티미즘"}

_KO = re.compile(r"[가-힣]")


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias).replace(r"\ ", r"\s*")
    if _KO.search(alias):
        # Korean names take particles after them but never start inside another word: "비트" is
        # not in "업비트", "도지" not in "상대강도지수", "솔" not in "솔직".
        return r"(?<![가-힣])" + escaped + (r"(?![가-힣]{2})" if len(alias) == 1 else "")
    return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])"


_ALIASES = sorted(((a, base) for base, names in COINS.items() for a in names), key=lambda x: -len(x[0]))
# One alternation per script with the word-boundary checks outside it (one lookaround per match
# instead of one per alias: several times faster); the matched text is looked up afterwards.
_EN = [a for a, _ in _ALIASES if not _KO.search(a)]
_KO_NAMES = [a for a, _ in _ALIASES if _KO.search(a)]
ALIAS_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s*") for a in _EN) + r")(?![a-z0-9])"
    r"|(?<![가-힣])(?:" + "|".join(_alias_pattern(a)[len("(?<![가-힣])"):] for a in _KO_NAMES) + ")")
_BASE_OF_ALIAS = {re.sub(r"\s+", "", a): base for a, base in _ALIASES}
PAIR_RE = re.compile(r"(?<![a-z0-9])([a-z][a-z0-9]{1,9})\s*[/-]\s*(usdt|usdc|busd|usd|btc|eth|krw)(?![a-z0-9])")
JOINED_RE = re.compile(r"(?<![a-z0-9])([a-z][a-z0-9]{1,9})(usdt|usdc|busd|krw)(?![a-z0-9])")
KRW_PREFIX_RE = re.compile(r"(?<![a-z0-9])krw\s*-\s*([a-z0-9]{2,10})(?![a-z0-9])")  # Upbit writes KRW-BTC
CAPS_RE = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(CAPS_ONLY) + r")(?![A-Za-z0-9])")
CAPS_NAMES_RE = re.compile("|".join(f"(?P<k{b}>{names})" for b, names in CAPS_ONLY.items() if names))


@dataclass(frozen=True)
class SymbolHit:
    base: str
    quote: str
    start: int
    end: int
    explicit: bool = False  # a written pair ("BTC/KRW"): its quote is not a default

    @property
    def symbol(self) -> str:
        return f"{self.base}/{self.quote}"


def find_symbols(text: str, original: str) -> list[SymbolHit]:
    """Every coin mention, in order. ``text`` is normalised (lower case), ``original`` is not."""
    hits: list[SymbolHit] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in KRW_PREFIX_RE.finditer(text):
        hits.append(SymbolHit(_base_of(m.group(1)) or m.group(1).upper(), "KRW", m.start(), m.end(), True))
        taken.append((m.start(), m.end()))
    for regex in (PAIR_RE, JOINED_RE):
        for m in regex.finditer(text):
            if not free(m.start(), m.end()):
                continue
            base = _base_of(m.group(1)) or m.group(1).upper()
            hits.append(SymbolHit(base, m.group(2).upper(), m.start(), m.end(), True))
            taken.append((m.start(), m.end()))
    for m in ALIAS_RE.finditer(text):
        if free(m.start(), m.end()):
            hits.append(SymbolHit(_BASE_OF_ALIAS[re.sub(r"\s+", "", m.group(0))], DEFAULT_QUOTE, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    if len(original) == len(text):
        for m in CAPS_RE.finditer(original):
            if free(m.start(), m.end()):
                hits.append(SymbolHit(m.group(1), DEFAULT_QUOTE, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for m in CAPS_NAMES_RE.finditer(text):
        if free(m.start(), m.end()):
            hits.append(SymbolHit((m.lastgroup or "k")[1:], DEFAULT_QUOTE, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def _base_of(word: str) -> str | None:
    word = word.lower()
    for base, names in COINS.items():
        if word in names or word == base.lower():
            return base
    return None


def base_unit(word: str) -> str | None:
    """A coin written after an amount ("0.5 eth", "0.01 비트코인") → its ticker."""
    return _base_of(word.strip()) or (word.upper() if word.upper() in CAPS_ONLY else None)


# Exchanges the data source can name (ccxt ids); Upbit and Bithumb list KRW markets.
EXCHANGES: dict[str, tuple[str, ...]] = {
    # with the nicknames traders use: 바낸, 업빗, 바이빗, 코베
    "binance": ("binance", "바이낸스", "바낸"), "upbit": ("upbit", "업비트", "업빗"), "bithumb": ("bithumb", "빗썸"),
    "bybit": ("bybit", "바이비트", "바이빗"), "okx": ("okx", "오케이엑스"),
    "coinbase": ("coinbase", "코인베이스", "코베"),
    "kraken": ("kraken", "크라켄"),
}
KRW_EXCHANGES = ("upbit", "bithumb")
EXCHANGE_RE = re.compile("|".join(
    rf"(?P<{ex}>" + "|".join(rf"(?<![a-z]){re.escape(n)}(?![a-z])" for n in names) + ")"
    for ex, names in EXCHANGES.items()))
KRW_WORDS = re.compile(r"원화|(?<![a-z])krw(?![a-z])")
WON_SAID = re.compile(r"원화|(?<![a-z])krw(?![a-z])|₩|\d\s*(?:억|천만|백만|십만|만|천|백)?\s*원"
                      r"|\d\s*(?:k|m)?\s*won(?![a-z])"
                      # "구천오백만원", "오십만 원": a price or amount in Hangul numerals and won
                      r"|(?<![가-힣])[일이삼사오육칠팔구]?[십백천만억][일이삼사오육칠팔구십백천만억\s]*원")

# Assets that are not crypto: named so the decline says so instead of trading BTC in their place.
NON_CRYPTO = re.compile(
    r"테슬라|애플|삼성전자|삼전|(?:sk\s*)?하이닉스|현대차|셀트리온|엔비디아|마이크로소프트|아마존|구글|메타|나스닥|코스피|코스닥|다우|에스앤피|금값|유가|원유|금\s*시세"
    r"|(?<![a-z])(?:tesla|tsla|aapl|apple|nvda|nvidia|msft|amzn|googl|goog|nasdaq|kospi|spy|qqq|s&p(?:\s*500)?"
    r"|dow|gold|silver|crude|oil|stocks?|shares?|equit(?:y|ies)|forex|eur/usd)(?![a-z])")


@dataclass(frozen=True)
class ExchangeHit:
    exchange: str
    start: int
    end: int


def find_exchanges(text: str) -> list[ExchangeHit]:
    return [ExchangeHit(m.lastgroup or "", m.start(), m.end()) for m in EXCHANGE_RE.finditer(text)]
