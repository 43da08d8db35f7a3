"""Usage accounting in SQL: money conversion, per-user quotas and the dashboard queries.

Every query aggregates in SQLite (mostly over the ``llm_usage_daily`` roll-up); none loads ledger rows
into Python, so the dashboard stays fast and small on millions of calls.
"""
