"""Numbered PostgreSQL migrations, recorded in ``studio_schema`` (one row per applied version).

Self-contained SQL: no import of live code, so a migration means today what it meant when it shipped.
Append a new ``(number, name, sql)`` entry at the end; never edit one that has shipped.

Table and column names follow the SQLite schema (core/migrations.py) so the dashboard queries of
core/usage run on both. Differences, each on purpose:
- timestamps are ``timestamptz`` (UTC); money stays integer micro-dollars (``bigint``);
- ``quota_months`` holds, per user and UTC month, the limit the last reservation was granted
  against, the settled spend, the amount held by calls in flight, and the spend that no hold
  covered (rows recorded without a reservation, overruns beyond a hold). Reservation is one
  conditional UPDATE of that row; its CHECK is the second line of defence:
  ``spent + held <= limit + unreserved`` can only break if a hold was granted past the limit;
- roll-ups are kept by one statement-level trigger over the inserted rows (a transition table), so a
  COPY of a million rows costs three GROUP BYs, not three million upserts.
"""

from __future__ import annotations

_SUMS = ("requests", "cache_hits", "errors", "cost_micro_usd", "cost_saved_micro_usd", "input_tokens",
         "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
_TOKENS = _SUMS[5:]
_VALUES = (
    "count(*)", "count(*) FILTER (WHERE status = 'cached')", "count(*) FILTER (WHERE status NOT IN ('ok', 'cached'))",
    "SUM(cost_micro_usd)", "SUM(cost_saved_micro_usd)",
    *(f"SUM(CASE WHEN status = 'cached' THEN 0 ELSE {k} END)" for k in _TOKENS),
)
_VALUES_M003 = (
    "count(*) FILTER (WHERE status <> 'adjustment')", "count(*) FILTER (WHERE status = 'cached')",
    "count(*) FILTER (WHERE status NOT IN ('ok', 'cached', 'adjustment'))",
    "SUM(cost_micro_usd)", "SUM(cost_saved_micro_usd)",
    *(f"SUM(CASE WHEN status = 'cached' THEN 0 ELSE {k} END)" for k in _TOKENS),
)
_ROLLUPS = {
    "llm_usage_daily": {"day": "(created_at AT TIME ZONE 'UTC')::date", "user_id": "user_id", "model": "model",
                        "provider": "provider", "use_case": "use_case"},
    "llm_usage_daily_all": {"day": "(created_at AT TIME ZONE 'UTC')::date", "model": "model",
                            "provider": "provider", "use_case": "use_case"},
    "llm_usage_user_month": {"month": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')", "user_id": "user_id"},
}


def _rollup_tables() -> str:
    out = []
    for table, keys in _ROLLUPS.items():
        cols = [f"{k} {'date' if k == 'day' else 'text'} NOT NULL" for k in keys]
        cols += [f"{c} bigint NOT NULL DEFAULT 0" for c in _SUMS]
        out.append(f"CREATE TABLE {table} ({', '.join(cols)}, PRIMARY KEY ({', '.join(keys)}));")
    out.append("CREATE INDEX idx_llm_usage_daily_user ON llm_usage_daily (user_id, day);")
    return "\n".join(out)


def _rollup_function(*, replace: bool = False) -> str:
    """The roll-up trigger function; ``replace`` is its m003 form (adjustment rows are money, not calls).
    Each migration's text must stay what it was when it shipped, hence the flag rather than an edit."""
    merge = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in _SUMS)
    values = _VALUES if not replace else _VALUES_M003
    body: list[str] = []
    rollups: list[str] = []
    for table, keys in _ROLLUPS.items():
        groups = ", ".join(str(i + 1) for i in range(len(keys)))
        rollups.append(
            f"INSERT INTO {table} AS t ({', '.join(keys)}, {', '.join(_SUMS)}) "
            f"SELECT {', '.join(keys.values())}, {', '.join(values)} FROM new_rows GROUP BY {groups} "
            f"ORDER BY {groups} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {merge};"
        )
    # The month's settled spend and the part of it no hold covered, in the row the reservations
    # use. Ordered by key so concurrent settlers lock rows in one order (no deadlock).
    # (An upsert cannot carry these sums: PostgreSQL checks the CHECK on the proposed row first.)
    body.append(
        "INSERT INTO quota_months (user_id, month) SELECT DISTINCT user_id, "
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') FROM new_rows ORDER BY 1, 2 "
        "ON CONFLICT (user_id, month) DO NOTHING;"
    )
    body.append(
        "UPDATE quota_months q SET spent_micro = q.spent_micro + n.spent, "
        "unreserved_micro = q.unreserved_micro + n.unreserved FROM (SELECT user_id, "
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, SUM(cost_micro_usd) AS spent, "
        "SUM(GREATEST(cost_micro_usd - reserved_micro_usd, 0)) AS unreserved FROM new_rows GROUP BY 1, 2) n "
        "WHERE q.user_id = n.user_id AND q.month = n.month;"
    )
    # m003: the month rows first, then the shared roll-up rows, the lock order of every ledger writer.
    body = [*body, *rollups] if replace else [*rollups, *body]
    function = (
        ("CREATE OR REPLACE" if replace else "CREATE") + " FUNCTION llm_usage_rollup() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN\n" + "\n".join(body) + "\nRETURN NULL; END $$;\n"
    )
    if replace:
        return function
    return function + (
        "CREATE TRIGGER llm_usage_rollup AFTER INSERT ON llm_usage REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION llm_usage_rollup();"
    )


M001_INITIAL = f"""
CREATE TABLE strategies (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    latest_version integer NOT NULL DEFAULT 1,
    deleted_at timestamptz
);
CREATE INDEX idx_strategies_user ON strategies (user_id, updated_at);
CREATE TABLE strategy_versions (
    strategy_id text NOT NULL REFERENCES strategies (id),
    version integer NOT NULL,
    body text NOT NULL,
    note text,
    source text,
    model text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (strategy_id, version)
);
CREATE TABLE ohlcv_cache (
    exchange text NOT NULL,
    symbol text NOT NULL,
    timeframe text NOT NULL,
    ts bigint NOT NULL,
    open double precision,
    high double precision,
    low double precision,
    close double precision,
    volume double precision,
    fetched_at timestamptz,
    PRIMARY KEY (exchange, symbol, timeframe, ts)
);
CREATE TABLE llm_usage (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id text NOT NULL,
    reservation_id text,
    user_id text NOT NULL,
    use_case text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    requested_model text,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cache_read_tokens bigint NOT NULL DEFAULT 0,
    cache_write_tokens bigint NOT NULL DEFAULT 0,
    reasoning_tokens bigint NOT NULL DEFAULT 0,
    estimated boolean NOT NULL DEFAULT false,
    cost_micro_usd bigint NOT NULL DEFAULT 0 CHECK (cost_micro_usd >= 0),
    cost_saved_micro_usd bigint NOT NULL DEFAULT 0,
    reserved_micro_usd bigint NOT NULL DEFAULT 0 CHECK (reserved_micro_usd >= 0),
    price_version text NOT NULL DEFAULT '',
    latency_ms double precision,
    ttft_ms double precision,
    status text NOT NULL,
    error text,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX idx_llm_usage_reservation ON llm_usage (reservation_id) WHERE reservation_id IS NOT NULL;
CREATE INDEX idx_llm_usage_created ON llm_usage (created_at);
CREATE INDEX idx_llm_usage_user_created ON llm_usage (user_id, created_at);
CREATE INDEX idx_llm_usage_request ON llm_usage (request_id);
{_rollup_tables()}
CREATE TABLE user_quotas (
    user_id text PRIMARY KEY,
    quota_usd text NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE quota_months (
    user_id text NOT NULL,
    month text NOT NULL,
    limit_micro bigint NOT NULL DEFAULT 0 CHECK (limit_micro >= 0),
    spent_micro bigint NOT NULL DEFAULT 0 CHECK (spent_micro >= 0),
    held_micro bigint NOT NULL DEFAULT 0 CHECK (held_micro >= 0),
    unreserved_micro bigint NOT NULL DEFAULT 0 CHECK (unreserved_micro >= 0),
    PRIMARY KEY (user_id, month),
    CONSTRAINT quota_months_within_limit CHECK (spent_micro + held_micro <= limit_micro + unreserved_micro)
);
CREATE TABLE quota_reservations (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    month text NOT NULL,
    request_id text,
    model text,
    amount bigint NOT NULL CHECK (amount >= 0),
    max_tokens integer,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX idx_quota_reservations_user ON quota_reservations (user_id, expires_at);
CREATE INDEX idx_quota_reservations_expires ON quota_reservations (expires_at);
{_rollup_function()}
CREATE TABLE llm_cache (
    user_id text NOT NULL,
    key text NOT NULL,
    value text NOT NULL,
    size integer NOT NULL,
    hits bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    last_hit timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idx_llm_cache_last_hit ON llm_cache (last_hit);
CREATE INDEX idx_llm_cache_expires ON llm_cache (expires_at);
"""

M002_ACCOUNTS = """
CREATE TABLE users (
    id text PRIMARY KEY,
    display_name text NOT NULL DEFAULT '',
    email text,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz,
    rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0)
);
CREATE TABLE api_keys (
    prefix text PRIMARY KEY,
    key_hash text NOT NULL UNIQUE,
    user_id text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX idx_api_keys_user ON api_keys (user_id, created_at);
"""

# Leases, overruns and adjustments (the SQLite m006): what an abandoned call is charged from, the overrun
# flag, an admin's note and the row an adjustment corrects. Flags become smallint so the portable SQL of
# core/usage (``overrun = 1``, ``estimated = 1``) reads the same on both backends. An adjustment can lower
# a cost, so a row's cost may be negative; the month's spend cannot. Adjustments are money, not calls.
M003_LEASES = """
ALTER TABLE quota_reservations ADD COLUMN input_tokens bigint NOT NULL DEFAULT 0;
ALTER TABLE quota_reservations ADD COLUMN output_seen bigint NOT NULL DEFAULT 0;
ALTER TABLE quota_reservations ADD COLUMN price_input text;
ALTER TABLE quota_reservations ADD COLUMN price_output text;
ALTER TABLE quota_reservations ADD COLUMN price_version text NOT NULL DEFAULT '';
ALTER TABLE quota_reservations ADD COLUMN use_case text NOT NULL DEFAULT '';
ALTER TABLE quota_reservations ADD COLUMN provider text NOT NULL DEFAULT '';
ALTER TABLE llm_usage ALTER COLUMN estimated DROP DEFAULT;
ALTER TABLE llm_usage ALTER COLUMN estimated TYPE smallint USING estimated::int;
ALTER TABLE llm_usage ALTER COLUMN estimated SET DEFAULT 0;
ALTER TABLE llm_usage DROP CONSTRAINT llm_usage_cost_micro_usd_check;
ALTER TABLE llm_usage ADD COLUMN overrun smallint NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN note text;
ALTER TABLE llm_usage ADD COLUMN adjusts_id bigint;
CREATE INDEX idx_llm_usage_overrun ON llm_usage (created_at) WHERE overrun = 1;
CREATE INDEX idx_llm_usage_adjusts ON llm_usage (adjusts_id) WHERE adjusts_id IS NOT NULL;
""" + _rollup_function(replace=True)

# Reserve and settle as one statement each (one round trip instead of six to eight): the same steps,
# run by the server inside the statement's own transaction. studio_reserve never sweeps: it answers
# 'expired' when the user has a lease to sweep first (the caller sweeps in its own transaction, which
# frees the amounts, and calls again), 'refused' with the month's figures, or 'held'. The hold is still
# the one conditional UPDATE, with the table's CHECK behind it. studio_settle drops the hold, frees it
# and inserts the attempt's row; false when the hold is gone (expired and swept: a late settlement).
M004_ONE_STATEMENT = """
CREATE FUNCTION studio_reserve(
    p_user text, p_month text, p_now timestamptz, p_default_limit bigint, p_amount bigint, p_check_expired boolean,
    p_id text, p_request_id text, p_model text, p_max_tokens integer, p_expires timestamptz, p_input_tokens bigint,
    p_price_input text, p_price_output text, p_price_version text, p_use_case text, p_provider text)
RETURNS TABLE (o_outcome text, o_spent bigint, o_held bigint, o_limit bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_limit bigint;
BEGIN
    IF p_check_expired AND EXISTS (SELECT 1 FROM quota_reservations r
                                   WHERE r.user_id = p_user AND r.expires_at <= p_now) THEN
        RETURN QUERY SELECT 'expired'::text, 0::bigint, 0::bigint, 0::bigint;
        RETURN;
    END IF;
    SELECT round(q.quota_usd::numeric * 1000000)::bigint INTO v_limit FROM user_quotas q WHERE q.user_id = p_user;
    IF NOT FOUND THEN
        v_limit := p_default_limit;
    END IF;
    INSERT INTO quota_months (user_id, month, limit_micro) VALUES (p_user, p_month, v_limit)
        ON CONFLICT (user_id, month) DO NOTHING;
    IF p_amount > 0 THEN
        UPDATE quota_months m SET held_micro = m.held_micro + p_amount, limit_micro = v_limit
         WHERE m.user_id = p_user AND m.month = p_month AND m.spent_micro + m.held_micro + p_amount <= v_limit;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'refused'::text, m.spent_micro, m.held_micro, v_limit
                           FROM quota_months m WHERE m.user_id = p_user AND m.month = p_month;
            RETURN;
        END IF;
    END IF;
    INSERT INTO quota_reservations (id, user_id, month, request_id, model, amount, max_tokens, created_at,
        expires_at, input_tokens, price_input, price_output, price_version, use_case, provider)
    VALUES (p_id, p_user, p_month, p_request_id, p_model, p_amount, p_max_tokens, p_now, p_expires, p_input_tokens,
        p_price_input, p_price_output, p_price_version, p_use_case, p_provider);
    RETURN QUERY SELECT 'held'::text, 0::bigint, 0::bigint, v_limit;
END $$;

CREATE FUNCTION studio_settle(
    p_id text, p_user text, p_row_month text, p_has_row boolean,
    r_request_id text, r_user_id text, r_use_case text, r_provider text, r_model text, r_requested_model text,
    r_input_tokens bigint, r_output_tokens bigint, r_cache_read_tokens bigint, r_cache_write_tokens bigint,
    r_reasoning_tokens bigint, r_estimated smallint, r_cost bigint, r_cost_saved bigint, r_price_version text,
    r_latency_ms double precision, r_ttft_ms double precision, r_status text, r_error text, r_created_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_month text;
    v_amount bigint;
BEGIN
    DELETE FROM quota_reservations r WHERE r.id = p_id RETURNING r.month, r.amount INTO v_month, v_amount;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE quota_months m SET held_micro = m.held_micro - v_amount WHERE m.user_id = p_user AND m.month = v_month;
    IF p_has_row THEN
        -- The hold covers the row only within its own month; a bill above the hold is flagged.
        INSERT INTO llm_usage (request_id, reservation_id, user_id, use_case, provider, model, requested_model,
            input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, estimated,
            cost_micro_usd, cost_saved_micro_usd, reserved_micro_usd, price_version, latency_ms, ttft_ms, status,
            error, created_at, overrun)
        VALUES (r_request_id, p_id, r_user_id, r_use_case, r_provider, r_model, r_requested_model, r_input_tokens,
            r_output_tokens, r_cache_read_tokens, r_cache_write_tokens, r_reasoning_tokens, r_estimated, r_cost,
            r_cost_saved, CASE WHEN v_month = p_row_month THEN v_amount ELSE 0 END, r_price_version, r_latency_ms,
            r_ttft_ms, r_status, r_error, r_created_at, CASE WHEN r_cost > v_amount THEN 1 ELSE 0 END)
        ON CONFLICT (reservation_id) WHERE reservation_id IS NOT NULL DO NOTHING;
    END IF;
    RETURN true;
END $$;
"""

M005_USER_LANGUAGE = """
ALTER TABLE users ADD COLUMN language text;
"""

# (version, name, SQL). The version is the schema version a database reports once it has run.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "m001_initial", M001_INITIAL),
    (2, "m002_accounts", M002_ACCOUNTS),
    (3, "m003_leases", M003_LEASES),
    (4, "m004_one_statement", M004_ONE_STATEMENT),
    (5, "m005_user_language", M005_USER_LANGUAGE),
]
