"""The REST API against a live server (uvicorn core.api:app in a subprocess, real SQLite, the real
OpenAI SDK talking to the loopback fake vendor): every endpoint family and every error status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.api_support import LiveApi, live_api, make_key, operator_db
from tests.fakes.vendor import Reply
from tests.strategy_builders import DESIGN_EXAMPLE

PROMPT = "비트코인 1시간봉 RSI 30 아래면 100 USDT 매수"
PRICED = "gpt-5.4-mini"  # an OpenAI model with known prices, answered by the fake vendor


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    # Two vendors behind the fake, so a fallback has somewhere to go (and a test can see it did not).
    with live_api(tmp_path_factory.mktemp("api"), anthropic=True) as server:
        yield server


@pytest.fixture(scope="module")
def alice(api: LiveApi) -> str:
    return make_key(api.db, "alice-sub", display_name="Alice")


@pytest.fixture(scope="module")
def bob(api: LiveApi) -> str:
    return make_key(api.db, "bob-sub", display_name="Bob")


def _strategy_reply() -> Reply:
    return Reply(text=json.dumps(DESIGN_EXAMPLE), input_tokens=900, output_tokens=400)


# --- 401 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer sk-studio-nope", "Basic YWxpY2U6cHc=",
                                    "Bearer sk-studio-AAAAAAAA-" + "x" * 43])
def test_every_endpoint_refuses_a_missing_or_unknown_key(api: LiveApi, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for method, path in (("GET", "/models"), ("GET", "/strategies"), ("GET", "/usage"),
                         ("POST", "/llm/generate-strategy"), ("GET", "/strategies/s123")):
        r = httpx.request(method, api.base + path, headers=headers, json={"prompt": PROMPT}, timeout=30)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["error_code"] == "UNAUTHORIZED" and "Traceback" not in r.text
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_key_gets_401(api: LiveApi) -> None:
    key = make_key(api.db, "carol-sub")
    with api.client(key) as c:
        assert c.get("/models").status_code == 200
        with operator_db(api.db):
            from core.accounts.principal import OPERATOR
            from core.services import accounts

            accounts.revoke_api_key(OPERATOR, key[:18])
        r = c.get("/models")
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    assert key not in r.text


# --- generate, with real figures ---------------------------------------------------------------


def test_generate_offline_returns_strategy_cost_validation_and_request_id(api: LiveApi, alice: str) -> None:
    with api.client(alice) as c:
        r = c.post("/llm/generate-strategy", json={"prompt": PROMPT, "model": "offline"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == "offline" and body["cost"] == "0.000000" and body["offline"] is True
    assert body["validation"]["valid"] is True and body["request_id"]
    nodes = {n["type"]: n for n in body["strategy"]["nodes"]}
    assert nodes["condition"]["config"] == {"operator": "<", "left": "rsi(14)", "right": 30}
    assert nodes["action"]["config"]["amount"] == 100
    assert all("condition" not in e or e["condition"] in ("true", "false") for e in body["strategy"]["edges"])


def test_generate_with_a_vendor_reports_its_tokens_and_the_cost_the_ledger_bills(api: LiveApi) -> None:
    key = make_key(api.db, "dave-sub")
    assert api.fake is not None
    api.fake.script(_strategy_reply(), vendor="openai")
    with api.client(key) as c:
        r = c.post("/llm/generate-strategy", json={"prompt": "Buy 100 USDT of BTC when RSI(14) < 30",
                                                    "model": PRICED})
        assert r.status_code == 200, r.text
        body = r.json()
        usage = c.get("/usage").json()
    assert body["model"] == PRICED and body["input_tokens"] == 900 and body["output_tokens"] == 400
    assert body["tokens_used"] == 1300 and Decimal(body["cost"]) > 0
    assert body["fallback_from"] is None and body["fallback_reason"] is None and body["failed_attempts_cost"] == "0"
    assert usage["spend_usd"] == body["cost"] and usage["user"] == "dave-sub"
    assert [m["model"] for m in usage["by_model"]] == [PRICED]


def test_generate_streams_deltas_then_the_result(api: LiveApi, alice: str) -> None:
    with api.client(alice) as c, c.stream("POST", "/llm/generate-strategy", params={"stream": "true"},
                                          json={"prompt": PROMPT, "model": "offline"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = []
        name = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "result" and kinds.count("delta") >= 2
    streamed = "".join(d["text"] for k, d in events if k == "delta")
    final = events[-1][1]
    assert json.loads(streamed)["nodes"] == final["strategy"]["nodes"] and final["cost"] == "0.000000"
    assert final["fallback_from"] is None and final["failed_attempts_cost"] == "0" and "RSI" in final["explanation"]


# --- the fallback contract: an explicit model falls back only as far as the request allows ------


# A 401 says the vendor's key is wrong, so not even "same_vendor" tries another of its models.
@pytest.mark.parametrize("fallback", ["off", "same_vendor", None], ids=["off", "same_vendor", "server-default"])
def test_an_explicit_model_whose_vendor_answers_401_fails_and_no_other_vendor_is_called(
        api: LiveApi, fallback: str | None) -> None:
    key = make_key(api.db, f"kim-{fallback}-sub")
    assert api.fake is not None
    api.fake.reset()
    api.fake.script(Reply(status=401, error_message="Incorrect API key provided", repeat=3), vendor="openai")
    api.fake.script(_strategy_reply(), vendor="anthropic")
    body = {"prompt": "Buy 100 USDT of BTC when RSI(14) < 30", "model": PRICED}
    if fallback is not None:  # left out, the server's LLM_FALLBACK (unset: off) decides
        body["fallback"] = fallback
    try:
        with api.client(key) as c:
            r = c.post("/llm/generate-strategy", json=body)
        calls = (api.fake.count("openai"), api.fake.count("anthropic"))
    finally:
        api.fake.reset()
    assert r.status_code in (502, 503), r.text
    assert r.json()["error_code"].startswith("PROVIDER_") and PRICED in r.json()["message"]
    assert "sk-test-openai" not in r.text and "Traceback" not in r.text
    assert calls == (1, 0)


def test_fallback_any_answers_with_another_model_and_says_which_failed_and_what_it_cost(api: LiveApi) -> None:
    key = make_key(api.db, "lee-sub")
    assert api.fake is not None
    api.fake.reset()
    # The first openai request is the chosen model's; whichever model comes next gets a strategy.
    api.fake.script(Reply(status=401, error_message="Incorrect API key provided"), _strategy_reply(), vendor="openai")
    api.fake.script(_strategy_reply(), vendor="anthropic")
    try:
        with api.client(key) as c:
            r = c.post("/llm/generate-strategy", json={"prompt": "Buy 100 USDT of BTC when RSI(14) < 30",
                                                        "model": PRICED, "fallback": "any"})
            usage = c.get("/usage").json()
        first = api.fake.attempts[0].body["model"]
    finally:
        api.fake.reset()
    assert r.status_code == 200, r.text
    body = r.json()
    assert first == PRICED and body["model"] != PRICED and body["offline"] is False
    assert body["fallback_from"] == PRICED and body["fallback_reason"]
    assert PRICED in body["tried"] and body["model"] in body["tried"]
    failed = Decimal(body["failed_attempts_cost"])
    assert failed >= 0
    # What the user is billed is what the answer cost plus what the failed attempt cost.
    assert Decimal(usage["spend_usd"]) == Decimal(body["cost"]) + failed


def test_the_explanation_follows_accept_language(api: LiveApi, alice: str) -> None:
    with api.client(alice) as c:
        ko = c.post("/llm/generate-strategy", json={"prompt": PROMPT, "model": "offline"},
                    headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
        en = c.post("/llm/generate-strategy", json={"prompt": PROMPT, "model": "offline"})
    assert ko.status_code == 200 and en.status_code == 200, (ko.text, en.text)
    korean, english = ko.json()["explanation"], en.json()["explanation"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean) and "RSI" in korean
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in english) and "RSI" in english
    assert ko.json()["fallback_from"] is None and ko.json()["failed_attempts_cost"] == "0"


def test_the_openapi_document_declares_the_fallback_fields(api: LiveApi) -> None:
    doc = httpx.get(api.base + "/openapi.json", timeout=30).json()
    schemas = doc["components"]["schemas"]
    out = schemas["GeneratedOut"]["properties"]
    assert {"fallback_from", "fallback_reason", "failed_attempts_cost", "explanation"} <= set(out)
    fallback = json.dumps(schemas["GenerateIn"]["properties"]["fallback"])
    assert all(word in fallback for word in ("off", "same_vendor", "any"))


# --- 403 ---------------------------------------------------------------------------------------


def test_over_quota_gets_403_with_the_figures_and_the_vendor_is_not_called(api: LiveApi) -> None:
    key = make_key(api.db, "erin-sub")
    with operator_db(api.db):
        from core.accounts.principal import OPERATOR
        from core.services import accounts

        accounts.set_quota(OPERATOR, "erin-sub", "0")
    assert api.fake is not None
    before = api.fake.count()
    with api.client(key) as c:
        r = c.post("/llm/generate-strategy", json={"prompt": "Buy BTC when RSI < 30", "model": PRICED})
        streamed = c.post("/llm/generate-strategy", params={"stream": "true"},
                          json={"prompt": "Buy BTC when RSI < 30", "model": PRICED})
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["error_code"] == "QUOTA_EXCEEDED"
    assert Decimal(body["quota_usd"]) == Decimal(body["spend_usd"]) == Decimal(body["held_usd"]) == 0
    assert Decimal(body["worst_case_usd"]) > 0 and len(body["resets_at"]) == 10
    assert streamed.status_code == 403 and streamed.json()["error_code"] == "QUOTA_EXCEEDED"
    assert api.fake.count() == before


def test_only_an_admin_sees_another_users_usage(api: LiveApi, alice: str) -> None:
    root = make_key(api.db, "root-sub")  # STUDIO_ADMINS=root-sub for this server
    with api.client(alice) as c:
        r = c.get("/usage", params={"user": "bob-sub"})
        assert r.status_code == 403 and r.json()["error_code"] == "FORBIDDEN", r.text
        assert c.get("/usage", params={"user": "alice-sub"}).status_code == 200
    with api.client(root) as c:
        r = c.get("/usage", params={"user": "alice-sub"})
    assert r.status_code == 200 and r.json()["user"] == "alice-sub"


# --- strategies: 404 for another user's or an unknown id ---------------------------------------


def test_strategies_crud_and_versions_are_per_user(api: LiveApi, alice: str, bob: str) -> None:
    with api.client(alice) as a, api.client(bob) as b:
        made = a.post("/strategies", json={"strategy": DESIGN_EXAMPLE, "note": "first"})
        assert made.status_code == 201, made.text
        sid = made.json()["id"]
        changed = {**DESIGN_EXAMPLE, "name": "second"}
        assert a.put(f"/strategies/{sid}", json={"strategy": changed}).json() == {"id": sid, "version": 2}
        assert [v["version"] for v in a.get(f"/strategies/{sid}/versions").json()] == [2, 1]
        assert a.get(f"/strategies/{sid}", params={"version": 1}).json()["strategy"]["name"] == DESIGN_EXAMPLE["name"]
        assert sid in [s["id"] for s in a.get("/strategies").json()]

        assert sid not in [s["id"] for s in b.get("/strategies").json()]
        for r in (b.get(f"/strategies/{sid}"), b.get(f"/strategies/{sid}/versions"),
                  b.put(f"/strategies/{sid}", json={"strategy": {**DESIGN_EXAMPLE, "name": "bob's"}}),
                  b.delete(f"/strategies/{sid}"), a.get("/strategies/s0000unknown")):
            assert r.status_code == 404, r.text
            assert r.json()["error_code"] == "NOT_FOUND" and "second" not in r.text
        assert a.get(f"/strategies/{sid}").json()["latest_version"] == 2
        assert a.delete(f"/strategies/{sid}").status_code == 204
        assert a.get(f"/strategies/{sid}").status_code == 404


# --- 413 / 422 ---------------------------------------------------------------------------------


def test_oversized_input_gets_413(api: LiveApi, alice: str) -> None:
    with api.client(alice) as c:
        long_prompt = c.post("/llm/generate-strategy", json={"prompt": "x" * 4001})
        huge_body = c.post("/strategies/validate", content=b'{"strategy": "' + b"x" * (6 * 1024 * 1024) + b'"}',
                           headers={"content-type": "application/json"})
    assert long_prompt.status_code == 413 and long_prompt.json()["error_code"] == "TOO_LARGE"
    assert huge_body.status_code == 413 and huge_body.json()["error_code"] == "TOO_LARGE"


def test_invalid_requests_and_strategies_get_422_with_the_validation_codes(api: LiveApi, alice: str) -> None:
    cyclic = json.loads(json.dumps(DESIGN_EXAMPLE))
    cyclic["edges"].append({"from": "action_1", "to": "condition_1"})
    with api.client(alice) as c:
        saved = c.post("/strategies", json={"strategy": cyclic})
        malformed = c.post("/llm/generate-strategy", content=b"{not json", headers={"content-type": "application/json"})
        missing = c.post("/llm/generate-strategy", json={"model": "offline"})
        report = c.post("/strategies/validate", json={"strategy": cyclic})
        unknown_model = c.post("/llm/generate-strategy", json={"prompt": PROMPT, "model": "no-such-model"})
    assert saved.status_code == 422 and saved.json()["error_code"] == "STRATEGY_INVALID"
    assert "CYCLE" in saved.json()["codes"]
    assert malformed.status_code == 422 and malformed.json()["error_code"] == "INVALID_REQUEST"
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"][-1] == "prompt"
    assert report.status_code == 200 and report.json()["valid"] is False
    assert "CYCLE" in [i["code"] for i in report.json()["issues"]]
    assert unknown_model.status_code == 422 and unknown_model.json()["error_code"] == "UNKNOWN_MODEL"


# --- 429 / 502 / 503 ---------------------------------------------------------------------------


def test_the_users_request_rate_limit_gets_429_with_retry_after(api: LiveApi) -> None:
    key = make_key(api.db, "frank-sub")
    with operator_db(api.db):
        from core.accounts.principal import OPERATOR
        from core.services import accounts

        accounts.set_rate_limit(OPERATOR, "frank-sub", 3)
    with api.client(key) as c:
        codes = [c.get("/models").status_code for _ in range(4)]
        r = c.get("/models")
    assert codes == [200, 200, 200, 429]
    assert r.status_code == 429 and r.json()["error_code"] == "RATE_LIMITED"
    assert 1 <= int(r.headers["retry-after"]) <= 60


def test_a_providers_rate_limit_gets_429_its_outage_503_and_unusable_answers_502(api: LiveApi) -> None:
    key = make_key(api.db, "gina-sub")
    assert api.fake is not None
    with api.client(key) as c:
        api.fake.script(Reply(status=429, headers={"retry-after": "7"}, repeat=5), vendor="openai")
        limited = c.post("/news/sentiment", json={"title": "Bitcoin ETF approved", "model": PRICED,
                                                         "fallback": False})
        api.fake.reset()
        api.fake.script(Reply(status=500, repeat=5), vendor="openai")
        failed = c.post("/news/sentiment", json={"title": "Bitcoin ETF approved", "model": PRICED,
                                                         "fallback": False})
        api.fake.reset()
        api.fake.script(Reply(text="I would rather not say.", repeat=5), vendor="openai")
        garbage = c.post("/news/sentiment", json={"title": "Bitcoin ETF approved", "model": PRICED,
                                                          "fallback": False})
        api.fake.reset()
    assert limited.status_code == 429, limited.text
    assert limited.json()["error_code"] == "PROVIDER_RATE_LIMITED" and int(limited.headers["retry-after"]) >= 1
    assert failed.status_code == 503, failed.text
    assert failed.json()["error_code"].startswith("PROVIDER_") and "Traceback" not in failed.text
    assert "sk-test-openai" not in failed.text
    assert garbage.status_code == 502 and garbage.json()["error_code"] == "MODEL_OUTPUT_INVALID", garbage.text


# --- the other use cases -----------------------------------------------------------------------


def test_backtest_on_the_sample_and_on_an_uploaded_csv(api: LiveApi, alice: str) -> None:
    strategy = json.dumps(DESIGN_EXAMPLE)
    csv = (Path(__file__).resolve().parent.parent / "data/sample/bittrex_btc-usdt.csv").read_bytes()
    with api.client(alice) as c:
        on_sample = c.post("/backtest", data={"strategy": strategy, "sample": "bittrex_btc-usdt"})
        on_upload = c.post("/backtest", data={"strategy": strategy}, files={"data": ("btc.csv", csv, "text/csv")})
        no_data = c.post("/backtest", data={"strategy": strategy})
        bad_sample = c.post("/backtest", data={"strategy": strategy, "sample": "../../etc/passwd"})
    assert on_sample.status_code == 200, on_sample.text
    assert on_sample.json()["trades"] == on_upload.json()["trades"]
    assert on_sample.json()["total_return_pct"] == on_upload.json()["total_return_pct"]
    assert no_data.status_code == 422 and bad_sample.status_code == 422


def test_refine_market_news_optimize_and_models(api: LiveApi, alice: str) -> None:
    with api.client(alice) as c:
        refined = c.post("/strategies/refine", json={"strategy": DESIGN_EXAMPLE, "instruction": "RSI 기간을 21로",
                                                      "model": "offline"})
        market = c.post("/market/analyze", data={"sample": "bittrex_btc-usdt", "symbol": "BTC/USDT",
                                                 "model": "offline"})
        news = c.post("/news/sentiment", json={"title": "Bitcoin ETF approved", "model": "offline"})
        optimized = c.post("/strategies/optimize", data={"strategy": json.dumps(DESIGN_EXAMPLE),
                                                         "sample": "bittrex_btc-usdt", "model": "offline"})
        models = c.get("/models")
    assert refined.status_code == 200, refined.text
    assert any("21" in change for change in refined.json()["changes"])
    assert market.status_code == 200 and market.json()["trend"] and market.json()["indicators"]["rsi_14"] is not None
    assert news.status_code == 200 and news.json()["sentiment"] in ("POSITIVE", "NEUTRAL", "NEGATIVE")
    assert optimized.status_code == 200, optimized.text
    assert "before" in optimized.json() and optimized.json()["optimized_strategy"]["nodes"]
    names = {m["name"]: m for m in models.json()}
    assert names["offline"]["configured"] is True and names[PRICED]["input_per_mtok"] is not None


def test_a_cached_answer_is_never_served_to_another_user(api: LiveApi) -> None:
    """Cache entries have an owner: bob asking alice's exact question reaches the vendor and pays."""
    first, second = make_key(api.db, "hana-sub"), make_key(api.db, "ivan-sub")
    assert api.fake is not None
    api.fake.reset()
    api.fake.script(_strategy_reply(), _strategy_reply(), vendor="openai")
    body = {"prompt": "Buy 100 USDT of BTC when RSI(14) falls below 30", "model": PRICED}
    with api.client(first) as a, api.client(second) as b:
        own = a.post("/llm/generate-strategy", json=body).json()
        again = a.post("/llm/generate-strategy", json=body).json()
        other = b.post("/llm/generate-strategy", json=body).json()
        other_usage = b.get("/usage").json()
    assert own["cached"] is False and again["cached"] is True
    assert other["cached"] is False and Decimal(other["cost"]) > 0
    assert api.fake.count("openai") == 2
    assert other_usage["spend_usd"] == other["cost"]
