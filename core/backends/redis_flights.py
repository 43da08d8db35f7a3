"""Single-flight shared by every replica, in Redis (``STUDIO_REDIS_URL``).

Implements ``core.llm.singleflight.FlightGroup``: concurrent identical requests (same user and cache
key) on any replica make one vendor call.

- The first to ``SET NX`` the flight's lock leads. The lock has a TTL (``lock_ttl_s``), renewed by one
  background thread per process while its leaders run, so a leader that dies (``kill -9``, a lost
  host) frees the flight within one TTL and its followers go ahead without it.
- ``finish`` stores the leader's answer beside the lock and deletes the lock in one script, so a
  follower never sees "lock gone" without the answer of a leader that succeeded. The answer stays
  readable for ``result_ttl_s``: a request arriving just after the flight landed, before the caller
  validated and cached the answer, is served it too instead of calling the vendor again.
- Followers poll one script (answer? lock?) every ``poll_s`` until the answer appears (returned as
  the ``Completion``), the lock goes without one (None: the leader failed or died), or their own
  deadline passes (None).
- Redis being unreachable never fails a request: the caller then leads alone (one warning logged).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from core.errors import redact
from core.llm.types import Completion
from core.usage.cache import _decode, _encode

log = logging.getLogger("core.backends.redis_flights")

KEY_PREFIX = "studio:flight:"

# KEYS: lock, result. ARGV: token, lock ttl ms. 1 = this caller leads (an old answer is dropped),
# 0 = a flight is running or has just landed: follow it.
_BEGIN = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
return 0
"""

# KEYS: lock, result. ARGV: token, answer ('' = none), result ttl ms. Only the lock's owner ends it.
_FINISH = """
if ARGV[2] ~= '' and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', tonumber(ARGV[3]))
end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""

# KEYS: lock, result. Returns {1, answer}, {0} while the flight runs, {2} when it ended without one.
_PEEK = """
local answer = redis.call('GET', KEYS[2])
if answer then return {1, answer} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
return {2}
"""

# KEYS: locks. ARGV: tokens (same order), ttl ms. Extends the locks this process still owns.
_RENEW = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then redis.call('PEXPIRE', key, tonumber(ARGV[#ARGV])) end
end
return 1
"""


def _keys(key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{KEY_PREFIX}{digest}:lock", f"{KEY_PREFIX}{digest}:answer"


@dataclass
class RedisTicket:
    group: RedisFlights
    key: str
    leader: bool
    token: str = ""

    def wait(self, timeout_s: float) -> Completion | None:
        """Follower: the leader's answer, or None (it failed or died, or ``timeout_s`` ran out)."""
        return self.group._wait(self.key, timeout_s)

    def finish(self, completion: Completion | None) -> None:
        """Leader: publish the answer (None when it failed) and end the flight."""
        if self.leader:
            self.group._finish(self, completion)


class RedisFlights:
    """Flights keyed by ``user\\0cache key`` across every process that shares this Redis."""

    def __init__(self, client: Any, *, lock_ttl_s: float = 10.0, result_ttl_s: float = 10.0,
                 poll_s: float = 0.05) -> None:
        self._client = client
        self.lock_ttl_ms = max(1000, int(lock_ttl_s * 1000))
        self.result_ttl_ms = max(0, int(result_ttl_s * 1000))
        self.poll_s = poll_s
        self._begin = client.register_script(_BEGIN)
        self._finish_script = client.register_script(_FINISH)
        self._peek = client.register_script(_PEEK)
        self._renew = client.register_script(_RENEW)
        self._leading: dict[str, str] = {}  # lock key -> token, renewed while the leader runs
        self._lock = threading.Lock()
        self._renewer: threading.Thread | None = None

    def begin(self, key: str) -> RedisTicket:
        lock, result = _keys(key)
        token = uuid.uuid4().hex
        try:
            leads = int(self._begin(keys=[lock, result], args=[token, self.lock_ttl_ms])) == 1
        except Exception as exc:  # an optimisation must not fail the request: lead alone
            log.warning("single-flight unavailable (%s); calling the vendor without it", redact(str(exc)))
            return RedisTicket(self, key, leader=True)
        if leads:
            self._lead(lock, token)
        return RedisTicket(self, key, leader=leads, token=token if leads else "")

    # -- leaders -------------------------------------------------------------------------------

    def _lead(self, lock: str, token: str) -> None:
        with self._lock:
            self._leading[lock] = token
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew_loop, name="flight-lock-renewal", daemon=True)
                self._renewer.start()

    def _renew_loop(self) -> None:
        stop = threading.Event()
        while True:
            stop.wait(self.lock_ttl_ms / 3000)
            with self._lock:
                if not self._leading:
                    self._renewer = None  # the next leader starts a new thread
                    return
                held = sorted(self._leading.items())
            try:
                self._renew(keys=[k for k, _ in held], args=[*(t for _, t in held), self.lock_ttl_ms])
            except Exception as exc:  # Redis away: the locks may lapse; followers then go ahead alone
                log.warning("single-flight lock renewal failed (will retry): %s", redact(str(exc)))

    def _finish(self, ticket: RedisTicket, completion: Completion | None) -> None:
        lock, result = _keys(ticket.key)
        with self._lock:
            self._leading.pop(lock, None)
        if not ticket.token:
            return  # led alone because Redis was unreachable
        answer = _encode(completion) if completion is not None else ""
        try:
            self._finish_script(keys=[lock, result], args=[ticket.token, answer, self.result_ttl_ms])
        except Exception as exc:  # the lock then lapses after its TTL; followers go ahead alone
            log.warning("single-flight could not publish its answer: %s", redact(str(exc)))

    # -- followers -----------------------------------------------------------------------------

    def _wait(self, key: str, timeout_s: float) -> Completion | None:
        lock, result = _keys(key)
        user = key.split("\0", 1)[0]
        deadline = time.monotonic() + max(0.0, timeout_s)
        while True:
            try:
                state = self._peek(keys=[lock, result])
            except Exception as exc:
                log.warning("single-flight wait failed (%s); going ahead alone", redact(str(exc)))
                return None
            if int(state[0]) == 1:
                answer = state[1].decode("utf-8") if isinstance(state[1], bytes) else str(state[1])
                return _decode(answer, user)
            if int(state[0]) == 2 or time.monotonic() >= deadline:
                return None
            time.sleep(min(self.poll_s, max(0.0, deadline - time.monotonic())))
