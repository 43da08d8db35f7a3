"""The PostgreSQL ledger row: its columns and the INSERT both the ledger and the lease sweep use.

``reserved_micro_usd`` (what the row's hold covered) feeds the month's unreserved spend; a second insert
for one reservation is ignored, so a retried settle or a sweep racing a settle leaves one row.
"""

from __future__ import annotations

COLUMNS = (
    "request_id", "reservation_id", "user_id", "use_case", "provider", "model", "requested_model",
    "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "estimated",
    "cost_micro_usd", "cost_saved_micro_usd", "reserved_micro_usd", "price_version", "latency_ms", "ttft_ms",
    "status", "error", "created_at", "overrun", "note", "adjusts_id",
)
INSERT_SQL = (
    f"INSERT INTO llm_usage ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
    "ON CONFLICT (reservation_id) WHERE reservation_id IS NOT NULL DO NOTHING"
)
