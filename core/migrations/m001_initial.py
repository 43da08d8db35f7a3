"""

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = 'm001_initial'

STATEMENTS = (
    """
        CREATE TABLE strategies (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            latest_version INTEGER NOT NULL DEFAULT 1,
            deleted_at TEXT
        )""",
    """
        CREATE INDEX idx_strategies_user ON strategies (user_id, updated_at)""",
    """
        CREATE TABLE strategy_versions (
            strategy_id TEXT NOT NULL REFERENCES strategies (id),
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            note TEXT,
            source TEXT,
            model TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (strategy_id, version)
        )""",
    """
        CREATE TABLE ohlcv_cache (
            exchange TEXT NOT NULL,
            symbol TEXT NOT NULL,
            timeframe TEXT NOT NULL,
            ts INTEGER NOT NULL,
            open REAL,
            high REAL,
            low REAL,
            close REAL,
            volume REAL,
            fetched_at TEXT,
            PRIMARY KEY (exchange, symbol, timeframe, ts)
        )
        """,
)
