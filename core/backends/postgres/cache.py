"""The response cache over PostgreSQL (implements ``core.llm.accounting.ResponseCache``).

Same contract as ``core.usage.cache.SqliteCache``: entries scoped per user, ``ttl_s`` lifetime,
bounded by entries and bytes with expired entries evicted first, then the least recently used.
A hit is one statement (``UPDATE ... RETURNING``: find, count the hit and refresh recency together).
Eviction deletes with ``FOR UPDATE SKIP LOCKED`` so replicas evicting at once never deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from core.backends.postgres.db import PgDatabase
from core.llm.types import Completion
from core.usage.cache import DEFAULT_MAX_BYTES, _decode, _encode


class PgCache:
    def __init__(
        self,
        db: PgDatabase,
        max_entries: int = 5000,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock

    def get(self, user_id: str, key: str) -> Completion | None:
        now = self.clock()
        with self.db.write() as conn:
            row = conn.execute(
                "UPDATE llm_cache SET hits = hits + 1, last_hit = %s WHERE user_id = %s AND key = %s "
                "AND expires_at > %s RETURNING value",
                (now, user_id, key, now),
            ).fetchone()
        return None if row is None else _decode(row[0], user_id)

    def put(self, user_id: str, key: str, completion: Completion, ttl_s: int) -> None:
        if ttl_s <= 0 or self.max_entries <= 0:
            return
        value = _encode(completion)
        size = len(value.encode("utf-8"))
        if size > self.max_bytes:
            return  # one answer larger than the whole budget: not worth evicting everything for
        now = self.clock()
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO llm_cache (user_id, key, value, size, hits, created_at, expires_at, last_hit) "
                "VALUES (%s, %s, %s, %s, 0, %s, %s, %s) ON CONFLICT (user_id, key) DO UPDATE SET "
                "value = excluded.value, size = excluded.size, created_at = excluded.created_at, "
                "expires_at = excluded.expires_at, last_hit = excluded.last_hit",
                (user_id, key, value, size, now, now + timedelta(seconds=ttl_s), now),
            )
            self._evict(conn, now)

    def _evict(self, conn: Any, now: datetime) -> None:
        count, total = conn.execute("SELECT count(*), COALESCE(SUM(size), 0) FROM llm_cache").fetchone()
        if count <= self.max_entries and total <= self.max_bytes:
            return
        conn.execute("DELETE FROM llm_cache WHERE expires_at <= %s", (now,))
        count, total = conn.execute("SELECT count(*), COALESCE(SUM(size), 0) FROM llm_cache").fetchone()
        if count > self.max_entries:
            conn.execute(
                "DELETE FROM llm_cache WHERE (user_id, key) IN (SELECT user_id, key FROM llm_cache "
                "ORDER BY last_hit, created_at, user_id, key LIMIT %s FOR UPDATE SKIP LOCKED)",
                (count - self.max_entries,),
            )
            total = conn.execute("SELECT COALESCE(SUM(size), 0) FROM llm_cache").fetchone()[0]
        if total > self.max_bytes:
            # Delete the shortest least-recently-used prefix that frees enough bytes.
            conn.execute(
                "DELETE FROM llm_cache WHERE (user_id, key) IN (SELECT user_id, key FROM (SELECT user_id, key, "
                "size, SUM(size) OVER (ORDER BY last_hit, created_at, user_id, key ROWS UNBOUNDED PRECEDING) "
                "AS running FROM llm_cache) AS r WHERE running - size < %s)",
                (total - self.max_bytes,),
            )

    def clear(self, user_id: str | None = None) -> int:
        """Drop every entry (or one user's); returns how many were removed."""
        with self.db.write() as conn:
            if user_id is None:
                return conn.execute("DELETE FROM llm_cache").rowcount
            return conn.execute("DELETE FROM llm_cache WHERE user_id = %s", (user_id,)).rowcount

    def stats(self, user_id: str | None = None) -> dict[str, int]:
        sql = "SELECT count(*), COALESCE(SUM(size), 0), COALESCE(SUM(hits), 0) FROM llm_cache"
        params: tuple[str, ...] = ()
        if user_id is not None:
            sql += " WHERE user_id = %s"
            params = (user_id,)
        with self.db.read() as conn:
            entries, size, hits = conn.execute(sql, params).fetchone()
        return {"entries": int(entries), "bytes": int(size), "hits": int(hits)}
