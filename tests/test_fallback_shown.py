"""What a user is told about a call beyond its answer: the fallback policy holds for "auto" too when the
user narrows it, the cost of failed attempts is named when they fail or when a retry answered, and a
wait on the local rate limit (a vendor's Retry-After cools the provider down for every caller) is
shown with its length, in the CLI, the REST API and on the pages. Real SDKs against the fake vendor."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.api_support import live_api, make_key
from tests.fakes.vendor import FakeVendor, Reply
from tests.test_fallback_policy import cli_env
from tests.test_services_cli import run
from tests.test_services_structured import SENTIMENT

NEWS = ("sentiment", "--title", "Bitcoin ETF inflows hit a record", "--content", "Strong demand.")
SLOW_DOWN = Reply(status=429, headers={"retry-after": "1"}, error_message="slow down")


@pytest.fixture
def fake() -> Any:
    with FakeVendor() as server:
        yield server


def test_auto_with_fallback_off_stays_on_the_first_model(fake: FakeVendor, tmp_path: Path) -> None:
    fake.script(Reply(status=503, error_message="overloaded", repeat=5), vendor="openai")
    proc = run(tmp_path, *NEWS, "--fallback", "off", extra_env=cli_env(fake))
    assert proc.returncode == 5, proc.stderr
    assert fake.count("openai") == 1 and fake.count("anthropic") == 0
    assert "gpt-5.4-nano" in proc.stderr and "Traceback" not in proc.stderr
    # It reached the vendor, so it was charged our input estimate, and the CLI says what that cost.
    assert "note: the failed attempts cost $0.0" in proc.stderr


def test_a_retry_after_wait_and_the_failed_attempt_are_shown_on_stderr(fake: FakeVendor, tmp_path: Path) -> None:
    fake.script(SLOW_DOWN, Reply(text=json.dumps(SENTIMENT)), vendor="openai")
    proc = run(tmp_path, *NEWS, "--model", "gpt-5.4-nano", extra_env={**cli_env(fake), "LLM_MAX_RETRIES": "1"})
    assert proc.returncode == 0, proc.stderr
    assert fake.count("openai") == 2
    waited = [line for line in proc.stderr.splitlines() if line.startswith("note: waited ")]
    assert waited and float(waited[0].split()[2]) >= 1.0, proc.stderr  # at least the vendor's Retry-After
    assert "note: the failed attempts before this answer cost $0.0" in proc.stderr


def test_the_api_returns_the_wait_and_the_failed_cost_of_a_failure(tmp_path: Path) -> None:
    with live_api(tmp_path, LLM_MAX_RETRIES="1") as api:
        assert api.fake is not None
        key = make_key(api.db, "alice")
        with api.client(key) as client:
            api.fake.script(SLOW_DOWN, Reply(text=json.dumps(SENTIMENT)), vendor="openai")
            answered = client.post("/news/sentiment", json={"title": "ETF approved", "model": "gpt-5.4-nano"})
            assert answered.status_code == 200, answered.text
            assert answered.json()["waited_s"] >= 1.0
            assert Decimal(answered.json()["failed_attempts_cost"]) > 0
            api.fake.reset()
            api.fake.script(Reply(status=503, error_message="overloaded", repeat=5), vendor="openai")
            failed = client.post("/news/sentiment", json={"title": "ETF rejected", "model": "gpt-5.4-nano",
                                                          "fallback": "off"})
            assert failed.status_code == 503, failed.text
            assert Decimal(failed.json()["failed_attempts_cost"]) > 0


def _news_page() -> AppTest:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "pages" / "news.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    return at


def test_the_news_page_shows_the_wait_and_the_failed_attempts_cost(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    from tests.services_support import fake_vendor_env

    vendor = fake_vendor_env(monkeypatch, tmp_path)
    fake = next(vendor)
    try:
        monkeypatch.setenv("LLM_MAX_RETRIES", "1")
        from core.config import reset_settings_cache
        from core.services.models import reset_gateway

        reset_settings_cache()
        reset_gateway()
        fake.script(SLOW_DOWN, Reply(text=json.dumps(SENTIMENT)), vendor="openai")
        at = _news_page()
        at.run()
        at.text_input(key="services_news_title").input("Markets quiet")
        at.button[0].click().run()
        assert not at.exception
        captions = [c.value for c in at.caption]
        waited = next(c for c in captions if "waited" in c)
        assert float(waited.split("waited ")[1].split(" s")[0]) >= 1.0
        assert any(c.startswith("Failed attempts cost $0.0") for c in captions), captions
    finally:
        vendor.close()
