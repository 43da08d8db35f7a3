"""The README's own command serves the UI and the API on one port: `streamlit run app.py`, then the
README's curl (a JSON body sent as `curl -d` sends it, form-encoded) returns the strategy and its cost."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

from tests.api_support import free_port, make_key, run_server, server_env

PROMPT = "비트코인 1시간봉 RSI 30 아래면 100 USDT 매수"


def test_streamlit_run_serves_the_ui_and_the_api_on_one_port(tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}",
           "--server.address=127.0.0.1", "--server.headless=true", "--browser.gatherUsageStats=false"]
    with run_server(cmd, server_env(tmp_path, None), port, tmp_path, "/_stcore/health"):
        key = make_key(tmp_path / "studio.db", "local")
        base = f"http://127.0.0.1:{port}"
        body = ('{"prompt":"' + PROMPT + '","model":"offline"}').encode()
        # Exactly what `curl -H "Authorization: Bearer $KEY" -d '{...}' URL` sends.
        r = httpx.post(f"{base}/api/llm/generate-strategy", content=body, timeout=60,
                       headers={"Authorization": f"Bearer {key}",
                                "Content-Type": "application/x-www-form-urlencoded"})
        page = httpx.get(base, timeout=30)
        spec = httpx.get(f"{base}/api/openapi.json", timeout=30)
        anonymous = httpx.get(f"{base}/api/usage", timeout=30)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["cost"] == "0.000000" and answer["model"] == "offline" and answer["validation"]["valid"]
    assert {n["type"] for n in answer["strategy"]["nodes"]} >= {"trigger", "condition", "action"}
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert spec.status_code == 200 and "/llm/generate-strategy" in spec.json()["paths"]
    assert anonymous.status_code == 401
