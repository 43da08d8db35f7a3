"""The usage ledger and monthly quota over PostgreSQL (implements ``core.llm.accounting.Ledger``).

Quota safety comes from one conditional statement on the user's row of the UTC month in
``quota_months`` (upserted first):

    UPDATE quota_months SET held_micro = held_micro + x, limit_micro = L
     WHERE user_id = u AND month = m AND spent_micro + held_micro + x <= L RETURNING ...

PostgreSQL takes the row lock and re-checks the condition on the newest row version, so under READ
COMMITTED two racers cannot both pass on the same headroom (a SELECT-then-UPDATE would let every
racer through). The table's CHECK ``spent + held <= limit + unreserved`` is the second line.

- ``reserve`` is one statement, ``studio_reserve`` (PostgreSQL migration 4): the user's quota, the
  month row, the conditional hold and the lease row in the statement's own transaction, one round
  trip. If the user has an expired lease it holds nothing and says so; the ledger then sweeps it
  (``FOR UPDATE SKIP LOCKED``: two sweepers never free one hold twice), freeing its amount in the
  sweep's transaction, and asks again. Refused, it may retry once with a shrunk max_tokens that fits
  (the same conditional statement), else raises QuotaExceeded naming spend, limit and reset date.
- ``settle``/``release`` are one statement too, ``studio_settle``: delete the hold, free its amount and
  insert the attempt's row; the row's ``reservation_id`` is unique, so a retried settle never counts
  twice. A hold that expired and was swept before its settle leaves the row counted as unreserved spend.
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

from core.backends.postgres import holds
from core.backends.postgres.db import PgDatabase
from core.backends.postgres.schema import COLUMNS, INSERT_SQL
from core.errors import QuotaExceeded, redact
from core.llm.accounting import Reservation
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, UsageRow
from core.usage import closing, reconcile
from core.usage.lease import Heartbeat, watch
from core.usage.ledger import DEFAULT_LEASE_S
from core.usage.money import fmt_usd, from_micro, parse_usd, to_micro, to_micro_ceil
from core.usage.period import Month

DEFAULT_RESERVATION_TTL_S = DEFAULT_LEASE_S  # a hold is a lease, renewed while its call runs
MAX_ERROR_CHARS = 2000



def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def row_values(row: UsageRow, reservation_id: str | None = None, reserved_micro: int = 0, *,
               overrun: bool = False, note: str | None = None, adjusts_id: int | None = None) -> tuple[Any, ...]:
    """The INSERT parameters of one ledger row, in ``COLUMNS`` order (also used by bulk loaders)."""
    u = row.usage
    error = redact(row.error)[:MAX_ERROR_CHARS] if row.error else None
    return (
        row.request_id, reservation_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
        u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.reasoning_tokens,
        int(u.estimated), to_micro(row.cost_usd), to_micro(row.cost_saved_usd), reserved_micro, row.price_version,
        row.latency_ms, row.ttft_ms, row.status, error, _utc(row.created_at), int(overrun), note, adjusts_id,
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
        self.lease_s = float(reservation_ttl_s)
        self.min_shrunk_tokens = min_shrunk_tokens
        self.clock = clock
        self._beat = Heartbeat(self._renew, interval_s=max(0.05, self.lease_s / 3))
        watch(self)  # SIGTERM / exit: abandon this process's calls in flight at once

    @property
    def reservation_ttl_s(self) -> float:
        return self.lease_s

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

    _RESERVE = ("SELECT o_outcome, o_spent, o_held, o_limit FROM studio_reserve(%s::text, %s::text, %s::timestamptz, "
                "%s::bigint, %s::bigint, %s::boolean, %s::text, %s::text, %s::text, %s::integer, %s::timestamptz, "
                "%s::bigint, %s::text, %s::text, %s::text, %s::text, %s::text)")

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
        use_case: str = "",
        provider: str = "",
    ) -> Reservation:
        if not price.known:
            raise PriceUnknown(
                f"The model {model!r} has no known price, so its cost cannot be held against the monthly quota.",
                hint="Pick a model with a price (see `python -m core models`) or add its prices in "
                "STUDIO_MODELS_FILE.",
                model=model, code="PRICE_UNKNOWN",
            )
        worst = to_micro_ceil(price.worst_case(input_tokens, max_tokens))
        now = _utc(self.clock())
        month = str(Month.of(now))
        rid = uuid.uuid4().hex
        prices = (format(price.input, "f") if price.input is not None else None,
                  format(price.output, "f") if price.output is not None else None, price.version)

        def hold(amount: int, tokens: int, check_expired: bool) -> tuple[str, int, int, int]:
            # One statement: quota lookup, month row, the conditional hold and the lease (studio_reserve).
            row = self.db.call(self._RESERVE, (
                user_id, month, now, to_micro(self.default_quota_usd), amount, check_expired, rid, request_id,
                model, tokens, now + timedelta(seconds=self.lease_s), input_tokens, *prices, use_case, provider))
            assert row is not None
            return str(row[0]), int(row[1]), int(row[2]), int(row[3])

        for attempt in range(4):
            outcome, spent, held, limit = hold(worst, max_tokens, check_expired=attempt < 3)
            if outcome != "expired":
                break
            # A call of this user died: its lease becomes an abandoned row, freed in the sweep's transaction.
            with self.db.write() as conn:
                holds.sweep(conn, now, user_id)
        if outcome == "refused":
            shrunk = self._shrink(price, input_tokens, max_tokens, limit - spent - held) if allow_shrink else None
            if shrunk is not None:
                shrunk_worst = to_micro_ceil(price.worst_case(input_tokens, shrunk))
                # Still the conditional statement: a racer may have taken the headroom meanwhile.
                outcome, spent, held, limit = hold(shrunk_worst, shrunk, check_expired=False)
                if outcome == "held":
                    max_tokens, worst = shrunk, shrunk_worst
            if outcome != "held":
                raise self._exceeded(user_id, Month.of(now), spent, held, limit, worst)
        self._beat.add(rid)
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
        over = (f" The month is already {fmt_usd(from_micro(spent - limit))} over its quota because a vendor billed "
                "more than was reserved; no paid call runs until the quota is raised or the month ends."
                if spent > limit else "")
        return QuotaExceeded(
            f"Monthly LLM quota reached for user {user_id!r}: {fmt_usd(from_micro(spent))} spent in {month} of "
            f"{fmt_usd(from_micro(limit))}{in_flight}; this request could cost up to {fmt_usd(from_micro(worst))}. "
            f"The quota resets on {month.end.isoformat()} (UTC).{over}",
            hint="Raise LLM_MONTHLY_QUOTA_USD or this user's quota on the Usage page, pick a cheaper model, "
            "or ask for a shorter answer.",
            spend_usd=from_micro(spent),
            quota_usd=from_micro(limit),
            held_usd=from_micro(held),
            worst_case_usd=from_micro(worst),
            reset_date=month.end.isoformat(),
            user_id=user_id,
            month=str(month),
            code="QUOTA_OVERSPENT" if spent > limit else "QUOTA_EXCEEDED",
        )

    # -- rows ----------------------------------------------------------------------------------

    _SETTLE = ("SELECT studio_settle(%s::text, %s::text, %s::text, %s::boolean, %s::text, %s::text, %s::text, "
               "%s::text, %s::text, %s::text, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::bigint, "
               "%s::smallint, %s::bigint, %s::bigint, %s::text, %s::float8, %s::float8, %s::text, %s::text, "
               "%s::timestamptz)")

    def _close(self, reservation: Reservation, row: UsageRow | None) -> None:
        self._beat.remove(reservation.id)
        if row is None:
            values: tuple[Any, ...] = (None,) * 20
            row_month = None
        else:
            v = row_values(row, reservation.id)
            # request_id; user_id .. cost_saved; price_version .. created_at (reservation, reserved, overrun
            # and the note columns are the function's own).
            values = (v[0], *v[2:15], *v[16:22])
            row_month = str(Month.of(_utc(row.created_at)))
        # One statement: drop the hold, free its amount, insert the row (studio_settle).
        found = self.db.call(self._SETTLE, (reservation.id, reservation.user_id, row_month, row is not None, *values))
        if row is not None and found is not None and not found[0]:
            # The hold was gone (its lease expired and was swept): correct the abandoned estimate.
            with self.db.write() as conn:
                self._late(conn, row, reservation.id)

    def _late(self, conn: Any, row: UsageRow, reservation_id: str) -> None:
        """A call settled after its lease expired: its abandoned estimate is corrected to the real bill."""
        def insert(r: UsageRow, rid: str, note: str | None, adjusts_id: int | None) -> None:
            conn.execute(INSERT_SQL, row_values(r, rid, note=note, adjusts_id=adjusts_id))

        closing.settle_late(conn, row, reservation_id, insert, mark="%s")

    # -- leases --------------------------------------------------------------------------------

    def note_output(self, reservation: Reservation, output_tokens: int) -> None:
        """Output tokens received so far for a call in flight: charged if the call is abandoned."""
        self._beat.seen(reservation.id, output_tokens)

    def _renew(self, live: dict[str, int]) -> None:
        if self.db.disposed:
            return  # its holds were left to their leases, which the next writer sweeps into abandoned rows
        now = _utc(self.clock())
        with self.db.write() as conn:
            holds.renew(conn, live, now + timedelta(seconds=self.lease_s))
        with self.db.write() as conn:  # its own transaction: it may touch every user's month row
            holds.sweep(conn, now)

    def sweep(self) -> int:
        """Turn every expired lease into an abandoned row now; returns how many were swept."""
        with self.db.write() as conn:
            return holds.sweep(conn, _utc(self.clock()))

    def abandon_in_flight(self) -> int:
        """This process is stopping: record its calls in flight as abandoned, release their holds."""
        live = self._beat.snapshot()
        if not live or self.db.disposed:
            return 0  # a disposed database's holds are left to their leases (see _renew)
        now = _utc(self.clock())
        with self.db.write() as conn:
            holds.renew(conn, live, now)  # flush the output seen, and expire the leases now
            swept = holds.sweep(conn, now)
        for rid in live:
            self._beat.remove(rid)
        return swept

    def reconcile(self, row_id: int, cost_usd: Decimal | str, note: str, *, by: str) -> int:
        """Correct an abandoned or estimated row to ``cost_usd`` with an adjustment row; returns its id
        (see ``core.usage.reconcile``)."""
        target = reconcile.target_micro(cost_usd, note)
        with self.db.write() as conn:
            row = reconcile.adjustment_row(conn, row_id, target, note, by=by, mark="%s",
                                           now_iso=datetime.now(UTC).isoformat(timespec="seconds"))
            return int(conn.execute(INSERT_SQL + " RETURNING id", reconcile.values_for(COLUMNS, row)).fetchone()[0])

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
