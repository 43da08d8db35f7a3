"""How a page shows a failure: the core's actionable message, never a traceback or a key."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.korean_text import english_runs


def _page(kind: str, lang: str, with_key: bool = False) -> AppTest:
    def script() -> None:
        from decimal import Decimal

        import streamlit as st

        from core.errors import QuotaExceeded
        from core.llm.errors import ProviderUnavailable
        from ui.errors import show_error

        kind = st.session_state["kind"]
        st.selectbox("Model", ["gpt-5.4-mini", "offline"], key="model")
        if kind == "quota":
            exc: Exception = QuotaExceeded(
                "Monthly LLM quota reached for user 'local': $0.00 spent in 2026-11 of $0.000001; this request "
                "could cost up to $0.019063. The quota resets on 2026-12-01 (UTC).",
                hint="Raise LLM_MONTHLY_QUOTA_USD.", spend_usd=Decimal("0"), quota_usd=Decimal("0.000001"),
                worst_case_usd=Decimal("0.019063"), reset_date="2026-12-01", user_id="local",
            )
        elif kind == "vendor":
            exc = ProviderUnavailable("openai is unreachable (HTTP 503).", hint="Try again in a minute.")
        elif kind == "hostile":
            exc = ProviderUnavailable("bad file ![x](http://127.0.0.2/pixel.png) <img src=x onerror=alert(1)>")
        else:
            exc = RuntimeError("boom with key sk-test-abcdefghijklmnop in it")
        show_error(exc, offline_model_key="model" if st.session_state.get("with_key") else None)

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["kind"] = kind
    at.session_state["lang"] = lang
    at.session_state["with_key"] = with_key
    return at.run()


def test_quota_error_names_the_reset_date_and_offers_offline() -> None:
    at = _page("quota", "en")
    text = shown(at.error[0].value)
    assert "2026-12-01" in text
    assert "offline" in text
    assert not at.exception


def test_quota_error_in_korean_keeps_the_figures() -> None:
    at = _page("quota", "ko")
    text = shown(at.error[0].value)
    assert "2026-12-01" in text and "$0.019063" in text and "$0.000001" in text
    assert "오프라인" in text


def test_use_offline_button_switches_the_model_picker() -> None:
    at = _page("quota", "en", with_key=True)
    assert at.selectbox[0].value == "gpt-5.4-mini"
    at.button[0].click().run()
    assert at.selectbox[0].value == "offline"


def shown(markdown: str) -> str:
    """The text Markdown renders from escaped source."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_vendor_down_shows_the_core_message() -> None:
    at = _page("vendor", "en")
    assert shown(at.error[0].value) == "openai is unreachable (HTTP 503). Try again in a minute."
    assert not at.button


def test_a_message_quoting_input_is_shown_as_text_not_markdown() -> None:
    at = _page("hostile", "en")
    source = at.error[0].value
    assert not re.search(r"(?<!\\)[!\[\]()<>]", source)  # every control character escaped: no image, no HTML
    assert shown(source) == "bad file ![x](http://127.0.0.2/pixel.png) <img src=x onerror=alert(1)>"


@pytest.mark.parametrize(("lang", "said"), [("en", "server log"), ("ko", "서버 로그")])
def test_unexpected_error_is_plain_words_without_class_name_traceback_or_key(
        lang: str, said: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="studio.ui"):
        at = _page("bug", lang)
    text = shown(at.error[0].value)
    assert said in text
    assert "RuntimeError" not in text and "boom" not in text  # never a class name or the bug's own words
    assert "sk-test" not in text and "Traceback" not in text
    if lang == "ko":
        assert not english_runs(text), text
    assert not at.exception
    # The operator still gets what happened, scrubbed of the key.
    logged = caplog.text
    assert "RuntimeError: boom" in logged and "sk-test-abcdefghijklmnop" not in logged


def test_a_coded_csv_error_is_worded_in_korean_and_its_cells_stay_text() -> None:
    def script() -> None:
        import streamlit as st

        from core.errors import StudioError
        from core.services import market_data
        from ui.errors import show_error

        bad = ("timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,100,110,95,105,12\n"
               "2024-01-01T01:00:00Z,105,99,104,101,9\n")
        try:
            market_data.load_csv(bad.encode(), name=st.session_state["name"])
        except StudioError as exc:
            show_error(exc)

    for lang, expected in (("ko", "2번째 행(파일 3번째 줄)의 고가 99이(가) 저가 104보다 낮습니다"),
                           ("en", "has high 99 below low 104")):
        at = AppTest.from_function(script, default_timeout=30)
        at.session_state["lang"] = lang
        at.session_state["name"] = "**p**.csv"
        at.run()
        assert not at.exception
        assert expected in at.error[0].value and at.error[0].value.startswith("\\*\\*p\\*\\*")  # name as text


def test_a_news_rows_coded_error_reads_in_the_interface_language() -> None:
    def script() -> None:
        import streamlit as st

        from core.coded import Coded
        from ui.errors import coded_text

        rows = [
            Coded("PROVIDER_AUTH_FAILED", "openai rejected the API key for gpt-5.4-nano (HTTP 401).",
                  provider="openai", model="gpt-5.4-nano", status=401),
            Coded("NEWS_NOT_RUN", "not run: the quota was exceeded"),
            Coded("BAD_INPUT", "The news title is empty."),  # no entry of its own: its kind's words
        ]
        for row in rows:
            st.text(coded_text(row))

    for lang in ("ko", "en"):
        at = AppTest.from_function(script, default_timeout=30)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        texts = [el.value for el in at.text]
        if lang == "en":
            assert texts == ["openai rejected the API key for gpt-5.4-nano (HTTP 401).",
                             "not run: the quota was exceeded", "The news title is empty."]
        else:
            assert "401" in texts[0] and "gpt-5.4-nano" in texts[0]
            for text in texts:
                assert any("\uac00" <= ch <= "\ud7a3" for ch in text)
                assert not english_runs(text.replace("gpt-5.4-nano", " ").replace("OpenAI", " ")), text
