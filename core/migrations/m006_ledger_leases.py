# ruff: noqa: E501
"""Leases, overruns and adjustments.

- ``quota_reservations`` keeps what an abandoned call is charged from: the input tokens the request
  carried, the output seen so far, the model's input and output rates (decimal text, USD per Mtok) and
  the row's use case and provider. ``expires_at`` is now a lease, renewed while the call runs.
- ``llm_usage.overrun`` flags a row whose real cost passed its reservation; ``note`` and
  ``adjusts_id`` let an admin reconcile a row with a new ``adjustment`` row (rows are never deleted).
- The roll-up triggers count an adjustment's money and tokens but not as a request or an error.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = "m006_ledger_leases"

STATEMENTS = (
    """ALTER TABLE quota_reservations ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE quota_reservations ADD COLUMN output_seen INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE quota_reservations ADD COLUMN price_input TEXT""",
    """ALTER TABLE quota_reservations ADD COLUMN price_output TEXT""",
    """ALTER TABLE quota_reservations ADD COLUMN price_version TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE quota_reservations ADD COLUMN use_case TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE quota_reservations ADD COLUMN provider TEXT NOT NULL DEFAULT ''""",
    """CREATE INDEX idx_quota_reservations_expires ON quota_reservations (expires_at)""",
    """ALTER TABLE llm_usage ADD COLUMN overrun INTEGER NOT NULL DEFAULT 0""",
    """ALTER TABLE llm_usage ADD COLUMN note TEXT""",
    """ALTER TABLE llm_usage ADD COLUMN adjusts_id INTEGER""",
    """CREATE INDEX idx_llm_usage_overrun ON llm_usage (created_at) WHERE overrun = 1""",
    """CREATE INDEX idx_llm_usage_adjusts ON llm_usage (adjusts_id) WHERE adjusts_id IS NOT NULL""",
    """DROP TRIGGER llm_usage_rollup""",
    """DROP TRIGGER llm_usage_daily_all_rollup""",
    """DROP TRIGGER llm_usage_user_month_rollup""",
    """CREATE TRIGGER llm_usage_rollup AFTER INSERT ON llm_usage BEGIN
    INSERT INTO llm_usage_daily (day, user_id, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
    VALUES (substr(NEW.created_at, 1, 10), NEW.user_id, NEW.model, NEW.provider, NEW.use_case, NEW.status <> 'adjustment', NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached', 'adjustment'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
    ON CONFLICT (day, user_id, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END""",
    """CREATE TRIGGER llm_usage_daily_all_rollup AFTER INSERT ON llm_usage BEGIN
    INSERT INTO llm_usage_daily_all (day, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
    VALUES (substr(NEW.created_at, 1, 10), NEW.model, NEW.provider, NEW.use_case, NEW.status <> 'adjustment', NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached', 'adjustment'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
    ON CONFLICT (day, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END""",
    """CREATE TRIGGER llm_usage_user_month_rollup AFTER INSERT ON llm_usage BEGIN
    INSERT INTO llm_usage_user_month (month, user_id, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
    VALUES (substr(NEW.created_at, 1, 7), NEW.user_id, NEW.status <> 'adjustment', NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached', 'adjustment'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
    ON CONFLICT (month, user_id) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END""",
)
