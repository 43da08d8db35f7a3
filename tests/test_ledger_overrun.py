"""Settlement never loses a bill: a vendor that reports more than was reserved is recorded at its own
figures (usage x prices), the row is flagged ``overrun``, the month is closed to paid calls while it is
over quota, and ``usage --json`` / the CSV say so. Real OpenAI SDK against the loopback fake vendor."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.errors import QuotaExceeded
from core.llm.factory import build_gateway
from core.llm.gateway import Gateway
from core.llm.retry import RetryPolicy
from core.llm.types import ChatRequest, Message
from tests.fakes.studio_env import clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply

ROOT = Path(__file__).resolve().parent.parent
# gpt-5.4-mini: $0.75 in, $4.50 out per Mtok (core/llm/data/models.toml).
IN_RATE, OUT_RATE = Decimal("0.75"), Decimal("4.5")


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def _gateway(fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quota: str) -> Gateway:
    clean_env(monkeypatch, tmp_path)
    settings = settings_for(fake, "openai", studio_db=tmp_path / "studio.db", llm_monthly_quota_usd=Decimal(quota))
    gw = build_gateway(settings, with_cache=False)
    gw.retry = RetryPolicy(max_retries=0, base_s=0.01, cap_s=0.02)
    return gw


def _req() -> ChatRequest:
    # Ours counts ~10 input tokens and holds max_tokens=200 of output: a worst case of about $0.0009.
    return ChatRequest("news_sentiment", [Message("user", "BTC 어때?")], model="gpt-5.4-mini", user="trader",
                       max_tokens=200)


def _rows(gw: Gateway) -> list[dict[str, Any]]:
    return list(gw.ledger.db["llm_usage"].rows_where(order_by="id"))  # type: ignore[union-attr]


def _cli_usage(tmp_path: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "STUDIO_DB": str(tmp_path / "studio.db"),
           "STUDIO_SECRETS_FILE": str(tmp_path / "no-secrets.toml"), "LLM_MONTHLY_QUOTA_USD": "0.05"}
    done = subprocess.run([sys.executable, "-m", "core", "usage", "--user", "trader", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_concurrent_overruns_are_billed_at_the_vendors_figures_and_close_the_month(
        fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gw = _gateway(fake, tmp_path, monkeypatch, quota="0.05")
    # A vendor that counts 5,000 input tokens where we counted about 10 (each call: $0.004 > its hold).
    fake.script(Reply(input_tokens=5000, output_tokens=150, repeat=40), vendor="openai")
    outcomes: list[str] = []
    guard = threading.Lock()

    def call() -> None:
        try:
            gw.complete(_req())
            outcome = "answered"
        except QuotaExceeded:
            outcome = "refused"
        with guard:
            outcomes.append(outcome)

    for _ in range(3):  # waves of 8 racing calls, until the month is over quota
        pool = [threading.Thread(target=call) for _ in range(8)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()

    rows = _rows(gw)
    answered = [r for r in rows if r["status"] == "ok"]
    assert len(answered) == outcomes.count("answered") == fake.count("openai") > 0
    per_call = to_micro(IN_RATE * 5000 / 1_000_000 + OUT_RATE * 150 / 1_000_000)
    # The ledger equals the vendor's usage x prices, call for call, and every such row is an overrun.
    assert [(r["input_tokens"], r["cost_micro_usd"], r["overrun"]) for r in answered] == [
        (5000, per_call, 1)] * len(answered)
    spent = sum(r["cost_micro_usd"] for r in rows)
    assert gw.ledger.month_spend_usd("trader") == Decimal(spent) / 1_000_000  # type: ignore[union-attr]
    assert spent > 50_000  # the vendor took the month past its $0.05 quota ...
    assert outcomes.count("refused") > 0
    before = fake.count("openai")
    with pytest.raises(QuotaExceeded, match="over its quota"):  # ... so no paid call runs any more
        gw.complete(_req())
    assert fake.count("openai") == before

    summary = json.loads(_cli_usage(tmp_path, "--json"))
    assert summary["overrun_count"] == len(answered)
    assert Decimal(summary["overrun_usd"]) == Decimal(per_call * len(answered)) / 1_000_000
    exported = list(csv.DictReader(io.StringIO(_cli_usage(tmp_path, "--csv"))))
    assert len(exported) == len(rows)
    assert {r["billing_status"] for r in exported} == {"overrun"}


def test_an_honest_bill_within_the_hold_is_ok_not_overrun(fake: FakeVendor, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    gw = _gateway(fake, tmp_path, monkeypatch, quota="1")
    fake.script(Reply(input_tokens=8, output_tokens=200), vendor="openai")
    gw.complete(_req())
    [row] = _rows(gw)
    assert row["overrun"] == 0
    [line] = csv.DictReader(io.StringIO(_cli_usage(tmp_path, "--csv")))
    assert line["billing_status"] == "ok"
    assert json.loads(_cli_usage(tmp_path, "--json"))["overrun_count"] == 0


def to_micro(usd: Decimal) -> int:
    from core.usage.money import to_micro as exact

    return exact(usd)
