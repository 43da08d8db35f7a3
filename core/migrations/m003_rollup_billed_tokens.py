# ruff: noqa: E501
"""Token sums of the roll-up count billed tokens only: a cache hit's row keeps the tokens it saved
(for the CSV and the saving), but they were never processed by a vendor, so they stay out of
"tokens by kind". The roll-up is recomputed from the ledger under the new rule.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = 'm003_rollup_billed_tokens'

STATEMENTS = (
    """
        DROP TRIGGER llm_usage_rollup""",
    """
        CREATE TRIGGER llm_usage_rollup AFTER INSERT ON llm_usage BEGIN
            INSERT INTO llm_usage_daily (day, user_id, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens)
            VALUES (substr(NEW.created_at, 1, 10), NEW.user_id, NEW.model, NEW.provider, NEW.use_case, 1, NEW.status = 'cached', NEW.status NOT IN ('ok', 'cached'), NEW.cost_micro_usd, NEW.cost_saved_micro_usd, iif(NEW.status = 'cached', 0, NEW.input_tokens), iif(NEW.status = 'cached', 0, NEW.output_tokens), iif(NEW.status = 'cached', 0, NEW.cache_read_tokens), iif(NEW.status = 'cached', 0, NEW.cache_write_tokens), iif(NEW.status = 'cached', 0, NEW.reasoning_tokens))
            ON CONFLICT (day, user_id, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
        END""",
    """
        DELETE FROM llm_usage_daily
        """,
    """INSERT INTO llm_usage_daily (day, user_id, model, provider, use_case, requests, cache_hits, errors, cost_micro_usd, cost_saved_micro_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens) SELECT * FROM (SELECT substr(created_at, 1, 10), user_id, model, provider, use_case, count(*), SUM(status = 'cached'), SUM(status NOT IN ('ok', 'cached')), SUM(cost_micro_usd), SUM(cost_saved_micro_usd), SUM(iif(status = 'cached', 0, input_tokens)), SUM(iif(status = 'cached', 0, output_tokens)), SUM(iif(status = 'cached', 0, cache_read_tokens)), SUM(iif(status = 'cached', 0, cache_write_tokens)), SUM(iif(status = 'cached', 0, reasoning_tokens)) FROM llm_usage WHERE id > 0 GROUP BY 1, 2, 3, 4, 5) WHERE true ON CONFLICT (day, user_id, model, provider, use_case) DO UPDATE SET requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits, errors = errors + excluded.errors, cost_micro_usd = cost_micro_usd + excluded.cost_micro_usd, cost_saved_micro_usd = cost_saved_micro_usd + excluded.cost_saved_micro_usd, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens""",
)
