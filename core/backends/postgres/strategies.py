"""Saved strategies and their versions in PostgreSQL: the same functions as core.strategy.store.

A save is one transaction that locks the strategy row (``FOR UPDATE``), so concurrent saves of one
strategy queue and become consecutive versions instead of failing. Bodies are stored as text in the
contract's own key order (readable exports); deletion is soft (``deleted_at``).
"""

from __future__ import annotations

import difflib
import json
from datetime import UTC, datetime
from typing import Any

import psycopg

from core.backends.postgres.db import PgDatabase
from core.errors import StudioError
from core.strategy.schema import canonical_json
from core.strategy.store import (
    MAX_SEARCH,
    SOURCES,
    StoredStrategy,
    StrategyNotFound,
    StrategySummary,
    VersionInfo,
    new_id,
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
    if source not in SOURCES:
        raise StudioError(f"Unknown source '{source}'.", hint=f"Use one of: {', '.join(SOURCES)}.")
    body = json.dumps(strategy, ensure_ascii=False)
    name = str(strategy.get("name") or "Untitled")[:200]
    now = datetime.now(UTC)
    try:
        return _save(db, body, name, now, user, note, source, model, strategy_id)
    except psycopg.errors.IntegrityError:
        raise StudioError(
            "Another save of this strategy happened at the same time; nothing was written.",
            hint="Reload the strategy and save again.",
        ) from None


def _save(db: PgDatabase, body: str, name: str, now: datetime, user: str, note: str, source: str,
          model: str | None, strategy_id: str | None) -> tuple[str, int]:
    with db.write() as conn:
        if strategy_id is None:
            strategy_id = new_id()
            version = 1
            conn.execute(
                "INSERT INTO strategies (id, user_id, name, created_at, updated_at, latest_version, deleted_at) "
                "VALUES (%s, %s, %s, %s, %s, 1, NULL)",
                (strategy_id, user, name, now, now),
            )
        else:
            # Another user's strategy is "not found", exactly like a missing one.
            row = conn.execute(
                "SELECT latest_version FROM strategies WHERE id = %s AND user_id = %s AND deleted_at IS NULL "
                "FOR UPDATE",
                (strategy_id, user),
            ).fetchone()
            if row is None:
                raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.",
                                       hint="Save it as a new strategy instead.")
            version = int(row[0]) + 1
            conn.execute(
                "UPDATE strategies SET name = %s, updated_at = %s, latest_version = %s WHERE id = %s",
                (name, now, version, strategy_id),
            )
        conn.execute(
            "INSERT INTO strategy_versions (strategy_id, version, body, note, source, model, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (strategy_id, version, body, note or None, source, model, now),
        )
    return strategy_id, version


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_for_user(db: PgDatabase, user: str, search: str = "") -> list[StrategySummary]:
    """Live strategies of ``user``, newest first; ``search`` matches the name, id or latest body."""
    sql = (
        "SELECT s.id, s.name, s.latest_version, s.created_at, s.updated_at FROM strategies s "
        "JOIN strategy_versions v ON v.strategy_id = s.id AND v.version = s.latest_version "
        "WHERE s.user_id = %s AND s.deleted_at IS NULL"
    )
    params: list[Any] = [user]
    search = (search or "").strip()[:MAX_SEARCH]
    if search:
        # ILIKE: SQLite's LIKE is case-insensitive for ASCII, and users expect the same here.
        sql += " AND (s.name ILIKE %s ESCAPE '\\' OR s.id = %s OR v.body ILIKE %s ESCAPE '\\')"
        params += [_like(search), search, _like(search)]
    sql += " ORDER BY s.updated_at DESC, s.id"
    with db.read() as conn:
        return [StrategySummary(*row) for row in conn.execute(sql, params).fetchall()]


def get(db: PgDatabase, strategy_id: str, version: int | None = None, *, user: str) -> StoredStrategy:
    """A version (default: the latest) of one of ``user``'s strategies; anyone else's is not found."""
    with db.read() as conn:
        head = conn.execute(
            "SELECT name, latest_version FROM strategies WHERE id = %s AND user_id = %s AND deleted_at IS NULL",
            (strategy_id, user),
        ).fetchone()
        if head is None:
            raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.",
                                   hint="Pick one from the Strategies list.")
        wanted = head[1] if version is None else int(version)
        row = conn.execute(
            "SELECT version, body, note, source, model, created_at FROM strategy_versions "
            "WHERE strategy_id = %s AND version = %s",
            (strategy_id, wanted),
        ).fetchone()
    if row is None:
        raise StrategyNotFound(f"Strategy '{strategy_id}' has no version {wanted}.",
                               hint=f"Versions run from 1 to {head[1]}.")
    body = json.loads(row[1])
    return StoredStrategy(strategy_id, str(body.get("name") or head[0]), row[0], head[1], body, row[2], row[3],
                          row[4], row[5])


def versions(db: PgDatabase, strategy_id: str, *, user: str) -> list[VersionInfo]:
    get(db, strategy_id, user=user)  # raises when missing, deleted or not the user's
    with db.read() as conn:
        rows = conn.execute(
            "SELECT version, body::jsonb ->> 'name', note, source, model, created_at FROM strategy_versions "
            "WHERE strategy_id = %s ORDER BY version DESC",
            (strategy_id,),
        ).fetchall()
    return [VersionInfo(r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in rows]


def diff(db: PgDatabase, strategy_id: str, a: int, b: int, *, user: str) -> str:
    """Unified diff of the canonical JSON of two versions ("" when they are the same)."""
    left, right = get(db, strategy_id, a, user=user), get(db, strategy_id, b, user=user)
    lines = difflib.unified_diff(
        canonical_json(left.strategy).splitlines(keepends=True),
        canonical_json(right.strategy).splitlines(keepends=True),
        fromfile=f"{strategy_id} v{a}",
        tofile=f"{strategy_id} v{b}",
    )
    return "".join(lines)


def soft_delete(db: PgDatabase, strategy_id: str, *, user: str) -> None:
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE strategies SET deleted_at = %s WHERE id = %s AND user_id = %s AND deleted_at IS NULL",
            (datetime.now(UTC), strategy_id, user),
        )
        if cur.rowcount == 0:
            raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.")
