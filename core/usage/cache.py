"""The response cache over SQLite (implements ``core.llm.accounting.ResponseCache``).

Entries are scoped per user (primary key ``(user_id, key)``): one trader never receives another's
answer. The key itself is computed by the gateway (a SHA-256 of everything that shapes the answer);
this module only stores and finds. Only validated answers reach ``put`` (the gateway's contract).

A hit comes back as a ``Completion`` with ``cached=True``, ``cost_usd=0`` and ``cost_saved_usd`` set
to what the original call cost; its ``usage`` is the original call's, so the ledger row of the hit
can show which tokens were not paid for.

Bounds: entries live ``ttl_s`` seconds (LLM_CACHE_TTL; 0 disables caching); the table keeps at most
``max_entries`` rows and ``max_bytes`` of answers, evicting expired entries first, then the least
recently used. A write costs O(1) amortised: totals come from ``llm_cache_totals`` (kept by triggers,
migration m007), expired entries are trimmed a few per write, and an eviction frees a batch of slack.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlite_utils

from core.llm.types import Completion, Usage
from core.storage import ThreadConnections, iso, utc_now

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Each write drops at most this many expired entries: age is trimmed as the cache is used, in O(1).
EXPIRED_PER_WRITE = 8
# When a bound is passed, evict this share of it at once, so the next writes need no eviction.
TRIM_SLACK = 0.05


def _encode(completion: Completion) -> str:
    u = completion.usage
    return json.dumps(
        {
            "text": completion.text,
            "model": completion.model,
            "provider": completion.provider,
            "requested_model": completion.requested_model,
            "usage": {
                "input_tokens": u.input_tokens,
                "output_tokens": u.output_tokens,
                "cache_read_tokens": u.cache_read_tokens,
                "cache_write_tokens": u.cache_write_tokens,
                "reasoning_tokens": u.reasoning_tokens,
                "estimated": u.estimated,
            },
            "cost_usd": format(completion.cost_usd, "f"),
            "finish_reason": completion.finish_reason,
            "tried": list(completion.tried),
            "latency_ms": completion.latency_ms,
            "ttft_ms": completion.ttft_ms,
            "request_id": completion.request_id,
            "cache_key": completion.cache_key,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(value: str, user_id: str) -> Completion:
    data: dict[str, Any] = json.loads(value)
    return Completion(
        text=data["text"],
        model=data["model"],
        provider=data["provider"],
        requested_model=data.get("requested_model"),
        usage=Usage(**data.get("usage", {})),
        cost_usd=Decimal(0),
        finish_reason=data.get("finish_reason"),
        tried=list(data.get("tried", [])),
        latency_ms=0.0,
        ttft_ms=None,
        cached=True,
        cost_saved_usd=Decimal(data.get("cost_usd", "0")),
        request_id=data.get("request_id", ""),
        cache_key=data.get("cache_key"),
        user=user_id,
    )


class SqliteCache:
    def __init__(
        self,
        db: sqlite_utils.Database,
        max_entries: int = 5000,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self._conns = ThreadConnections(db)

    def get(self, user_id: str, key: str) -> Completion | None:
        now = iso(self.clock())
        with self._conns.read() as conn:
            row = conn.execute(
                "SELECT value FROM llm_cache WHERE user_id = ? AND key = ? AND expires_at > ?", (user_id, key, now)
            ).fetchone()
        if row is None:
            return None
        # Recency for LRU eviction; a lost update here only makes eviction slightly less exact.
        with self._conns.write() as conn:
            conn.execute(
                "UPDATE llm_cache SET hits = hits + 1, last_hit = ? WHERE user_id = ? AND key = ?", (now, user_id, key)
            )
        return _decode(row[0], user_id)

    def put(self, user_id: str, key: str, completion: Completion, ttl_s: int) -> None:
        if ttl_s <= 0 or self.max_entries <= 0:
            return
        value = _encode(completion)
        size = len(value.encode("utf-8"))
        if size > self.max_bytes:
            return  # one answer larger than the whole budget: not worth evicting everything for
        now = self.clock()
        with self._conns.write() as conn:
            conn.execute(
                "INSERT INTO llm_cache (user_id, key, value, size, hits, created_at, expires_at, last_hit) "
                "VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, "
                "size = excluded.size, created_at = excluded.created_at, expires_at = excluded.expires_at, "
                "last_hit = excluded.last_hit",
                (user_id, key, value, size, iso(now), iso(now + timedelta(seconds=ttl_s)), iso(now)),
            )
            self._evict(conn, iso(now))

    def _evict(self, conn: Any, now_iso: str) -> None:
        """Trim by age and size in bounded steps: O(1) amortised per write.

        Every write drops a few expired entries (through the expiry index), so age is trimmed as the
        cache is used. The totals come from ``llm_cache_totals`` (kept by triggers), never from a scan.
        When a bound is passed, the least recently used entries go in one batch that leaves
        ``TRIM_SLACK`` of headroom, so the next writes need no eviction at all.
        """
        conn.execute(
            "DELETE FROM llm_cache WHERE rowid IN (SELECT rowid FROM llm_cache INDEXED BY idx_llm_cache_expires "
            "WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)", (now_iso, EXPIRED_PER_WRITE))
        count, total = conn.execute("SELECT entries, bytes FROM llm_cache_totals WHERE id = 1").fetchone()
        if count > self.max_entries:
            keep = self.max_entries - int(self.max_entries * TRIM_SLACK)
            conn.execute(
                "DELETE FROM llm_cache WHERE rowid IN (SELECT rowid FROM llm_cache INDEXED BY idx_llm_cache_last_hit "
                "ORDER BY last_hit LIMIT ?)", (count - keep,))
            total = conn.execute("SELECT bytes FROM llm_cache_totals WHERE id = 1").fetchone()[0]
        if total > self.max_bytes:
            target = self.max_bytes - int(self.max_bytes * TRIM_SLACK)
            # Oldest first, a batch at a time, until under the target (each entry is read once).
            while total > target:
                batch = conn.execute(
                    "SELECT rowid, size FROM llm_cache INDEXED BY idx_llm_cache_last_hit ORDER BY last_hit LIMIT 64"
                ).fetchall()
                if not batch:
                    break
                doomed: list[int] = []
                for rowid, size in batch:
                    if total <= target:
                        break
                    doomed.append(rowid)
                    total -= size
                conn.executemany("DELETE FROM llm_cache WHERE rowid = ?", [(r,) for r in doomed])

    def clear(self, user_id: str | None = None) -> int:
        """Drop every entry (or one user's); returns how many were removed."""
        with self._conns.write() as conn:
            if user_id is None:
                return conn.execute("DELETE FROM llm_cache").rowcount
            return conn.execute("DELETE FROM llm_cache WHERE user_id = ?", (user_id,)).rowcount

    def stats(self, user_id: str | None = None) -> dict[str, int]:
        sql = "SELECT count(*), COALESCE(SUM(size), 0), COALESCE(SUM(hits), 0) FROM llm_cache"
        params: tuple[str, ...] = ()
        if user_id is not None:
            sql += " WHERE user_id = ?"
            params = (user_id,)
        with self._conns.read() as conn:
            entries, size, hits = conn.execute(sql, params).fetchone()
        return {"entries": int(entries), "bytes": int(size), "hits": int(hits)}
