"""``python -m core … --lang ko|en`` words its errors and hints on stderr in that language (default:
STUDIO_LANG, else English); the exit codes stay. Real subprocesses, a real SQLite ledger, the real
OpenAI SDK against the loopback fake vendor."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_support import ROOT, server_env
from tests.fakes.vendor import FakeVendor, Reply
from tests.korean_text import english_runs, has_hangul

PRICED = "gpt-5.4-mini"
PROMPT = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수"


@pytest.fixture()
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def korean(text: str) -> list[str]:
    return english_runs(text.replace(PRICED, " "))


def test_a_quota_refusal_in_korean_and_english(tmp_path: Path, fake: FakeVendor) -> None:
    env = server_env(tmp_path, fake, LLM_MONTHLY_QUOTA_USD="0.000001")
    ko = run(env, "generate", PROMPT, "--model", PRICED, "--lang", "ko")
    en = run(env, "--lang", "en", "generate", PROMPT, "--model", PRICED)
    assert ko.returncode == en.returncode == 4, ko.stderr
    assert ko.stderr.startswith("오류: ") and has_hangul(ko.stderr) and not korean(ko.stderr), ko.stderr
    assert "$0.000001" in ko.stderr and "LLM_MONTHLY_QUOTA_USD" in ko.stderr
    assert en.stderr.startswith("error: Monthly LLM quota reached"), en.stderr
    assert fake.count("openai") == 0


def test_a_vendor_outage_in_korean_names_vendor_model_and_status(tmp_path: Path, fake: FakeVendor) -> None:
    env = server_env(tmp_path, fake)
    fake.script(Reply(status=503, error_message="upstream is overloaded", repeat=4), vendor="openai")
    ko = run(env, "sentiment", "--title", "비트코인 ETF 승인", "--content", "승인", "--model", PRICED, "--lang", "ko")
    assert ko.returncode == 5, ko.stderr
    line = next(x for x in ko.stderr.splitlines() if x.startswith("오류: "))
    assert has_hangul(line) and not korean(line), ko.stderr
    assert "OpenAI" in line and PRICED in line and "503" in line


def test_studio_lang_is_the_default_and_the_flag_wins(tmp_path: Path, fake: FakeVendor) -> None:
    env = server_env(tmp_path, fake, LLM_MONTHLY_QUOTA_USD="0.000001", STUDIO_LANG="ko")
    default = run(env, "generate", PROMPT, "--model", PRICED)
    flagged = run(env, "generate", PROMPT, "--model", PRICED, "--lang", "en")
    assert default.returncode == flagged.returncode == 4
    assert default.stderr.startswith("오류: "), default.stderr
    assert flagged.stderr.startswith("error: Monthly LLM quota reached"), flagged.stderr


def test_a_bad_csv_in_korean(tmp_path: Path) -> None:
    env = server_env(tmp_path, None)
    strategy = run(env, "generate", PROMPT, "--model", "offline")
    assert strategy.returncode == 0, strategy.stderr
    (tmp_path / "s.json").write_text(strategy.stdout, encoding="utf-8")
    bad = tmp_path / "prices.csv"
    bad.write_text("timestamp,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,abc,2,0.5,1.5,10\n")
    ko = run(env, "backtest", str(tmp_path / "s.json"), "--data", str(bad), "--lang", "ko")
    assert ko.returncode == 2
    assert "숫자가 아닙니다" in ko.stderr and not english_runs(ko.stderr.replace("prices.csv", " ")), ko.stderr
