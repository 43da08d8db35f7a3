"""The usage ledger and monthly quota over SQLite (implements ``core.llm.accounting.Ledger``).

Quota safety comes from one rule: the check and the hold happen in the same ``BEGIN IMMEDIATE``
transaction, which takes SQLite's write lock before reading. No other process or thread can slip a
reservation between "month spend + calls in flight + this worst case <= quota" and the insert of the
hold, so concurrent requests can never together spend past the quota.

- ``reserve`` holds the worst case (counted input tokens + max_tokens at the model's prices, rounded
  up to the micro-dollar), or shrinks max_tokens to fit when the caller allows it, or raises
  QuotaExceeded naming the month's spend, the limit and the reset date.
- ``settle`` writes the attempt's row and drops its hold in one transaction; a row carries its
  reservation id under a unique index, so a retried settle never counts a call twice.
- A process killed between reserve and settle leaves a hold behind; holds expire after
  ``reservation_ttl_s`` (longer than any request may run) and then stop counting.
- Months are calendar months in UTC; settled spend is read from the daily roll-up table.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import sqlite_utils

from core.errors import QuotaExceeded, redact
from core.llm.accounting import Reservation
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, UsageRow
from core.storage import ThreadConnections, iso, utc_now
from core.usage.money import fmt_usd, from_micro, to_micro, to_micro_ceil
from core.usage.period import Month
from core.usage.quota import held_micro, month_spend_micro, quota_usd, set_quota
from core.usage.schema import INSERT_SQL

DEFAULT_RESERVATION_TTL_S = 900.0  # longer than a request with retries may run (timeouts are capped)
MAX_ERROR_CHARS = 2000



def row_values(row: UsageRow, reservation_id: str | None = None) -> tuple[object, ...]:
    """The INSERT parameters of one ledger row (also used by bulk loaders such as the benchmark)."""
    u = row.usage
    error = redact(row.error)[:MAX_ERROR_CHARS] if row.error else None
    return (
        row.request_id, reservation_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
        u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.reasoning_tokens,
        int(u.estimated), to_micro(row.cost_usd), to_micro(row.cost_saved_usd), row.price_version,
        row.latency_ms, row.ttft_ms, row.status, error, iso(row.created_at),
    )


class SqliteLedger:
    def __init__(
        self,
        db: sqlite_utils.Database,
        default_quota_usd: Decimal,
        *,
        reservation_ttl_s: float = DEFAULT_RESERVATION_TTL_S,
        min_shrunk_tokens: int = 64,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.default_quota_usd = Decimal(default_quota_usd)
        self.reservation_ttl_s = reservation_ttl_s
        # Below this many output tokens a shrunk answer is useless; refuse instead.
        self.min_shrunk_tokens = min_shrunk_tokens
        self.clock = clock
        self._conns = ThreadConnections(db)

    # -- quota ---------------------------------------------------------------------------------

    def quota_usd(self, user_id: str) -> Decimal:
        with self._conns.read() as conn:
            return quota_usd(conn, user_id, self.default_quota_usd)

    def set_user_quota(self, user_id: str, usd: Decimal | str | float | None) -> Decimal | None:
        """Override one user's monthly quota (``None`` returns them to the default)."""
        with self._conns.write() as conn:
            return set_quota(conn, user_id, usd)

    def reserve(
        self,
        *,
        user_id: str,
        request_id: str,
        model: str,
        price: ModelPrice,
        input_tokens: int,
        max_tokens: int,
        allow_shrink: bool,
    ) -> Reservation:
        if not price.known:
            raise PriceUnknown(
                f"The model {model!r} has no known price, so its cost cannot be held against the monthly quota.",
                hint="Pick a model with a price (see `python -m core models`) or add its prices in "
                "STUDIO_MODELS_FILE.",
                model=model,
            )
        worst = to_micro_ceil(price.worst_case(input_tokens, max_tokens))
        now = self.clock()
        month = Month.of(now)
        with self._conns.write() as conn:
            conn.execute("DELETE FROM quota_reservations WHERE expires_at <= ?", (iso(now),))
            limit = to_micro(quota_usd(conn, user_id, self.default_quota_usd))
            spent = month_spend_micro(conn, user_id, month)
            held = held_micro(conn, user_id, iso(now))
            remaining = limit - spent - held
            # A free call (offline engine, zero-priced local model) never needs headroom.
            if worst > 0 and worst > remaining:
                shrunk = self._shrink(price, input_tokens, max_tokens, remaining) if allow_shrink else None
                if shrunk is None:
                    raise self._exceeded(user_id, month, spent, held, limit, worst)
                max_tokens = shrunk
                worst = to_micro_ceil(price.worst_case(input_tokens, max_tokens))
            rid = uuid.uuid4().hex
            conn.execute(
                "INSERT INTO quota_reservations (id, user_id, request_id, model, amount, max_tokens, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rid, user_id, request_id, model, worst, max_tokens, iso(now),
                 iso(now + timedelta(seconds=self.reservation_ttl_s))),
            )
        return Reservation(id=rid, user_id=user_id, amount_usd=from_micro(worst), max_tokens=max_tokens)

    def _shrink(self, price: ModelPrice, input_tokens: int, max_tokens: int, remaining: int) -> int | None:
        """Largest max_tokens whose worst case fits ``remaining`` micro-dollars, or None."""
        assert price.input is not None and price.output is not None
        # USD per Mtok x tokens = micro-dollars, so this stays exact in Decimal.
        left = Decimal(remaining) - price.input * input_tokens
        if left <= 0 or price.output <= 0:
            return None
        fits = int(left / price.output)
        fits = min(fits, max_tokens)
        return fits if fits >= self.min_shrunk_tokens else None

    def _exceeded(self, user_id: str, month: Month, spent: int, held: int, limit: int, worst: int) -> QuotaExceeded:
        in_flight = f" (plus {fmt_usd(from_micro(held))} held by calls in progress)" if held else ""
        return QuotaExceeded(
            f"Monthly LLM quota reached for user {user_id!r}: {fmt_usd(from_micro(spent))} spent in {month} of "
            f"{fmt_usd(from_micro(limit))}{in_flight}; this request could cost up to {fmt_usd(from_micro(worst))}. "
            f"The quota resets on {month.end.isoformat()} (UTC).",
            hint="Raise LLM_MONTHLY_QUOTA_USD or this user's quota on the Usage page, pick a cheaper model, "
            "or ask for a shorter answer.",
            spend_usd=from_micro(spent),
            quota_usd=from_micro(limit),
            held_usd=from_micro(held),
            worst_case_usd=from_micro(worst),
            reset_date=month.end.isoformat(),
            user_id=user_id,
        )

    # -- rows ----------------------------------------------------------------------------------

    def settle(self, reservation: Reservation, row: UsageRow) -> None:
        with self._conns.write() as conn:
            self._insert_once(conn, row, reservation.id)
            conn.execute("DELETE FROM quota_reservations WHERE id = ?", (reservation.id,))

    def release(self, reservation: Reservation, row: UsageRow | None = None) -> None:
        with self._conns.write() as conn:
            if row is not None:
                self._insert_once(conn, row, reservation.id)
            conn.execute("DELETE FROM quota_reservations WHERE id = ?", (reservation.id,))

    def record(self, row: UsageRow) -> None:
        with self._conns.write() as conn:
            conn.execute(INSERT_SQL, row_values(row))

    @staticmethod
    def _insert_once(conn: sqlite3.Connection, row: UsageRow, reservation_id: str) -> None:
        seen = conn.execute("SELECT 1 FROM llm_usage WHERE reservation_id = ?", (reservation_id,)).fetchone()
        if seen is None:
            conn.execute(INSERT_SQL, row_values(row, reservation_id))

    # -- read-outs used by the quota banner ----------------------------------------------------

    def month_spend_usd(self, user_id: str | None, month: Month | None = None) -> Decimal:
        with self._conns.read() as conn:
            return from_micro(month_spend_micro(conn, user_id, month or Month.of(self.clock())))

    def live_reservations(self, user_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM quota_reservations WHERE expires_at > ?"
        params: list[object] = [iso(self.clock())]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        with self._conns.read() as conn:
            return int(conn.execute(sql, params).fetchone()[0])
