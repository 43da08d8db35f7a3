"""A live REST API for tests: ``uvicorn core.api:app`` in a subprocess on a free loopback port, its own
SQLite file, and every vendor pointed at a loopback fake vendor server (tests/fakes/vendor.py).

The test process opens the same database file to make keys and set quotas, as an operator would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.config import reset_settings_cache
from core.services.models import reset_gateway
from tests.fakes.vendor import FakeVendor

ROOT = Path(__file__).resolve().parent.parent
KEY_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL",
            "CUSTOM_LLM_API_KEY", "CUSTOM_LLM_MODELS", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GLM_BASE_URL",
            "LLM_DEFAULT_MODEL", "STUDIO_ADMINS")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp: Path, fake: FakeVendor | None, *, anthropic: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update({
        "STUDIO_DB": str(tmp / "studio.db"), "STUDIO_SECRETS_FILE": str(tmp / "no-secrets.toml"),
        "LLM_MAX_RETRIES": "0", "STUDIO_ADMINS": "root-sub", "PYTHONUNBUFFERED": "1",
    })
    if fake is not None:
        env.update({"OPENAI_API_KEY": "sk-test-openai-0000", "OPENAI_BASE_URL": fake.openai_base_url})
        if anthropic:  # a second vendor, for fallbacks that cross vendors
            env.update({"ANTHROPIC_API_KEY": "sk-ant-test-0000", "ANTHROPIC_BASE_URL": fake.anthropic_base_url})
    env.update(extra)
    return env


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 90) -> None:
    """Poll until the server answers (or has died: then show its log)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not come up at {url}:\n{log.read_text(errors='replace')[-4000:]}")


@dataclass
class LiveApi:
    base: str  # http://127.0.0.1:PORT/api
    db: Path
    fake: FakeVendor | None

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=60)


@contextmanager
def operator_db(db: Path) -> Iterator[None]:
    """Point this process's settings at the server's database for operator actions (keys, quotas)."""
    saved = {k: os.environ.get(k) for k in ("STUDIO_DB", "STUDIO_SECRETS_FILE")}
    os.environ["STUDIO_DB"] = str(db)
    os.environ["STUDIO_SECRETS_FILE"] = str(db.parent / "no-secrets.toml")
    reset_settings_cache()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings_cache()
        reset_gateway()


def make_key(db: Path, user_id: str, name: str = "test", display_name: str = "") -> str:
    from core.accounts import Principal
    from core.services import accounts

    with operator_db(db):
        principal = Principal(user_id, "user", display_name or user_id.title(), f"{user_id}@example.com")
        accounts.sign_in(principal)
        return accounts.create_api_key(principal, name).secret


@contextmanager
def run_server(cmd: list[str], env: dict[str, str], port: int, tmp: Path, ready_path: str) -> Iterator[None]:
    log = tmp / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{ready_path}", proc, log)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def live_api(tmp: Path, *, vendor: bool = True, anthropic: bool = False, **extra_env: str) -> Iterator[LiveApi]:
    """``uvicorn core.api:app``; with ``vendor`` a fake vendor behind OpenAI's base URL, else no keys
    at all (the zero-setup configuration: the offline engine answers)."""
    with FakeVendor() as fake:
        port = free_port()
        cmd = [sys.executable, "-m", "uvicorn", "core.api:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]
        env = server_env(tmp, fake if vendor else None, anthropic=anthropic, **extra_env)
        with run_server(cmd, env, port, tmp, "/api/openapi.json"):
            yield LiveApi(f"http://127.0.0.1:{port}/api", tmp / "studio.db", fake if vendor else None)
