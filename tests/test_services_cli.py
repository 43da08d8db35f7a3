"""Every E command works with no network and no keys through --model offline (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.services_support import KEY_VARS, VALID_STRATEGY

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample" / "bittrex_btc-usdt.csv"


def run(tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS and not k.endswith("_API_KEY")}
    env.update({"STUDIO_DB": str(tmp_path / "studio.db"), "STUDIO_SECRETS_FILE": str(tmp_path / "none.toml"),
                # Any attempt to reach the internet fails fast instead of hanging.
                "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"})
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def as_json(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def strategy_file(tmp_path: Path) -> Path:
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps(VALID_STRATEGY), encoding="utf-8")
    return path


def test_generate_prints_a_valid_strategy_in_the_prompts_language(tmp_path: Path) -> None:
    out = as_json(run(tmp_path, "generate", "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수",
                      "--model", "offline", "--json"))
    assert out["schema_version"] == 1 and {n["type"] for n in out["nodes"]} >= {"trigger", "condition", "action"}
    assert any("\uac00" <= ch <= "\ud7a3" for ch in out["description"])


def test_generate_that_the_engine_cannot_compile_exits_3_with_examples(tmp_path: Path) -> None:
    proc = run(tmp_path, "generate", "what a lovely day", "--model", "offline")
    assert proc.returncode == 3 and proc.stdout == ""
    assert "RSI" in proc.stderr  # the message shows requests it does understand


def test_refine_prints_the_revised_strategy_and_lists_changes(tmp_path: Path, strategy_file: Path) -> None:
    proc = run(tmp_path, "refine", str(strategy_file), "make the RSI period 21", "--model", "offline", "--json")
    out = as_json(proc)
    condition = next(n for n in out["nodes"] if n["type"] == "condition")
    assert condition["config"]["left"] == "rsi(21)"
    assert "rsi(14)" in proc.stderr and "rsi(21)" in proc.stderr


def test_analyze_market_json_has_the_contract_keys(tmp_path: Path) -> None:
    out = as_json(run(tmp_path, "analyze-market", "--data", str(SAMPLE), "--symbol", "BTC/USDT",
                      "--model", "offline", "--json"))
    assert list(out) == ["analysis", "trend", "recommendation", "confidence", "reason", "risk_level", "indicators"]
    assert out["trend"] in {"UPTREND", "DOWNTREND", "SIDEWAYS"} and 0 <= out["confidence"] <= 1
    assert out["indicators"]["rsi_14"] is not None


def test_sentiment_json_has_the_contract_keys(tmp_path: Path) -> None:
    out = as_json(run(tmp_path, "sentiment", "--title", "Exchange hacked, $200 million stolen", "--content",
                      "Withdrawals are halted.", "--source", "Newswire", "--published-at", "2026-01-02T03:04:05Z",
                      "--model", "offline", "--json"))
    assert list(out) == ["sentiment", "score", "keywords", "summary", "impact", "price_implication"]
    assert out["sentiment"] == "NEGATIVE" and out["price_implication"] == "BEARISH"
    # The command went through the gateway and its ledger: one free row for the offline answer.
    from core.storage import get_db

    rows = list(get_db(tmp_path / "studio.db")["llm_usage"].rows)
    assert [(r["use_case"], r["model"], r["status"], r["cost_micro_usd"]) for r in rows] == [
        ("news_sentiment", "offline", "ok", 0)]


def test_optimize_json_has_before_and_after(tmp_path: Path, strategy_file: Path) -> None:
    out = as_json(run(tmp_path, "optimize", str(strategy_file), "--data", str(SAMPLE), "--model", "offline",
                      "--json"))
    assert {"optimized_strategy", "changes", "before", "after"} <= set(out)
    for side in ("before", "after"):
        assert {"total_return_pct", "sharpe", "trades", "max_drawdown_pct"} <= set(out[side])


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("timestamp,open,high,low,close,volume\n2024-01-01,1,2,0.5,x,3\n", encoding="utf-8")
    proc = run(tmp_path, "analyze-market", "--data", str(bad_csv), "--symbol", "BTC/USDT", "--model", "offline")
    assert proc.returncode == 2 and "row" in proc.stderr.lower()
    proc = run(tmp_path, "sentiment", "--title", " ", "--content", "x", "--model", "offline")
    assert proc.returncode == 2 and "title" in proc.stderr
    proc = run(tmp_path, "refine", str(tmp_path / "missing.json"), "x", "--model", "offline")
    assert proc.returncode == 2 and "not found" in proc.stderr


def test_quota_exceeded_exits_4(tmp_path: Path) -> None:
    from tests.fakes.vendor import FakeVendor

    with FakeVendor() as fake:
        proc = run(tmp_path, "sentiment", "--title", "t", "--content", "c", "--model", "gpt-5.4-nano",
                   extra_env={"OPENAI_API_KEY": "sk-test-0000000", "OPENAI_BASE_URL": fake.openai_base_url,
                              "LLM_MONTHLY_QUOTA_USD": "0", "NO_PROXY": "127.0.0.1,localhost"})
        assert fake.count("openai") == 0
    assert proc.returncode == 4, proc.stderr
    assert "quota" in proc.stderr.lower()


def test_provider_failure_after_fallback_exits_5(tmp_path: Path) -> None:
    from tests.fakes.vendor import FakeVendor, Reply

    with FakeVendor() as fake:
        fake.script(Reply(status=500, error_message="upstream exploded", repeat=5), vendor="openai")
        # The vendor fails, and the offline fallback cannot compile this request either.
        proc = run(tmp_path, "generate", "what a lovely day", "--model", "gpt-5.4-mini",
                   extra_env={"OPENAI_API_KEY": "sk-test-0000000", "OPENAI_BASE_URL": fake.openai_base_url,
                              "LLM_MAX_RETRIES": "0", "NO_PROXY": "127.0.0.1,localhost"})
        assert fake.count("openai") >= 1
    assert proc.returncode == 5, proc.stderr
    assert "gpt-5.4-mini" in proc.stderr and proc.stdout == ""
