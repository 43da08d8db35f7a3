"""`python -m core validate` and `render`: output shapes and the contract's exit codes (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_strategy_validation import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDIO_DB": str(tmp / "studio.db")}
    return subprocess.run([sys.executable, "-m", "core", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_validate_valid_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out = run("validate", str(path), "--json", tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"valid": True, "issues": [], "warnings": []}
    human = run("validate", str(path), tmp=tmp_path)
    assert human.returncode == 0 and human.stdout.strip() == "valid"


def test_validate_invalid_strategy_exits_1_with_every_issue(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(EXAMPLE))
    broken["edges"].append({"from": "action_1", "to": "trigger_1"})
    broken["nodes"][3]["config"]["symbol"] = "BTCUSDT"
    out = run("validate", "-", "--json", stdin=json.dumps(broken), tmp=tmp_path)
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["valid"] is False
    assert {"EDGE_INTO_TRIGGER", "BAD_SYMBOL", "CYCLE"} <= {i["code"] for i in report["issues"]}
    for issue in report["issues"]:
        assert set(issue) == {"code", "severity", "message", "node_id", "edge", "hint"}
    human = run("validate", "-", stdin=json.dumps(broken), tmp=tmp_path)
    assert human.returncode == 1 and "INVALID" in human.stdout and "hint:" in human.stdout


def test_validate_unreadable_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x",\n "nodes": [}', encoding="utf-8")
    out = run("validate", str(bad), "--json", tmp=tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert "not valid JSON" in out.stderr and "line 2" in out.stderr and str(bad) in out.stderr
    missing = run("validate", str(tmp_path / "nope.json"), tmp=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    usage = run("validate", tmp=tmp_path)
    assert usage.returncode == 2


def test_render_writes_a_self_contained_page(tmp_path: Path) -> None:
    src = tmp_path / "s.json"
    src.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out_file = tmp_path / "graph.html"
    out = run("render", str(src), "-o", str(out_file), tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    html = out_file.read_text(encoding="utf-8")
    assert "vis.Network" in html and "RSI(14) \\u003c 30" in html and "BUY 100 USDT · BTC/USDT" in html
    assert "http://" not in html.split("<script>")[0] and "src=\"http" not in html and "cdn" not in html.lower()
    assert run("render", str(tmp_path / "missing.json"), "-o", str(out_file), tmp=tmp_path).returncode == 2
