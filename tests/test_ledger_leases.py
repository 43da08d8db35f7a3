"""Crash-safe reservations: a hold is a lease, renewed while its call runs. A process killed mid-call
(``kill -9`` while the real OpenAI SDK waits on a slow reply from the fake vendor) stops renewing; the
lease expires, becomes an ``abandoned`` row charged at the input the request carried (an estimate,
more than $0), and the rest of the hold comes back. SIGTERM abandons in-flight calls at once. An admin
reconciles an abandoned row with an adjustment row; nothing is deleted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import QuotaExceeded
from core.llm.factory import build_gateway
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Message
from core.storage import get_db
from core.usage.ledger import ReconcileRefused, SqliteLedger
from tests.fakes.studio_env import KEYS, clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply

ROOT = Path(__file__).resolve().parent.parent
QUOTA = Decimal("0.05")
PROMPT = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수하는 전략을 만들어 주세요. " * 20
# gpt-5.4-mini at $4.50 per Mtok of output: max_tokens=8000 holds $0.036 of the $0.05 quota.
MAX_TOKENS = 8000


def _request() -> ChatRequest:
    return ChatRequest("strategy_generation", [Message("user", PROMPT)], model="gpt-5.4-mini", user="trader",
                       max_tokens=MAX_TOKENS)


def child(db: str, base_url: str, lease_s: str) -> None:
    """A separate studio process making one paid call (run with ``python -c``)."""
    from core.config import load_settings

    settings = load_settings(openai_api_key=KEYS["openai"], openai_base_url=base_url, studio_db=Path(db),
                             llm_monthly_quota_usd=QUOTA, llm_request_timeout=120.0,
                             llm_reservation_lease_s=float(lease_s))
    gw = build_gateway(settings, with_cache=False)
    gw.retry = RetryPolicy(max_retries=0)
    gw.complete(_request())


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def _start_child(fake: FakeVendor, db: Path, lease_s: float) -> subprocess.Popen[bytes]:
    code = "import sys; from tests.test_ledger_leases import child; child(*sys.argv[1:])"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "GLM_", "LLM_"))}
    env["STUDIO_SECRETS_FILE"] = str(db.parent / "no-secrets.toml")
    return subprocess.Popen([sys.executable, "-c", code, str(db), fake.openai_base_url, str(lease_s)], cwd=ROOT,
                            env=env)


def _wait_for(what: str, check, deadline_s: float = 60.0):
    """Poll the state a user would see until it holds (bounded, so a regression fails instead of hanging)."""
    end = time.monotonic() + deadline_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.1)


def _lease(db: Path) -> tuple[str, str] | None:
    return get_db(db).execute("SELECT id, expires_at FROM quota_reservations").fetchone()


def _call_in_flight(fake: FakeVendor, db: Path, lease_s: float, *, renewed: bool = True,
                    ) -> tuple[subprocess.Popen[bytes], str]:
    """Start a child whose call reaches the vendor and hangs there (once its lease was renewed)."""
    fake.script(Reply(delay_s=90, text="too late"), vendor="openai")
    proc = _start_child(fake, db, lease_s)
    _wait_for("the child's call to reach the vendor", lambda: fake.count("openai") == 1)
    rid, first_expiry = _wait_for("the child's hold", lambda: _lease(db))
    # Renewed while the call runs: the expiry moves forward although the vendor has not answered.
    if renewed:
        _wait_for("a lease renewal", lambda: (lease := _lease(db)) is not None and lease[1] > first_expiry)
    return proc, rid


def test_kill_9_mid_call_releases_the_hold_as_an_abandoned_estimate(fake: FakeVendor, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "studio.db"
    clean_env(monkeypatch, tmp_path)
    get_db(db)
    proc, rid = _call_in_flight(fake, db, lease_s=2.0)
    ledger = SqliteLedger(get_db(db), QUOTA)
    gw = build_gateway(settings_for(fake, "openai", studio_db=db, llm_monthly_quota_usd=QUOTA), with_cache=False)
    gw.retry = RetryPolicy(max_retries=0)
    with pytest.raises(QuotaExceeded, match="held by calls in progress"):  # the live hold counts
        gw.complete(_request())

    killed_at = time.monotonic()
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    def released() -> bool:
        ledger.sweep()  # what the next reservation (of any process) does first
        return ledger.live_reservations("trader") == 0
    _wait_for("the dead call's hold to be released", released, deadline_s=60)
    assert time.monotonic() - killed_at < 60

    [row] = get_db(db).execute(
        "SELECT status, estimated, input_tokens, output_tokens, cost_micro_usd, model, use_case, provider "
        "FROM llm_usage WHERE reservation_id = ?", (rid,)).fetchall()
    status, estimated, input_tokens, output_tokens, cost, model, use_case, provider = row
    assert (status, estimated, output_tokens, model, use_case, provider) == (
        "abandoned", 1, 0, "gpt-5.4-mini", "strategy_generation", "openai")
    assert input_tokens > 500  # the Korean prompt the request carried
    assert cost == round(input_tokens * 0.75)  # its input at $0.75 per Mtok, in micro-dollars: more than $0
    # The rest of the hold is back: the next call that fits the remaining headroom is answered.
    fake.script(Reply(input_tokens=900, output_tokens=300), vendor="openai")
    assert gw.complete(_request()).text
    assert ledger.month_spend_usd("trader") == Decimal(cost + 675 + 1350) / 1_000_000


def test_sigterm_abandons_the_call_in_flight_at_once(fake: FakeVendor, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "studio.db"
    clean_env(monkeypatch, tmp_path)
    get_db(db)
    proc, rid = _call_in_flight(fake, db, lease_s=300.0, renewed=False)  # a lease outliving the test
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == -signal.SIGTERM
    # Nobody swept: the dying process settled its own hold as abandoned before it exited.
    conn = get_db(db)
    assert conn.execute("SELECT count(*) FROM quota_reservations").fetchone()[0] == 0
    assert conn.execute("SELECT status, estimated FROM llm_usage WHERE reservation_id = ?",
                        (rid,)).fetchall() == [("abandoned", 1)]


def test_admin_reconciles_an_abandoned_row_with_an_adjustment_row(tmp_path: Path) -> None:
    from core.llm.types import ModelPrice

    db = get_db(tmp_path / "studio.db")
    price = ModelPrice(input=Decimal("0.75"), output=Decimal("4.5"), version="t")
    dying = SqliteLedger(db, QUOTA, reservation_ttl_s=1)
    res = dying.reserve(user_id="trader", request_id="r1:0", model="gpt-5.4-mini", price=price, input_tokens=4000,
                        max_tokens=1000, allow_shrink=False, use_case="market_analysis", provider="openai")
    dying.note_output(res, 120)
    assert dying.abandon_in_flight() == 1
    [(row_id, cost)] = db.execute("SELECT id, cost_micro_usd FROM llm_usage").fetchall()
    assert cost == 3000 + 540  # 4,000 input + 120 output seen, as an estimate

    with pytest.raises(ReconcileRefused, match="note"):
        dying.reconcile(row_id, "0.004", "  ", by="admin@example.com")
    adj = dying.reconcile(row_id, "0.004100", "vendor dashboard, request r1", by="admin@example.com")
    rows = db.execute("SELECT id, status, cost_micro_usd, adjusts_id, note FROM llm_usage ORDER BY id").fetchall()
    assert [r[:4] for r in rows] == [(row_id, "abandoned", 3540, None), (adj, "adjustment", 560, row_id)]
    assert "vendor dashboard" in rows[1][4] and "admin@example.com" in rows[1][4]
    assert dying.month_spend_usd("trader") == Decimal("0.0041")
    # A second reconciliation corrects against the row plus its earlier adjustment; the totals stay requests=1.
    dying.reconcile(row_id, "0.0040", "invoice", by="admin@example.com")
    assert dying.month_spend_usd("trader") == Decimal("0.004")
    assert db.execute("SELECT SUM(requests) FROM llm_usage_user_month").fetchone()[0] == 1
    with pytest.raises(ReconcileRefused, match="only abandoned or estimated"):
        dying.reconcile(adj, "0", "nope", by="admin@example.com")


def test_operator_reconciles_from_the_command_line(tmp_path: Path) -> None:
    import csv
    import io
    import json

    from core.llm.types import ModelPrice

    path = tmp_path / "studio.db"
    ledger = SqliteLedger(get_db(path), QUOTA)
    price = ModelPrice(input=Decimal("0.75"), output=Decimal("4.5"), version="t")
    ledger.reserve(user_id="local", request_id="r9:0", model="gpt-5.4-mini", price=price, input_tokens=4000,
                   max_tokens=1000, allow_shrink=False, use_case="news_sentiment", provider="openai")
    ledger.abandon_in_flight()
    [(row_id,)] = get_db(path).execute("SELECT id FROM llm_usage").fetchall()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "GLM_", "LLM_"))}
    env.update(STUDIO_DB=str(path), STUDIO_SECRETS_FILE=str(tmp_path / "none.toml"))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    done = cli("reconcile", str(row_id), "--usd", "0.0041", "--note", "vendor invoice line 7")
    assert done.returncode == 0, done.stderr
    assert Decimal(json.loads(cli("usage", "--json").stdout)["spend_usd"]) == Decimal("0.0041")
    rows = list(csv.DictReader(io.StringIO(cli("usage", "--csv").stdout)))
    assert [(r["billing_status"], r["cost_usd"]) for r in rows] == [
        ("abandoned", "0.003000"), ("adjustment", "0.001100")]
    assert "vendor invoice line 7" in rows[1]["note"]
    bad = cli("reconcile", str(row_id), "--usd", "lots", "--note", "x")
    assert bad.returncode == 2 and "US dollars" in bad.stderr and "Traceback" not in bad.stderr
