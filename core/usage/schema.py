"""The ledger's live SQL vocabulary, defined once: the row INSERT, the token kinds and the roll-ups.

The roll-up tables and their triggers were created by migrations m002-m004 and m006 (frozen text); this module is what
today's code reads and writes them with (bulk loads, repair, the dashboard queries).
Counting rules: one request per row; cache hits and failures counted; tokens are billed tokens only
(a cache hit's row keeps the tokens it saved, but they stay out of the sums).
"""

from __future__ import annotations

from core.llm.types import TOKEN_KINDS

LEDGER_COLUMNS = (
    "request_id", "reservation_id", "user_id", "use_case", "provider", "model", "requested_model",
    *TOKEN_KINDS, "estimated", "cost_micro_usd", "cost_saved_micro_usd", "price_version", "latency_ms", "ttft_ms",
    "status", "error", "created_at",
)
INSERT_SQL = (
    f"INSERT INTO llm_usage ({', '.join(LEDGER_COLUMNS)}) VALUES ({', '.join('?' for _ in LEDGER_COLUMNS)})"
)
# The same with the columns of m006: the overrun flag, an admin's note and the row an adjustment reconciles.
AUDIT_COLUMNS = ("overrun", "note", "adjusts_id")
INSERT_AUDITED_SQL = (
    f"INSERT INTO llm_usage ({', '.join((*LEDGER_COLUMNS, *AUDIT_COLUMNS))}) "
    f"VALUES ({', '.join('?' for _ in (*LEDGER_COLUMNS, *AUDIT_COLUMNS))})"
)

# Stored statuses with a meaning of their own ('ok', 'cancelled' and the error kinds come from the gateway).
CACHED, ABANDONED, ADJUSTMENT = "cached", "abandoned", "adjustment"

# What a user reads as a row's billing status, in one SQL expression over an llm_usage row:
# ok | overrun | abandoned | estimate | error | cache_hit, and "adjustment" for an admin's correction row.
# A failed attempt that reached the vendor but got no usage back is charged our own input count
# (estimated = 1): that charge is an estimate an admin may reconcile, so it reads "estimate", not
# "error". "error" is left for failures billed by the vendor's own figures (or not billed at all).
BILLING_STATUSES = ("ok", "overrun", "abandoned", "estimate", "error", "cache_hit", "adjustment")
BILLING_STATUS_SQL = (
    "CASE WHEN status = 'cached' THEN 'cache_hit' WHEN status = 'abandoned' THEN 'abandoned' "
    "WHEN status = 'adjustment' THEN 'adjustment' WHEN overrun = 1 THEN 'overrun' "
    "WHEN estimated = 1 AND cost_micro_usd > 0 THEN 'estimate' "
    "WHEN status NOT IN ('ok', 'cancelled') THEN 'error' WHEN estimated = 1 THEN 'estimate' ELSE 'ok' END"
)

# Roll-up table -> its key columns (column -> expression over an llm_usage row).
ROLLUPS: dict[str, dict[str, str]] = {
    "llm_usage_daily": {"day": "substr(created_at, 1, 10)", "user_id": "user_id", "model": "model",
                        "provider": "provider", "use_case": "use_case"},
    "llm_usage_daily_all": {"day": "substr(created_at, 1, 10)", "model": "model", "provider": "provider",
                            "use_case": "use_case"},
    "llm_usage_user_month": {"month": "substr(created_at, 1, 7)", "user_id": "user_id"},
}
DAILY_USER, DAILY_ALL, USER_MONTH = ROLLUPS

# Each roll-up's summed columns and how one ledger row contributes to them.
ROLLUP_SUMS: dict[str, str] = {
    "requests": "SUM(status <> 'adjustment')",  # an adjustment corrects money, it is not a call
    "cache_hits": "SUM(status = 'cached')",
    "errors": "SUM(status NOT IN ('ok', 'cached', 'adjustment'))",
    "cost_micro_usd": "SUM(cost_micro_usd)",
    "cost_saved_micro_usd": "SUM(cost_saved_micro_usd)",
    **{k: f"SUM(iif(status = 'cached', 0, {k}))" for k in TOKEN_KINDS},
}
