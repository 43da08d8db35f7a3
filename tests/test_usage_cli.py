"""`python -m core usage`: the JSON contract of DESIGN.md section 5, human text, CSV and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from core.usage.period import Month
from tests.test_usage_seed import seed

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"month", "user", "spend_usd", "quota_usd", "remaining_usd", "projected_usd", "requests", "cache_hits",
        "cache_savings_usd", "by_model", "by_provider", "by_use_case", "by_day",
        "overrun_count", "overrun_usd"}  # the last two: issue 12's additive extension of the contract
MODEL_KEYS = {"model", "requests", "spend_usd", "input_tokens", "output_tokens", "cache_read_tokens",
              "cache_write_tokens"}


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDIO_DB": str(db), "LLM_MONTHLY_QUOTA_USD": "0.50",
           "STUDIO_SECRETS_FILE": str(db.parent / "none.toml")}
    return subprocess.run([sys.executable, "-m", "core", "usage", *args], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_json_has_exactly_the_contract_keys_and_money_as_strings(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    seed(db, Month(2026, 10))
    out = _run(db, "--month", "2026-10", "--user", "local", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == KEYS
    assert data["month"] == "2026-10" and data["user"] == "local"
    assert data["spend_usd"] == "0.130000" and data["quota_usd"] == "0.50" and data["remaining_usd"] == "0.370000"
    assert data["requests"] == 7 and data["cache_hits"] == 1 and data["cache_savings_usd"] == "0.010000"
    for row in data["by_model"]:
        assert set(row) == MODEL_KEYS
        assert isinstance(row["spend_usd"], str)
    assert {r["provider"] for r in data["by_provider"]} == {"openai", "anthropic"}
    assert {r["use_case"] for r in data["by_use_case"]} >= {"strategy_generation", "market_analysis"}
    assert [d["day"] for d in data["by_day"]] == ["2026-10-01", "2026-10-02", "2026-10-03"]


def test_all_users_and_human_text(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    seed(db, Month(2026, 10))
    data = json.loads(_run(db, "--month", "2026-10", "--all-users", "--json").stdout)
    assert data["user"] is None and data["spend_usd"] == "0.330000" and data["quota_usd"] is None
    text = _run(db, "--month", "2026-10").stdout
    assert "$0.13 of $0.50" in text and "claude-sonnet-4-5" in text and "2026-10-02" in text


def test_csv_streams_the_month_rows(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    seed(db, Month(2026, 10))
    out = _run(db, "--month", "2026-10", "--csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 7 and rows[-1]["status"] == "rate_limited"


def test_bad_month_exits_2_with_the_expected_form(tmp_path: Path) -> None:
    out = _run(tmp_path / "studio.db", "--month", "10/2026", "--json")
    assert out.returncode == 2
    assert "YYYY-MM" in out.stderr and "Traceback" not in out.stderr
