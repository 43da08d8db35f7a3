"""Page logic of the analysis card, News and Optimise through Streamlit's AppTest (offline engine)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.services_support import VALID_STRATEGY, offline_env

ROOT = Path(__file__).resolve().parents[1]
_offline_fixture = pytest.fixture(name="offline", autouse=True)(offline_env)


def _app(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    at.session_state["lang"] = lang
    return at


def _button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


def test_market_page_analysis_card_shows_the_verdict_in_english() -> None:
    at = _app("market.py")
    at.run()
    assert not at.exception
    _button(at, "services_analysis_run").click().run()
    assert not at.exception and not at.error
    markdown = " ".join(m.value for m in at.markdown)
    assert "Downtrend" in markdown and "Sell" in markdown and "High" in markdown
    assert any(m.label == "Confidence" and m.value.endswith("%") for m in at.metric)
    texts = [t.value for t in at.text]
    assert any("BTC/USDT (1d)" in t for t in texts) and any(t.startswith("Rule score") for t in texts)
    assert any("offline rules" in c.value and "$0" in c.value for c in at.caption)


def test_news_page_shows_an_error_for_an_empty_title_and_a_card_otherwise() -> None:
    at = _app("news.py")
    at.run()
    at.button[0].click().run()  # the form's submit with nothing filled in
    assert not at.exception
    assert at.error and "news title is empty" in at.error[0].value
    at.text_input(key="services_news_title").input("Bitcoin ETF approved, price surges")
    at.button[0].click().run()
    assert not at.error
    markdown = " ".join(m.value for m in at.markdown)
    assert "Positive" in markdown and "Bullish" in markdown


def test_optimize_page_without_saved_strategies_explains_what_to_do() -> None:
    at = _app("optimize.py", "ko")
    at.run()
    assert not at.exception
    assert any("전략 JSON 파일" in r.value for r in at.radio)  # falls back to uploading a file


def test_optimize_page_runs_on_a_saved_strategy_and_reports_before_after() -> None:
    from core.services.strategy_library import save_strategy

    strategy = json.loads(json.dumps(VALID_STRATEGY))
    strategy["nodes"][0]["config"]["interval"] = "1d"
    strategy["nodes"][1]["config"]["timeframe"] = "1d"
    save_strategy(strategy, user="local", note="test", source="imported")
    at = _app("optimize.py")
    at.run()
    assert not at.exception
    _button(at, "services_opt_run").click().run()
    assert not at.exception and not at.error
    table = at.table[0].value
    assert list(table.columns) == ["Before", "After", "Change"]
    assert "Sharpe ratio" in table.index and "Trades" in table.index
    assert at.info or at.success  # the verdict


def test_accepting_an_improvement_saves_a_new_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from core.services.strategy_library import list_versions, save_strategy
    from tests.fakes.vendor import Reply
    from tests.services_support import fake_vendor_env
    from tests.test_services_usecases import rsi_swing

    vendor = fake_vendor_env(monkeypatch, tmp_path)
    fake = next(vendor)
    try:
        strategy_id, _ = save_strategy(rsi_swing(35, 65), user="local", note="mine", source="imported")
        proposal = {"optimized_strategy": rsi_swing(45, 65), "changes": ["RSI buy level 35 → 45"]}
        fake.script(Reply(text=json.dumps(proposal)), vendor="openai")
        at = _app("optimize.py")
        at.run()
        assert at.selectbox(key="services_opt_model").value == "auto"  # no model chosen: auto (gpt-5.4 first)
        _button(at, "services_opt_run").click().run()
        assert not at.exception and at.success
        assert any("RSI buy level 35 → 45" in t.value for t in at.text)
        _button(at, "services_opt_accept").click().run()
        assert not at.exception
        assert any("version 2" in s.value for s in at.success)
        versions = list_versions(strategy_id, user="local")
        assert sorted(v.version for v in versions) == [1, 2]
        assert any(v.source == "optimized" and v.model == "gpt-5.4" for v in versions)
    finally:
        vendor.close()


def test_model_text_cannot_inject_markdown_on_the_news_card(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.fakes.vendor import Reply
    from tests.services_support import fake_vendor_env

    vendor = fake_vendor_env(monkeypatch, tmp_path)
    fake = next(vendor)
    try:
        hostile = {"sentiment": "NEUTRAL", "score": 0, "keywords": ["![x](http://evil.example/p.png)"],
                   "summary": "**bold** [link](http://evil.example)", "impact": "LOW", "price_implication": "NEUTRAL"}
        fake.script(Reply(text=json.dumps(hostile)), vendor="openai")
        at = _app("news.py")
        at.run()
        at.text_input(key="services_news_title").input("Markets quiet")
        at.button[0].click().run()
        assert not at.exception
        assert any(t.value == hostile["summary"] for t in at.text)  # plain text, shown literally
        keywords = next(c.value for c in at.caption if "Keywords" in c.value)
        assert "\\!\\[x\\]\\(http\\://evil" in keywords
    finally:
        vendor.close()


def _picker_app() -> None:
    import streamlit as st

    from ui.model_picker import pick_model

    st.session_state["picked"] = pick_model("market_analysis", key=st.session_state.get("picker_key", "picker"))


def test_model_picker_defaults_to_auto_and_offers_configured_models_with_prices(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway

    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    # No key: auto can only reach the rule engine, which is offered by name too.
    assert at.session_state["picked"] == (None, None)
    assert at.selectbox(key="picker").options == ["Auto (offline rules first)", "offline (rule-based, free)"]

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-picker-0000")
    reset_settings_cache()
    reset_gateway()
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    box = at.selectbox(key="picker")
    # Nobody chose a model: auto (model None, so fallback allowed), naming the chain's first model.
    assert at.session_state["picked"] == (None, None) and box.value == "auto"
    assert box.options[0] == "Auto (claude-haiku-4-5 first)"
    assert box.options[1] == "claude-haiku-4-5 (anthropic, $1 in / $5 out per Mtok)"
    assert "offline (rule-based, free)" in box.options  # the rule engine is always offered
    assert any(o.startswith("claude-sonnet-4-6 (anthropic, $3 in") for o in box.options)  # other configured ones
    assert not any("not configured" in o for o in box.options)  # models without a key are not offered
    assert not any("gpt-" in o for o in box.options)
    assert len(at.selectbox) == 1  # no fallback choice for auto: any configured model may answer


def test_model_picker_words_its_choices_in_korean(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway
    from tests.korean_text import english_runs

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-picker-0000")
    reset_settings_cache()
    reset_gateway()
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["lang"] = "ko"
    at.run()
    assert not at.exception
    options = at.selectbox(key="picker").options
    assert "claude-haiku-4-5 (anthropic, 백만 토큰당 입력 $1 / 출력 $5)" in options
    assert "offline (규칙 기반, 무료)" in options
    for option in options:  # model and vendor names stay as they are; nothing else in English
        names = re.sub(r"\b(?:claude|gpt|glm)[\w.\-]*|anthropic|offline|auto", " ", option)
        assert not english_runs(names), option


def test_a_chosen_model_gets_the_fallback_choice_off_by_default_remembered_for_the_session(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-picker-0000")
    reset_settings_cache()
    reset_gateway()
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    at.selectbox(key="picker").set_value("claude-sonnet-4-6").run()
    assert not at.exception
    policy = at.selectbox(key="picker__fallback")
    assert policy.options == ["No other model", "Same vendor's models", "Any configured model"]
    assert at.session_state["picked"] == ("claude-sonnet-4-6", "off")  # LLM_FALLBACK unset: off
    policy.set_value("same_vendor").run()
    assert at.session_state["picked"] == ("claude-sonnet-4-6", "same_vendor")
    # Another page's picker (another widget key) starts from the session's choice.
    at.session_state["picker_key"] = "other"
    at.run()
    at.selectbox(key="other").set_value("claude-haiku-4-5").run()
    assert at.session_state["picked"] == ("claude-haiku-4-5", "same_vendor")
    at.selectbox(key="other").set_value("offline").run()
    assert at.session_state["picked"] == ("offline", None)  # the rule engine never falls back


def test_the_fallback_choice_starts_from_llm_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings_cache
    from core.services.models import reset_gateway

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-picker-0000")
    monkeypatch.setenv("LLM_FALLBACK", "any")
    reset_settings_cache()
    reset_gateway()
    at = AppTest.from_function(_picker_app, default_timeout=30)
    at.session_state["lang"] = "ko"
    at.run()
    assert at.selectbox(key="picker").options[0] == "자동 (auto) · claude-haiku-4-5 우선"
    at.selectbox(key="picker").set_value("claude-haiku-4-5").run()
    assert at.session_state["picked"] == ("claude-haiku-4-5", "any")
    assert at.selectbox(key="picker__fallback").value == "any"
