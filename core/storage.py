"""The project's one SQLite database (``STUDIO_DB``), opened through sqlite-utils and migrated.

``get_db()`` is cheap enough to call per operation: it opens a new connection (WAL, busy timeout)
and runs the numbered migrations of ``core.migrations`` the first time a file is seen by this
process. A database that cannot be used (corrupt, unreadable, read-only) raises ``StorageError``
naming the file and what to do; nothing is ever recreated over the user's data.

Connections use sqlite-utils' default transaction handling. Code that needs a write lock for a
read-then-write decision (the quota) uses ``immediate(db)``; sqlite-utils' own ``db.atomic()``
nests inside it as a savepoint.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from core.errors import StudioError
from core.migrations import MIGRATIONS, SCHEMA_VERSION, TABLE, migrate, schema_version

# Long enough for 200 concurrent writers to queue on the write lock; each holds it for a few ms.
BUSY_TIMEOUT_S = 30.0

_migrated: set[str] = set()
_migrate_lock = threading.Lock()
_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()
# Files this process found at a newer schema (path -> version found): read, never written.
_read_only: dict[str, int] = {}
# Files this process created (a new, empty database), so a configured path that was mistyped is noticed.
_created: set[str] = set()


class StorageError(StudioError):
    """The database file cannot be opened, read or written; the message names it and the fix."""

    kind = "storage"
    exit_code = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with microseconds, fixed width, so text order is time order in SQL."""
    if dt.tzinfo is not UTC:  # utc_now()'s need no conversion (this runs on every call's hot path)
        dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt.isoformat(timespec="microseconds")


def default_path() -> Path:
    from core.config import get_settings

    return Path(get_settings().studio_db)


def db_path(db: sqlite_utils.Database) -> str | None:
    """The file behind ``db``, or None for an in-memory database."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or None
    return None


def _fix_hint(path: Path) -> str:
    return (
        f"Your data was left untouched. Restore {path} from a backup, or move it aside "
        f"(mv '{path}' '{path}.bad') so a fresh database is created, or set STUDIO_DB to another file."
    )


def _check_file(path: Path, *, read_header: bool = True) -> None:
    """Refuse files we must not write to before SQLite gets a chance to fail half-way.

    ``read_header=False`` once this process uses the file: closing any descriptor of a file drops
    every POSIX lock the process holds on it, so opening the database file ourselves while another
    thread's SQLite connection holds a lock would break that lock ("disk I/O error", or worse)."""
    if path.exists():
        if path.is_dir():
            raise StorageError(
                f"STUDIO_DB points at {path}, which is a directory, not a database file.",
                hint="Set STUDIO_DB to a file path such as data/studio.db.", code="DB_IS_DIRECTORY", path=str(path),
            )
        mode = path.stat().st_mode
        # Checked on the mode bits, not os.access: root may write anything, yet a file marked
        # read-only is the user's signal to leave it alone.
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise StorageError(
                f"The database {path} is read-only, so usage and strategies cannot be saved.",
                hint=f"Make it writable (chmod u+w '{path}') or set STUDIO_DB to a writable file.",
                code="DB_READ_ONLY", path=str(path),
            )
        if not read_header:
            return
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StorageError(
                f"The database {path} cannot be read ({exc.strerror}).",
                hint=f"Check its permissions (chmod u+rw '{path}') or set STUDIO_DB to another file.",
                code="DB_UNREADABLE", path=str(path),
            ) from None
        if head and head != b"SQLite format 3\x00":
            raise StorageError(
                f"The database {path} is not an SQLite database (it may be corrupt or another kind of file).",
                hint=_fix_hint(path), code="DB_NOT_SQLITE", path=str(path),
            )
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"Cannot create the folder {path.parent} for the database {path} ({exc.strerror}).",
                hint="Create it yourself or set STUDIO_DB to a path in a writable folder.",
                code="DB_FOLDER", path=str(path), folder=str(path.parent),
            ) from None


def explain(exc: sqlite3.Error, path: str | Path | None) -> StorageError:
    """Turn an sqlite3 error into a StorageError that names the file and the fix."""
    return _explain(exc, Path(path or ":memory:"))


@contextmanager
def storage_errors(db: sqlite_utils.Database) -> Iterator[None]:
    """Re-raise sqlite3 errors met while using ``db`` as StorageError (CLI exit 2, no traceback in the UI)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise explain(exc, db_path(db)) from None


def _explain(exc: sqlite3.Error, path: Path) -> StorageError:
    if (found := read_only_version(path)) is not None:
        return newer_schema_error(path, found)
    text = str(exc)
    low = text.lower()
    if "readonly" in low or "read-only" in low:
        return StorageError(
            f"The database {path} is read-only ({text}).",
            hint="Make the file and its folder writable, or set STUDIO_DB to a writable file.",
            code="DB_READ_ONLY", path=str(path),
        )
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StorageError(f"The database {path} is corrupt ({text}).", hint=_fix_hint(path),
                            code="DB_CORRUPT", path=str(path))
    if "unable to open" in low or "disk i/o" in low:
        return StorageError(
            f"The database {path} cannot be opened ({text}).",
            hint="Check that the file and its folder exist and are readable and writable, "
            "or set STUDIO_DB to another file.", code="DB_CANNOT_OPEN", path=str(path),
        )
    return StorageError(f"The database {path} failed: {text}.", hint=_fix_hint(path), code="DB_FAILED",
                        path=str(path))


def connect(path: str | Path) -> sqlite3.Connection:
    """A raw connection with the project's pragmas (used by get_db and per-thread ledger access)."""
    if read_only_version(path) is not None:
        return _open_read_only(Path(path)).conn
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable in WAL mode except for the last transactions on power loss; the ledger
    # accepts that for a 2-3x faster commit.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class SchemaTooNew(StorageError):
    """The database was written by a newer build: it may be read, and this build writes nothing to it."""


def newer_schema_error(path: str | Path, found: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"The database {path} has schema version {found}, newer than this build of Strategy Studio "
        f"understands (version {SCHEMA_VERSION}). It can be read, but nothing is written to it "
        "(no usage, strategies or migrations), so the newer build's data stays intact.",
        hint="Upgrade Strategy Studio to the build that wrote it, or set STUDIO_DB to another file.",
        code="SCHEMA_TOO_NEW", path=str(path), found=found, known=SCHEMA_VERSION,
    )


def read_only_version(path: str | Path | None) -> int | None:
    """The newer schema version found in ``path`` when this process treats it as read-only, else None."""
    if path is None or str(path) == ":memory:":
        return None
    return _read_only.get(_file_key(path))


def _file_key(path: str | Path) -> str:
    """How ``_read_only`` names a file: its resolved path (a realpath walk, one lstat per component)."""
    return str(Path(path).expanduser().resolve())


def created_by_this_process(path: str | Path) -> bool:
    """True when this process created ``path`` as a new, empty database."""
    return str(Path(path).expanduser().resolve()) in _created


def _header_version(path: Path) -> int:
    """``PRAGMA user_version`` read from the file header, without opening the database."""
    with path.open("rb") as fh:
        head = fh.read(64)
    return int.from_bytes(head[60:64], "big") if len(head) >= 64 else 0


def _inspect(path: Path) -> int:
    """Check an existing file before anything in it may change; returns its schema version.

    Opened read-only, so a foreign or newer file is refused or read exactly as it is (no WAL switch,
    no migration table created). A file with tables but no migration table is not ours: refused.
    """
    found = _header_version(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        if tables and TABLE not in tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise StorageError(
                f"The file {path} is an SQLite database of another application (tables: {shown}), not a "
                "Strategy Studio database; it was left untouched.",
                hint="Set STUDIO_DB to a Strategy Studio database, or to a new file name to start a fresh one.",
                code="DB_FOREIGN", path=str(path),
            )
        if TABLE in tables:
            names = {r[0] for r in conn.execute(f"SELECT name FROM {TABLE}").fetchall()}
            known = {fn.__name__ for fn in MIGRATIONS}
            found = max(found, schema_version(names), SCHEMA_VERSION + 1 if names - known else 0)
    finally:
        conn.close()
    return found


def _open_read_only(target: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return sqlite_utils.Database(conn)


def get_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open (creating on first use) and migrate the studio database; see the module docstring."""
    target = Path(path) if path is not None else default_path()
    if str(target) == ":memory:":
        # Shared across threads (behind ThreadConnections' lock): a scratch database for tests and tools.
        db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))
        migrate(db)
        return db
    target = target.expanduser()
    fresh = not target.exists() or target.stat().st_size == 0
    key = str(target.resolve())
    _check_file(target, read_header=fresh or key not in _migrated)
    try:
        if key not in _migrated and not fresh:
            found = _inspect(target)  # every check passes before the file may change at all
            if found > SCHEMA_VERSION:
                _read_only[key] = found
            else:
                _read_only.pop(key, None)
        if key in _read_only:
            return _open_read_only(target)
        conn = connect(target)
        db = sqlite_utils.Database(conn)
        # WAL lets the dashboard read while a request settles; the setting persists in the file.
        db.enable_wal()
        # A file moved aside while the app runs comes back fresh at the same path: migrate it again.
        if fresh or key not in _migrated:
            with _migrate_lock:
                migrate(db)
                _migrated.add(key)
                if fresh:
                    _created.add(key)
        else:
            # Cheap read that proves the file is still a readable database.
            db.execute("SELECT count(*) FROM _studio_migrations").fetchone()
    except sqlite3.Error as exc:
        raise _explain(exc, target) from None
    return db


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock at BEGIN, so reads inside it cannot go stale."""
    path = db_path(db)
    if (found := read_only_version(path)) is not None:
        raise newer_schema_error(path or ":memory:", found)
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


class ThreadConnections:
    """One connection per thread to the file behind ``db``, for objects shared across threads.

    A sqlite3 connection holds one transaction at a time: two threads sharing it would interleave
    their statements into each other's BEGIN IMMEDIATE. For an in-memory database (tests, scratch)
    there is only ``db.conn``, so access is serialised with a lock instead.
    ``lock`` also serialises this process's writers, so only other processes queue on SQLite's
    busy handler.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.path = db_path(db)
        self._shared = db.conn if self.path is None else None
        self._local = threading.local()
        key = self.path or f"memory:{id(db.conn)}"
        # Resolved once: these connections stay on this file, and resolving it again before every
        # write (a realpath walk) cost more than the write's own statements.
        self._file_key = _file_key(self.path) if self.path is not None else None
        with _write_locks_guard:
            self.lock = _write_locks.setdefault(key, threading.RLock())

    def get(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path or "")
            conn.isolation_level = None  # write() opens its own transactions; write_one's statement commits itself
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT on this thread's connection, rolled back on any error."""
        self._writable()
        with self.lock:
            conn = self.get()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _explain(exc, Path(self.path or ":memory:")) from None
            try:
                yield conn
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _explain(exc, Path(self.path or ":memory:")) from None
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise _explain(exc, Path(self.path or ":memory:")) from None

    def write_one(self, sql: str, params: tuple[object, ...]) -> int:
        """One write statement as its own transaction; returns the rows it changed. SQLite takes the
        write lock as a writing statement starts, before it reads, so an INSERT ... SELECT ... WHERE
        decides as atomically as write()'s BEGIN IMMEDIATE, in one round trip instead of three."""
        self._writable()
        with self.lock:
            conn = self.get()
            try:
                changed = conn.execute(sql, params).rowcount
                if conn.in_transaction:  # the driver's implicit BEGIN on an in-memory database's connection
                    conn.commit()
                return int(changed)
            except BaseException as exc:
                if conn.in_transaction:
                    conn.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise _explain(exc, Path(self.path or ":memory:")) from None
                raise

    def _writable(self) -> None:
        found = _read_only.get(self._file_key) if self._file_key is not None else None
        if found is not None:
            raise newer_schema_error(self.path or ":memory:", found)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        try:
            if self._shared is not None:
                with self.lock:
                    yield self._shared
            else:
                yield self.get()
        except sqlite3.Error as exc:
            raise _explain(exc, Path(self.path or ":memory:")) from None
