# ruff: noqa: E501
"""The ledger, its daily roll-up (kept by a trigger), quotas, reservations and the response cache.

``llm_usage_daily`` is maintained by an AFTER INSERT trigger in the inserting transaction, so every
writer (the ledger, a bulk import, the benchmark) keeps it exact, and the dashboard and the quota
check sum at most (days x models x use cases) rows instead of every call of the month.
Ledger rows are append-only; there is no UPDATE or DELETE path to mirror.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = 'm002_llm_usage'

STATEMENTS = (
    """
        CREATE TABLE llm_usage (
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            reservation_id TEXT,
            user_id TEXT NOT NULL,
            use_case TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            requested_model TEXT,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            estimated INTEGER NOT NULL DEFAULT 0,
            cost_micro_usd INTEGER NOT NULL DEFAULT 0,
            cost_saved_micro_usd INTEGER NOT NULL DEFAULT 0,
            price_version TEXT NOT NULL DEFAULT '',
            latency_ms REAL,
            ttft_ms REAL,
            status TEXT NOT NULL,
            error TEXT,
            created_at TEXT NOT NULL
        )""",
    """
        CREATE UNIQUE INDEX idx_llm_usage_reservation ON llm_usage (reservation_id)
            WHERE reservation_id IS NOT NULL""",
    """
        CREATE INDEX idx_llm_usage_created ON llm_usage (created_at)""",
    """
        CREATE INDEX idx_llm_usage_user_created ON llm_usage (user_id, created_at)""",
    """
        CREATE INDEX idx_llm_usage_request ON llm_usage (request_id)""",
    """
        CREATE TABLE llm_usage_daily (
            day TEXT NOT NULL,
            user_id TEXT NOT NULL,
            model TEXT NOT NULL,
            provider TEXT NOT NULL,
            use_case TEXT NOT NULL,
            requests INTEGER NOT NULL DEFAULT 0,
            cache_hits INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            cost_micro_usd INTEGER NOT NULL DEFAULT 0,
            cost_saved_micro_usd INTEGER NOT NULL DEFAULT 0,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, user_id, model, provider, use_case)
        ) WITHOUT ROWID""",
    """
        CREATE INDEX idx_llm_usage_daily_user ON llm_usage_daily (user_id, day)""",
    """
        CREATE TRIGGER llm_usage_rollup AFTER INSERT ON llm_usage BEGIN
            INSERT INTO llm_usage_daily (day, user_id, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
            VALUES (substr(NEW.created_at, 1, 10), NEW.user_id, NEW.model, NEW.provider, NEW.use_case, 1, NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.reasoning_tokens)
            ON CONFLICT (day, user_id, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
        END""",
    """
        CREATE TABLE quota_reservations (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            request_id TEXT,
            model TEXT,
            amount INTEGER NOT NULL,
            max_tokens INTEGER,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
    """
        CREATE INDEX idx_quota_reservations_user ON quota_reservations (user_id, expires_at)""",
    """
        CREATE TABLE user_quotas (
            user_id TEXT PRIMARY KEY,
            quota_usd TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    """
        CREATE TABLE llm_cache (
            user_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            size INTEGER NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            last_hit TEXT NOT NULL,
            PRIMARY KEY (user_id, key)
        )""",
    """
        CREATE INDEX idx_llm_cache_last_hit ON llm_cache (last_hit)""",
    """
        CREATE INDEX idx_llm_cache_expires ON llm_cache (expires_at)
        """,
)
