"""Users and their API keys. A key is stored as its SHA-256 hash with a short visible prefix;
``rate_limit_per_minute`` NULL means the configured default.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = "m005_accounts"

STATEMENTS = (
    """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL DEFAULT '',
            email TEXT,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            rate_limit_per_minute INTEGER
        )""",
    """
        CREATE TABLE api_keys (
            prefix TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at TEXT
        )""",
    """
        CREATE INDEX idx_api_keys_user ON api_keys (user_id, created_at)
        """,
)
