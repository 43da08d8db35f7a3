"""An admin's correction of an abandoned or estimated ledger row: an ``adjustment`` row, never an edit.

The original row stays as it was; the adjustment carries the difference (against the row plus any
earlier adjustments of it), the admin's name and note, and the original's time, so the month it
belongs to is the one corrected. Runs inside the ledger's write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.errors import StudioError, redact
from core.usage.money import to_micro
from core.usage.schema import (
    ABANDONED,
    ADJUSTMENT,
    AUDIT_COLUMNS,
    BILLING_STATUS_SQL,
    INSERT_AUDITED_SQL,
    LEDGER_COLUMNS,
)

MAX_NOTE_CHARS = 2000


class ReconcileRefused(StudioError):
    """An adjustment that cannot be made (unknown row, a row that is not an estimate, no note)."""

    kind = "invalid_input"
    exit_code = 2


def target_micro(cost_usd: Decimal | str, note: str) -> int:
    """The corrected cost in micro-dollars, once the note and the amount have been checked."""
    if not str(note).strip():
        raise ReconcileRefused("A reconciliation needs a note saying where the figure comes from.",
                               hint="Give the vendor's invoice line or dashboard figure in the note.")
    target = to_micro(Decimal(str(cost_usd)))
    if target < 0:
        raise ReconcileRefused(f"A call's cost cannot be negative ({cost_usd}).", hint="Give the billed amount.")
    return target


# Columns an adjustment row leaves at zero (it carries a cost difference, never tokens); the rest are NULL.
_ZERO_COLUMNS = frozenset(("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
                           "reasoning_tokens", "estimated", "cost_saved_micro_usd", "reserved_micro_usd", "overrun"))


def adjustment_row(conn: Any, row_id: int, target: int, note: str, *, by: str, now_iso: str,
                   mark: str = "?") -> dict[str, Any]:
    """The adjustment row (by column) that brings ``row_id`` to ``target`` micro-dollars.

    ``conn`` is either ledger's connection inside its write transaction; ``mark`` its placeholder.
    """
    found = conn.execute(
        f"SELECT request_id, user_id, use_case, provider, model, cost_micro_usd, created_at, "
        f"{BILLING_STATUS_SQL} FROM llm_usage WHERE id = {mark}", (row_id,)).fetchone()
    if found is None:
        raise ReconcileRefused(f"There is no ledger row {row_id}.", hint="Pick a row id from the Usage page.")
    request_id, user_id, use_case, provider, model, cost, created_at, billing = found
    if billing not in (ABANDONED, "estimate"):
        raise ReconcileRefused(
            f"Ledger row {row_id} is {billing!r}; only abandoned or estimated rows are reconciled.",
            hint="Rows the vendor billed exactly are already right.")
    earlier = conn.execute(f"SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage WHERE adjusts_id = {mark}",
                           (row_id,)).fetchone()[0]
    return {
        "request_id": request_id, "user_id": user_id, "use_case": use_case, "provider": provider, "model": model,
        "cost_micro_usd": target - int(cost) - int(earlier), "price_version": "", "status": ADJUSTMENT,
        "created_at": created_at, "note": redact(f"{note.strip()} (by {by}, {now_iso})")[:MAX_NOTE_CHARS],
        "adjusts_id": row_id,
    }


def values_for(columns: Sequence[str], row: dict[str, Any]) -> tuple[Any, ...]:
    """``row``'s values in the order of an INSERT's ``columns``."""
    return tuple(row.get(column, 0 if column in _ZERO_COLUMNS else None) for column in columns)


def adjust(conn: sqlite3.Connection, row_id: int, target: int, note: str, *, by: str, now_iso: str) -> int:
    """Insert the adjustment row that brings ``row_id`` to ``target`` micro-dollars; returns its id."""
    row = adjustment_row(conn, row_id, target, note, by=by, now_iso=now_iso)
    return int(conn.execute(INSERT_AUDITED_SQL, values_for((*LEDGER_COLUMNS, *AUDIT_COLUMNS), row)).lastrowid or 0)
