# ruff: noqa: E501
"""Two more roll-ups so every dashboard query reads a few hundred rows at most:
``llm_usage_daily_all`` (no user: the all-users views) and ``llm_usage_user_month`` (one row per
user and month: spend by user, the user filter, the month picker).

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = 'm004_rollups_all_users_and_user_month'

STATEMENTS = (
    """
        CREATE TABLE llm_usage_daily_all (day TEXT NOT NULL,
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
reasoning_tokens INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, model, provider, use_case)) WITHOUT ROWID""",
    """
        CREATE TRIGGER llm_usage_daily_all_rollup AFTER INSERT ON llm_usage BEGIN
            INSERT INTO llm_usage_daily_all (day, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
            VALUES (substr(NEW.created_at, 1, 10), NEW.model, NEW.provider, NEW.use_case, 1, NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
            ON CONFLICT (day, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
        END
    """,
    """
        CREATE TABLE llm_usage_user_month (month TEXT NOT NULL,
user_id TEXT NOT NULL,
requests INTEGER NOT NULL DEFAULT 0,
cache_hits INTEGER NOT NULL DEFAULT 0,
errors INTEGER NOT NULL DEFAULT 0,
cost_micro_usd INTEGER NOT NULL DEFAULT 0,
cost_saved_micro_usd INTEGER NOT NULL DEFAULT 0,
input_tokens INTEGER NOT NULL DEFAULT 0,
output_tokens INTEGER NOT NULL DEFAULT 0,
cache_read_tokens INTEGER NOT NULL DEFAULT 0,
cache_write_tokens INTEGER NOT NULL DEFAULT 0,
reasoning_tokens INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (month, user_id)) WITHOUT ROWID""",
    """
        CREATE TRIGGER llm_usage_user_month_rollup AFTER INSERT ON llm_usage BEGIN
            INSERT INTO llm_usage_user_month (month, user_id, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
            VALUES (substr(NEW.created_at, 1, 7), NEW.user_id, 1, NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
            ON CONFLICT (month, user_id) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
        END
    """,
    """INSERT INTO llm_usage_daily_all (day, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens) SELECT * FROM (SELECT substr(created_at, 1, 10), model, provider, use_case, count(*), SUM(status = 'cached'), SUM(status NOT IN ('ok', 'cached')), SUM(cost_micro_usd), SUM(cost_saved_micro_usd), SUM(iif(status = 'cached', 0, input_tokens)), SUM(iif(status = 'cached', 0, output_tokens)), SUM(iif(status = 'cached', 0, cache_read_tokens)), SUM(iif(status = 'cached', 0, cache_write_tokens)), SUM(iif(status = 'cached', 0, reasoning_tokens)) FROM llm_usage WHERE id > 0 GROUP BY 1, 2, 3, 4) WHERE true ON CONFLICT (day, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens""",
    """INSERT INTO llm_usage_user_month (month, user_id, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens) SELECT * FROM (SELECT substr(created_at, 1, 7), user_id, count(*), SUM(status = 'cached'), SUM(status NOT IN ('ok', 'cached')), SUM(cost_micro_usd), SUM(cost_saved_micro_usd), SUM(iif(status = 'cached', 0, input_tokens)), SUM(iif(status = 'cached', 0, output_tokens)), SUM(iif(status = 'cached', 0, cache_read_tokens)), SUM(iif(status = 'cached', 0, cache_write_tokens)), SUM(iif(status = 'cached', 0, reasoning_tokens)) FROM llm_usage WHERE id > 0 GROUP BY 1, 2) WHERE true ON CONFLICT (month, user_id) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens""",
)
