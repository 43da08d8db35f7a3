"""Saved strategies and their versions in PostgreSQL: the same functions as core.strategy.store.

A save is one transaction that locks the strategy row (``FOR UPDATE``), so concurrent saves of one
strategy queue and become consecutive versions instead of failing. Bodies are stored as text in the
contract's own key order (readable exports); deletion is soft (``deleted_at``). The statements are
shared with the SQLite store (core.strategy.store_common).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from core.backends.postgres.db import PgDatabase
from core.strategy.store_common import (
    POSTGRES,
    StoredStrategy,
    StrategySummary,
    VersionInfo,
    body_and_name,
    fetch,
    mark_deleted,
    save_race,
    summaries,
    unified_diff,
    version_list,
    write_version,
)


def save(
    db: PgDatabase,
    strategy: dict[str, Any],
    *,
    user: str,
    note: str = "",
    source: str = "edited",
    model: str | None = None,
    strategy_id: str | None = None,
) -> tuple[str, int]:
    """Store ``strategy`` as a new strategy, or as the next version of ``strategy_id``."""
    body, name = body_and_name(strategy, source)
    try:
        with db.write() as conn:
            return write_version(conn, POSTGRES, body, name, datetime.now(UTC), user=user, note=note,
                                 source=source, model=model, strategy_id=strategy_id)
    except psycopg.errors.IntegrityError:
        raise save_race() from None


def list_for_user(db: PgDatabase, user: str, search: str = "") -> list[StrategySummary]:
    """Live strategies of ``user``, newest first; ``search`` matches the name, id or latest body."""
    with db.read() as conn:
        return summaries(conn, POSTGRES, user, search)


def get(db: PgDatabase, strategy_id: str, version: int | None = None, *, user: str) -> StoredStrategy:
    """A version (default: the latest) of one of ``user``'s strategies; anyone else's is not found."""
    with db.read() as conn:
        return fetch(conn, POSTGRES, strategy_id, version, user=user)


def versions(db: PgDatabase, strategy_id: str, *, user: str) -> list[VersionInfo]:
    get(db, strategy_id, user=user)  # raises when missing, deleted or not the user's
    with db.read() as conn:
        return version_list(conn, POSTGRES, strategy_id)


def diff(db: PgDatabase, strategy_id: str, a: int, b: int, *, user: str) -> str:
    """Unified diff of the canonical JSON of two versions ("" when they are the same)."""
    return unified_diff(get(db, strategy_id, a, user=user), get(db, strategy_id, b, user=user))


def soft_delete(db: PgDatabase, strategy_id: str, *, user: str) -> None:
    with db.write() as conn:
        mark_deleted(conn, POSTGRES, strategy_id, datetime.now(UTC), user=user)
