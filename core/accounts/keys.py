"""Personal API keys: made from 32 random bytes, shown once, stored only as a SHA-256 hash.

A key looks like ``sk-studio-AbCd1234-<43 more characters>``. Its first ``PREFIX_LEN`` characters
(``sk-studio-AbCd1234``) are stored in clear as the key's visible name, so a user can tell keys apart
and an operator can revoke one by prefix; the rest never leaves the response that created it.
The ``sk-`` start means ``core.llm.errors.redact`` already removes a key from any error or log line.
A plain SHA-256 (not a slow password hash) is right here: the secret has 256 bits of entropy, so there
is nothing to brute-force, and the per-request check must be cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Protocol

import sqlite_utils

from core.storage import iso, utc_now

KEY_START = "sk-studio-"
PREFIX_LEN = len(KEY_START) + 8
MAX_NAME = 80
MAX_KEY_CHARS = 200


@dataclass(frozen=True)
class ApiKeyInfo:
    """What may be shown about a key after its creation (never the key)."""

    prefix: str
    user_id: str
    name: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: ``secret`` is the only copy there will ever be."""

    secret: str
    info: ApiKeyInfo


def new_secret() -> str:
    # The visible part is 8 letters/digits so it reads well; the rest carries the entropy.
    visible = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(8))
    return f"{KEY_START}{visible}-{secrets.token_urlsafe(32)}"


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_key(text: str) -> bool:
    return text.startswith(KEY_START) and len(text) > PREFIX_LEN + 20 and len(text) <= MAX_KEY_CHARS


class KeyStore(Protocol):
    """Where key hashes live; SQLite here, PostgreSQL elsewhere."""

    def add(self, user_id: str, name: str, prefix: str, digest: str) -> ApiKeyInfo: ...

    def list_for(self, user_id: str) -> list[ApiKeyInfo]: ...

    def by_prefix(self, prefix: str) -> ApiKeyInfo | None: ...

    def find_active(self, digest: str) -> ApiKeyInfo | None: ...

    def revoke(self, prefix: str) -> bool: ...

    def touch(self, prefix: str) -> None: ...


class SqliteKeyStore:
    """``api_keys`` in the studio database (table made by migration m005_accounts)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _info(self, row: tuple | None) -> ApiKeyInfo | None:
        return ApiKeyInfo(*row) if row else None

    _COLS = "prefix, user_id, name, created_at, last_used_at, revoked_at"

    def add(self, user_id: str, name: str, prefix: str, digest: str) -> ApiKeyInfo:
        now = iso(utc_now())
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO api_keys (prefix, key_hash, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)",
                (prefix, digest, user_id, name, now),
            )
        return ApiKeyInfo(prefix, user_id, name, now, None, None)

    def list_for(self, user_id: str) -> list[ApiKeyInfo]:
        rows = self.db.execute(
            f"SELECT {self._COLS} FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, prefix", (user_id,)
        ).fetchall()
        return [ApiKeyInfo(*r) for r in rows]

    def by_prefix(self, prefix: str) -> ApiKeyInfo | None:
        return self._info(self.db.execute(f"SELECT {self._COLS} FROM api_keys WHERE prefix = ?", (prefix,)).fetchone())

    def find_active(self, digest: str) -> ApiKeyInfo | None:
        row = self.db.execute(
            f"SELECT {self._COLS}, key_hash FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", (digest,)
        ).fetchone()
        # The index found the row by hash; compare again in constant time so timing says nothing.
        if row is None or not hmac.compare_digest(row[-1], digest):
            return None
        return ApiKeyInfo(*row[:-1])

    def revoke(self, prefix: str) -> bool:
        with self.db.conn:
            cur = self.db.conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL", (iso(utc_now()), prefix)
            )
        return cur.rowcount > 0

    def touch(self, prefix: str) -> None:
        with self.db.conn:
            self.db.conn.execute("UPDATE api_keys SET last_used_at = ? WHERE prefix = ?", (iso(utc_now()), prefix))


def create(store: KeyStore, user_id: str, name: str = "") -> NewKey:
    """Make a key for ``user_id``; a prefix collision (about 1 in 10^14) is retried with a new key."""
    clean = " ".join(str(name or "").split())[:MAX_NAME] or "API key"
    for _ in range(5):
        secret = new_secret()
        try:
            info = store.add(user_id, clean, secret[:PREFIX_LEN], key_hash(secret))
        except sqlite3.IntegrityError:
            continue
        return NewKey(secret, info)
    raise RuntimeError("could not draw an unused API key prefix")
