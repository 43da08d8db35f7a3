"""Shipped migrations are frozen text: they import nothing, so today's code cannot change what an old
database upgrades to, and an upgraded database ends with exactly the schema of a fresh one."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import sqlite_utils

import core.migrations as migrations_pkg
from core.migrations import MIGRATIONS, TABLE, migrate

MIGRATIONS_DIR = Path(migrations_pkg.__file__).parent


def test_no_shipped_migration_imports_anything() -> None:
    modules = sorted(MIGRATIONS_DIR.glob("m[0-9][0-9][0-9]_*.py"))
    assert len(modules) == len(MIGRATIONS)
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        assert not imports, f"{path.name} imports {ast.unparse(imports[0])}; a migration must be frozen SQL text"


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_an_upgraded_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    fresh = sqlite_utils.Database(tmp_path / "fresh.db")
    migrate(fresh)
    old = sqlite_utils.Database(tmp_path / "old.db")
    old.execute(f"CREATE TABLE {TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for fn in MIGRATIONS[:2]:  # a database as the first release left it
        fn(old)
        old.execute(f"INSERT INTO {TABLE} VALUES (?, 't')", (fn.__name__,))
    migrate(old)
    assert _schema(old.conn) == _schema(fresh.conn)
