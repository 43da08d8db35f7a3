"""Settles whose ledger row is committed by a writer thread, after the caller has its answer.

A settle writes a ledger row into ``llm_usage`` (three roll-up triggers, four indexes) and drops
the call's hold. Waiting for that commit costs the caller more than the rest of the gateway together,
so a ledger built with ``deferred_settle=True`` queues the settle here and returns; one daemon thread
per ledger commits what was queued every ``BATCH_S``, in one transaction. Batching is what keeps it
cheap: a settle neither wakes a thread nor waits for one, and the writer takes SQLite's write lock
(which every reservation needs) and Python's GIL a few times per batch rather than per call.

Money stays right while a settle waits:
- its hold stays in ``quota_reservations`` (and its lease keeps being renewed) until the row lands in
  the same transaction that drops it, so the quota keeps counting the call at its worst case;
- a pending settle that cost more than its hold (an overrun) is added, per user, to what this
  process's next reservation counts (``excess_micro``), before that reservation decides;
- every synchronous write of the ledger takes the queue first, inside its own transaction, so rows
  land in the order the calls ended; every read through the ledger (and through the usage services,
  ``core.usage.ledger.flush_pending``) commits the queue first, so a user reading their usage right
  after a call sees its row;
- a graceful exit (interpreter exit, SIGTERM: ``core.usage.lease``) commits the queue before it
  abandons what is still in flight. A crash before that commit (at most ``BATCH_S`` after the
  answers) loses the queued rows, but not the money: each hold's lease expires and the next writer
  records its call as ``abandoned``, charged at the input it carried plus the output seen (an
  estimate, to reconcile), never as a dropped row.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import redact
from core.llm.types import UsageRow

log = logging.getLogger("core.usage.deferred")

# How long settles gather before the writer commits them together: short next to a lease (the
# holds stay counted meanwhile) and to a person reading their usage (a read commits the queue first).
BATCH_S = 0.05
# The writer thread ends after this long without work (the next settle starts a new one).
IDLE_S = 2.0
# After a failed commit (a busy or broken database), wait this long before trying again.
RETRY_S = 0.5


@dataclass(frozen=True)
class PendingSettle:
    reservation_id: str
    user_id: str
    row: UsageRow
    excess: int  # micro-dollars the row costs beyond its hold (an overrun), else 0


class SettleQueue:
    """Pending settles in the order their calls ended, and the thread that commits them.

    ``commit(items)`` is the ledger's: it takes the process's write lock, writes every item in one
    transaction and commits. ``lock`` is that same lock: the queue is only taken while it is held,
    so no other write of this process can slip between taking a batch and committing it.
    """

    def __init__(self, commit: Callable[[list[PendingSettle]], None], lock: threading.RLock) -> None:
        self._commit = commit
        self.lock = lock
        self._items: list[PendingSettle] = []
        self._excess: dict[str, int] = {}
        self._unsettled = 0  # queued or being committed
        self._cond = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None

    def put(self, item: PendingSettle) -> None:
        with self._cond:
            self._items.append(item)
            self._unsettled += 1
            if item.excess:
                self._excess[item.user_id] = self._excess.get(item.user_id, 0) + item.excess
            self._wake()

    def excess_micro(self, user_id: str) -> int:
        """What this user's pending settles cost beyond their holds (counted by the next reservation)."""
        return self._excess.get(user_id, 0) if self._excess else 0

    def pending(self) -> bool:
        return self._unsettled > 0

    def take(self) -> list[PendingSettle]:
        """Everything queued; the caller must hold ``lock`` and call ``settled`` once it committed."""
        with self._cond:
            items, self._items = self._items, []
        return items

    def put_back(self, items: list[PendingSettle]) -> None:
        """A batch whose transaction failed goes back to the front, in order (and is retried)."""
        if items:
            with self._cond:
                self._items[:0] = items
                self._wake()

    def _wake(self) -> None:
        # Called with _cond held. A running writer is not woken: it looks again within BATCH_S.
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ledger-settle-writer", daemon=True)
            self._thread.start()

    def settled(self, items: list[PendingSettle]) -> None:
        """These rows are committed: their holds are gone and their cost is in the roll-ups."""
        if not items:
            return
        with self._cond:
            self._unsettled -= len(items)
            for item in items:
                if item.excess:
                    left = self._excess.get(item.user_id, 0) - item.excess
                    if left > 0:
                        self._excess[item.user_id] = left
                    else:
                        self._excess.pop(item.user_id, None)

    def flush(self) -> None:
        """Commit everything queued now, in the calling thread (a read, a shutdown)."""
        if not self._unsettled:
            return
        with self.lock:  # waits for a batch the writer thread is committing
            items = self.take()
            if items:
                self._commit(items)

    def _run(self) -> None:
        idle = 0.0
        while True:
            time.sleep(BATCH_S)
            with self._cond:
                if not self._items:
                    idle += BATCH_S
                    if idle >= IDLE_S:
                        self._thread = None  # the next put() starts a new thread
                        return
                    continue
            idle = 0.0
            try:
                with self.lock:
                    items = self.take()
                    if items:
                        self._commit(items)
            except Exception as exc:  # the holds stay (and are renewed) until a commit succeeds
                log.warning("ledger rows could not be written yet (will retry): %s", redact(str(exc)))
                threading.Event().wait(RETRY_S)
