"""Money for people: exact dollar amounts, every significant digit kept, never scientific notation."""

from __future__ import annotations

from decimal import Decimal


def format_usd(value: Decimal | float | int) -> str:
    """At least two decimals and every significant digit (0.002865), with thousands separators."""
    amount = Decimal(str(value))
    if amount == 0:
        return "0.00"
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}.{frac.rstrip('0').ljust(2, '0')}"


def usd(value: Decimal | float | int) -> str:
    """``format_usd`` with the dollar sign, as figures are shown on the pages ("$0.002865")."""
    return f"${format_usd(value)}"
