"""Calendar months in UTC: parsing ``YYYY-MM``, bounds as SQL-comparable text, reset dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None, now: datetime | None = None) -> Month:
        """``None`` -> the current UTC month; otherwise ``YYYY-MM`` or a clear ValueError."""
        if text is None or not str(text).strip():
            now = now or datetime.now(UTC)
            now = now.astimezone(UTC)
            return cls(now.year, now.month)
        match = _MONTH.match(str(text).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"Month {text!r} is not in the form YYYY-MM (e.g. 2026-11).")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, dt: datetime) -> Month:
        dt = dt.astimezone(UTC)
        return cls(dt.year, dt.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def end(self) -> date:
        """First day of the next month (exclusive bound): the quota's reset date."""
        return self.next.start

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_ts(self) -> str:
        return datetime(self.year, self.month, 1, tzinfo=UTC).isoformat(timespec="microseconds")

    @property
    def end_ts(self) -> str:
        nxt = self.next
        return datetime(nxt.year, nxt.month, 1, tzinfo=UTC).isoformat(timespec="microseconds")

    def elapsed_fraction(self, now: datetime) -> float:
        """Share of the month elapsed at ``now``: 0 before it starts, 1 after it ends."""
        start = datetime(self.year, self.month, 1, tzinfo=UTC)
        end = datetime(self.next.year, self.next.month, 1, tzinfo=UTC)
        now = now.astimezone(UTC)
        if now <= start:
            return 0.0
        if now >= end:
            return 1.0
        return (now - start) / (end - start)
