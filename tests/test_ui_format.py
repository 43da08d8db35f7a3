"""Money as the interface shows it: exact, never rounded away, never in scientific notation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ui.money import format_usd


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0"), "0.00"),
        (Decimal("0.002865"), "0.002865"),
        (Decimal("0.0000001"), "0.0000001"),
        (Decimal("10.0"), "10.00"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("1E+1"), "10.00"),
        (0.1, "0.10"),
    ],
)
def test_format_usd_is_exact(value: Decimal | float, shown: str) -> None:
    assert format_usd(value) == shown
