"""Several replicas on one PostgreSQL and one Redis: three ``uvicorn core.api:app`` processes, the fake
vendor behind them (real OpenAI SDK), and concurrent API calls spread over the three.

- 120 concurrent calls at a small quota, through nginx (deploy/nginx-replicas.conf): $0 overspend, one
  ledger row per vendor call, no open hold.
- The vendor sees at most the configured request rate summed over all replicas (not 3x it).
- A PostgreSQL restart mid-run: calls in flight fail with a clear 503, nothing settled is lost, and
  the same replicas serve again without being restarted.
- A replica killed (``kill -9``) mid-call: its lease runs out, its hold is freed into an ``abandoned``
  row charged at the input estimate, and the other replicas take the next call.
- A vendor 429 with Retry-After seen by one replica holds every replica's calls back (Redis cooldown).
- Identical concurrent calls spread over the replicas make one vendor call (Redis single-flight).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from core.config import reset_settings_cache
from tests.api_support import ROOT, free_port, server_env, wait_until_up
from tests.fakes.vendor import FakeVendor, Reply
from tests.fixtures.servers import PostgresServer
from tests.strategy_builders import DESIGN_EXAMPLE

PROMPT = "비트코인 1시간봉 RSI 30 아래면 100 USDT 매수"
PRICED = "gpt-5.4-mini"
REPLICAS = 3


@dataclass
class Replica:
    base: str  # http://127.0.0.1:PORT/api
    proc: subprocess.Popen[bytes]


@contextmanager
def replica_processes(tmp: Path, fake: FakeVendor, pg_url: str, redis_url: str, **env: str) -> Iterator[list[Replica]]:
    """Start REPLICAS API servers on one database and one Redis; yields them (base URL and process)."""
    # No response cache: every call (same prompt each time) must reach the vendor and the ledger.
    extra = {"STUDIO_DATABASE_URL": pg_url, "STUDIO_REDIS_URL": redis_url, "STUDIO_RATE_LIMIT_PER_MINUTE": "100000",
             "LLM_CACHE_TTL": "0", **env}
    started: list[Replica] = []
    try:
        for i in range(REPLICAS):
            port = free_port()
            cmd = [sys.executable, "-m", "uvicorn", "core.api:app", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning"]
            replica_tmp = tmp / f"replica{i}"
            replica_tmp.mkdir()
            log = replica_tmp / "server.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(replica_tmp, fake, **extra), stdout=out,
                                        stderr=subprocess.STDOUT)
            started.append(Replica(f"http://127.0.0.1:{port}/api", proc))
            wait_until_up(f"http://127.0.0.1:{port}/api/openapi.json", proc, log)
        yield started
    finally:
        for replica in started:
            replica.proc.terminate()
        for replica in started:
            try:
                replica.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                replica.proc.kill()
                replica.proc.wait(timeout=5)


@contextmanager
def replicas(tmp: Path, fake: FakeVendor, pg_url: str, redis_url: str, **env: str) -> Iterator[list[str]]:
    """The replicas' base URLs (see ``replica_processes``)."""
    with replica_processes(tmp, fake, pg_url, redis_url, **env) as started:
        yield [r.base for r in started]


@contextmanager
def nginx_in_front(tmp: Path, bases: list[str]) -> Iterator[tuple[str, Path]]:
    """deploy/nginx-replicas.conf (the README's example) with the replicas' ports; yields its API URL and
    its access log (which names the replica that served each call)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is not installed (apt-get install nginx); the load-balancer example needs it")
    conf = (ROOT / "deploy" / "nginx-replicas.conf").read_text(encoding="utf-8")
    for i, base in enumerate(bases):
        conf = conf.replace(f"server 127.0.0.1:{8001 + i};", f"server 127.0.0.1:{httpx.URL(base).port};")
    port = free_port()
    conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    prefix = tmp / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    log = prefix / "nginx.out"
    with log.open("wb") as out:
        proc = subprocess.Popen([binary, "-p", str(prefix), "-c", "nginx.conf", "-g",
                                 f"daemon off; pid {prefix}/nginx.pid; error_log {prefix}/error.log;"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/openapi.json", proc, log)
        yield f"http://127.0.0.1:{port}/api", prefix / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def make_key(monkeypatch: pytest.MonkeyPatch, pg_url: str, user: str) -> str:
    """An operator creating the user's key in the shared database (what `python -m core keys create` does)."""
    from core.accounts import Principal
    from core.services import accounts

    monkeypatch.setenv("STUDIO_DATABASE_URL", pg_url)
    reset_settings_cache()
    principal = Principal(user, "user", user.title(), f"{user}@example.com")
    accounts.sign_in(principal)
    return accounts.create_api_key(principal, "replica test").secret


def fire(bases: list[str], key: str, calls: int) -> list[httpx.Response]:
    """``calls`` concurrent generate-strategy requests, round-robin over the replicas."""
    def one(i: int) -> httpx.Response:
        return httpx.post(bases[i % len(bases)] + "/llm/generate-strategy", json={"prompt": PROMPT, "model": PRICED},
                          headers={"Authorization": f"Bearer {key}"}, timeout=120)

    with ThreadPoolExecutor(max_workers=calls) as pool:
        return list(pool.map(one, range(calls)))


def wait_for(predicate: Callable[[], Any], what: str, timeout_s: float = 90.0) -> Any:
    """Poll until ``predicate()`` is truthy (returns it); fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.1)


def ledger(pg_url: str, sql: str) -> Any:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(sql).fetchone()


def _strategy_reply(**kw: Any) -> Reply:
    return Reply(text=json.dumps(DESIGN_EXAMPLE), input_tokens=900, output_tokens=400, repeat=10_000, **kw)


def test_120_concurrent_calls_over_three_replicas_never_overspend(
        tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quota_micro = 100_000  # $0.10: a handful of worst-case holds at a time
    with FakeVendor() as fake:
        fake.script(_strategy_reply(delay_s=0.3), vendor="openai")  # slow enough that calls overlap
        key = make_key(monkeypatch, pg_url, "alice-sub")
        with replicas(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="0.10") as bases, \
                nginx_in_front(tmp_path, bases) as (balanced, access_log):
            responses = fire([balanced], key, 120)  # all through the load balancer
        served_by = {line.rsplit("upstream=", 1)[1].strip() for line in access_log.read_text().splitlines()
                     if "generate-strategy" in line}
        statuses = [r.status_code for r in responses]
        vendor_calls = fake.count("openai")
    assert set(statuses) <= {200, 403}, [r.text for r in responses if r.status_code not in (200, 403)][:3]
    assert served_by == {f"127.0.0.1:{httpx.URL(b).port}" for b in bases}  # nginx spread them over all three
    refused = [r.json() for r in responses if r.status_code == 403]
    assert refused and all(b["error_code"] == "QUOTA_EXCEEDED" for b in refused)
    assert statuses.count(200) >= 3  # the quota was really used, not refused wholesale
    spent, rows = ledger(pg_url, "SELECT COALESCE(SUM(cost_micro_usd), 0), count(*) FROM llm_usage")
    assert spent <= quota_micro, f"overspend: {spent - quota_micro} micro-USD"
    assert rows == vendor_calls  # one ledger row per call the vendor saw, none for refused calls
    answered = {r.json()["request_id"] for r in responses if r.status_code == 200}
    with psycopg.connect(pg_url) as conn:
        settled = {row[0] for row in conn.execute("SELECT request_id FROM llm_usage WHERE status = 'ok'")}
        held = conn.execute("SELECT count(*), COALESCE(SUM(held_micro), 0) FROM quota_reservations "
                            "FULL JOIN quota_months USING (user_id)").fetchone()
    assert answered <= settled
    assert ledger(pg_url, "SELECT count(*) FROM quota_reservations") == (0,)  # no open hold afterwards
    assert ledger(pg_url, "SELECT COALESCE(SUM(held_micro), 0) FROM quota_months") == (0,), held
    print(f"\nquota: 120 calls over {REPLICAS} replicas, {statuses.count(200)} answered, {len(refused)} refused; "
          f"spent {spent} of {quota_micro} micro-USD (overspend 0); {rows} ledger rows = {vendor_calls} vendor calls")


def test_the_vendor_sees_the_configured_rate_summed_over_all_replicas(
        tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rpm = 12  # a burst of 12, then one every 5 s, for the three replicas together
    models_file = tmp_path / "models.toml"
    models_file.write_text(f"[providers.openai]\nrpm = {rpm}\n", encoding="utf-8")
    with FakeVendor() as fake:
        fake.script(_strategy_reply(), vendor="openai")
        key = make_key(monkeypatch, pg_url, "bob-sub")
        # LLM_REQUEST_TIMEOUT=5: a request waits for a rate slot at most its 30 s deadline, then gets 429.
        with replicas(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="100", LLM_REQUEST_TIMEOUT="5",
                      STUDIO_MODELS_FILE=str(models_file)) as bases:
            t0 = time.time()
            responses = fire(bases, key, 60)
            elapsed = time.time() - t0
        attempts = [a.at for a in fake.attempts if a.vendor == "openai"]
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 429}, [r.text for r in responses if r.status_code not in (200, 429)][:3]
    limited = [r for r in responses if r.status_code == 429]
    assert all(int(r.headers["retry-after"]) >= 1 for r in limited)
    # A call refused a rate slot ends as 429, or is answered by a fallback the API names; never by this vendor.
    by_vendor = [r for r in responses if r.status_code == 200 and r.json()["model"] == PRICED]
    assert len(by_vendor) < len(responses), "the shared limit never held a call back"
    # Shared buckets: the burst plus what refilled while the run lasted. Three private buckets would have
    # let 3 x 12 through at once, and 3 x 18 within the 30 s deadline.
    allowed = rpm + rpm / 60 * elapsed + 1
    assert len(attempts) <= allowed, f"{len(attempts)} vendor calls in {elapsed:.1f} s; shared limit allows {allowed}"
    assert len(by_vendor) == len(attempts)
    others = sorted({r.json()["model"] for r in responses if r.status_code == 200} - {PRICED})
    print(f"\nrate: {len(attempts)} vendor calls in {elapsed:.1f} s over {REPLICAS} replicas at rpm={rpm} "
          f"(shared limit {allowed:.1f}); {statuses.count(429)} answered 429, others answered by {others}")


def test_a_postgres_restart_mid_run_gives_clear_503s_and_the_replicas_recover(
        tmp_path: Path, pg_server: PostgresServer, pg_url: str, redis_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeVendor() as fake:
        fake.script(_strategy_reply(delay_s=0.5), vendor="openai")
        key = make_key(monkeypatch, pg_url, "carol-sub")
        with replicas(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="100") as bases:
            before = fire(bases, key, 6)
            assert [r.status_code for r in before] == [200] * 6
            with ThreadPoolExecutor(max_workers=2) as pool:
                during = pool.submit(fire, bases, key, 12)
                # Restart once calls of this burst have reserved and are waiting on the (slow) vendor.
                wait_for(lambda: fake.count("openai") > 6, "the second burst reaching the vendor")
                pg_server.restart()
                during_responses = during.result()
            after = fire(bases, key, 6)  # the same three processes, never restarted
    codes = [r.status_code for r in during_responses]
    assert set(codes) <= {200, 503}, [r.text for r in during_responses if r.status_code not in (200, 503)][:3]
    for r in during_responses:
        if r.status_code == 503:
            body = r.json()
            assert body["error_code"] == "STORAGE_UNAVAILABLE" and "Traceback" not in r.text
            assert "cannot be reached" in body["message"]
    assert [r.status_code for r in after] == [200] * 6
    answered = {r.json()["request_id"] for r in (*before, *during_responses, *after) if r.status_code == 200}
    with psycopg.connect(pg_url) as conn:
        settled = {row[0] for row in conn.execute("SELECT request_id FROM llm_usage WHERE status = 'ok'")}
    assert answered <= settled  # every answer the user received was settled and survived the restart
    print(f"\nrestart: during the restart {codes.count(200)} answered, {codes.count(503)} got 503; "
          f"{len(answered)} answers all settled")


def test_a_replica_killed_mid_call_leaves_an_abandoned_row_and_its_headroom_returns(
        tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = "dave-sub"
    with FakeVendor() as fake:
        # The first call hangs at the vendor (its replica dies first); every later one is answered.
        fake.script(Reply(text=json.dumps(DESIGN_EXAMPLE), input_tokens=900, output_tokens=400, delay_s=600),
                    _strategy_reply(), vendor="openai")
        key = make_key(monkeypatch, pg_url, user)
        from core.services import usage as usage_service

        headers = {"Authorization": f"Bearer {key}"}
        with replica_processes(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="100",
                               LLM_RESERVATION_LEASE_S="2") as (doomed, *alive):

            def call(replica: Replica) -> httpx.Response:
                return httpx.post(replica.base + "/llm/generate-strategy", json={"prompt": PROMPT, "model": PRICED},
                                  headers=headers, timeout=120)

            def held(replica: Replica) -> Decimal:
                return Decimal(httpx.get(replica.base + "/usage", headers=headers, timeout=30).json()["held_usd"])

            with ThreadPoolExecutor(max_workers=1) as pool:
                hanging = pool.submit(call, doomed)
                wait_for(lambda: fake.count("openai") == 1, "the first call to reach the vendor")
                hold = wait_for(lambda: held(alive[0]), "the in-flight call's hold to show on another replica")
                with psycopg.connect(pg_url) as conn:
                    reserved_input, = conn.execute("SELECT input_tokens FROM quota_reservations").fetchone()
                # Room for the call in flight and half of another: while it holds, a second call is refused.
                usage_service.set_user_quota(user, hold * 3 / 2)
                refused = call(alive[0])
                assert refused.status_code == 403 and refused.json()["error_code"] == "QUOTA_EXCEEDED", refused.text

                doomed.proc.kill()  # kill -9: no shutdown hook runs, the hold is left to its lease
                doomed.proc.wait(timeout=30)
                with pytest.raises(httpx.TransportError):
                    hanging.result()

            # The lease (2 s) runs out with nobody renewing it; the Usage figures sweep it into a row.
            wait_for(lambda: held(alive[1]) == 0, "the dead replica's lease to expire and its hold to be freed")
            with psycopg.connect(pg_url) as conn:
                rows = conn.execute("SELECT status, estimated, cost_micro_usd, input_tokens, output_tokens, model "
                                    "FROM llm_usage WHERE user_id = %s", (user,)).fetchall()
            assert len(rows) == 1, rows
            status, estimated, cost, input_tokens, output_tokens, model = rows[0]
            # Charged, never $0: the input it sent (our upper bound), priced at the model's input rate.
            price_in = Decimal("0.75")  # gpt-5.4-mini, USD per million input tokens (models.toml)
            assert (status, estimated, model, output_tokens) == ("abandoned", 1, PRICED, 0)
            assert input_tokens == reserved_input > 0
            assert cost == round(price_in * input_tokens) > 0

            # The other replicas kept serving, and the freed headroom takes the next call.
            answered = call(alive[1])
            assert answered.status_code == 200, answered.text
            with psycopg.connect(pg_url) as conn:
                statuses = sorted(r[0] for r in conn.execute("SELECT status FROM llm_usage WHERE user_id = %s",
                                                             (user,)))
                open_holds = conn.execute("SELECT count(*) FROM quota_reservations").fetchone()[0]
            assert statuses == ["abandoned", "ok"] and open_holds == 0
    print(f"\nkill -9: the hold of ${hold} was freed after its 2 s lease; abandoned row charged {cost} micro-USD "
          f"for {input_tokens} input tokens; the next call on a surviving replica answered")


def _call(base: str, key: str, prompt: str = PROMPT) -> httpx.Response:
    return httpx.post(base + "/llm/generate-strategy", json={"prompt": prompt, "model": PRICED},
                      headers={"Authorization": f"Bearer {key}"}, timeout=120)


def test_a_vendor_429_on_one_replica_holds_back_every_replica(
        tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    retry_after = 3
    with FakeVendor() as fake:
        fake.script(Reply(status=429, headers={"retry-after": str(retry_after)}), _strategy_reply(), vendor="openai")
        key = make_key(monkeypatch, pg_url, "erin-sub")
        with replicas(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="100") as bases:
            told_to_wait = _call(bases[0], key)
            with ThreadPoolExecutor(max_workers=2) as pool:
                others = list(pool.map(lambda base: _call(base, key), bases[1:]))
        attempts = [a for a in fake.attempts if a.vendor == "openai"]
    assert told_to_wait.status_code == 429, told_to_wait.text
    assert [r.status_code for r in others] == [200, 200], [r.text for r in others]
    first, *later = attempts
    assert len(later) == 2
    # The cooldown began when replica 0 read the 429 (after the vendor saw its request): the other two
    # replicas sent nothing before the vendor's Retry-After had passed.
    gaps = [a.at - first.at for a in later]
    assert min(gaps) >= retry_after, gaps
    print(f"\ncooldown: after a 429 with Retry-After {retry_after} s on one replica, the other two replicas "
          f"reached the vendor {min(gaps):.1f} s and {max(gaps):.1f} s later")


def test_identical_concurrent_calls_over_three_replicas_make_one_vendor_call(
        tmp_path: Path, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user, callers = "frank-sub", 6
    answer = json.dumps(DESIGN_EXAMPLE)
    with FakeVendor() as fake:
        # Warm-up answers, then a slow vendor: the identical calls are all in flight together.
        fake.script(Reply(text=answer, input_tokens=900, output_tokens=400, repeat=REPLICAS),
                    Reply(text=answer, input_tokens=900, output_tokens=400, delay_s=3, repeat=100), vendor="openai")
        key = make_key(monkeypatch, pg_url, user)
        with replicas(tmp_path, fake, pg_url, redis_url, LLM_MONTHLY_QUOTA_USD="100", LLM_CACHE_TTL="3600") as bases:
            # Each replica has served a call (of its own prompt) before: no cold start inside the flight.
            warm = [_call(base, key, f"{PROMPT} ({i})") for i, base in enumerate(bases)]
            assert [r.status_code for r in warm] == [200] * REPLICAS, [r.text for r in warm]
            warmed = fake.count("openai")
            with ThreadPoolExecutor(max_workers=callers) as pool:
                responses = list(pool.map(lambda i: _call(bases[i % REPLICAS], key), range(callers)))
            vendor_calls = fake.count("openai") - warmed
    assert [r.status_code for r in responses] == [200] * callers, [r.text for r in responses]
    assert vendor_calls == 1
    assert len({json.dumps(r.json()["strategy"], sort_keys=True) for r in responses}) == 1
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT status, cost_micro_usd, cost_saved_micro_usd FROM llm_usage WHERE user_id = %s "
                            "ORDER BY id OFFSET %s", (user, REPLICAS)).fetchall()
    # One paid row for the vendor call; the others are free cache hits that record what they saved.
    assert sorted(r[0] for r in rows) == ["cached"] * (callers - 1) + ["ok"]
    paid = next(r for r in rows if r[0] == "ok")
    assert paid[1] > 0 and all(r[1] == 0 and r[2] > 0 for r in rows if r[0] == "cached")
    print(f"\nsingle-flight: {callers} identical concurrent calls over {REPLICAS} replicas, "
          f"{vendor_calls} vendor call, {callers - 1} served its answer as cache hits")
