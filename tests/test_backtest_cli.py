"""`python -m core backtest` (DESIGN.md section 5): JSON keys, human text, exit codes 1 and 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.strategy_builders import buy_and_sell

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "bittrex_btc-usdt.csv"
KEYS = {
    "total_return_pct",
    "max_drawdown_pct",
    "win_rate_pct",
    "sharpe",
    "profit_factor",
    "trades",
    "exposure_pct",
    "buy_hold_return_pct",
}
STRATEGY = buy_and_sell(("rsi(14)", "<", 35), ("rsi(14)", ">", 70), amount=1000, name="RSI dip buyer")


def cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The command in-process (same entry point as `python -m core`), with its exit code and output."""
    import contextlib
    import io

    from core.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["backtest", *args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(["backtest", *args], code, out.getvalue(), err.getvalue())


def test_python_dash_m_core_backtest_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps(STRATEGY))
    env = {**os.environ, "STUDIO_DB": str(tmp_path / "studio.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "core", "backtest", str(path), "--data", str(SAMPLE), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) >= KEYS


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings_cache

    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    reset_settings_cache()


@pytest.fixture
def strategy_file(tmp_path: Path) -> Path:
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps(STRATEGY))
    return path


def test_json_output_has_the_contract_keys(strategy_file: Path, tmp_path: Path) -> None:
    proc = cli(str(strategy_file), "--data", str(SAMPLE), "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= KEYS
    assert out["trades"] >= 1
    assert isinstance(out["final_equity"], str) and float(out["final_equity"]) > 0  # money as a decimal string
    assert out["buy_hold_return_pct"] == pytest.approx(1428.68, abs=0.01)
    assert out["max_drawdown_pct"] <= 0


def test_fees_and_slippage_change_the_result(strategy_file: Path, tmp_path: Path) -> None:
    def run(*costs: str) -> dict:
        return json.loads(cli(str(strategy_file), "--data", str(SAMPLE), "--json", *costs, tmp_path=tmp_path).stdout)

    cheap = run("--fee-bps", "0", "--slippage-bps", "0")
    dear = run("--fee-bps", "50", "--slippage-bps", "50", "--cash", "20000")
    assert dear["trades"] == cheap["trades"]
    assert dear["total_return_pct"] < cheap["total_return_pct"]


def test_human_text(strategy_file: Path, tmp_path: Path) -> None:
    proc = cli(str(strategy_file), "--data", str(SAMPLE), tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "Total return" in proc.stdout and "Max drawdown" in proc.stdout and "Sharpe" in proc.stdout
    assert "gap(s) in the data" in proc.stderr  # warnings go to stderr


def test_bad_csv_exits_2_with_the_row(strategy_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,open,high,low,close,volume\n2024-01-01,1,2,3,1.5,1\n")
    proc = cli(str(strategy_file), "--data", str(bad), "--json", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "row 1 (file line 2) has high 2 below low 3" in proc.stderr
    missing = cli(str(strategy_file), "--data", str(tmp_path / "none.csv"), tmp_path=tmp_path)
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_invalid_strategy_exits_1(tmp_path: Path) -> None:
    broken = dict(STRATEGY, nodes=[n for n in STRATEGY["nodes"] if n["type"] != "trigger"])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    proc = cli(str(path), "--data", str(SAMPLE), "--json", tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "trigger" in proc.stderr
    path.write_text("{not json")
    assert cli(str(path), "--data", str(SAMPLE), tmp_path=tmp_path).returncode == 1
