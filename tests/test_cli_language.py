"""``python -m core … --lang ko|en`` words its errors and hints on stderr in that language (default:
STUDIO_LANG, else English); the exit codes stay. Real subprocesses, a real SQLite ledger, the real
OpenAI SDK against the loopback fake vendor."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_support import ROOT, server_env
from tests.fakes.vendor import FakeVendor, Reply
from tests.korean_text import english_runs, has_hangul
from tests.test_services_structured import SENTIMENT

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


def _hangul_lines(stderr: str, start: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(start)]


def test_the_clis_own_notes_on_a_fallback_and_a_wait_are_korean(tmp_path: Path, fake: FakeVendor) -> None:
    """Which model answered, why another did, what the failed attempts cost and how long the user waited:
    every line the CLI adds on stderr reads in Korean, with the figures."""
    env = server_env(tmp_path, fake, anthropic=True, LLM_MAX_RETRIES="1")
    answer = json.dumps(SENTIMENT)
    fake.script(Reply(status=429, headers={"retry-after": "1"}, error_message="slow down"),
                Reply(status=500, error_message="upstream exploded"), Reply(text=answer), vendor="openai")
    fake.script(Reply(text=answer), vendor="anthropic")
    ko = run(env, "sentiment", "--title", "비트코인 ETF 승인", "--content", "수요가 강하다", "--model", PRICED,
             "--fallback", "any", "--lang", "ko")
    assert ko.returncode == 0, ko.stderr
    answered = fake.attempts[-1].body["model"]
    notes = _hangul_lines(ko.stderr, "참고: ")
    assert any(f"{PRICED} 호출이 실패해 {answered}이(가) 대신 답했습니다" in line for line in notes), ko.stderr
    assert any("실패한 시도의 비용: $0.0" in line for line in notes), ko.stderr
    assert any("초 기다렸습니다" in line for line in notes), ko.stderr
    vendor = fake.attempts[-1].vendor
    footer = next(line for line in ko.stderr.splitlines() if line.startswith(f"{answered} ({vendor}): 입력 "))
    assert " 토큰, $" in footer
    said = ko.stderr.replace(PRICED, " ").replace(answered, " ").replace(vendor, " ")
    assert has_hangul(said) and not english_runs(said), ko.stderr


def test_backtest_warnings_and_file_errors_in_korean(tmp_path: Path) -> None:
    env = server_env(tmp_path, None)
    strategy = run(env, "generate", PROMPT, "--model", "offline")
    assert strategy.returncode == 0, strategy.stderr
    assert _hangul_lines(run(env, "generate", PROMPT, "--model", "offline", "--lang", "ko").stderr,
                         "오프라인 규칙 엔진: 입력 0 / 출력 0 토큰, $0")
    (tmp_path / "s.json").write_text(strategy.stdout, encoding="utf-8")
    prices = tmp_path / "prices.csv"
    rows = [f"2024-01-01T{h:02d}:00:00Z,{100 + h},{101 + h},{99 + h},{100.5 + h},10" for h in range(24)]
    prices.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ko = run(env, "backtest", str(tmp_path / "s.json"), "--data", str(prices), "--lang", "ko")
    en = run(env, "backtest", str(tmp_path / "s.json"), "--data", str(prices))
    assert ko.returncode == en.returncode == 0, ko.stderr
    warnings = _hangul_lines(ko.stderr, "경고: ")
    assert warnings and len(warnings) == len(_hangul_lines(en.stderr, "warning: ")), (ko.stderr, en.stderr)
    assert not english_runs(ko.stderr.replace("prices.csv", " ").replace("BTC/USDT", " ")), ko.stderr

    missing = run(env, "validate", str(tmp_path / "nope.json"), "--lang", "ko")
    assert missing.returncode == 2 and "nope.json: 파일이 없습니다" in missing.stderr, missing.stderr
    (tmp_path / "broken.json").write_text('{"nodes": [', encoding="utf-8")
    broken = run(env, "validate", str(tmp_path / "broken.json"), "--lang", "ko")
    assert broken.returncode == 2 and "올바른 JSON이 아닙니다 (1번째 줄" in broken.stderr, broken.stderr
    quota = run(env, "quota", "set", "--user", "bob", "--usd", "5", "--lang", "ko")
    assert quota.returncode == 0 and "bob의 월 한도를 $5" in quota.stderr, quota.stderr
    usage = run(env, "--lang", "ko", "backtest")
    assert usage.returncode == 2 and _hangul_lines(usage.stderr, "오류: 명령을 읽을 수 없습니다"), usage.stderr


def test_validate_reads_its_report_in_korean(tmp_path: Path) -> None:
    env = server_env(tmp_path, None)
    strategy = json.loads(run(env, "generate", PROMPT, "--model", "offline").stdout)
    strategy["nodes"] = [n for n in strategy["nodes"] if n["type"] != "action"]
    strategy["edges"] = [e for e in strategy["edges"] if e["to"] in {n["id"] for n in strategy["nodes"]}]
    (tmp_path / "s.json").write_text(json.dumps(strategy), encoding="utf-8")
    ko = run(env, "validate", str(tmp_path / "s.json"), "--lang", "ko")
    en = run(env, "validate", str(tmp_path / "s.json"))
    assert ko.returncode == en.returncode == 1, ko.stdout + ko.stderr
    assert ko.stdout.startswith("유효하지 않음") and en.stdout.startswith("INVALID"), ko.stdout
    assert "NO_ACTION" in ko.stdout and "액션이 하나 이상 있어야 합니다" in ko.stdout
    codes_out = "\n".join(line.split(":", 1)[-1] for line in ko.stdout.splitlines())
    assert not english_runs(codes_out), ko.stdout
