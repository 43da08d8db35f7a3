"""What both ledger benchmarks share: the synthetic ledger rows and the median timer."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from core.llm.types import USE_CASES
from core.storage import iso
from core.usage.period import Month

MODELS = [
    ("gpt-4o-mini", "openai"), ("gpt-4.1", "openai"), ("o4-mini", "openai"), ("claude-sonnet-4-5", "anthropic"),
    ("claude-haiku-4-5", "anthropic"), ("glm-4.6", "glm"), ("glm-4.5-air", "glm"), ("llama-3.3-70b", "custom"),
]
USERS = [f"user{i:02d}" for i in range(49)] + ["local"]
MONTHS = [Month(2026, 9), Month(2026, 10), Month(2026, 11)]

def rows(n: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """Ledger rows in time order (the ledger is append-only), generated lazily to keep memory flat."""
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    span = (datetime(2026, 12, 1, tzinfo=UTC) - start).total_seconds()
    step = span / n
    for i in range(n):
        model, provider = MODELS[rng.randrange(len(MODELS))]
        r = rng.random()
        status = "ok" if r < 0.9 else "cached" if r < 0.95 else rng.choice(["rate_limited", "unavailable", "cut"])
        inp, out = rng.randint(200, 4000), rng.randint(50, 1500)
        cost = 0 if status in ("cached", "rate_limited", "unavailable") else rng.randint(10, 60_000)
        saved = rng.randint(10, 60_000) if status == "cached" else 0
        yield (
            f"req-{i}", None, USERS[rng.randrange(len(USERS))], USE_CASES[rng.randrange(len(USE_CASES))],
            provider, model, model,
            inp, out, rng.randint(0, 500), 0, 0, 0, cost, saved, "2026-07", 900.0, 200.0, status,
            "429 Too Many Requests" if status == "rate_limited" else None,
            iso(start + timedelta(seconds=i * step)),
        )


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm the page cache once, as a dashboard that has been opened before would be
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def dashboard_checks(db: Any, month: Month, *, overruns: bool = True) -> list[tuple[str, Callable[[], Any]]]:
    """The Usage dashboard's queries, named as the benchmarks print them, for all users and for one."""
    from core.usage import queries

    checks: list[tuple[str, Callable[[], Any]]] = []
    for who, user in (("all users", None), ("one user", "local")):
        checks += [
            (f"month spend ({who})", lambda u=user: queries.spend_micro(db, u, month)),
            (f"totals + tokens by kind + cache rate ({who})", lambda u=user: queries.totals(db, u, month)),
            (f"spend by model ({who})", lambda u=user: queries.breakdown(db, u, month, "model")),
            (f"spend by provider ({who})", lambda u=user: queries.breakdown(db, u, month, "provider")),
            (f"spend by use case ({who})", lambda u=user: queries.breakdown(db, u, month, "use_case")),
            (f"spend by day ({who})", lambda u=user: queries.by_day(db, u, month)),
            (f"daily spend by model ({who})", lambda u=user: queries.by_day_and_model(db, u, month)),
            (f"recent 100 requests ({who})", lambda u=user: queries.recent_requests(db, u, month)),
            (f"recent 100, model filter ({who})", lambda u=user: queries.recent_requests(
                db, u, month, queries.Filters(model="glm-4.6"))),
            (f"recent 100, errors only ({who})", lambda u=user: queries.recent_requests(
                db, u, month, queries.Filters(status=queries.ERROR_STATUS))),
            (f"filter choices ({who})", lambda u=user: queries.filter_values(db, u, month)),
            (f"month picker ({who})", lambda u=user: queries.months_with_usage(db, u)),
        ]
        if overruns:
            checks.append((f"overruns of the month ({who})", lambda u=user: queries.overruns(db, u, month)))
    checks.append(("spend by user (all users)", lambda: queries.breakdown(db, None, month, "user_id")))
    return checks
