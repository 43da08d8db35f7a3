"""One PostgreSQL database (``STUDIO_DATABASE_URL``) behind a psycopg 3 connection pool, migrated once.

- ``open_database(url)`` returns the process's ``PgDatabase`` for that URL (one pool per process; a
  forked child opens its own). The first open migrates: replicas starting together serialise on a
  session advisory lock, so exactly one runs each migration and the others find it done.
- A database whose schema is newer than this build is opened read-only: every write raises
  ``SchemaTooNew`` naming both versions before touching anything, and the pooled sessions are
  ``default_transaction_read_only`` as a second line.
- Lost connections (a database restart, a network cut) raise ``DatabaseUnavailable`` with a clear
  message (the API answers 503); the pool checks a connection before lending it, so the next call
  after a restart works without restarting the app.
- ``execute(sql, params)`` runs the portable SQL of core/usage (qmark ``?`` placeholders) and gives
  back SQLite-shaped values: ISO 8601 text for timestamps, ``YYYY-MM-DD`` text for days, ``int``
  for whole-number sums. So the dashboard queries are written once for both backends.
"""

from __future__ import annotations

import os
import re
import select
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool, PoolTimeout

from core.backends.postgres.migrations import MIGRATIONS
from core.storage import StorageError

SCHEMA_VERSION = MIGRATIONS[-1][0]
# pg_advisory_lock key of the migration step: any constant that other apps are unlikely to use.
MIGRATION_LOCK_KEY = 0x5354_5544_494F  # "STUDIO"
POOL_MAX = int(os.environ.get("STUDIO_DATABASE_POOL_MAX", "20"))
CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 3.0  # a request waits this long for a connection, then gets a clear 503
# A newer build may migrate the database while this replica runs (a rolling upgrade): writes look at
# the schema version again at most this often, one round trip, and stop once it is newer.
SCHEMA_RECHECK_S = 5.0


class DatabaseUnavailable(StorageError):
    """The PostgreSQL server cannot be reached right now; nothing was written. Try again shortly.

    A StorageError (kind ``storage``): the CLI exits 2, the API answers 503 STORAGE_UNAVAILABLE."""


class SchemaTooNew(StorageError):
    """The database was migrated by a newer build; this one may read but must not write (API: 503)."""


def describe(url: str) -> str:
    """The URL without its password, for messages: postgresql://user@host:port/db."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


class _IsoTimestamp(Loader):
    """timestamptz -> the ISO text core.storage.iso writes in SQLite (UTC, microseconds)."""

    def load(self, data: Any) -> str:
        text = bytes(data).decode()
        dt = datetime.fromisoformat(text if not text.endswith(("+00", "-00")) else text + ":00")
        return dt.astimezone(UTC).isoformat(timespec="microseconds")


class _DateText(Loader):
    def load(self, data: Any) -> str:
        return bytes(data).decode()  # DateStyle ISO: YYYY-MM-DD


class _WholeNumeric(Loader):
    """SUM(bigint) is numeric in PostgreSQL; whole numbers come back as int, as SQLite gives them."""

    def load(self, data: Any) -> int | Decimal:
        text = bytes(data).decode()
        return int(text) if "." not in text and text not in ("NaN", "Infinity", "-Infinity") else Decimal(text)


_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)


def _qmark(sql: str) -> str:
    # Our SQL has no '?' or '%' inside string literals except LIKE patterns passed as parameters.
    # SQLite's INDEXED BY hints are dropped: PostgreSQL's planner picks the same partial indexes itself.
    return _INDEXED_BY.sub("", sql).replace("%", "%%").replace("?", "%s")


class Result:
    """A fully read result: ``description``, ``fetchone``, ``fetchmany``, ``fetchall``, iteration."""

    def __init__(self, description: Sequence[Any] | None, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.description = [(c.name,) for c in description] if description else None
        self._rows = rows
        self._pos = 0
        self.rowcount = rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        out = self._rows[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def fetchall(self) -> list[tuple[Any, ...]]:
        out = self._rows[self._pos:]
        self._pos = len(self._rows)
        return out

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row


class PgDatabase:
    def __init__(self, url: str, *, pool_max: int = POOL_MAX, schema_recheck_s: float = SCHEMA_RECHECK_S) -> None:
        self.url = url
        self.disposed = False  # the pool was ended on purpose (see dispose): nothing is written any more
        self.schema_recheck_s = schema_recheck_s
        self._schema_checked_at = time.monotonic()
        self.where = describe(url)
        self.schema_version = 0
        self.read_only = False
        self._pool_max = pool_max
        self._pool_lock = threading.Lock()
        self._pool = self._new_pool()
        with self.errors():
            self.schema_version = migrate(self.url)
            # Known before the first pooled session is configured, so every session gets it.
            self.read_only = self.schema_version > SCHEMA_VERSION
            self._pool.open(wait=True, timeout=POOL_TIMEOUT_S)

    def _new_pool(self) -> ConnectionPool:
        # Autocommit: a lone statement is its own transaction (no BEGIN/COMMIT or ROLLBACK-on-return
        # round trips); write() still wraps several statements in one transaction.
        return ConnectionPool(
            self.url, min_size=1, max_size=self._pool_max, open=False, timeout=POOL_TIMEOUT_S,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "strategy-studio", "autocommit": True},
            configure=self._configure, check=_check_idle, name="studio",
        )

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        pool = self._pool
        try:
            conn_cm = pool.connection()
            conn = conn_cm.__enter__()
        except PoolTimeout:
            self._replace(pool)
            raise
        try:
            yield conn
        except BaseException as exc:
            if not conn_cm.__exit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            conn_cm.__exit__(None, None, None)

    def _replace(self, failed: ConnectionPool) -> None:
        """Swap in a fresh pool after one could not lend a connection in time.

        A pool that failed to connect retries with exponential backoff (up to minutes); a fresh one
        tries at once, so the first request after the database is back is served.
        """
        with self._pool_lock:
            if self._pool is not failed:
                return  # another thread already replaced it
            fresh = self._new_pool()
            fresh.open(wait=False)
            self._pool = fresh
        threading.Thread(target=failed.close, kwargs={"timeout": 1.0}, name="studio-pool-close", daemon=True).start()

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        conn.adapters.register_loader("timestamptz", _IsoTimestamp)
        conn.adapters.register_loader("date", _DateText)
        conn.adapters.register_loader("numeric", _WholeNumeric)
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")
        conn.commit()

    def close(self) -> None:
        """Nothing per call: the pool lives for the process (``dispose`` ends it)."""

    def dispose(self) -> None:
        self.disposed = True
        self._pool.close()

    # -- errors --------------------------------------------------------------------------------

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DatabaseUnavailable(
                f"The database {self.where} cannot be reached right now ({_first_line(exc)}); nothing was saved.",
                hint="Try again in a moment. If it persists, check that PostgreSQL is running and that "
                "STUDIO_DATABASE_URL is right.", code="DATABASE_UNAVAILABLE", where=self.where,
            ) from None
        except psycopg.errors.ReadOnlySqlTransaction:
            raise self._too_new() from None

    def _too_new(self) -> SchemaTooNew:
        return SchemaTooNew(
            f"The database {self.where} has schema version {self.schema_version}, newer than this build's "
            f"{SCHEMA_VERSION}; this replica reads it but refuses to write usage, strategies or migrations.",
            hint="Upgrade this replica to the build that migrated the database (rolling upgrades: newer replicas "
            "first take the writes).", code="SCHEMA_TOO_NEW", path=self.where, found=self.schema_version,
            known=SCHEMA_VERSION,
        )

    # -- access --------------------------------------------------------------------------------

    def _refuse_if_newer(self) -> None:
        """Raise SchemaTooNew when this build must not write: known at start, or found since."""
        if self.read_only:
            raise self._too_new()
        now = time.monotonic()
        if now - self._schema_checked_at < self.schema_recheck_s:
            return
        self._schema_checked_at = now
        with self.errors(), self._connection() as conn:
            row = conn.execute("SELECT max(version) FROM studio_schema").fetchone()
        found = int(row[0] or 0) if row else 0
        if found > SCHEMA_VERSION:
            self.schema_version, self.read_only = found, True
            self._replace(self._pool)  # fresh sessions are configured read-only, so no statement writes
            raise self._too_new()

    @contextmanager
    def write(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction on a pooled connection: committed on success, rolled back on any error."""
        self._refuse_if_newer()
        with self.errors(), self._connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def read(self) -> Iterator[psycopg.Connection[Any]]:
        with self.errors(), self._connection() as conn:
            yield conn

    def call(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """One statement (e.g. a server-side function) in its own transaction: one round trip; its row."""
        self._refuse_if_newer()
        with self.errors(), self._connection() as conn:
            return conn.execute(sql, params).fetchone()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Portable SQL (``?`` placeholders) in its own transaction; see the module docstring."""
        if not sql.lstrip()[:6].upper().startswith(("SELECT", "WITH")):
            self._refuse_if_newer()
        with self.read() as conn:
            cur = conn.execute(_qmark(sql), list(params))
            rows = cur.fetchall() if cur.description else []
            return Result(cur.description, rows, cur.rowcount)

    @property
    def conn(self) -> PgDatabase:
        # core/usage passes ``db.conn`` to helpers that only call ``.execute``: the same object serves.
        return self


def _check_idle(conn: psycopg.Connection[Any]) -> None:
    """Check a pooled connection before lending it, without a round trip when it is healthy.

    An idle session has nothing to read; a server that ended it (a restart, an administrator)
    has sent its goodbye, so the socket is readable: only then ask the server (which raises
    for a dead session, and the pool replaces it).
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    # poll, not select: a busy server's descriptors may be above select's FD_SETSIZE (1024).
    watch = select.poll()
    watch.register(conn.fileno(), select.POLLIN | select.POLLPRI)
    if watch.poll(0):  # readable, hung up or in error
        ConnectionPool.check_connection(conn)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return re.sub(r"password=\S+", "password=[REDACTED]", text[0]) if text else type(exc).__name__


def migrate(url: str) -> int:
    """Apply missing migrations under the advisory lock; returns the database's schema version."""
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS studio_schema (version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            )
            row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM studio_schema").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                return current  # newer build's schema: touch nothing
            for version, name, sql in MIGRATIONS:
                if version <= current:
                    continue
                with conn.transaction():
                    conn.execute(sql)
                    conn.execute("INSERT INTO studio_schema (version, name) VALUES (%s, %s)", (version, name))
                current = version
            return current
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


_open: dict[tuple[int, str], PgDatabase] = {}
_open_lock = threading.Lock()


def open_database(url: str) -> PgDatabase:
    """The process-wide database for ``url`` (created and migrated on first use)."""
    key = (os.getpid(), url)
    with _open_lock:
        db = _open.get(key)
        if db is None:
            db = PgDatabase(url)
            _open[key] = db
        return db


def forget(url: str | None = None) -> None:
    """Close and drop this process's pools (tests, or after the URL changed)."""
    with _open_lock:
        for key in [k for k in _open if url is None or k[1] == url]:
            db = _open.pop(key)
            if key[0] == os.getpid():
                db.dispose()
