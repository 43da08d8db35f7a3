"""A failed attempt that reached the vendor and got no usage back is charged our input estimate; its
billing status reads "estimate" (an admin can reconcile it) in `usage --csv`, on the Usage page's
table (the services' recent_requests) and in the REST API. A $0 error row stays "error".
Real gateway and SQLite ledger, the OpenAI SDK against the loopback fake vendor, a live API server."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.config import reset_settings_cache
from core.llm.types import ChatRequest, Message, Usage, UsageRow
from core.services.composition import build_gateway
from tests.api_support import live_api, make_key
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply
from tests.test_services_structured import SENTIMENT

ROOT = Path(__file__).resolve().parents[1]


def _a_500_then_an_answer(fake: FakeVendor) -> None:
    gw = build_gateway(settings_for(fake, "openai", llm_max_retries=0))
    fake.script(Reply(status=500), Reply(text="calm"), vendor="openai")
    gw.complete(ChatRequest("news_sentiment", [Message("user", "How is BTC today?")], model="gpt-5.4-mini",
                            fallback="same_vendor", use_cache=False))
    # An error row that never reached a vendor (written $0): it is an error, not an estimate.
    assert gw.ledger is not None
    gw.ledger.record(UsageRow(request_id="r-never-sent", user_id="local", use_case="news_sentiment",
                              provider="openai", model="gpt-5.4-mini", requested_model="gpt-5.4-mini",
                              usage=Usage(), cost_usd=Decimal(0), status="unavailable", error="connection refused"))


def test_an_estimated_failure_reads_estimate_in_the_csv_and_on_the_usage_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch, tmp_path)
    reset_settings_cache()  # the services below read STUDIO_DB through the settings
    with FakeVendor() as fake:
        _a_500_then_an_answer(fake)
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-m", "core", "usage", "--csv"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    by_status = {r["status"]: r for r in rows}
    failed, never_sent = sorted((r for r in rows if r["status"] == "unavailable"), key=lambda r: r["cost_usd"])[::-1]
    assert failed["billing_status"] == "estimate" and Decimal(failed["cost_usd"]) > 0
    assert never_sent["billing_status"] == "error" and Decimal(never_sent["cost_usd"]) == 0
    assert by_status["ok"]["billing_status"] == "ok"

    from core.services import usage

    table = {(r["status"], r["cost_usd"] > 0): r["billing_status"] for r in usage.recent_requests("local")}
    assert table == {("unavailable", True): "estimate", ("unavailable", False): "error", ("ok", True): "ok"}
    # Filtering the Usage page by "estimate" finds the row an admin should reconcile.
    [estimated] = usage.recent_requests("local", status="estimate")
    assert estimated["status"] == "unavailable"


def test_the_api_lists_ledger_rows_with_their_billing_status(tmp_path: Path) -> None:
    with live_api(tmp_path) as api:
        assert api.fake is not None
        api.fake.script(Reply(status=500), Reply(text=json.dumps(SENTIMENT)), vendor="openai")
        key = make_key(api.db, "alice")
        with api.client(key) as client:
            answer = client.post("/news/sentiment", json={"title": "Bitcoin ETF approved", "content": "Inflows.",
                                                          "model": "gpt-5.4-mini", "fallback": "same_vendor"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["fallback_from"] == "gpt-5.4-mini"
            listed = client.get("/usage/requests")
            assert listed.status_code == 200, listed.text
            rows = listed.json()
            assert sorted((r["status"], r["billing_status"]) for r in rows) == [
                ("ok", "ok"), ("unavailable", "estimate")]
            failed = next(r for r in rows if r["status"] == "unavailable")
            assert Decimal(failed["cost_usd"]) == Decimal(answer.json()["failed_attempts_cost"]) > 0
            # Another user's rows are an admin's business only.
            assert client.get("/usage/requests", params={"user": "bob"}).status_code == 403
