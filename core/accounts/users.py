"""The users table: who has signed in (or been named by an operator), and their request rate limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import sqlite_utils

from core.accounts.principal import Principal
from core.storage import iso, utc_now


@dataclass(frozen=True)
class UserRecord:
    id: str
    display_name: str
    email: str | None
    created_at: str
    last_seen_at: str | None
    rate_limit_per_minute: int | None  # None: the default of STUDIO_RATE_LIMIT_PER_MINUTE
    language: str | None = None  # "ko" / "en" once the user chose one; None: the browser's decides


class UserStore(Protocol):
    def ensure(self, principal: Principal) -> UserRecord: ...

    def get(self, user_id: str) -> UserRecord | None: ...

    def set_rate_limit(self, user_id: str, per_minute: int | None) -> None: ...

    def set_language(self, user_id: str, language: str | None) -> None: ...


class SqliteUserStore:
    _COLS = "id, display_name, email, created_at, last_seen_at, rate_limit_per_minute, language"

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def ensure(self, principal: Principal) -> UserRecord:
        """Record the user on sign-in (or first key): keeps name and email current, never their limits."""
        now = iso(utc_now())
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO users (id, display_name, email, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET display_name = COALESCE(NULLIF(excluded.display_name, ''), "
                "users.display_name), email = COALESCE(excluded.email, users.email), "
                "last_seen_at = excluded.last_seen_at",
                (principal.user_id, principal.display_name, principal.email, now, now),
            )
        record = self.get(principal.user_id)
        assert record is not None
        return record

    def get(self, user_id: str) -> UserRecord | None:
        row = self.db.execute(f"SELECT {self._COLS} FROM users WHERE id = ?", (user_id,)).fetchone()
        return UserRecord(*row) if row else None

    def set_rate_limit(self, user_id: str, per_minute: int | None) -> None:
        self.ensure(Principal(user_id))
        with self.db.conn:
            self.db.conn.execute("UPDATE users SET rate_limit_per_minute = ? WHERE id = ?", (per_minute, user_id))

    def set_language(self, user_id: str, language: str | None) -> None:
        self.ensure(Principal(user_id))
        with self.db.conn:
            self.db.conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))
