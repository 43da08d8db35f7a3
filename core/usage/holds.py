"""SQL of the reservations table: holding, renewing, and turning expired leases into ``abandoned`` rows.

Every function runs inside the caller's write transaction, so a lease is swept in the same transaction
that frees its amount, and a sweep racing a late settlement can only ever produce one row per
reservation (the ledger's unique index on ``reservation_id``).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import NamedTuple

from core.usage.money import to_micro
from core.usage.schema import ABANDONED, INSERT_SQL

MTOK = Decimal(1_000_000)
ABANDONED_ERROR = (
    "The process handling this call stopped before the vendor's answer was recorded (its lease expired). "
    "Charged as an estimate: the input the request carried plus any output already seen."
)


class Hold(NamedTuple):
    """A reservation row, its fields in the order of the INSERT below (so the tuple is its parameters:
    built once per call, on the path every paid request takes)."""

    id: str
    user_id: str
    request_id: str
    model: str
    amount: int
    max_tokens: int
    created_at: str
    expires_at: str
    input_tokens: int
    price_input: str | None
    price_output: str | None
    price_version: str
    use_case: str
    provider: str


_COLUMNS = ("INSERT INTO quota_reservations (id, user_id, request_id, model, amount, max_tokens, created_at, "
            "expires_at, input_tokens, output_seen, price_input, price_output, price_version, use_case, provider) ")
_VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?"

# The hold, inserted only if it fits: one statement, so SQLite's write lock is held from the reads of
# the headroom to the insert (see ThreadConnections.write_one). The user's quota override must still
# be the one the caller priced its limit from (text ``IS ?``: NULL when there is none), so a quota
# changed by another process makes it insert nothing and the caller re-reads. Every hold counts,
# expired ones too (what the unswept decision counts: never less than a sweep would leave).
INSERT_IF_FITS_SQL = (
    _COLUMNS + "SELECT " + _VALUES + " WHERE (SELECT quota_usd FROM user_quotas WHERE user_id = ?) IS ? "
    "AND (? <= 0 OR ? <= ? - (SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage_user_month "
    "WHERE month = ? AND user_id = ?) - (SELECT COALESCE(SUM(amount), 0) FROM quota_reservations WHERE user_id = ?))"
)


def insert(conn: sqlite3.Connection, hold: Hold) -> None:
    conn.execute(_COLUMNS + "VALUES (" + _VALUES + ")", hold)


def if_fits_params(hold: Hold, quota_text: str | None, limit: int, excess: int) -> tuple[object, ...]:
    """Parameters of INSERT_IF_FITS_SQL: ``limit`` in micro-dollars is what ``quota_text`` (the
    override, or None for the default) allows; ``excess`` is what this process's pending settles
    cost beyond their holds."""
    u = hold.user_id
    return (*hold, u, quota_text, hold.amount, hold.amount, limit - excess, hold.created_at[:7], u, u)


def renew(conn: sqlite3.Connection, live: dict[str, int], expires_at: str) -> None:
    conn.executemany(
        "UPDATE quota_reservations SET expires_at = ?, output_seen = max(output_seen, ?) WHERE id = ?",
        [(expires_at, seen, rid) for rid, seen in live.items()],
    )


def expire(conn: sqlite3.Connection, ids: list[str], now_iso: str) -> None:
    conn.executemany("UPDATE quota_reservations SET expires_at = ? WHERE id = ?", [(now_iso, i) for i in ids])


def estimate_micro(price_input: str | None, price_output: str | None, input_tokens: int, output_tokens: int) -> int:
    """The conservative charge of an abandoned call: what it sent plus what it had received."""
    rate_in = Decimal(price_input or 0)
    rate_out = Decimal(price_output or 0)
    return to_micro((rate_in * input_tokens + rate_out * output_tokens) / MTOK)


def sweep(conn: sqlite3.Connection, now_iso: str) -> int:
    """Turn every expired lease into an ``abandoned`` row (unless its call was settled) and drop it."""
    expired = conn.execute(
        "SELECT id, user_id, request_id, model, input_tokens, output_seen, price_input, price_output, "
        "price_version, use_case, provider, created_at FROM quota_reservations WHERE expires_at <= ?",
        (now_iso,),
    ).fetchall()
    for (rid, user_id, request_id, model, input_tokens, output_seen, p_in, p_out, version, use_case, provider,
         created_at) in expired:
        if conn.execute("SELECT 1 FROM llm_usage WHERE reservation_id = ?", (rid,)).fetchone() is None:
            cost = estimate_micro(p_in, p_out, input_tokens, output_seen)
            call_id = request_id.rsplit(":", 1)[0] if request_id else rid  # "<request>:<attempt>"
            conn.execute(INSERT_SQL, (
                call_id, rid, user_id, use_case or "unknown", provider or "unknown", model or "unknown", None,
                input_tokens, output_seen, 0, 0, 0, 1, cost, 0, version or "", None, None, ABANDONED,
                ABANDONED_ERROR, created_at,
            ))
        conn.execute("DELETE FROM quota_reservations WHERE id = ?", (rid,))
    return len(expired)

