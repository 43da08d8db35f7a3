"""Exact money: Decimal in the core, integer micro-dollars in SQLite, decimal strings in JSON.

Rounding, decided once:
- a charge (settled cost, saving) is rounded half up to the micro-dollar (``to_micro``): unbiased
  enough for sums, and per-call error is at most $0.0000005;
- a reservation or quota check of a worst case is rounded up (``to_micro_ceil``), so rounding can
  never let a call through that the quota could not cover.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

MICRO = Decimal(1_000_000)


def to_micro(usd: Decimal | int | str) -> int:
    return int((Decimal(usd) * MICRO).to_integral_value(rounding=ROUND_HALF_UP))


def to_micro_ceil(usd: Decimal | int | str) -> int:
    return int((Decimal(usd) * MICRO).to_integral_value(rounding=ROUND_CEILING))


def from_micro(micro: int | None) -> Decimal:
    """Exact Decimal with six places, e.g. 2865 -> Decimal('0.002865')."""
    return Decimal(int(micro or 0)).scaleb(-6)


def money_str(usd: Decimal) -> str:
    """Decimal string for JSON/CSV: never exponent notation, never a float."""
    return format(usd, "f")


def parse_usd(value: Decimal | int | float | str, *, what: str = "amount") -> Decimal:
    """User input in dollars -> Decimal, with an actionable message when it is not one."""
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        raise ValueError(f"The {what} {value!r} is not a number of US dollars; write e.g. 10 or 25.50.") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"The {what} must be zero or a positive number of US dollars, not {value!r}.")
    return amount


def fmt_usd(usd: Decimal) -> str:
    """Human dollars: at least two decimals, no trailing zeros beyond them ($1.00, $0.0215)."""
    text = format(Decimal(usd).normalize(), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"${whole}.{frac.ljust(2, '0')}"


def exact_usd(value: Decimal | float | int | str) -> str:
    """Every significant digit, at least two decimals, thousands separators, no sign of the dollar
    ("0.002865", "1,234.50"); what people read on the pages and in worded messages."""
    amount = Decimal(str(value))
    if amount == 0:
        return "0.00"
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}.{frac.rstrip('0').ljust(2, '0')}"
