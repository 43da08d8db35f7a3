"""The usage ledger and monthly quota over SQLite (implements ``core.llm.accounting.Ledger``).

Quota safety comes from one rule: the check and the hold happen in the same ``BEGIN IMMEDIATE``
transaction, which takes SQLite's write lock before reading. No other process or thread can slip a
reservation between "month spend + calls in flight + this worst case <= quota" and the insert of the
hold, so concurrent requests can never together spend past the quota.

- ``reserve`` holds the worst case (counted input tokens + max_tokens at the model's prices, rounded
  up to the micro-dollar), or shrinks max_tokens to fit when the caller allows it, or raises
  QuotaExceeded naming the month's spend, the limit and the reset date. Once the month is over quota
  (an overrun was recorded), every paid call is refused until the quota is raised or the month ends.
- ``settle`` writes the attempt's row and drops its hold in one transaction; a row carries its
  reservation id under a unique index, so a retried settle never counts a call twice. The row is the
  vendor's bill (its usage x prices) even when that is more than was held: such a row is flagged
  ``overrun``, never trimmed to the hold.
- A hold is a lease (core/usage/lease.py): renewed while the call runs, expiring ``lease_s`` after
  renewal stops. An expired lease becomes an ``abandoned`` row charged at an estimate (input the request
  carried + output seen) and the rest of the hold is released (core/usage/holds.py).
- Rows are never updated or deleted; ``reconcile`` corrects an abandoned or estimated row with an
  ``adjustment`` row that carries an admin's note.
- Months are calendar months in UTC; settled spend is read from the per-user-month roll-up.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import sqlite_utils

from core.errors import QuotaExceeded, StudioError, redact
from core.llm.accounting import Reservation
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, Usage, UsageRow
from core.storage import ThreadConnections, iso, utc_now
from core.usage import holds
from core.usage.lease import Heartbeat, watch
from core.usage.money import fmt_usd, from_micro, to_micro, to_micro_ceil
from core.usage.period import Month
from core.usage.quota import held_micro, month_spend_micro, quota_usd, set_quota
from core.usage.schema import ABANDONED, ADJUSTMENT, BILLING_STATUS_SQL, INSERT_AUDITED_SQL, INSERT_SQL

# A lease outlives its last renewal by this long (renewals come every third of it while the call runs).
DEFAULT_LEASE_S = 45.0
DEFAULT_RESERVATION_TTL_S = DEFAULT_LEASE_S  # the name older callers pass
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


class ReconcileRefused(StudioError):
    """An adjustment that cannot be made (unknown row, a row that is not an estimate, no note)."""

    kind = "invalid_input"
    exit_code = 2


class SqliteLedger:
    def __init__(
        self,
        db: sqlite_utils.Database,
        default_quota_usd: Decimal,
        *,
        reservation_ttl_s: float = DEFAULT_LEASE_S,
        min_shrunk_tokens: int = 64,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.default_quota_usd = Decimal(default_quota_usd)
        self.lease_s = float(reservation_ttl_s)
        # Below this many output tokens a shrunk answer is useless; refuse instead.
        self.min_shrunk_tokens = min_shrunk_tokens
        self.clock = clock
        self._conns = ThreadConnections(db)
        self._beat = Heartbeat(self._renew, interval_s=max(0.05, self.lease_s / 3))
        watch(self)

    @property
    def reservation_ttl_s(self) -> float:
        return self.lease_s

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
        now = self.clock()
        month = Month.of(now)
        with self._conns.write() as conn:
            holds.sweep(conn, iso(now))
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
            holds.insert(conn, holds.Hold(
                id=rid, user_id=user_id, request_id=request_id, model=model, amount=worst, max_tokens=max_tokens,
                input_tokens=input_tokens, price_input=format(price.input, "f") if price.input is not None else None,
                price_output=format(price.output, "f") if price.output is not None else None,
                price_version=price.version, use_case=use_case, provider=provider, created_at=iso(now),
                expires_at=iso(now + timedelta(seconds=self.lease_s)),
            ))
        self._beat.add(rid)
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

    # -- leases --------------------------------------------------------------------------------

    def note_output(self, reservation: Reservation, output_tokens: int) -> None:
        """Output tokens received so far for a call in flight: charged if the call is abandoned."""
        self._beat.seen(reservation.id, output_tokens)

    def _renew(self, live: dict[str, int]) -> None:
        now = self.clock()
        with self._conns.write() as conn:
            holds.renew(conn, live, iso(now + timedelta(seconds=self.lease_s)))
            holds.sweep(conn, iso(now))

    def sweep(self) -> int:
        """Turn every expired lease into an abandoned row now; returns how many were swept."""
        with self._conns.write() as conn:
            return holds.sweep(conn, iso(self.clock()))

    def abandon_in_flight(self) -> int:
        """This process is stopping: record its calls in flight as abandoned, release their holds."""
        live = self._beat.snapshot()
        if not live:
            return 0
        now = iso(self.clock())
        with self._conns.write() as conn:
            holds.renew(conn, live, now)  # flush the output seen, and expire the leases now
            swept = holds.sweep(conn, now)
        for rid in live:
            self._beat.remove(rid)
        return swept

    # -- rows ----------------------------------------------------------------------------------

    def settle(self, reservation: Reservation, row: UsageRow) -> None:
        self._close(reservation, row)

    def release(self, reservation: Reservation, row: UsageRow | None = None) -> None:
        self._close(reservation, row)

    def record(self, row: UsageRow) -> None:
        with self._conns.write() as conn:
            conn.execute(INSERT_SQL, row_values(row))

    def _close(self, reservation: Reservation, row: UsageRow | None) -> None:
        self._beat.remove(reservation.id)
        with self._conns.write() as conn:
            held = holds.held_amount(conn, reservation.id)
            if held is not None:
                if row is not None:
                    self._insert_once(conn, row, reservation.id, overrun=to_micro(row.cost_usd) > held)
                conn.execute("DELETE FROM quota_reservations WHERE id = ?", (reservation.id,))
            elif row is not None:
                self._late(conn, row, reservation.id)

    @staticmethod
    def _insert_once(conn: sqlite3.Connection, row: UsageRow, reservation_id: str, *, overrun: bool = False) -> None:
        seen = conn.execute("SELECT 1 FROM llm_usage WHERE reservation_id = ?", (reservation_id,)).fetchone()
        if seen is None:
            conn.execute(INSERT_AUDITED_SQL, (*row_values(row, reservation_id), int(overrun), None, None))

    def _late(self, conn: sqlite3.Connection, row: UsageRow, reservation_id: str) -> None:
        """A call settled after its lease expired: its abandoned estimate is corrected to the real bill."""
        prior = conn.execute(
            "SELECT id, status, cost_micro_usd, input_tokens, output_tokens FROM llm_usage WHERE reservation_id = ?",
            (reservation_id,)).fetchone()
        if prior is None:
            self._insert_once(conn, row, reservation_id)
            return
        prior_id, status, cost, input_tokens, output_tokens = prior
        late_id = f"{reservation_id}:late"
        if status != ABANDONED or conn.execute(
                "SELECT 1 FROM llm_usage WHERE reservation_id = ?", (late_id,)).fetchone() is not None:
            return  # already settled (a retried settle)
        u = row.usage
        delta = UsageRow(
            row.request_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
            Usage(input_tokens=u.input_tokens - input_tokens, output_tokens=u.output_tokens - output_tokens,
                  cache_read_tokens=u.cache_read_tokens, cache_write_tokens=u.cache_write_tokens,
                  reasoning_tokens=u.reasoning_tokens),
            from_micro(to_micro(row.cost_usd) - cost), ADJUSTMENT, price_version=row.price_version,
            created_at=row.created_at,
        )
        note = f"late settlement ({row.status}): the call finished after its lease expired"
        conn.execute(INSERT_AUDITED_SQL, (*row_values(delta, late_id), 0, note, prior_id))

    def reconcile(self, row_id: int, cost_usd: Decimal | str, note: str, *, by: str) -> int:
        """Correct an abandoned or estimated row to ``cost_usd`` with an adjustment row; returns its id.

        The original row stays as it was; the adjustment carries the difference (against the row plus
        any earlier adjustments of it), the admin's name and note, and the original's time, so the
        month it belongs to is the one corrected.
        """
        if not str(note).strip():
            raise ReconcileRefused("A reconciliation needs a note saying where the figure comes from.",
                                   hint="Give the vendor's invoice line or dashboard figure in the note.")
        target = to_micro(Decimal(str(cost_usd)))
        if target < 0:
            raise ReconcileRefused(f"A call's cost cannot be negative ({cost_usd}).", hint="Give the billed amount.")
        with self._conns.write() as conn:
            found = conn.execute(
                f"SELECT request_id, user_id, use_case, provider, model, cost_micro_usd, created_at, "
                f"{BILLING_STATUS_SQL} FROM llm_usage WHERE id = ?", (row_id,)).fetchone()
            if found is None:
                raise ReconcileRefused(f"There is no ledger row {row_id}.", hint="Pick a row id from the Usage page.")
            request_id, user_id, use_case, provider, model, cost, created_at, billing = found
            if billing not in (ABANDONED, "estimate"):
                raise ReconcileRefused(
                    f"Ledger row {row_id} is {billing!r}; only abandoned or estimated rows are reconciled.",
                    hint="Rows the vendor billed exactly are already right.")
            earlier = conn.execute("SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage WHERE adjusts_id = ?",
                                   (row_id,)).fetchone()[0]
            delta = target - cost - int(earlier)
            values = (request_id, None, user_id, use_case, provider, model, None, 0, 0, 0, 0, 0, 0, delta, 0, "",
                      None, None, ADJUSTMENT, None, created_at, 0,
                      redact(f"{note.strip()} (by {by}, {iso(self.clock())})")[:MAX_ERROR_CHARS], row_id)
            return int(conn.execute(INSERT_AUDITED_SQL, values).lastrowid or 0)

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
