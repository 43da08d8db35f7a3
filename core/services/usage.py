"""Usage, quota and cache actions for the pages and the CLI (they call only this module).

Every function opens the studio database from settings (``STUDIO_DB``) and returns typed values:
money as ``Decimal``; ``month_summary`` returns exactly the ``usage --json`` shape (DESIGN.md 5).
``user=None`` means all users; quota figures are then ``None`` (each user has their own quota).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from core.config import get_settings
from core.errors import StudioError
from core.llm.types import USE_CASES as USE_CASES  # re-exported: the Usage page labels each use case
from core.storage import created_by_this_process, db_path, get_db, immediate, iso, read_only_version, storage_errors
from core.usage import queries
from core.usage.cache import SqliteCache
from core.usage.ledger import flush_pending
from core.usage.money import from_micro, parse_usd
from core.usage.period import Month
from core.usage.quota import held_micro, quota_usd, set_quota

Filters = queries.Filters
ERROR_STATUS = queries.ERROR_STATUS
STATUSES = ("ok", "cached", "cut", ERROR_STATUS, *queries.BILLING_FILTERS)


class UsageInputError(StudioError):
    """A month, quota or filter given by the user is malformed; the message says the expected form."""

    kind = "bad_usage_input"
    exit_code = 2


@dataclass(frozen=True)
class QuotaStatus:
    spend_usd: Decimal
    quota_usd: Decimal
    remaining_usd: Decimal  # never negative
    fraction: float  # spend / quota; 1.0 or more means the quota is used up
    reset_date: date  # first day of next month, UTC
    month: str  # YYYY-MM


def _month(month: str | Month | None, now: datetime | None = None) -> Month:
    if isinstance(month, Month):
        return month
    try:
        return Month.parse(month, now)
    except ValueError as exc:
        raise UsageInputError(str(exc)) from None


@contextmanager
def _open() -> Iterator[sqlite_utils.Database]:
    """The studio database for one call; sqlite errors become StorageError naming the file.

    With STUDIO_DATABASE_URL set it is the PostgreSQL database instead: the queries of core.usage are
    portable SQL, and its errors are already StudioErrors (DatabaseUnavailable, SchemaTooNew).
    """
    from core.backends import postgres_database

    pg = postgres_database()
    if pg is not None:
        yield pg
        return
    # This process's gateway may still be committing the rows of calls that have answered.
    flush_pending()
    db = get_db()
    try:
        with storage_errors(db):
            yield db
    finally:
        db.close()


def _cache(db: Any) -> Any:
    from core.backends.postgres.db import PgDatabase

    if isinstance(db, PgDatabase):
        from core.backends.postgres.cache import PgCache

        return PgCache(db)
    return SqliteCache(db)


def _quota(conn: Any, user: str) -> Decimal:
    return quota_usd(conn, user, get_settings().llm_monthly_quota_usd)


def quota_status(user: str = "local", *, now: datetime | None = None) -> QuotaStatus:
    """Month-to-date settled spend against the user's quota (what the sidebar bar shows)."""
    month = Month.of(now or datetime.now(UTC))
    with _open() as db:
        spend = from_micro(queries.spend_micro(db, user, month))
        limit = _quota(db.conn, user)
    fraction = float(spend / limit) if limit > 0 else (1.0 if spend > 0 else 0.0)
    return QuotaStatus(spend, limit, max(Decimal(0), limit - spend), fraction, month.end, str(month))


def _sweep_expired(db: sqlite_utils.Database, now: datetime) -> None:
    """Record calls whose process died (expired leases) before reporting, so the figures include them."""
    from core.backends.postgres.db import PgDatabase

    if isinstance(db, PgDatabase):
        if not db.read_only:
            from core.backends.postgres import holds as pg_holds

            with db.write() as conn:
                pg_holds.sweep(conn, now)
        return
    from core.usage import holds

    if read_only_version(db_path(db)) is not None:
        return  # a newer build's database is only read
    with immediate(db) as conn:
        holds.sweep(conn, iso(now))


def held_usd(user: str, *, now: datetime | None = None) -> Decimal:
    """Worst-case money held by this user's calls in flight (unexpired reservations)."""
    when = iso(now or datetime.now(UTC))
    with _open() as db:
        return from_micro(held_micro(db.conn, user, when))


def month_summary(user: str | None = "local", month: str | None = None, *, now: datetime | None = None) -> dict:
    """The ``usage --json`` document: totals, quota, projection and breakdowns of one UTC month."""
    now = now or datetime.now(UTC)
    m = _month(month, now)
    with _open() as db:
        _sweep_expired(db, now)
        total = queries.totals(db, user, m)
        limit = _quota(db.conn, user) if user is not None else None

        def dim(name: str, key: str) -> list[dict[str, Any]]:
            return [
                {key: r[name], "requests": r["requests"], "spend_usd": r["spend_usd"],
                 **{k: r[k] for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")}}
                for r in queries.breakdown(db, user, m, name)
            ]

        by_model, by_provider, by_use_case = dim("model", "model"), dim("provider", "provider"), dim(
            "use_case", "use_case")
        by_day = [
            {"day": r["day"], "requests": r["requests"], "spend_usd": r["spend_usd"], "cache_hits": r["cache_hits"],
             "cache_savings_usd": r["cache_savings_usd"]}
            for r in queries.by_day(db, user, m)
        ]
        overrun_count, overrun_usd = queries.overruns(db, user, m)
    spend = total["spend_usd"]
    return {
        "month": str(m),
        "user": user,
        "spend_usd": spend,
        "quota_usd": limit,
        "remaining_usd": max(Decimal(0), limit - spend) if limit is not None else None,
        "projected_usd": queries.projected_usd(spend, m, now),
        "requests": total["requests"],
        "cache_hits": total["cache_hits"],
        "cache_savings_usd": total["cache_savings_usd"],
        "by_model": by_model,
        "by_provider": by_provider,
        "by_use_case": by_use_case,
        "by_day": by_day,
        "overrun_count": overrun_count,
        "overrun_usd": overrun_usd,
    }


def usage_totals(user: str | None = "local", month: str | None = None) -> dict[str, Any]:
    """Tokens by kind, errors and cache hit rate of the month (beyond the CLI summary)."""
    with _open() as db:
        return queries.totals(db, user, _month(month))


def daily_spend_by_model(user: str | None = "local", month: str | None = None) -> list[dict[str, Any]]:
    with _open() as db:
        return queries.by_day_and_model(db, user, _month(month))


def breakdown(user: str | None, month: str | None, dimension: str) -> list[dict[str, Any]]:
    if dimension not in queries.DIMENSIONS:
        raise UsageInputError(f"Cannot group usage by {dimension!r}; choose one of {', '.join(queries.DIMENSIONS)}.")
    with _open() as db:
        return queries.breakdown(db, user, _month(month), dimension)


def _filters(model: str | None, provider: str | None, use_case: str | None, status: str | None) -> Filters:
    return Filters(model=model or None, provider=provider or None, use_case=use_case or None, status=status or None)


def recent_requests(
    user: str | None = "local",
    month: str | None = None,
    *,
    model: str | None = None,
    provider: str | None = None,
    use_case: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Newest ledger rows first, with optional equality filters (``status="errors"``: any failure)."""
    with _open() as db:
        return queries.recent_requests(db, user, _month(month), _filters(model, provider, use_case, status),
                                       limit=limit)


def iter_usage_csv(
    user: str | None = "local",
    month: str | None = None,
    *,
    model: str | None = None,
    provider: str | None = None,
    use_case: str | None = None,
    status: str | None = None,
) -> Iterator[str]:
    """The month's ledger rows as CSV, streamed in chunks (for the CLI or a large export)."""
    m = _month(month)
    with _open() as db:
        yield from queries.iter_csv(db, user, m, _filters(model, provider, use_case, status))


def usage_csv(user: str | None = "local", month: str | None = None, **filters: str | None) -> str:
    """The same CSV as one string (what a download button needs)."""
    return "".join(iter_usage_csv(user, month, **filters))


def available_months(user: str | None = "local") -> list[str]:
    """Months with usage, newest first, always including the current month."""
    with _open() as db:
        months = queries.months_with_usage(db, user)
    current = str(Month.of(datetime.now(UTC)))
    return sorted({current, *months}, reverse=True)


def filter_values(user: str | None = "local", month: str | None = None) -> dict[str, list[str]]:
    with _open() as db:
        return queries.filter_values(db, user, _month(month))


def clear_cache(user: str | None = None) -> int:
    """Empty the response cache (one user's entries, or everyone's); returns entries removed."""
    with _open() as db:
        return _cache(db).clear(user)


def cache_stats(user: str | None = None) -> dict[str, int]:
    with _open() as db:
        return _cache(db).stats(user)


def set_user_quota(user: str, usd: Decimal | str | float | None) -> Decimal | None:
    """Override ``user``'s monthly quota in US dollars; ``None`` returns them to LLM_MONTHLY_QUOTA_USD."""
    try:
        with _open() as db:
            if not isinstance(db, sqlite_utils.Database):
                from core.backends.postgres.ledger import PgLedger

                return PgLedger(db, get_settings().llm_monthly_quota_usd).set_user_quota(user, usd)
            with db.atomic():
                return set_quota(db.conn, user, usd)
    except ValueError as exc:
        raise UsageInputError(str(exc), hint="Enter the quota in US dollars, e.g. 25 or 12.50.") from None


def new_database_path() -> Path | None:
    """The configured STUDIO_DB when this process has just created it as a new, empty database.

    Only for a path set explicitly (environment or secrets): a mistyped path silently starting a fresh
    database would show a month's spend as $0, so the UI and the CLI say it was created.
    """
    settings = get_settings()
    if "studio_db" not in settings.model_fields_set:
        return None
    path = Path(settings.studio_db)
    return path if created_by_this_process(path) else None


def new_database_message(lang: str = "en") -> str | None:
    path = new_database_path()
    if path is None:
        return None
    if lang == "ko":
        return (f"알림: {path}(STUDIO_DB)에 비어 있는 새 데이터베이스를 만들었습니다. 기존 사용량과 전략을 기대했다면 "
                "경로를 확인하세요.")
    return (f"note: created a new, empty database at {path} (STUDIO_DB). If you expected your existing usage and "
            "strategies, check the path.")


def reconcile_row(row_id: int, cost_usd: Decimal | str, note: str, *, by: str, is_admin: bool) -> int:
    """An admin corrects an abandoned or estimated ledger row to the billed amount, with a note.

    The row stays as it was; an ``adjustment`` row carries the difference, the note and who made it.
    Returns the adjustment row's id.
    """
    if not is_admin:
        from core.accounts.errors import Forbidden

        raise Forbidden("Only an admin can reconcile a ledger row.", hint="Ask an admin (STUDIO_ADMINS).")
    from core.usage.ledger import SqliteLedger

    try:
        amount = parse_usd(cost_usd, what="billed amount")
    except ValueError as exc:
        raise UsageInputError(str(exc)) from None
    with _open() as db:
        return SqliteLedger(db, get_settings().llm_monthly_quota_usd).reconcile(int(row_id), amount, note, by=by)
