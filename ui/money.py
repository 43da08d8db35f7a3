"""Money for people: exact dollar amounts, every significant digit kept, never scientific notation."""

from __future__ import annotations

from decimal import Decimal

from core.services.wording import exact_usd


def format_usd(value: Decimal | float | int) -> str:
    """At least two decimals and every significant digit (0.002865), with thousands separators."""
    return exact_usd(value)


def usd(value: Decimal | float | int) -> str:
    """``format_usd`` with the dollar sign, as figures are shown on the pages ("$0.002865")."""
    return f"${format_usd(value)}"
