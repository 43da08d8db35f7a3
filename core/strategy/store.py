"""Saved strategies and their versions in the studio database (tables made by core.migrations).

Each save is one ``BEGIN IMMEDIATE`` transaction on raw SQL (sqlite-utils' insert helpers commit
on their own, which would split the version row from the strategy row): a save either writes both
rows or nothing. Deletion is soft (``deleted_at``) so a mistaken delete can be undone by hand.
The statements are shared with the PostgreSQL store (core.strategy.store_common).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlite_utils

from core.storage import immediate, iso, utc_now
from core.strategy.store_common import (
    MAX_SEARCH,
    SOURCES,
    SQLITE,
    StoredStrategy,
    StrategyNotFound,
    StrategySummary,
    VersionInfo,
    body_and_name,
    fetch,
    mark_deleted,
    new_id,
    save_race,
    summaries,
    unified_diff,
    version_list,
    write_version,
)

__all__ = ["MAX_SEARCH", "SOURCES", "StoredStrategy", "StrategyNotFound", "StrategySummary", "VersionInfo",
           "diff", "get", "list_for_user", "new_id", "save", "soft_delete", "versions"]


def save(
    db: sqlite_utils.Database,
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
        with immediate(db) as conn:
            return write_version(conn, SQLITE, body, name, iso(utc_now()), user=user, note=note, source=source,
                                 model=model, strategy_id=strategy_id)
    except sqlite3.IntegrityError:
        raise save_race() from None


def list_for_user(db: sqlite_utils.Database, user: str, search: str = "") -> list[StrategySummary]:
    """Live strategies of ``user``, newest first; ``search`` matches the name, id or latest body."""
    return summaries(db.conn, SQLITE, user, search)


def get(db: sqlite_utils.Database, strategy_id: str, version: int | None = None, *, user: str) -> StoredStrategy:
    """A version (default: the latest) of one of ``user``'s strategies; anyone else's is not found."""
    return fetch(db.conn, SQLITE, strategy_id, version, user=user)


def versions(db: sqlite_utils.Database, strategy_id: str, *, user: str) -> list[VersionInfo]:
    get(db, strategy_id, user=user)  # raises when missing, deleted or not the user's
    return version_list(db.conn, SQLITE, strategy_id)


def diff(db: sqlite_utils.Database, strategy_id: str, a: int, b: int, *, user: str) -> str:
    """Unified diff of the canonical JSON of two versions ("" when they are the same)."""
    return unified_diff(get(db, strategy_id, a, user=user), get(db, strategy_id, b, user=user))


def soft_delete(db: sqlite_utils.Database, strategy_id: str, *, user: str) -> None:
    with immediate(db) as conn:
        mark_deleted(conn, SQLITE, strategy_id, iso(utc_now()), user=user)
