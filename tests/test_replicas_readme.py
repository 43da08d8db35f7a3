"""The README's "Several replicas" commands, run as written (steps 2 to 4) by bash: the two URLs, three
API replicas and three UI replicas, nginx from deploy/nginx-replicas.conf in front, an operator's key
from the command line and the README's curl through the load balancer.

Only what cannot run here is swapped: step 1 (apt-get, createuser/createdb need root and the system
servers) is the fixtures' throwaway PostgreSQL and Redis, whose URLs replace the README's; the
README's fixed ports become free ones; nginx's prefix is a temporary directory instead of deploy/.
Each swap is checked to apply, so a README that changes its commands fails this test until it is
updated with them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.api_support import ROOT, free_port, server_env

README = ROOT / "README.md"


def readme_commands() -> str:
    """The bash block of the README's "Several replicas" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Several replicas\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```bash\n(.*?)```", section, re.S)
    assert found, "the 'Several replicas' section has no bash block"
    return found.group(1)


def swap(script: str, old: str, new: str) -> str:
    assert old in script, f"the README's commands no longer contain {old!r}: update this test with them"
    return script.replace(old, new)


def wait_for(predicate: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path,
             timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the README's commands exited ({proc.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        try:
            if predicate():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')[-4000:]}")


@contextmanager
def shell(script: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """bash running ``script`` in its own process group (its background jobs are ended with it)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def websocket_upgrade(port: int) -> str:
    """The status line nginx answers to a websocket handshake on the UI's stream endpoint."""
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


def test_the_readme_commands_run_three_api_and_three_ui_replicas_behind_nginx(
        tmp_path: Path, pg_url: str, redis_url: str) -> None:
    script = readme_commands()
    steps = script.split("# 2.", 1)[1].split("KEY=", 1)
    start, operator = "# 2." + steps[0], "KEY=" + steps[1]
    start = swap(start, "postgresql://studio@127.0.0.1:5432/studio", pg_url)
    start = swap(start, "redis://127.0.0.1:6379/0", redis_url)
    conf = (ROOT / "deploy" / "nginx-replicas.conf").read_text(encoding="utf-8")
    api_ports, ui_ports, lb = [free_port() for _ in range(3)], [free_port() for _ in range(3)], free_port()
    start = swap(start, "for port in 8001 8002 8003", "for port in " + " ".join(map(str, api_ports)))
    start = swap(start, "for port in 8501 8502 8503", "for port in " + " ".join(map(str, ui_ports)))
    fixed_ports = zip((8001, 8002, 8003, 8501, 8502, 8503), api_ports + ui_ports, strict=True)
    for fixed, port in fixed_ports:
        conf = swap(conf, f"server 127.0.0.1:{fixed};", f"server 127.0.0.1:{port};")
    conf = swap(conf, "listen 127.0.0.1:8080;", f"listen 127.0.0.1:{lb};")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (prefix / "nginx-replicas.conf").write_text(conf, encoding="utf-8")
    start = swap(start, 'mkdir -p deploy/tmp && nginx -p "$PWD/deploy"',
                 f'mkdir -p {prefix}/tmp && nginx -p "{prefix}"')
    start += "\nwait\n"  # keep the replicas (background jobs) running with this shell
    operator = swap(operator, "http://127.0.0.1:8080/api/", f"http://127.0.0.1:{lb}/api/")
    operator = "set -euo pipefail\n" + start.split("# 3.", 1)[0] + operator  # the same two URLs

    env = server_env(tmp_path, None)  # no vendor keys: the README's call asks the offline engine
    for name in ("STUDIO_DATABASE_URL", "STUDIO_REDIS_URL"):
        env.pop(name, None)
    log = tmp_path / "replicas.log"
    with shell(start, env, log) as proc:
        for port in api_ports:
            wait_for(lambda p=port: httpx.get(f"http://127.0.0.1:{p}/api/openapi.json", timeout=5).status_code == 200,
                     f"API replica :{port}", proc, log)
        for port in ui_ports:
            wait_for(lambda p=port: httpx.get(f"http://127.0.0.1:{p}/_stcore/health", timeout=5).text == "ok",
                     f"UI replica :{port}", proc, log)
        wait_for(lambda: httpx.get(f"http://127.0.0.1:{lb}/_stcore/health", timeout=5).text == "ok",
                 "nginx in front", proc, log)

        done = subprocess.run(["bash", "-c", operator], cwd=ROOT, env=env, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
        answer = json.loads(done.stdout)
        page = httpx.get(f"http://127.0.0.1:{lb}/", timeout=30)
        upgrade = websocket_upgrade(lb)
    assert answer["model"] == "offline" and answer["offline"] and answer["strategy"]["nodes"], answer
    assert Decimal(answer["cost_usd"]) == 0, answer  # the local engine is free
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert upgrade.startswith("HTTP/1.1 101"), upgrade  # the UI's websocket passes the load balancer
    access = (prefix / "access.log").read_text(encoding="utf-8").splitlines()
    api_upstreams = {line.rsplit("upstream=", 1)[1] for line in access if "/api/llm/generate-strategy" in line}
    ui_upstreams = {line.rsplit("upstream=", 1)[1] for line in access if '"GET / ' in line or "_stcore" in line}
    assert api_upstreams <= {f"127.0.0.1:{p}" for p in api_ports} and api_upstreams
    assert len(ui_upstreams) == 1 and ui_upstreams <= {f"127.0.0.1:{p}" for p in ui_ports}  # sticky: ip_hash
