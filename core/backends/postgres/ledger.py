"""The usage ledger and monthly quota over PostgreSQL (implements ``core.llm.accounting.Ledger``).

Quota safety comes from one conditional statement on the user's row of the UTC month in
``quota_months`` (upserted first):

    UPDATE quota_months SET held_micro = held_micro + x, limit_micro = L
     WHERE user_id = u AND month = m AND spent_micro + held_micro + x <= L RETURNING ...

PostgreSQL takes the row lock and re-checks the condition on the newest row version, so under READ
COMMITTED two racers cannot both pass on the same headroom (a SELECT-then-UPDATE would let every
racer through). The table's CHECK ``spent + held <= limit + unreserved`` is the second line.

- ``reserve`` first sweeps this user's expired holds (``FOR UPDATE SKIP LOCKED``: two sweepers never
  free one hold twice) and frees their amount in the same transaction, then holds the worst case, or
  a shrunk max_tokens that fits, or raises QuotaExceeded naming spend, limit and reset date.
- ``settle``/``release`` delete the hold, free its amount and insert the attempt's row in one
  transaction; the row's ``reservation_id`` is unique, so a retried settle never counts twice. A
  hold that expired and was swept before its settle leaves the row counted as unreserved spend.
- Settled spend enters ``quota_months`` through the ledger's insert trigger (with the roll-ups), so
  every writer, bulk loads included, keeps the quota exact.
- Lock order everywhere: reservations, then month rows in month order, then roll-ups. No deadlocks.
- A call that settles in the month after the one it reserved in is charged to the new month as
  unreserved spend (at most the calls in flight at 00:00 UTC, each within its own worst case).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.backends.postgres.db import PgDatabase
from core.errors import QuotaExceeded, redact
from core.llm.accounting import Reservation
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, UsageRow
from core.usage.money import fmt_usd, from_micro, parse_usd, to_micro, to_micro_ceil
from core.usage.period import Month

DEFAULT_RESERVATION_TTL_S = 900.0
MAX_ERROR_CHARS = 2000

COLUMNS = (
    "request_id", "reservation_id", "user_id", "use_case", "provider", "model", "requested_model",
    "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "estimated",
    "cost_micro_usd", "cost_saved_micro_usd", "reserved_micro_usd", "price_version", "latency_ms", "ttft_ms",
    "status", "error", "created_at",
)
INSERT_SQL = (
    f"INSERT INTO llm_usage ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
    "ON CONFLICT (reservation_id) WHERE reservation_id IS NOT NULL DO NOTHING"
)


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def row_values(row: UsageRow, reservation_id: str | None = None, reserved_micro: int = 0) -> tuple[Any, ...]:
    """The INSERT parameters of one ledger row, in ``COLUMNS`` order (also used by bulk loaders)."""
    u = row.usage
    error = redact(row.error)[:MAX_ERROR_CHARS] if row.error else None
    return (
        row.request_id, reservation_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
        u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.reasoning_tokens,
        bool(u.estimated), to_micro(row.cost_usd), to_micro(row.cost_saved_usd), reserved_micro, row.price_version,
        row.latency_ms, row.ttft_ms, row.status, error, _utc(row.created_at),
    )


class PgLedger:
    def __init__(
        self,
        db: PgDatabase,
        default_quota_usd: Decimal,
        *,
        reservation_ttl_s: float = DEFAULT_RESERVATION_TTL_S,
        min_shrunk_tokens: int = 64,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.default_quota_usd = Decimal(default_quota_usd)
        self.reservation_ttl_s = reservation_ttl_s
        self.min_shrunk_tokens = min_shrunk_tokens
        self.clock = clock

    # -- quota ---------------------------------------------------------------------------------

    def _quota(self, conn: Any, user_id: str) -> Decimal:
        row = conn.execute("SELECT quota_usd FROM user_quotas WHERE user_id = %s", (user_id,)).fetchone()
        return Decimal(row[0]) if row else self.default_quota_usd

    def quota_usd(self, user_id: str) -> Decimal:
        with self.db.read() as conn:
            return self._quota(conn, user_id)

    def set_user_quota(self, user_id: str, usd: Decimal | str | float | None) -> Decimal | None:
        """Override one user's monthly quota (``None`` returns them to the default)."""
        if not str(user_id).strip():
            raise ValueError("A quota needs a user id.")
        amount = None if usd is None else parse_usd(usd, what="monthly quota")
        with self.db.write() as conn:
            if amount is None:
                conn.execute("DELETE FROM user_quotas WHERE user_id = %s", (user_id,))
            else:
                conn.execute(
                    "INSERT INTO user_quotas (user_id, quota_usd, updated_at) VALUES (%s, %s, %s) "
                    "ON CONFLICT (user_id) DO UPDATE SET quota_usd = excluded.quota_usd, "
                    "updated_at = excluded.updated_at",
                    (user_id, format(amount, "f"), datetime.now(UTC)),
                )
        return amount

    # -- reservations --------------------------------------------------------------------------

    def _sweep(self, conn: Any, user_id: str, now: datetime) -> None:
        """Free this user's expired holds (in the caller's transaction, before it reserves)."""
        freed = conn.execute(
            "DELETE FROM quota_reservations WHERE id IN (SELECT id FROM quota_reservations WHERE user_id = %s "
            "AND expires_at <= %s ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING month, amount",
            (user_id, now),
        ).fetchall()
        per_month: dict[str, int] = {}
        for month, amount in freed:
            per_month[month] = per_month.get(month, 0) + int(amount)
        for month in sorted(per_month):
            conn.execute(
                "UPDATE quota_months SET held_micro = held_micro - %s WHERE user_id = %s AND month = %s",
                (per_month[month], user_id, month),
            )

    @staticmethod
    def _hold(conn: Any, user_id: str, month: str, amount: int, limit: int) -> bool:
        row = conn.execute(
            "UPDATE quota_months SET held_micro = held_micro + %(x)s, limit_micro = %(limit)s "
            "WHERE user_id = %(user)s AND month = %(month)s AND spent_micro + held_micro + %(x)s <= %(limit)s "
            "RETURNING held_micro",
            {"x": amount, "limit": limit, "user": user_id, "month": month},
        ).fetchone()
        return row is not None

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
        now = _utc(self.clock())
        month = str(Month.of(now))
        with self.db.write() as conn:
            self._sweep(conn, user_id, now)
            limit = to_micro(self._quota(conn, user_id))
            conn.execute(
                "INSERT INTO quota_months (user_id, month, limit_micro) VALUES (%s, %s, %s) "
                "ON CONFLICT (user_id, month) DO NOTHING",
                (user_id, month, limit),
            )
            # A free call (offline engine, zero-priced local model) never needs headroom.
            if worst > 0 and not self._hold(conn, user_id, month, worst, limit):
                spent, held = conn.execute(
                    "SELECT spent_micro, held_micro FROM quota_months WHERE user_id = %s AND month = %s",
                    (user_id, month),
                ).fetchone()
                shrunk = self._shrink(price, input_tokens, max_tokens, limit - spent - held) if allow_shrink else None
                if shrunk is not None:
                    shrunk_worst = to_micro_ceil(price.worst_case(input_tokens, shrunk))
                    # Still the conditional statement: a racer may have taken the headroom meanwhile.
                    if self._hold(conn, user_id, month, shrunk_worst, limit):
                        max_tokens, worst = shrunk, shrunk_worst
                    else:
                        shrunk = None
                if shrunk is None:
                    raise self._exceeded(user_id, Month.of(now), int(spent), int(held), limit, worst)
            rid = uuid.uuid4().hex
            conn.execute(
                "INSERT INTO quota_reservations (id, user_id, month, request_id, model, amount, max_tokens, "
                "created_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (rid, user_id, month, request_id, model, worst, max_tokens, now,
                 now + timedelta(seconds=self.reservation_ttl_s)),
            )
        return Reservation(id=rid, user_id=user_id, amount_usd=from_micro(worst), max_tokens=max_tokens)

    def _shrink(self, price: ModelPrice, input_tokens: int, max_tokens: int, remaining: int) -> int | None:
        """Largest max_tokens whose worst case fits ``remaining`` micro-dollars, or None."""
        assert price.input is not None and price.output is not None
        left = Decimal(remaining) - price.input * input_tokens
        if left <= 0 or price.output <= 0:
            return None
        fits = min(int(left / price.output), max_tokens)
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

    def _free(self, conn: Any, reservation: Reservation) -> tuple[str, int] | None:
        """Delete the hold and free its amount; None when it is gone (settled, or expired and swept)."""
        row = conn.execute(
            "DELETE FROM quota_reservations WHERE id = %s RETURNING month, amount", (reservation.id,)
        ).fetchone()
        if row is None:
            return None
        month, amount = row[0], int(row[1])
        conn.execute(
            "UPDATE quota_months SET held_micro = held_micro - %s WHERE user_id = %s AND month = %s",
            (amount, reservation.user_id, month),
        )
        return month, amount

    def _close(self, reservation: Reservation, row: UsageRow | None) -> None:
        with self.db.write() as conn:
            freed = self._free(conn, reservation)
            if row is None:
                return
            # The hold covers the row only within its own month (see the module docstring).
            covered = freed[1] if freed and freed[0] == str(Month.of(_utc(row.created_at))) else 0
            conn.execute(INSERT_SQL, row_values(row, reservation.id, covered))

    def settle(self, reservation: Reservation, row: UsageRow) -> None:
        self._close(reservation, row)

    def release(self, reservation: Reservation, row: UsageRow | None = None) -> None:
        self._close(reservation, row)

    def record(self, row: UsageRow) -> None:
        with self.db.write() as conn:
            conn.execute(INSERT_SQL, row_values(row))

    # -- read-outs used by the quota banner ----------------------------------------------------

    def month_spend_usd(self, user_id: str | None, month: Month | None = None) -> Decimal:
        sql = "SELECT COALESCE(SUM(spent_micro), 0) FROM quota_months WHERE month = %s"
        params: list[Any] = [str(month or Month.of(_utc(self.clock())))]
        if user_id is not None:
            sql += " AND user_id = %s"
            params.append(user_id)
        with self.db.read() as conn:
            return from_micro(int(conn.execute(sql, params).fetchone()[0]))

    def live_reservations(self, user_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM quota_reservations WHERE expires_at > %s"
        params: list[Any] = [_utc(self.clock())]
        if user_id is not None:
            sql += " AND user_id = %s"
            params.append(user_id)
        with self.db.read() as conn:
            return int(conn.execute(sql, params).fetchone()[0])


def bulk_insert(db: PgDatabase, rows: Any) -> int:
    """COPY ledger rows (``row_values`` tuples, ``COLUMNS`` order) in one transaction; returns how many.

    The roll-up trigger is statement-level, so the whole load is aggregated once at the end (three
    GROUP BYs plus the month rows), and a failure rolls everything back.
    """
    count = 0
    with db.write() as conn, conn.cursor() as cur, cur.copy(
            f"COPY llm_usage ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
