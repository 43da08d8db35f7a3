"""Leases in PostgreSQL: renewing holds, and turning expired ones into ``abandoned`` rows.

The same rules as core/usage/holds.py (SQLite): an expired lease whose call never settled becomes an
``abandoned`` row charged at an estimate (the input the request carried plus the output seen), and
its hold is freed in the same transaction. Rows are locked ``FOR UPDATE SKIP LOCKED`` in id order,
so two replicas sweeping at once never sweep one lease twice, and a settle that holds its own
reservation row is never swept from under it. Lock order (reservations, then month rows in month
order, then the insert whose trigger touches the roll-ups) is the ledger's everywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.backends.postgres.schema import INSERT_SQL
from core.usage.holds import ABANDONED_ERROR, estimate_micro
from core.usage.schema import ABANDONED

_RETURNING = ("id, user_id, month, request_id, model, amount, input_tokens, output_seen, price_input, price_output, "
              "price_version, use_case, provider, created_at")


def renew(conn: Any, live: dict[str, int], expires_at: datetime) -> None:
    """Push the leases of this process's calls in flight forward, with the output seen so far."""
    with conn.cursor() as cur:
        cur.executemany(
            "UPDATE quota_reservations SET expires_at = %s, output_seen = GREATEST(output_seen, %s) WHERE id = %s",
            [(expires_at, seen, rid) for rid, seen in sorted(live.items())],
        )


def sweep(conn: Any, now: datetime, user_id: str | None = None) -> int:
    """Free every expired lease (one user's, or all) and write the abandoned rows; returns how many."""
    where = "expires_at <= %s" + (" AND user_id = %s" if user_id is not None else "")
    params: tuple[Any, ...] = (now, user_id) if user_id is not None else (now,)
    expired = conn.execute(
        f"DELETE FROM quota_reservations WHERE id IN (SELECT id FROM quota_reservations WHERE {where} "
        f"ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING {_RETURNING}",
        params,
    ).fetchall()
    per_month: dict[tuple[str, str], int] = {}
    for row in expired:
        key = (row[1], row[2])
        per_month[key] = per_month.get(key, 0) + int(row[5])
    for (user, month), amount in sorted(per_month.items()):
        conn.execute("UPDATE quota_months SET held_micro = held_micro - %s WHERE user_id = %s AND month = %s",
                     (amount, user, month))
    for (rid, user, _month, request_id, model, amount, input_tokens, output_seen, p_in, p_out, version, use_case,
         provider, created_at) in sorted(expired):
        cost = estimate_micro(p_in, p_out, int(input_tokens), int(output_seen))
        call_id = request_id.rsplit(":", 1)[0] if request_id else rid  # "<request>:<attempt>"
        # ON CONFLICT DO NOTHING: a call that settled just before its lease ran out keeps its real row.
        conn.execute(INSERT_SQL, (
            call_id, rid, user, use_case or "unknown", provider or "unknown", model or "unknown", None,
            input_tokens, output_seen, 0, 0, 0, 1, cost, 0, int(amount), version or "", None, None, ABANDONED,
            ABANDONED_ERROR, created_at, 0, None, None,
        ))
    return len(expired)
