"""Per-user monthly quota: the default from LLM_MONTHLY_QUOTA_USD, overridden in ``user_quotas``."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from core.storage import iso, utc_now
from core.usage.money import parse_usd
from core.usage.period import Month


def quota_usd(conn: sqlite3.Connection, user_id: str, default_usd: Decimal) -> Decimal:
    row = conn.execute("SELECT quota_usd FROM user_quotas WHERE user_id = ?", (user_id,)).fetchone()
    return Decimal(row[0]) if row else Decimal(default_usd)


def set_quota(conn: sqlite3.Connection, user_id: str, usd: Decimal | str | float | None) -> Decimal | None:
    """Set (or with ``None`` remove) a user's override; returns the stored amount."""
    if not str(user_id).strip():
        raise ValueError("A quota needs a user id.")
    if usd is None:
        conn.execute("DELETE FROM user_quotas WHERE user_id = ?", (user_id,))
        return None
    amount = parse_usd(usd, what="monthly quota")
    conn.execute(
        "INSERT INTO user_quotas (user_id, quota_usd, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET quota_usd = excluded.quota_usd, updated_at = excluded.updated_at",
        (user_id, format(amount, "f"), iso(utc_now())),
    )
    return amount


def month_spend_micro(conn: sqlite3.Connection, user_id: str | None, month: Month) -> int:
    """Settled spend of the month from the per-user-month roll-up (one row per user, never the ledger)."""
    sql = "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage_user_month WHERE month = ?"
    params: list[object] = [str(month)]
    if user_id is not None:
        sql += " AND user_id = ?"
        params.append(user_id)
    return int(conn.execute(sql, params).fetchone()[0])


def held_micro(conn: sqlite3.Connection, user_id: str, now_iso: str) -> int:
    """Worst-case amounts of calls in flight (reservations that have not expired)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM quota_reservations WHERE user_id = ? AND expires_at > ?",
        (user_id, now_iso),
    ).fetchone()
    return int(row[0])



def reserve_state(conn: sqlite3.Connection, user_id: str, now_iso: str, *,
                  live_only: bool) -> tuple[str | None, int, int]:
    """What a reservation decides on, in one statement: the user's quota override (or None), the
    settled spend of ``now_iso``'s month and the held amounts. ``live_only=False`` counts every hold,
    expired ones too (right before a sweep would turn them into abandoned rows, never a smaller sum)."""
    held = ("SELECT COALESCE(SUM(amount), 0) FROM quota_reservations WHERE user_id = ?"
            + (" AND expires_at > ?" if live_only else ""))
    row = conn.execute(
        "SELECT (SELECT quota_usd FROM user_quotas WHERE user_id = ?), "
        "(SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage_user_month WHERE month = ? AND user_id = ?), "
        f"({held})",
        (user_id, now_iso[:7], user_id, user_id, *((now_iso,) if live_only else ())),
    ).fetchone()
    return row[0], int(row[1]), int(row[2])
