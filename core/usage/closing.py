"""SQL of closing a reservation: the call's ledger row goes in and its hold comes out, in one transaction.

Every function runs inside the ledger's write transaction. A reservation's row is unique (the ledger's
index on ``reservation_id``), so a settle that is retried, or races the sweep that abandoned its lease,
still counts the call once:
- the hold is still there: the row is the vendor's bill, flagged ``overrun`` when it is more than
  the hold;
- the hold was swept (the lease expired first): the abandoned estimate is corrected to the bill
  by one adjustment row (``late``), or nothing is written when the call was already settled.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from core.errors import redact
from core.llm.types import Usage, UsageRow
from core.storage import iso
from core.usage.money import from_micro, to_micro
from core.usage.schema import ABANDONED, ADJUSTMENT, INSERT_AUDITED_SQL

MAX_ERROR_CHARS = 2000

# The holds of a batch that are still there and have no row yet (the batch's ids as one JSON array).
_OPEN_HOLDS_SQL = (
    "SELECT r.id, r.amount FROM quota_reservations r WHERE r.id IN (SELECT value FROM json_each(?)) "
    "AND NOT EXISTS (SELECT 1 FROM llm_usage u WHERE u.reservation_id = r.id)"
)
_DROP_HOLDS_SQL = "DELETE FROM quota_reservations WHERE id IN (SELECT value FROM json_each(?))"


def row_values(row: UsageRow, reservation_id: str | None = None) -> tuple[object, ...]:
    """The INSERT parameters of one ledger row (also used by bulk loaders such as the benchmark)."""
    u = row.usage
    error = redact(row.error)[:MAX_ERROR_CHARS] if row.error else None
    return (
        row.request_id, reservation_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
        u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens, u.reasoning_tokens,
        int(u.estimated), to_micro(row.cost_usd), to_micro(row.cost_saved_usd), row.price_version,
        row.latency_ms, row.ttft_ms, row.status, error, iso(row.created_at),
    )


def close(conn: sqlite3.Connection, reservation_id: str, row: UsageRow | None) -> None:
    """Drop one hold and write its row (``None``: give the hold back with no row)."""
    gone = conn.execute("DELETE FROM quota_reservations WHERE id = ? RETURNING amount",
                        (reservation_id,)).fetchall()
    if gone:
        if row is not None:
            insert_once(conn, row, reservation_id, overrun=to_micro(row.cost_usd) > int(gone[0][0]))
    elif row is not None:
        late(conn, row, reservation_id)


def close_all(conn: sqlite3.Connection, items: Sequence[tuple[str, UsageRow]]) -> None:
    """Close a batch of settles in call order.

    The usual batch (every hold still there, each reservation once) is three statements whatever its
    size, so a writer thread takes the database's write lock, and Python's GIL, for little time;
    anything else (a duplicate settle, a lease already swept) goes through ``close`` one by one.
    """
    ids = [rid for rid, _ in items]
    batch = json.dumps(ids)
    amounts = dict(conn.execute(_OPEN_HOLDS_SQL, (batch,)).fetchall())
    if len(amounts) != len(ids):
        for rid, row in items:
            close(conn, rid, row)
        return
    conn.executemany(INSERT_AUDITED_SQL, [
        (*row_values(row, rid), int(to_micro(row.cost_usd) > int(amounts[rid])), None, None) for rid, row in items])
    conn.execute(_DROP_HOLDS_SQL, (batch,))


def insert_once(conn: sqlite3.Connection, row: UsageRow, reservation_id: str, *, overrun: bool = False) -> None:
    seen = conn.execute("SELECT 1 FROM llm_usage WHERE reservation_id = ?", (reservation_id,)).fetchone()
    if seen is None:
        conn.execute(INSERT_AUDITED_SQL, (*row_values(row, reservation_id), int(overrun), None, None))


def late(conn: sqlite3.Connection, row: UsageRow, reservation_id: str) -> None:
    """A call settled after its lease expired: its abandoned estimate is corrected to the real bill."""
    def insert(r: UsageRow, rid: str, note: str | None, adjusts_id: int | None) -> None:
        conn.execute(INSERT_AUDITED_SQL, (*row_values(r, rid), 0, note, adjusts_id))

    settle_late(conn, row, reservation_id, insert)


def settle_late(conn: Any, row: UsageRow, reservation_id: str,
                insert: Callable[[UsageRow, str, str | None, int | None], None], *, mark: str = "?") -> None:
    """The steps of a late settle on either ledger's connection (``mark``: its placeholder), writing
    rows with ``insert(row, reservation_id, note, adjusts_id)``: the bill itself when no row exists;
    nothing when the call was settled already; else one adjustment of the abandoned estimate."""
    prior = conn.execute(
        "SELECT id, status, cost_micro_usd, input_tokens, output_tokens FROM llm_usage "
        f"WHERE reservation_id = {mark}", (reservation_id,)).fetchone()
    if prior is None:
        insert(row, reservation_id, None, None)
        return
    prior_id, status, cost, input_tokens, output_tokens = prior
    late_id = f"{reservation_id}:late"
    if status != ABANDONED or conn.execute(
            f"SELECT 1 FROM llm_usage WHERE reservation_id = {mark}", (late_id,)).fetchone() is not None:
        return  # already settled (a retried settle)
    u = row.usage
    delta = UsageRow(
        row.request_id, row.user_id, row.use_case, row.provider, row.model, row.requested_model,
        Usage(input_tokens=u.input_tokens - int(input_tokens), output_tokens=u.output_tokens - int(output_tokens),
              cache_read_tokens=u.cache_read_tokens, cache_write_tokens=u.cache_write_tokens,
              reasoning_tokens=u.reasoning_tokens),
        from_micro(to_micro(row.cost_usd) - int(cost)), ADJUSTMENT, price_version=row.price_version,
        created_at=row.created_at,
    )
    insert(delta, late_id, f"late settlement ({row.status}): the call finished after its lease expired", int(prior_id))
