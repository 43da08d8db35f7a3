"""Users and API keys in PostgreSQL: the ``KeyStore`` and ``UserStore`` of core.accounts.

Same behaviour as the SQLite stores: a key is stored only as its SHA-256 hash beside a short visible
prefix, compared again in constant time after the index found it; revocation and last use are
timestamps. A prefix collision raises ``sqlite3.IntegrityError``, the KeyStore protocol's signal that
``core.accounts.keys.create`` answers by drawing a new key.
"""

from __future__ import annotations

import hmac
import sqlite3
from datetime import UTC, datetime

import psycopg

from core.accounts.keys import ApiKeyInfo
from core.accounts.principal import Principal
from core.accounts.users import UserRecord
from core.backends.postgres.db import PgDatabase
from core.storage import iso

_KEY_COLS = "prefix, user_id, name, created_at, last_used_at, revoked_at"
_USER_COLS = "id, display_name, email, created_at, last_seen_at, rate_limit_per_minute, language"


def _now() -> datetime:
    return datetime.now(UTC)


class PgKeyStore:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def add(self, user_id: str, name: str, prefix: str, digest: str) -> ApiKeyInfo:
        now = _now()
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO api_keys (prefix, key_hash, user_id, name, created_at) VALUES (%s, %s, %s, %s, %s)",
                    (prefix, digest, user_id, name, now),
                )
        except psycopg.errors.UniqueViolation:
            raise sqlite3.IntegrityError("API key prefix or hash already taken") from None
        return ApiKeyInfo(prefix, user_id, name, iso(now), None, None)

    def list_for(self, user_id: str) -> list[ApiKeyInfo]:
        with self.db.read() as conn:
            rows = conn.execute(
                f"SELECT {_KEY_COLS} FROM api_keys WHERE user_id = %s ORDER BY created_at DESC, prefix", (user_id,)
            ).fetchall()
        return [ApiKeyInfo(*r) for r in rows]

    def by_prefix(self, prefix: str) -> ApiKeyInfo | None:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_KEY_COLS} FROM api_keys WHERE prefix = %s", (prefix,)).fetchone()
        return ApiKeyInfo(*row) if row else None

    def find_active(self, digest: str) -> ApiKeyInfo | None:
        with self.db.read() as conn:
            row = conn.execute(
                f"SELECT {_KEY_COLS}, key_hash FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL", (digest,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row[-1], digest):
            return None
        return ApiKeyInfo(*row[:-1])

    def revoke(self, prefix: str) -> bool:
        with self.db.write() as conn:
            cur = conn.execute(
                "UPDATE api_keys SET revoked_at = %s WHERE prefix = %s AND revoked_at IS NULL", (_now(), prefix)
            )
        return cur.rowcount > 0

    def touch(self, prefix: str) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE api_keys SET last_used_at = %s WHERE prefix = %s", (_now(), prefix))


class PgUserStore:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def ensure(self, principal: Principal) -> UserRecord:
        """Record the user on sign-in (or first key): keeps name and email current, never their limits."""
        now = _now()
        with self.db.write() as conn:
            row = conn.execute(
                "INSERT INTO users (id, display_name, email, created_at, last_seen_at) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET display_name = COALESCE(NULLIF(excluded.display_name, ''), "
                "users.display_name), email = COALESCE(excluded.email, users.email), "
                f"last_seen_at = excluded.last_seen_at RETURNING {_USER_COLS}",
                (principal.user_id, principal.display_name, principal.email, now, now),
            ).fetchone()
        return UserRecord(*row)

    def get(self, user_id: str) -> UserRecord | None:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_USER_COLS} FROM users WHERE id = %s", (user_id,)).fetchone()
        return UserRecord(*row) if row else None

    def set_rate_limit(self, user_id: str, per_minute: int | None) -> None:
        self.ensure(Principal(user_id))
        with self.db.write() as conn:
            conn.execute("UPDATE users SET rate_limit_per_minute = %s WHERE id = %s", (per_minute, user_id))

    def set_language(self, user_id: str, language: str | None) -> None:
        self.ensure(Principal(user_id))
        with self.db.write() as conn:
            conn.execute("UPDATE users SET language = %s WHERE id = %s", (language, user_id))
