"""Response cache: per-user, TTL, bounded with LRU eviction, a hit costs 0 and reports its saving.

A contract suite: every test runs on SQLite and on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from core.llm.types import Completion, Usage, UsageRow
from core.storage import get_db
from core.usage.cache import SqliteCache
from tests.fixtures.backends import Backend

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _answer(text: str = '{"name": "RSI dip"}', cost: str = "0.002865") -> Completion:
    return Completion(text=text, model="gpt-x", provider="openai", requested_model="gpt-x",
                      usage=Usage(1200, 300, cache_read_tokens=50), cost_usd=Decimal(cost), finish_reason="stop",
                      request_id="req-1", cache_key="k1")


def test_hit_returns_the_answer_at_zero_cost_with_its_saving(backend: Backend) -> None:
    cache = backend.cache()
    cache.put("alice", "k1", _answer(), ttl_s=900)
    hit = cache.get("alice", "k1")
    assert hit is not None
    assert hit.text == '{"name": "RSI dip"}' and hit.model == "gpt-x" and hit.provider == "openai"
    assert hit.cached is True
    assert hit.cost_usd == 0
    assert hit.cost_saved_usd == Decimal("0.002865")
    assert hit.usage == Usage(1200, 300, cache_read_tokens=50)


def test_hit_recorded_in_the_ledger_costs_nothing_and_reports_the_saving(backend: Backend) -> None:
    cache = backend.cache()
    ledger = backend.ledger("1")
    cache.put("alice", "k1", _answer(), ttl_s=900)
    hit = cache.get("alice", "k1")
    assert hit is not None
    ledger.record(UsageRow("req-2", "alice", "strategy_generation", hit.provider, hit.model, hit.requested_model,
                           hit.usage, hit.cost_usd, "cached", cost_saved_usd=hit.cost_saved_usd))
    spent, saved = backend.rows("SELECT SUM(cost_micro_usd), SUM(cost_saved_micro_usd) FROM llm_usage")[0]
    assert (spent, saved) == (0, 2865)
    assert ledger.month_spend_usd("alice") == 0


def test_entries_are_scoped_per_user(backend: Backend) -> None:
    cache = backend.cache()
    cache.put("alice", "k1", _answer("alice's answer"), ttl_s=900)
    assert cache.get("bob", "k1") is None
    cache.put("bob", "k1", _answer("bob's answer"), ttl_s=900)
    assert cache.get("alice", "k1").text == "alice's answer"  # type: ignore[union-attr]
    assert cache.get("bob", "k1").text == "bob's answer"  # type: ignore[union-attr]


def test_entries_expire_after_their_ttl(backend: Backend) -> None:
    clock = Clock()
    cache = backend.cache(clock=clock)
    cache.put("alice", "k1", _answer(), ttl_s=60)
    clock.now += timedelta(seconds=59)
    assert cache.get("alice", "k1") is not None
    clock.now += timedelta(seconds=2)
    assert cache.get("alice", "k1") is None


def test_zero_ttl_disables_caching(backend: Backend) -> None:
    cache = backend.cache()
    cache.put("alice", "k1", _answer(), ttl_s=0)
    assert cache.get("alice", "k1") is None


def test_size_bound_evicts_the_least_recently_used(backend: Backend) -> None:
    clock = Clock()
    cache = backend.cache(max_entries=3, clock=clock)
    for key in ("a", "b", "c"):
        clock.now += timedelta(seconds=1)
        cache.put("alice", key, _answer(key), ttl_s=900)
    clock.now += timedelta(seconds=1)
    assert cache.get("alice", "a") is not None  # "a" is now the most recently used
    clock.now += timedelta(seconds=1)
    cache.put("alice", "d", _answer("d"), ttl_s=900)
    assert cache.stats()["entries"] == 3
    assert cache.get("alice", "b") is None
    assert [cache.get("alice", k) is not None for k in ("a", "c", "d")] == [True, True, True]


def test_byte_bound_evicts_oldest_until_it_fits(backend: Backend) -> None:
    clock = Clock()
    big = "x" * 1000
    cache = backend.cache(max_entries=100, max_bytes=3500, clock=clock)
    for key in ("a", "b", "c", "d"):
        clock.now += timedelta(seconds=1)
        cache.put("alice", key, _answer(big), ttl_s=900)
    stats = cache.stats()
    assert stats["bytes"] <= 3500 and stats["entries"] == 2
    assert cache.get("alice", "a") is None and cache.get("alice", "d") is not None


def test_clear_one_user_or_everyone(backend: Backend) -> None:
    cache = backend.cache()
    cache.put("alice", "k1", _answer(), ttl_s=900)
    cache.put("bob", "k1", _answer(), ttl_s=900)
    assert cache.clear("alice") == 1
    assert cache.get("alice", "k1") is None and cache.get("bob", "k1") is not None
    assert cache.clear() == 1
    assert cache.stats()["entries"] == 0


def test_cache_survives_a_new_process(backend: Backend) -> None:
    # The answer is stored by another Python process; this one has never opened the storage.
    writer = (
        "import sys; from tests.fixtures.backends import Spec, open_cache; "
        "from tests.test_cache_sqlite import _answer; "
        "open_cache(Spec(sys.argv[1], sys.argv[2])).put('alice', 'k1', _answer(), ttl_s=900)"
    )
    subprocess.run([sys.executable, "-c", writer, backend.spec.kind, backend.spec.target], check=True, cwd=ROOT,
                   timeout=60)
    assert backend.cache().get("alice", "k1") is not None


def test_cache_key_covers_everything_that_shapes_the_answer() -> None:
    from dataclasses import replace

    from core.llm.gateway import cache_key
    from core.llm.types import ChatRequest, Message

    base = ChatRequest("market_analysis", [Message("system", "Be terse."), Message("user", "BTC?")],
                       template_version="market_analysis.en:1")
    key = cache_key("openai", "gpt-x", base)
    assert len(key) == 64 and key == cache_key("openai", "gpt-x", replace(base))  # SHA-256, deterministic
    variants = {
        "provider": cache_key("custom", "gpt-x", base),
        "model": cache_key("openai", "gpt-y", base),
        "roles": cache_key("openai", "gpt-x", replace(base, messages=[Message("user", "Be terse."),
                                                                     Message("user", "BTC?")])),
        "messages": cache_key("openai", "gpt-x", replace(base, messages=[Message("system", "Be terse."),
                                                                        Message("user", "ETH?")])),
        "temperature": cache_key("openai", "gpt-x", replace(base, temperature=0.9)),
        "top_p": cache_key("openai", "gpt-x", replace(base, top_p=0.5)),
        "max_tokens": cache_key("openai", "gpt-x", replace(base, max_tokens=100)),
        "output_schema": cache_key("openai", "gpt-x", replace(base, output_schema={"type": "object"})),
        "template_version": cache_key("openai", "gpt-x", replace(base, template_version="market_analysis.en:2")),
    }
    for what, other in variants.items():
        assert other != key, f"changing the {what} must change the cache key"
    # What does not shape the answer does not split the cache (the user scopes entries separately).
    assert cache_key("openai", "gpt-x", replace(base, user="carol", request_id="r9", deadline_s=5)) == key


def test_a_write_never_scans_the_cache_table() -> None:
    """O(1) amortised writes: no statement of a put (trimming included) reads the whole table."""
    db = get_db(":memory:")
    clock = Clock()
    cache = SqliteCache(db, max_entries=50, max_bytes=40_000, clock=clock)
    for i in range(60):  # past both bounds, so every trimming path runs
        cache.put("alice", f"k{i}", _answer(f"answer {i}" + " " * 600), ttl_s=5 if i % 3 else 900)
        clock.now += timedelta(seconds=2)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        for i in range(60, 80):
            cache.put("alice", f"k{i}", _answer(f"answer {i}" + " " * 600), ttl_s=900)
            clock.now += timedelta(seconds=2)
    finally:
        db.conn.set_trace_callback(None)
    plans = []
    for sql in {s for s in statements if "llm_cache" in s and not s.startswith(("BEGIN", "COMMIT"))}:
        plans += [(sql, row[-1]) for row in db.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
    scans = [(sql, step) for sql, step in plans if step.startswith("SCAN llm_cache")]
    assert plans and not scans, scans


def test_totals_stay_exact_and_expired_entries_are_trimmed_as_the_cache_is_used(tmp_path: Path) -> None:
    db = get_db(tmp_path / "studio.db")  # SQLite's running totals (m007); PostgreSQL counts with its index
    clock = Clock()
    cache = SqliteCache(db, max_entries=1000, clock=clock)
    for i in range(20):
        cache.put("alice", f"old{i}", _answer(), ttl_s=60)
    clock.now += timedelta(seconds=120)  # all twenty expire; the cache is far below its bounds
    for i in range(5):
        cache.put("bob", f"new{i}", _answer(), ttl_s=900)
    cache.put("bob", "new0", _answer("a longer answer than before"), ttl_s=900)  # a resize, not a new entry
    left = db.execute("SELECT count(*) FROM llm_cache WHERE expires_at <= ?", (clock.now.isoformat(),)).fetchone()[0]
    assert left < 20  # trimmed a few per write although no bound was reached
    assert db.execute("SELECT entries, bytes FROM llm_cache_totals").fetchone() == db.execute(
        "SELECT count(*), SUM(size) FROM llm_cache").fetchone()
    cache.clear("alice")
    assert db.execute("SELECT entries, bytes FROM llm_cache_totals").fetchone() == db.execute(
        "SELECT count(*), COALESCE(SUM(size), 0) FROM llm_cache").fetchone()
