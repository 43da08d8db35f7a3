"""Leases: a reservation holds quota only while the call behind it is alive.

A ledger keeps the ids of the reservations its process holds in a ``Heartbeat``. One daemon thread per
ledger renews them all every ``interval_s`` in a single write, carrying the output tokens seen so far.
A process that dies mid-call (``kill -9``, a crash, a lost machine) stops renewing: its lease runs out
``lease_s`` after the last renewal, and the next writer turns it into an ``abandoned`` row charged at an
estimate (see ``core.usage.ledger``). A graceful exit (SIGTERM, interpreter exit) abandons this process's
holds at once instead of leaving them to expire.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

from core.errors import redact

log = logging.getLogger("core.usage.lease")


class Heartbeat:
    """The reservation ids this process holds (id -> output tokens seen), renewed while any is held."""

    def __init__(self, renew: Callable[[dict[str, int]], None], interval_s: float) -> None:
        self._renew = renew
        self.interval_s = interval_s
        self._live: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, reservation_id: str) -> None:
        with self._lock:
            self._live[reservation_id] = 0
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ledger-lease-heartbeat", daemon=True)
                self._thread.start()

    def seen(self, reservation_id: str, output_tokens: int) -> None:
        with self._lock:
            if reservation_id in self._live:
                self._live[reservation_id] = max(self._live[reservation_id], int(output_tokens))

    def remove(self, reservation_id: str) -> None:
        with self._lock:
            self._live.pop(reservation_id, None)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._live)

    def _run(self) -> None:
        stop = threading.Event()
        while True:
            stop.wait(self.interval_s)
            with self._lock:
                if not self._live:
                    self._thread = None  # the next add() starts a new thread
                    return
                live = dict(self._live)
            try:
                self._renew(live)
            except Exception as exc:  # a busy or broken database must not kill the heartbeat
                log.warning("lease renewal failed (will retry): %s", redact(str(exc)))


class Abandoning(Protocol):
    def abandon_in_flight(self) -> int: ...


_ledgers: weakref.WeakSet[Abandoning] = weakref.WeakSet()
_hooks_installed = False
_hooks_lock = threading.Lock()


def abandon_all() -> None:
    """Abandon every in-flight hold of this process (each ledger charges its estimates)."""
    for ledger in list(_ledgers):
        try:
            ledger.abandon_in_flight()
        except Exception as exc:  # shutting down: record what we can, never raise
            log.warning("could not abandon in-flight calls at shutdown: %s", redact(str(exc)))


def _on_sigterm(signum: int, frame: object) -> None:
    abandon_all()
    # Then die of SIGTERM as the sender intended (exit status included).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def watch(ledger: Abandoning) -> None:
    """Register ``ledger`` for shutdown: at interpreter exit, and on SIGTERM when nobody else handles it."""
    global _hooks_installed
    _ledgers.add(ledger)
    with _hooks_lock:
        if _hooks_installed:
            return
        _hooks_installed = True
        atexit.register(abandon_all)
        # A server (Streamlit, uvicorn) installs its own SIGTERM handler and exits normally, so atexit
        # covers it; a plain process dies of SIGTERM without atexit unless we handle the signal.
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) in (
                signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)
