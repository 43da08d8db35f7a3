"""``quota_reservations`` as a WITHOUT ROWID table keyed by its id, with one secondary index.

Every call inserts a hold, renews it and deletes it. As a rowid table with a TEXT primary key each of
those touched four b-trees (the table, the id's index, ``(user_id, expires_at)``, ``(expires_at)``);
now two: the table itself, clustered on id (renew and settle find a hold by id), and
``(user_id, expires_at)``, which the reservation's held-sum reads. The sweep of expired leases, at most
once a second, scans the table: it only holds the calls in flight.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = "m009_reservations_without_rowid"

STATEMENTS = (
    """
        CREATE TABLE quota_reservations_m009 (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            request_id TEXT,
            model TEXT,
            amount INTEGER NOT NULL,
            max_tokens INTEGER,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_seen INTEGER NOT NULL DEFAULT 0,
            price_input TEXT,
            price_output TEXT,
            price_version TEXT NOT NULL DEFAULT '',
            use_case TEXT NOT NULL DEFAULT '',
            provider TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID""",
    """
        INSERT INTO quota_reservations_m009 (id, user_id, request_id, model, amount, max_tokens, created_at,
            expires_at, input_tokens, output_seen, price_input, price_output, price_version, use_case, provider)
        SELECT id, user_id, request_id, model, amount, max_tokens, created_at, expires_at, input_tokens,
            output_seen, price_input, price_output, price_version, use_case, provider
        FROM quota_reservations""",
    """
        DROP TABLE quota_reservations""",
    """
        ALTER TABLE quota_reservations_m009 RENAME TO quota_reservations""",
    """
        CREATE INDEX idx_quota_reservations_user ON quota_reservations (user_id, expires_at)""",
)
