"""What the SQLite and PostgreSQL strategy stores share: the records they return and their statements.

Each statement function runs on an open connection inside the caller's transaction, so a save writes
its strategy row and its version row together or not at all. The statements are written once with
``?`` marks; a ``Dialect`` holds the few places where the two databases differ.
"""

from __future__ import annotations

import difflib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from core.errors import StudioError
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


@dataclass(frozen=True)
class Dialect:
    mark: str = "?"
    like: str = "LIKE"
    # PostgreSQL locks the strategy row so concurrent saves queue; SQLite's BEGIN IMMEDIATE already has.
    lock: str = ""
    body_name: str = "json_extract(body, '$.name')"

    def sql(self, text: str) -> str:
        return text if self.mark == "?" else text.replace("?", self.mark)


SQLITE = Dialect()
# ILIKE: SQLite's LIKE is case-insensitive for ASCII, and users expect the same here.
POSTGRES = Dialect(mark="%s", like="ILIKE", lock=" FOR UPDATE", body_name="body::jsonb ->> 'name'")



def save_race() -> StudioError:
    return StudioError("Another save of this strategy happened at the same time; nothing was written.",
                       hint="Reload the strategy and save again.")


def new_id() -> str:
    return "s" + uuid.uuid4().hex[:15]


def body_and_name(strategy: dict[str, Any], source: str) -> tuple[str, str]:
    """The stored text of ``strategy`` (the contract's own key order, for readable exports) and its name."""
    if source not in SOURCES:
        raise StudioError(f"Unknown source '{source}'.", hint=f"Use one of: {', '.join(SOURCES)}.")
    return json.dumps(strategy, ensure_ascii=False), str(strategy.get("name") or "Untitled")[:200]


def not_found(strategy_id: str, hint: str = "Pick one from the Strategies list.") -> StrategyNotFound:
    return StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.", hint=hint)


def write_version(conn: Any, d: Dialect, body: str, name: str, now: Any, *, user: str, note: str, source: str,
                  model: str | None, strategy_id: str | None) -> tuple[str, int]:
    """A new strategy (version 1), or the next version of ``strategy_id`` when it is ``user``'s."""
    if strategy_id is None:
        strategy_id, version = new_id(), 1
        conn.execute(d.sql("INSERT INTO strategies (id, user_id, name, created_at, updated_at, latest_version, "
                           "deleted_at) VALUES (?, ?, ?, ?, ?, 1, NULL)"), (strategy_id, user, name, now, now))
    else:
        # Another user's strategy is "not found", exactly like a missing one.
        row = conn.execute(d.sql("SELECT latest_version FROM strategies WHERE id = ? AND user_id = ? "
                                 "AND deleted_at IS NULL" + d.lock), (strategy_id, user)).fetchone()
        if row is None:
            raise not_found(strategy_id, "Save it as a new strategy instead.")
        version = int(row[0]) + 1
        conn.execute(d.sql("UPDATE strategies SET name = ?, updated_at = ?, latest_version = ? WHERE id = ?"),
                     (name, now, version, strategy_id))
    conn.execute(d.sql("INSERT INTO strategy_versions (strategy_id, version, body, note, source, model, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)"), (strategy_id, version, body, note or None, source, model, now))
    return strategy_id, version


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def summaries(conn: Any, d: Dialect, user: str, search: str = "") -> list[StrategySummary]:
    """Live strategies of ``user``, newest first; ``search`` matches the name, id or latest body."""
    sql = ("SELECT s.id, s.name, s.latest_version, s.created_at, s.updated_at FROM strategies s "
           "JOIN strategy_versions v ON v.strategy_id = s.id AND v.version = s.latest_version "
           "WHERE s.user_id = ? AND s.deleted_at IS NULL")
    params: list[Any] = [user]
    search = (search or "").strip()[:MAX_SEARCH]
    if search:
        sql += f" AND (s.name {d.like} ? ESCAPE '\\' OR s.id = ? OR v.body {d.like} ? ESCAPE '\\')"
        params += [_like(search), search, _like(search)]
    sql += " ORDER BY s.updated_at DESC, s.id"
    return [StrategySummary(*row) for row in conn.execute(d.sql(sql), params).fetchall()]


def fetch(conn: Any, d: Dialect, strategy_id: str, version: int | None, *, user: str) -> StoredStrategy:
    """A version (default: the latest) of one of ``user``'s strategies; anyone else's is not found."""
    head = conn.execute(d.sql("SELECT name, latest_version FROM strategies WHERE id = ? AND user_id = ? "
                              "AND deleted_at IS NULL"), (strategy_id, user)).fetchone()
    if head is None:
        raise not_found(strategy_id)
    wanted = head[1] if version is None else int(version)
    row = conn.execute(d.sql("SELECT version, body, note, source, model, created_at FROM strategy_versions "
                             "WHERE strategy_id = ? AND version = ?"), (strategy_id, wanted)).fetchone()
    if row is None:
        raise StrategyNotFound(f"Strategy '{strategy_id}' has no version {wanted}.",
                               hint=f"Versions run from 1 to {head[1]}.")
    body = json.loads(row[1])
    return StoredStrategy(strategy_id, str(body.get("name") or head[0]), row[0], head[1], body, row[2], row[3],
                          row[4], row[5])


def version_list(conn: Any, d: Dialect, strategy_id: str) -> list[VersionInfo]:
    """Every version of a strategy, newest first (the caller has checked it is the user's)."""
    rows = conn.execute(d.sql(f"SELECT version, {d.body_name}, note, source, model, created_at "
                              "FROM strategy_versions WHERE strategy_id = ? ORDER BY version DESC"),
                        (strategy_id,)).fetchall()
    return [VersionInfo(r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in rows]


def unified_diff(left: StoredStrategy, right: StoredStrategy) -> str:
    """Unified diff of the canonical JSON of two versions ("" when they are the same)."""
    lines = difflib.unified_diff(
        canonical_json(left.strategy).splitlines(keepends=True),
        canonical_json(right.strategy).splitlines(keepends=True),
        fromfile=f"{left.id} v{left.version}",
        tofile=f"{right.id} v{right.version}",
    )
    return "".join(lines)


def mark_deleted(conn: Any, d: Dialect, strategy_id: str, now: Any, *, user: str) -> None:
    cur = conn.execute(d.sql("UPDATE strategies SET deleted_at = ? WHERE id = ? AND user_id = ? "
                             "AND deleted_at IS NULL"), (now, strategy_id, user))
    if cur.rowcount == 0:
        raise StrategyNotFound(f"No saved strategy has the id '{strategy_id}'.")
