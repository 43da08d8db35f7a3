"""The fake vendor runs standalone and is scripted over its HTTP control endpoint from another process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openai

from tests.fakes.vendor import RemoteFake, Reply

ROOT = Path(__file__).resolve().parent.parent


def test_standalone_fake_is_scriptable_from_another_process() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.vendor", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/_fake/attempts", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the standalone fake did not start"
                time.sleep(0.1)
        remote = RemoteFake(url)
        remote.script(Reply(status=503), Reply(text="scripted remotely", input_tokens=7), vendor="openai")
        client = openai.OpenAI(api_key="sk-remote-0123456789", base_url=url + "/v1", max_retries=0)
        try:
            client.chat.completions.create(model="gpt-5.4-mini", messages=[{"role": "user", "content": "x"}])
            raise AssertionError("the scripted 503 did not arrive")
        except openai.InternalServerError:
            pass
        reply = client.chat.completions.create(model="gpt-5.4-mini", messages=[{"role": "user", "content": "x"}])
        assert reply.choices[0].message.content == "scripted remotely"
        assert reply.usage is not None and reply.usage.prompt_tokens == 7
        seen = remote.attempts()
        assert seen["counts"]["openai"] == 2 and seen["attempts"][0]["body"]["model"] == "gpt-5.4-mini"
        remote.reset()
        assert remote.attempts()["counts"]["openai"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
