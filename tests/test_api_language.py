"""The REST API words its messages in the caller's language (Accept-Language: ko or en, default en)
while the machine-readable error_code stays the same: a live server, the real OpenAI SDK against the
loopback fake vendor, a real quota refusal and a real vendor outage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api_support import LiveApi, live_api, make_key, operator_db
from tests.fakes.vendor import Reply
from tests.korean_text import english_runs, has_hangul

PRICED = "gpt-5.4-mini"
PROMPT = {"prompt": "Buy BTC when RSI < 30", "model": PRICED, "fallback": "off"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with live_api(tmp_path_factory.mktemp("api-lang")) as server:
        yield server


def korean(text: str) -> list[str]:
    """English left in a Korean message, the model's name (a name, not English) taken out."""
    return english_runs(text.replace(PRICED, " "))


def test_a_quota_refusal_is_worded_in_korean_with_its_figures_and_the_same_code(api: LiveApi) -> None:
    key = make_key(api.db, "hana-sub")
    with operator_db(api.db):
        from core.accounts.principal import OPERATOR
        from core.services import accounts

        accounts.set_quota(OPERATOR, "hana-sub", "0.000001")
    with api.client(key) as c:
        ko = c.post("/llm/generate-strategy", json=PROMPT, headers={"Accept-Language": "ko-KR,ko;q=0.9"})
        en = c.post("/llm/generate-strategy", json=PROMPT, headers={"Accept-Language": "en-US"})
        plain = c.post("/llm/generate-strategy", json=PROMPT)
    assert ko.status_code == en.status_code == plain.status_code == 403
    assert ko.json()["error_code"] == en.json()["error_code"] == "QUOTA_EXCEEDED"
    message = ko.json()["message"]
    assert has_hangul(message) and not korean(message), message
    # What, where and how: the figures, the reset date and the setting to raise.
    body = ko.json()
    assert "$0.000001" in message and body["resets_at"] in message and "LLM_MONTHLY_QUOTA_USD" in message
    assert en.json()["message"].startswith("Monthly LLM quota reached")
    assert plain.json()["message"] == en.json()["message"]  # no header: English


def test_a_vendor_outage_is_worded_in_korean_with_the_vendor_model_and_status(api: LiveApi) -> None:
    key = make_key(api.db, "ivan-sub")
    assert api.fake is not None
    api.fake.script(Reply(status=503, error_message="upstream is overloaded, please retry", repeat=4),
                    vendor="openai")
    try:
        with api.client(key) as c:
            ko = c.post("/llm/generate-strategy", json=PROMPT, headers={"Accept-Language": "ko"})
            en = c.post("/llm/generate-strategy", json=PROMPT, headers={"Accept-Language": "en"})
    finally:
        api.fake.reset()
    assert ko.status_code == en.status_code == 503, ko.text
    assert ko.json()["error_code"] == en.json()["error_code"] == "PROVIDER_UNAVAILABLE"
    message = ko.json()["message"]
    assert has_hangul(message) and not korean(message), message
    assert "OpenAI" in message and PRICED in message and "503" in message
    assert "HTTP 503" in en.json()["message"] and not has_hangul(en.json()["message"])


def test_the_apis_own_messages_follow_the_language(api: LiveApi) -> None:
    key = make_key(api.db, "jun-sub")
    with api.client(key) as c:
        ko = c.post("/llm/generate-strategy", json={"no_prompt": 1}, headers={"Accept-Language": "ko"})
        en = c.post("/llm/generate-strategy", json={"no_prompt": 1})
        ranked = c.post("/llm/generate-strategy", json={"no_prompt": 1}, headers={"Accept-Language": "en;q=0.5, ko"})
    assert ko.status_code == en.status_code == 422
    assert ranked.json()["message"] == ko.json()["message"]  # the q-values decide, not the order
    assert ko.json()["error_code"] == en.json()["error_code"] == "INVALID_REQUEST"
    assert has_hangul(ko.json()["message"]) and en.json()["message"] == "The request is not valid."


def test_a_validation_report_is_worded_in_the_callers_language(api: LiveApi) -> None:
    broken = {"name": "no action", "nodes": [
        {"id": "t", "type": "trigger", "config": {"trigger_type": "interval", "interval": "1h"}},
        {"id": "d", "type": "data_source", "config": {"source": "ohlcv", "symbol": "BTC/USDT", "exchange": "binance",
                                                      "timeframe": "1h"}},
        {"id": "c", "type": "condition", "config": {"left": "rsi(14)", "operator": "<", "right": 30}}],
        "edges": [{"from": "t", "to": "d"}, {"from": "d", "to": "c"}]}
    key = make_key(api.db, "min-sub")
    with api.client(key) as c:
        ko = c.post("/strategies/validate", json={"strategy": broken}, headers={"Accept-Language": "ko-KR"})
        en = c.post("/strategies/validate", json={"strategy": broken})
    assert ko.status_code == en.status_code == 200, ko.text
    assert ko.json()["valid"] is en.json()["valid"] is False
    assert [i["code"] for i in ko.json()["issues"]] == [i["code"] for i in en.json()["issues"]]
    assert "NO_ACTION" in [i["code"] for i in ko.json()["issues"]]
    for issue in ko.json()["issues"]:
        assert has_hangul(issue["message"]) and not english_runs(issue["message"]), issue
    assert any(not has_hangul(i["message"]) for i in en.json()["issues"])
