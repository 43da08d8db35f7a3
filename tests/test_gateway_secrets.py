"""A recognisable fake key sent through every error path never shows up in a message, exception or log."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import StudioError
from core.llm.types import ChatRequest, Message, TextDelta
from core.services.composition import build_gateway
from tests.fakes.studio_env import KEYS, clean_env, settings_for
from tests.fakes.vendor import FakeVendor, Reply

FIRST = {"openai": "gpt-5.4-mini", "anthropic": "claude-haiku-4-5", "glm": "glm-5.1", "custom": "local-a"}
VENDOR = {"openai": "openai", "anthropic": "anthropic", "glm": "glm", "custom": "openai"}

SCRIPTS = {
    "401 echoing the key": [Reply(status=401, echo_key=True)],
    "403 echoing the key": [Reply(status=403, echo_key=True)],
    "429 over the cap, echoing": [Reply(status=429, headers={"retry-after": "999"}, echo_key=True)],
    "500s echoing the key": [Reply(status=500, echo_key=True, repeat=2)],
    "400 echoing the key": [Reply(status=400, echo_key=True)],
    "malformed body": [Reply(malformed=True, repeat=2)],
    "slow reply (timeout)": [Reply(delay_s=1.5, repeat=2)],
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake() -> Iterator[FakeVendor]:
    with FakeVendor() as server:
        yield server


def _texts(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if isinstance(exc, StudioError):
        out += [exc.message, exc.hint or "", repr(exc.details)]
    return out


@pytest.mark.parametrize("provider", list(FIRST))
def test_key_never_leaks(provider: str, fake: FakeVendor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         caplog: pytest.LogCaptureFixture) -> None:
    clean_env(monkeypatch, tmp_path)
    caplog.set_level(logging.DEBUG)  # SDK and HTTP-library debug logs included
    key = KEYS[provider]
    models = tmp_path / "models.toml"
    models.write_text('[models."local-a"]\nprovider = "custom"\ninput = 1\noutput = 1\n', encoding="utf-8")
    settings = settings_for(fake, provider, llm_request_timeout=1.0, llm_max_retries=1, studio_models_file=models,
                            studio_db=tmp_path / "studio.db")
    gw = build_gateway(settings)  # with B's ledger: error rows are stored too
    texts: list[str] = []
    req = ChatRequest("news_sentiment", [Message("user", "hello")], model=FIRST[provider], fallback=False)
    for name, replies in SCRIPTS.items():
        fake.reset()
        fake.script(*replies, vendor=VENDOR[provider])
        with pytest.raises(StudioError) as info:
            gw.complete(req)
        texts += _texts(info.value)
        assert fake.count() >= 1, name
        if name.endswith("echoing the key"):
            # The fake really did put the key in the vendor's error text.
            assert "[REDACTED]" in str(info.value), name
    # A stream cut mid-way, and a mid-stream error event.
    for reply in (Reply(cut_after=1, echo_key=True), Reply(cut_after=1, stream_error=True)):
        fake.reset()
        fake.script(reply, vendor=VENDOR[provider])
        with pytest.raises(StudioError) as info:
            for event in gw.stream(req):
                assert isinstance(event, TextDelta)
        texts += _texts(info.value)
    # Nobody listening at all (connection refused), then the whole chain failing.
    dead = f"http://127.0.0.1:{_closed_port()}"
    url_field = {"openai": "openai_base_url", "anthropic": "anthropic_base_url", "glm": "glm_base_url",
                 "custom": "custom_llm_base_url"}[provider]
    dead_gw = build_gateway(settings_for(fake, provider, llm_max_retries=0, studio_models_file=models,
                                         studio_db=tmp_path / "studio.db", **{url_field: dead}))
    for r in (req, ChatRequest("news_sentiment", [Message("user", "x")], model=FIRST[provider])):
        try:
            c = dead_gw.complete(r)
            texts.append(repr(c))
        except StudioError as exc:
            texts += _texts(exc)
    ledger = gw.ledger
    assert ledger is not None
    rows = list(ledger.db["llm_usage"].rows)  # type: ignore[attr-defined]
    assert any(r["error"] for r in rows)
    texts += [str(r["error"]) for r in rows]
    texts.append(caplog.text)
    texts += [r.getMessage() for r in caplog.records]
    fragments = {key, key[:16], key.split(".")[0]}
    for text in texts:
        for fragment in fragments:
            assert fragment not in text
