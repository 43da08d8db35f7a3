"""Whether a number could be a coin's price, in dollars or in won, by order of magnitude.

A price written without its currency ("비트 1억 뚫으면") is read as won only when it could not be a dollar
price of that coin at all: a bitcoin at 100,000,000 dollars is out of any range it has traded in or
could soon, while 100,000,000 won is where it trades. The ranges are deliberately wide (two to three
orders of magnitude around where each coin has traded), so a number inside both ranges, or outside
both, stays undecided and is declined.
"""

from __future__ import annotations

# Dollar prices a coin could plausibly trade at (low, high).
USD_RANGE: dict[str, tuple[float, float]] = {
    "BTC": (5_000, 1_000_000), "ETH": (100, 50_000), "SOL": (2, 5_000), "XRP": (0.05, 100),
    "DOGE": (0.005, 20), "ADA": (0.02, 50), "BNB": (20, 10_000), "AVAX": (1, 2_000), "TRX": (0.01, 10),
    "LTC": (5, 5_000), "SHIB": (1e-6, 1e-3), "MATIC": (0.05, 50), "POL": (0.05, 50), "ATOM": (0.5, 500),
    "ETC": (1, 1_000), "BCH": (20, 10_000), "XLM": (0.01, 20), "EOS": (0.05, 100), "SAND": (0.02, 50),
    "WLD": (0.1, 200), "HBAR": (0.005, 20), "STX": (0.05, 100), "APT": (0.5, 500), "SUI": (0.1, 200),
    "ARB": (0.05, 100), "NEAR": (0.2, 500), "PEPE": (1e-7, 1e-3), "UNI": (0.5, 500), "FIL": (0.5, 1_000),
    "LINK": (1, 1_000), "DOT": (0.5, 500), "TON": (0.2, 500), "OP": (0.1, 200),
}
# Won per dollar, with room on both sides of where it has been.
_WON_PER_USD = (1_000, 2_000)


def usd_price(base: str, value: float) -> bool:
    span = USD_RANGE.get(base)
    return span is not None and span[0] <= value <= span[1]


def krw_price(base: str, value: float) -> bool:
    span = USD_RANGE.get(base)
    return span is not None and span[0] * _WON_PER_USD[0] <= value <= span[1] * _WON_PER_USD[1]


def only_won(base: str, value: float) -> bool:
    """``value`` can be a won price of ``base`` and cannot be a dollar one."""
    return krw_price(base, value) and not usd_price(base, value)


def any_price(base: str, value: float) -> bool:
    """``value`` could be a price of ``base`` in dollars or in won (an unknown coin: it could)."""
    return base not in USD_RANGE or usd_price(base, value) or krw_price(base, value)
