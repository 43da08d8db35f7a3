"""The usage ledger and monthly quota over SQLite (implements ``core.llm.accounting.Ledger``).

Quota safety comes from one rule: the check and the hold happen under SQLite's write lock, taken
before reading: in one ``INSERT ... SELECT ... WHERE`` statement when the call fits (the common case,
``holds.INSERT_IF_FITS_SQL``), else in a ``BEGIN IMMEDIATE`` transaction that sweeps, shrinks or words
the refusal. No other process or thread can slip a reservation between "month spend + calls in flight
+ this worst case <= quota" and the insert of the hold, so concurrent requests can never together
spend past the quota.

- ``reserve`` holds the worst case (counted input tokens + max_tokens at the model's prices, rounded
  up to the micro-dollar), or shrinks max_tokens to fit when the caller allows it, or raises
  QuotaExceeded naming the month's spend, the limit and the reset date. Once the month is over quota
  (an overrun was recorded), every paid call is refused until the quota is raised or the month ends.
- ``settle`` writes the attempt's row and drops its hold in one transaction; a row carries its
  reservation id under a unique index, so a retried settle never counts a call twice. The row is the
  vendor's bill (its usage x prices) even when that is more than was held: such a row is flagged
  ``overrun``, never trimmed to the hold.
- **Durability of settles.** With ``deferred_settle=True`` (what ``core.llm.factory.build_gateway``
  builds for the app) the caller does not wait for that transaction: a writer thread commits queued
  settles, several per transaction (core/usage/deferred.py). Until a row lands its hold stays in
  ``quota_reservations`` (renewed) and an overrun is counted by this process's next reservation, so
  the quota stays conservative; reads through the ledger or the usage services commit the queue
  first; a graceful exit commits it. A crash (``kill -9``) in the <= 50 ms between a call's
  answer and its commit loses that row, and the call is then recorded as ``abandoned`` when its lease
  expires, charged at an estimate (input carried + output seen) for an admin to reconcile. Without
  the flag every settle commits before it returns.
- Expired leases are swept inside the reservation's transaction at most every ``SWEEP_EVERY_S`` (and
  always before a refusal); between sweeps an expired hold is still counted at its full amount, which
  is never less than the abandoned charge it becomes, so the decision stays conservative.
- A hold is a lease (core/usage/lease.py): renewed while the call runs, expiring ``lease_s`` after
  renewal stops. An expired lease becomes an ``abandoned`` row charged at an estimate (input the request
  carried + output seen) and the rest of the hold is released (core/usage/holds.py).
- Rows are never updated or deleted; ``reconcile`` corrects an abandoned or estimated row with an
  ``adjustment`` row that carries an admin's note.
- Months are calendar months in UTC; settled spend is read from the per-user-month roll-up.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

import sqlite_utils

from core.errors import QuotaExceeded
from core.llm.accounting import Reservation
from core.llm.errors import PriceUnknown
from core.llm.types import ModelPrice, UsageRow
from core.storage import ThreadConnections, iso, utc_now
from core.usage import closing, holds, reconcile
from core.usage.closing import row_values
from core.usage.deferred import PendingSettle, SettleQueue
from core.usage.lease import Heartbeat, watch
from core.usage.money import fmt_usd, from_micro, to_micro, to_micro_ceil
from core.usage.period import Month
from core.usage.quota import month_spend_micro, quota_usd, reserve_state, set_quota
from core.usage.reconcile import ReconcileRefused
from core.usage.schema import INSERT_SQL

# A lease outlives its last renewal by this long (renewals come every third of it while the call runs).
DEFAULT_LEASE_S = 45.0
DEFAULT_RESERVATION_TTL_S = DEFAULT_LEASE_S  # the name older callers pass
__all__ = ["ReconcileRefused", "SqliteLedger", "flush_pending", "row_values"]
# A reservation sweeps expired leases when the last sweep of this ledger is older than this.
SWEEP_EVERY_S = 1.0

# Ledgers of this process whose settles are committed by a writer thread (flush_pending commits them).
_deferring: weakref.WeakSet[SqliteLedger] = weakref.WeakSet()


def flush_pending() -> None:
    """Commit every queued settle of this process, so that a read that follows sees its rows."""
    for ledger in list(_deferring):
        ledger.flush()


class SqliteLedger:
    def __init__(
        self,
        db: sqlite_utils.Database,
        default_quota_usd: Decimal,
        *,
        reservation_ttl_s: float = DEFAULT_LEASE_S,
        min_shrunk_tokens: int = 64,
        clock: Callable[[], datetime] = utc_now,
        deferred_settle: bool = False,
    ) -> None:
        self._db = db
        # user -> (their quota override as stored, or None for the default; its limit in micro-dollars):
        # what a reservation's one-statement fast path checks is still so (holds.INSERT_IF_FITS_SQL).
        self._quotas: dict[str, tuple[str | None, int]] = {}
        self.default_quota_usd = Decimal(default_quota_usd)
        self.lease_s = float(reservation_ttl_s)
        # Below this many output tokens a shrunk answer is useless; refuse instead.
        self.min_shrunk_tokens = min_shrunk_tokens
        self.clock = clock
        self._conns = ThreadConnections(db)
        self._beat = Heartbeat(self._renew, interval_s=max(0.05, self.lease_s / 3))
        self._swept_at: datetime | None = None
        self._queue = SettleQueue(self._commit_settles, self._conns.lock) if deferred_settle else None
        if self._queue is not None:
            _deferring.add(self)
        watch(self)

    @property
    def db(self) -> sqlite_utils.Database:
        """The ledger's database, with every queued settle of this process committed (what a reader expects)."""
        flush_pending()
        return self._db

    def flush(self) -> None:
        """Commit the queued settles now (no-op for a ledger that settles synchronously)."""
        if self._queue is not None:
            self._queue.flush()

    @property
    def reservation_ttl_s(self) -> float:
        return self.lease_s

    @property
    def default_quota_usd(self) -> Decimal:
        return self._default_quota_usd

    @default_quota_usd.setter
    def default_quota_usd(self, usd: Decimal) -> None:
        self._default_quota_usd = Decimal(usd)
        self._quotas.clear()  # limits priced from the old default

    # -- quota ---------------------------------------------------------------------------------

    def quota_usd(self, user_id: str) -> Decimal:
        flush_pending()
        with self._conns.read() as conn:
            return quota_usd(conn, user_id, self.default_quota_usd)

    def set_user_quota(self, user_id: str, usd: Decimal | str | float | None) -> Decimal | None:
        """Override one user's monthly quota (``None`` returns them to the default)."""
        try:
            with self._writing() as conn:
                return set_quota(conn, user_id, usd)
        finally:
            self._quotas.pop(user_id, None)

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
        now_iso = iso(now)
        hold = holds.Hold(
            os.urandom(16).hex(), user_id, request_id, model, worst, max_tokens, now_iso,
            iso(now + timedelta(seconds=self.lease_s)), input_tokens,
            format(price.input, "f") if price.input is not None else None,
            format(price.output, "f") if price.output is not None else None,
            price.version, use_case, provider,
        )
        quota = self._quotas.get(user_id)
        if quota is not None and not self._sweep_due(now):
            # The common case in one statement: it fits the figures as they are in the database.
            excess = self._queue.excess_micro(user_id) if self._queue is not None else 0
            if self._conns.write_one(holds.INSERT_IF_FITS_SQL, holds.if_fits_params(hold, *quota, excess)):
                return self._held(hold)
        # Otherwise decide in a transaction that can sweep, shrink or word the refusal.
        with self._conns.write() as conn:
            swept = self._sweep_due(now) or quota is not None
            if swept:
                self._sweep(conn, now, now_iso)
            limit, spent, held = self._headroom(conn, user_id, now_iso, swept)
            if worst > 0 and worst > limit - spent - held and not swept:
                # Refuse only on swept figures: an expired lease may be holding the headroom.
                self._sweep(conn, now, now_iso)
                limit, spent, held = self._headroom(conn, user_id, now_iso, True)
            remaining = limit - spent - held
            # A free call (offline engine, zero-priced local model) never needs headroom.
            if worst > 0 and worst > remaining:
                month = Month.of(now)
                shrunk = self._shrink(price, input_tokens, max_tokens, remaining) if allow_shrink else None
                if shrunk is None:
                    raise self._exceeded(user_id, month, spent, held, limit, worst)
                hold = hold._replace(max_tokens=shrunk, amount=to_micro_ceil(price.worst_case(input_tokens, shrunk)))
            holds.insert(conn, hold)
        return self._held(hold)

    def _held(self, hold: holds.Hold) -> Reservation:
        self._beat.add(hold.id)
        return Reservation(id=hold.id, user_id=hold.user_id, amount_usd=from_micro(hold.amount),
                           max_tokens=hold.max_tokens)

    def _sweep_due(self, now: datetime) -> bool:
        last = self._swept_at
        return last is None or not timedelta(0) <= now - last < timedelta(seconds=SWEEP_EVERY_S)

    def _sweep(self, conn: sqlite3.Connection, now: datetime, now_iso: str) -> None:
        holds.sweep(conn, now_iso)
        self._swept_at = now

    def _headroom(self, conn: sqlite3.Connection, user_id: str, now_iso: str, swept: bool) -> tuple[int, int, int]:
        """(limit, settled spend, held) in micro-dollars. Unswept, every hold counts (expired ones too);
        this process's pending settles count their overruns on top of their holds."""
        quota, spent, held = reserve_state(conn, user_id, now_iso, live_only=swept)
        limit = to_micro(Decimal(quota) if quota is not None else self.default_quota_usd)
        self._quotas[user_id] = (quota, limit)
        if self._queue is not None:
            held += self._queue.excess_micro(user_id)
        return limit, spent, held

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
        with self._writing() as conn:
            return holds.sweep(conn, iso(self.clock()))

    def abandon_in_flight(self) -> int:
        """This process is stopping: record its calls in flight as abandoned, release their holds."""
        self.flush()  # calls that have their answer are settled, not abandoned
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
        if self._queue is None:
            self._close(reservation, row)
            return
        # The lease stays in the heartbeat (renewed) until the row lands: see the module docstring.
        # An overrun (billed beyond the hold) is rare: the exact rounding is only needed then.
        excess = max(0, to_micro(row.cost_usd) - to_micro_ceil(reservation.amount_usd)) \
            if row.cost_usd > reservation.amount_usd else 0
        self._queue.put(PendingSettle(reservation.id, reservation.user_id, row, excess))

    def release(self, reservation: Reservation, row: UsageRow | None = None) -> None:
        self._close(reservation, row)

    def record(self, row: UsageRow) -> None:
        with self._writing() as conn:
            conn.execute(INSERT_SQL, row_values(row))

    def _close(self, reservation: Reservation, row: UsageRow | None) -> None:
        self._beat.remove(reservation.id)
        with self._writing() as conn:
            closing.close(conn, reservation.id, row)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that first writes the queued settles, so rows land in call order."""
        if self._queue is None:
            with self._conns.write() as conn:
                yield conn
            return
        with self._conns.lock:
            items = self._queue.take()
            try:
                with self._conns.write() as conn:
                    if items:
                        closing.close_all(conn, [(item.reservation_id, item.row) for item in items])
                    yield conn
            except BaseException:
                self._queue.put_back(items)
                raise
            self._settled(items)

    def _commit_settles(self, items: list[PendingSettle]) -> None:
        """The writer thread's (or a flush's) transaction: every queued settle, then one commit."""
        assert self._queue is not None
        try:
            with self._conns.write() as conn:
                closing.close_all(conn, [(item.reservation_id, item.row) for item in items])
        except BaseException:
            self._queue.put_back(items)
            raise
        self._settled(items)

    def _settled(self, items: list[PendingSettle]) -> None:
        assert self._queue is not None
        for item in items:
            self._beat.remove(item.reservation_id)
        self._queue.settled(items)

    def reconcile(self, row_id: int, cost_usd: Decimal | str, note: str, *, by: str) -> int:
        """Correct an abandoned or estimated row to ``cost_usd`` with an adjustment row; returns its id
        (see ``core.usage.reconcile``)."""
        target = reconcile.target_micro(cost_usd, note)
        with self._writing() as conn:
            return reconcile.adjust(conn, row_id, target, note, by=by, now_iso=iso(self.clock()))

    # -- read-outs used by the quota banner ----------------------------------------------------

    def month_spend_usd(self, user_id: str | None, month: Month | None = None) -> Decimal:
        flush_pending()
        with self._conns.read() as conn:
            return from_micro(month_spend_micro(conn, user_id, month or Month.of(self.clock())))

    def live_reservations(self, user_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM quota_reservations WHERE expires_at > ?"
        params: list[object] = [iso(self.clock())]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        flush_pending()
        with self._conns.read() as conn:
            return int(conn.execute(sql, params).fetchone()[0])
