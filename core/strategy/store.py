"""Saved strategies and their versions in the studio database (tables made by core.migrations).

Each save is one ``BEGIN IMMEDIATE`` transaction on raw SQL (sqlite-utils' insert helpers commit
on their own, which would split the version row from the strategy row): a save either writes both
rows or nothing. Deletion is soft (``deleted_at``) so a mistaken delete can be undone by hand.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from core.errors import StudioError
from core.storage import immediate, iso, utc_now
from core.strategy.schema import canonical_json

SOURCES = ("generated", "refined", "edited", "imported", "optimized")
MAX_SEARCH = 200


class StrategyNotFound(StudioError):
    kind = "not_found"
    exit_code = 2


@dataclass(frozen=True)
class StrategySummary:
    id: str
    name: str
    latest_version: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VersionInfo:
    version: int
    name: str
    note: str | None
    source: str | None
    model: str | None
    created_at: str


@dataclass(frozen=True)
class StoredStrategy:
    id: str
    name: str
    version: int
    latest_version: int
    strategy: dict[str, Any]
    note: str | None
    source: str | None
    model: str | None
    created_at: str


def new_id() -> str:
    return "s" + uuid.uuid4().hex[:15]


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
    if source not in SOURCES:
        raise StudioError(f"Unknown source '{source}'.", hint=f"Use one of: {', '.join(SOURCES)}.")
    # Stored in the contract's own key order (readable exports); diffs use canonical_json.
    body = json.dumps(strategy, ensure_ascii=False)
    name = str(strategy.get("name") or "Untitled")[:200]
    now = iso(utc_now())
    try:
        return _save(db, body, name, now, user, note, source, model, strategy_id)
    except sqlite3.IntegrityError:
        raise StudioError(
            "Another save of this strategy happened at the same time; nothing was written.",
            hint="Reload the strategy and save again.",
        ) from None


def _save(db: sqlite_utils.Database, body: str, name: str, now: str, user: str, note: str, source: str,
          model: str | None, strategy_id: str | None) -> tuple[str, int]:
    with immediate(db) as conn:
        if strategy_id is None:
            strategy_id = new_id()
            version = 1
            conn.execute(
                "INSERT INTO strategies (id, user_id, name, created_at, updated_at, latest_version, deleted_at) "
                "VALUES (?, ?, ?, ?, ?, 1, NULL)",
                (strategy_id, user, name, now, now),
            )
        else:
            # Another user's strategy is "not found", exactly like a missing one.
            row = conn.execute(
                "SELECT latest_version FROM strategies WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
                (strategy_id, user),
            ).fetchone()
            if row is None:
                raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.",
                                       hint="Save it as a new strategy instead.")
            version = int(row[0]) + 1
            conn.execute(
                "UPDATE strategies SET name = ?, updated_at = ?, latest_version = ? WHERE id = ?",
                (name, now, version, strategy_id),
            )
        conn.execute(
            "INSERT INTO strategy_versions (strategy_id, version, body, note, source, model, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (strategy_id, version, body, note or None, source, model, now),
        )
    return strategy_id, version


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_for_user(db: sqlite_utils.Database, user: str, search: str = "") -> list[StrategySummary]:
    """Live strategies of ``user``, newest first; ``search`` matches the name, id or latest body."""
    sql = (
        "SELECT s.id, s.name, s.latest_version, s.created_at, s.updated_at FROM strategies s "
        "JOIN strategy_versions v ON v.strategy_id = s.id AND v.version = s.latest_version "
        "WHERE s.user_id = ? AND s.deleted_at IS NULL"
    )
    params: list[Any] = [user]
    search = (search or "").strip()[:MAX_SEARCH]
    if search:
        sql += " AND (s.name LIKE ? ESCAPE '\\' OR s.id = ? OR v.body LIKE ? ESCAPE '\\')"
        params += [_like(search), search, _like(search)]
    sql += " ORDER BY s.updated_at DESC, s.id"
    return [StrategySummary(*row) for row in db.execute(sql, params).fetchall()]


def get(db: sqlite_utils.Database, strategy_id: str, version: int | None = None, *, user: str) -> StoredStrategy:
    """A version (default: the latest) of one of ``user``'s strategies; anyone else's is not found."""
    head = db.execute(
        "SELECT name, latest_version FROM strategies WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
        (strategy_id, user),
    ).fetchone()
    if head is None:
        raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.",
                               hint="Pick one from the Strategies list.")
    wanted = head[1] if version is None else int(version)
    row = db.execute(
        "SELECT version, body, note, source, model, created_at FROM strategy_versions "
        "WHERE strategy_id = ? AND version = ?",
        (strategy_id, wanted),
    ).fetchone()
    if row is None:
        raise StrategyNotFound(f"Strategy '{strategy_id}' has no version {wanted}.",
                               hint=f"Versions run from 1 to {head[1]}.")
    body = json.loads(row[1])
    return StoredStrategy(strategy_id, str(body.get("name") or head[0]), row[0], head[1], body, row[2], row[3],
                          row[4], row[5])


def versions(db: sqlite_utils.Database, strategy_id: str, *, user: str) -> list[VersionInfo]:
    get(db, strategy_id, user=user)  # raises when missing, deleted or not the user's
    rows = db.execute(
        "SELECT version, json_extract(body, '$.name'), note, source, model, created_at FROM strategy_versions "
        "WHERE strategy_id = ? ORDER BY version DESC",
        (strategy_id,),
    ).fetchall()
    return [VersionInfo(r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in rows]


def diff(db: sqlite_utils.Database, strategy_id: str, a: int, b: int, *, user: str) -> str:
    """Unified diff of the canonical JSON of two versions ("" when they are the same)."""
    left, right = get(db, strategy_id, a, user=user), get(db, strategy_id, b, user=user)
    lines = difflib.unified_diff(
        canonical_json(left.strategy).splitlines(keepends=True),
        canonical_json(right.strategy).splitlines(keepends=True),
        fromfile=f"{strategy_id} v{a}",
        tofile=f"{strategy_id} v{b}",
    )
    return "".join(lines)


def soft_delete(db: sqlite_utils.Database, strategy_id: str, *, user: str) -> None:
    with immediate(db) as conn:
        cur = conn.execute(
            "UPDATE strategies SET deleted_at = ? WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
            (iso(utc_now()), strategy_id, user),
        )
        if cur.rowcount == 0:
            raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.")
