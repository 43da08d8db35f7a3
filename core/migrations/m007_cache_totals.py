"""Running totals of the response cache, so a write never counts or sums the whole table.

``llm_cache_totals`` holds one row (entries, bytes) kept exact by triggers on ``llm_cache``; the
trimming by size and age reads it in O(1) and evicts a bounded batch through the expiry and recency
indexes.

Frozen text: this is the SQL as it shipped. Never edit it; add a new migration instead.
"""

NAME = "m007_cache_totals"

STATEMENTS = (
    """CREATE TABLE llm_cache_totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    entries INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0
)""",
    """INSERT INTO llm_cache_totals (id, entries, bytes) SELECT 1, count(*), COALESCE(SUM(size), 0) FROM llm_cache""",
    """CREATE TRIGGER llm_cache_totals_insert AFTER INSERT ON llm_cache BEGIN
    UPDATE llm_cache_totals SET entries = entries + 1, bytes = bytes + NEW.size WHERE id = 1;
END""",
    """CREATE TRIGGER llm_cache_totals_delete AFTER DELETE ON llm_cache BEGIN
    UPDATE llm_cache_totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE id = 1;
END""",
    """CREATE TRIGGER llm_cache_totals_resize AFTER UPDATE OF size ON llm_cache BEGIN
    UPDATE llm_cache_totals SET bytes = bytes - OLD.size + NEW.size WHERE id = 1;
END""",
)
