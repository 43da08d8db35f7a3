"""The dashboard's queries. Each takes ``user`` (None = all users) and a ``Month``.

Everything is aggregated in SQL. Totals and breakdowns read the roll-ups kept exact by triggers
(``llm_usage_daily`` for one user, ``llm_usage_daily_all`` for all users, ``llm_usage_user_month``
for per-user figures; see core/usage/rollup.py), so their cost does not grow with the number of
calls. Recent requests and the CSV export read ``llm_usage`` through its time indexes, the first
with a LIMIT and the second streamed in chunks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlite_utils

from core.usage.money import from_micro
from core.usage.period import Month
from core.usage.quota import month_spend_micro
from core.usage.schema import BILLING_STATUS_SQL, DAILY_ALL, DAILY_USER, TOKEN_KINDS, USER_MONTH

DIMENSIONS = ("model", "provider", "use_case", "user_id")
ERROR_STATUS = "errors"  # filter value meaning "any status other than ok and cached"
# Filter values that select by billing status (core.usage.schema.BILLING_STATUS_SQL) rather than stored status.
BILLING_FILTERS = ("overrun", "abandoned", "estimate", "cache_hit", "adjustment")
CSV_COLUMNS = (
    "created_at", "request_id", "user_id", "use_case", "provider", "model", "requested_model", "status",
    "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens",
    "cost_usd", "cost_saved_usd", "price_version", "latency_ms", "ttft_ms", "error",
    "billing_status", "id", "note",
)


@dataclass(frozen=True)
class Filters:
    """Equality filters of the recent-requests table and the CSV export (None = any)."""

    model: str | None = None
    provider: str | None = None
    use_case: str | None = None
    status: str | None = None  # a status, or ERROR_STATUS for every failed attempt


def _daily_scope(user: str | None, month: Month) -> tuple[str, str, list[Any]]:
    """The roll-up to read and its WHERE clause: per-user days, or the all-users days."""
    params: list[Any] = [month.start.isoformat(), month.end.isoformat()]
    if user is None:
        return DAILY_ALL, "day >= ? AND day < ?", params
    return DAILY_USER, "day >= ? AND day < ? AND user_id = ?", [*params, user]


def _sums() -> str:
    kinds = ", ".join(f"COALESCE(SUM({k}), 0) AS {k}" for k in TOKEN_KINDS)
    return (
        "COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(cache_hits), 0) AS cache_hits, "
        "COALESCE(SUM(errors), 0) AS errors, COALESCE(SUM(cost_micro_usd), 0) AS spend, "
        f"COALESCE(SUM(cost_saved_micro_usd), 0) AS saved, {kinds}"
    )


def _money(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["spend_usd"] = from_micro(out.pop("spend"))
    out["cache_savings_usd"] = from_micro(out.pop("saved"))
    return out


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def totals(db: sqlite_utils.Database, user: str | None, month: Month) -> dict[str, Any]:
    """Requests, cache hits, errors, spend, savings and every token kind of the month."""
    table, where, params = _daily_scope(user, month)
    row = _rows(db, f"SELECT {_sums()} FROM {table} WHERE {where}", params)[0]
    out = _money(row)
    out["cache_hit_rate"] = (out["cache_hits"] / out["requests"]) if out["requests"] else 0.0
    return out


def breakdown(db: sqlite_utils.Database, user: str | None, month: Month, dimension: str) -> list[dict[str, Any]]:
    """Spend, requests and tokens grouped by model, provider, use case or user; costliest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Cannot group usage by {dimension!r}; choose one of {', '.join(DIMENSIONS)}.")
    if dimension == "user_id":
        table, where, params = USER_MONTH, "month = ?", [str(month)]
        if user is not None:
            where += " AND user_id = ?"
            params.append(user)
    else:
        table, where, params = _daily_scope(user, month)
    rows = _rows(
        db,
        f"SELECT {dimension}, {_sums()} FROM {table} WHERE {where} GROUP BY {dimension} "
        f"ORDER BY spend DESC, {dimension}",
        params,
    )
    return [_money(r) for r in rows]


def by_day(db: sqlite_utils.Database, user: str | None, month: Month) -> list[dict[str, Any]]:
    table, where, params = _daily_scope(user, month)
    rows = _rows(db, f"SELECT day, {_sums()} FROM {table} WHERE {where} GROUP BY day ORDER BY day", params)
    return [_money(r) for r in rows]


def by_day_and_model(db: sqlite_utils.Database, user: str | None, month: Month) -> list[dict[str, Any]]:
    """Daily spend per model: the stacked bars of the dashboard."""
    table, where, params = _daily_scope(user, month)
    rows = _rows(
        db,
        f"SELECT day, model, COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(cost_micro_usd), 0) AS spend, "
        f"0 AS saved FROM {table} WHERE {where} GROUP BY day, model ORDER BY day, model",
        params,
    )
    out = []
    for r in rows:
        m = _money(r)
        m.pop("cache_savings_usd")
        out.append(m)
    return out


def overruns(db: sqlite_utils.Database, user: str | None, month: Month) -> tuple[int, Decimal]:
    """Rows of the month whose vendor bill passed their reservation: how many, and their total cost."""
    sql = ("SELECT count(*), COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage INDEXED BY idx_llm_usage_overrun "
           "WHERE overrun = 1 AND created_at >= ? AND created_at < ?")
    params: list[Any] = [month.start_ts, month.end_ts]
    if user is not None:
        sql += " AND user_id = ?"
        params.append(user)
    count, micro = db.execute(sql, params).fetchone()
    return int(count), from_micro(micro)


def spend_micro(db: sqlite_utils.Database, user: str | None, month: Month) -> int:
    return month_spend_micro(db.conn, user, month)


def projected_usd(spend_usd: Decimal, month: Month, now: datetime) -> Decimal:
    """Month-end spend if the month continues at its pace so far (a past month: what it was).

    Linear in elapsed time, not days with spend, so a quiet weekend lowers the projection as it should.
    """
    fraction = month.elapsed_fraction(now)
    if fraction >= 1:
        return spend_usd
    if fraction <= 0:
        return Decimal(0) if spend_usd == 0 else spend_usd
    projected = spend_usd / Decimal(repr(fraction))
    return projected.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _ledger_scope(user: str | None, month: Month | None, filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if month is not None:
        clauses.append("created_at >= ? AND created_at < ?")
        params += [month.start_ts, month.end_ts]
    if user is not None:
        clauses.append("user_id = ?")
        params.append(user)
    for column in ("model", "provider", "use_case"):
        value = getattr(filters, column)
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.status == ERROR_STATUS:
        clauses.append("status NOT IN ('ok', 'cached', 'adjustment')")
    elif filters.status in BILLING_FILTERS:
        clauses.append(f"{BILLING_STATUS_SQL} = ?")
        params.append(filters.status)
    elif filters.status:
        clauses.append("status = ?")
        params.append(filters.status)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_REQUEST_COLUMNS = (
    "created_at, request_id, user_id, use_case, provider, model, requested_model, status, input_tokens, "
    "output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, cost_saved_micro_usd, "
    "price_version, latency_ms, ttft_ms, error, "
    f"{BILLING_STATUS_SQL} AS billing_status, id, note"
)


def _request_row(names: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(names, values, strict=True))
    row["cost_usd"] = from_micro(row.pop("cost_micro_usd"))
    row["cost_saved_usd"] = from_micro(row.pop("cost_saved_micro_usd"))
    return row


def recent_requests(
    db: sqlite_utils.Database,
    user: str | None,
    month: Month | None,
    filters: Filters = Filters(),
    *,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Newest calls first (every attempt, cache hits included)."""
    where, params = _ledger_scope(user, month, filters)
    cursor = db.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM llm_usage{where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, max(0, int(limit)), max(0, int(offset))],
    )
    names = [d[0] for d in cursor.description]
    return [_request_row(names, r) for r in cursor.fetchall()]


def iter_csv(
    db: sqlite_utils.Database,
    user: str | None,
    month: Month | None,
    filters: Filters = Filters(),
    *,
    chunk_rows: int = 2000,
) -> Iterator[str]:
    """The matching ledger rows as CSV text, oldest first, yielded a chunk at a time."""
    where, params = _ledger_scope(user, month, filters)
    cursor = db.execute(f"SELECT {_REQUEST_COLUMNS} FROM llm_usage{where} ORDER BY created_at, id", params)
    names = [d[0] for d in cursor.description]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    while True:
        batch = cursor.fetchmany(chunk_rows)
        if not batch:
            break
        for values in batch:
            row = _request_row(names, values)
            writer.writerow([_csv_cell(row[c]) for c in CSV_COLUMNS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    rest = buf.getvalue()
    if rest:
        yield rest


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # Spreadsheet formula injection: an error text from a vendor must stay text when opened.
        return "'" + value
    return "" if value is None else value


def months_with_usage(db: sqlite_utils.Database, user: str | None) -> list[str]:
    """Months that have ledger rows, newest first (for the month picker)."""
    sql = f"SELECT DISTINCT month FROM {USER_MONTH}"
    params: list[Any] = []
    if user is not None:
        sql += " WHERE user_id = ?"
        params.append(user)
    return [r[0] for r in db.execute(sql + " ORDER BY 1 DESC", params).fetchall()]


def filter_values(db: sqlite_utils.Database, user: str | None, month: Month) -> dict[str, list[str]]:
    """Distinct models, providers, use cases and users of the month (the filter choices)."""
    table, where, params = _daily_scope(user, month)
    out: dict[str, list[str]] = {}
    for column in ("model", "provider", "use_case"):
        out[column] = [r[0] for r in db.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {where} ORDER BY 1", params).fetchall()]
    users_sql = f"SELECT user_id FROM {USER_MONTH} WHERE month = ?"
    users_params: list[Any] = [str(month)]
    if user is not None:
        users_sql += " AND user_id = ?"
        users_params.append(user)
    out["user_id"] = [r[0] for r in db.execute(users_sql + " ORDER BY 1", users_params).fetchall()]
    return out
