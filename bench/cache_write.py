"""Benchmark: the response cache's write cost as the cache fills (issue: a write must be O(1) amortised).

Run: ``python bench/cache_write.py [--writes N]``.

A fresh SQLite file, a cache bounded at 5,000 entries. It fills the cache to 100 entries and times N
further writes (median per write), then fills it to 5,000 (the bound, so every write now also evicts)
and times N more. It prints both medians and their ratio; the baseline is the small cache in the same
process. Target: ratio <= 2 (a write that counted or summed the table grew ~70x between the two sizes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.llm.types import Completion, Usage
from core.storage import get_db
from core.usage.cache import SqliteCache

MAX_ENTRIES = 5000
TARGET_RATIO = 2.0


def _answer(i: int) -> Completion:
    text = f'{{"name": "RSI dip {i}", "nodes": []}}' + " " * 600  # a typical strategy answer's size
    return Completion(text=text, model="gpt-5.4-mini", provider="openai", requested_model=None,
                      usage=Usage(1200, 300), cost_usd=Decimal("0.002250"), request_id=f"r{i}", cache_key=f"k{i}")


def per_write_ms(cache: SqliteCache, start: int, writes: int) -> float:
    times = []
    for i in range(start, start + writes):
        answer = _answer(i)
        t0 = time.perf_counter()
        cache.put(f"user-{i % 50}", f"key-{i}", answer, ttl_s=10**9)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = SqliteCache(get_db(Path(tmp) / "bench.db"), max_entries=MAX_ENTRIES)
        per_write_ms(cache, 0, 100)  # fill to 100 entries
        small = per_write_ms(cache, 100, args.writes)
        filled = 100 + args.writes
        per_write_ms(cache, filled, MAX_ENTRIES - filled)  # fill to the bound
        entries = cache.stats()["entries"]
        large = per_write_ms(cache, MAX_ENTRIES, args.writes)
        after = cache.stats()["entries"]
    ratio = large / small if small else float("inf")
    print(f"{'cache write, ~100 entries (baseline)':<48} {small:>8.3f} ms")
    print(f"{f'cache write, {entries:,} entries (at the bound, evicting)':<48} {large:>8.3f} ms")
    print(f"{'ratio':<48} {ratio:>8.2f}  {'ok' if ratio <= TARGET_RATIO else 'SLOW'} (target <= {TARGET_RATIO})")
    print(f"{'entries after the run (bound ' + format(MAX_ENTRIES, ',') + ')':<48} {after:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
