"""The model picker's contract, in Chromium against the fake vendor (OpenAI and Anthropic SDKs over HTTP).

- Auto (the default): when the first model's vendor is down, another configured model answers and the
  page says which, instead of which, why, and what the failed attempts cost (the same amount as the
  ledger's rows for them).
- A model the user chose: its failure is a clear message in the user's language, and no other vendor
  is called.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, rerun
from tests.browser.test_journeys import (
    FAKE_OPENAI_KEY,
    PROMPT_EN,
    PROMPT_KO,
    VENDOR_STRATEGY,
    L,
    choose_model,
    click,
    dollars,
    field,
    nav_to,
    no_traceback,
    type_and_commit,
    upload,
)
from tests.fakes.vendor import FakeVendor, Reply
from tests.korean_text import english_runs
from tests.test_services_structured import SENTIMENT

FAKE_ANTHROPIC_KEY = "fake-anthropic-key-for-browser-tests"


def _env(fake: FakeVendor) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url,
        "ANTHROPIC_API_KEY": FAKE_ANTHROPIC_KEY, "ANTHROPIC_BASE_URL": fake.anthropic_base_url,
        "LLM_MAX_RETRIES": "0",
    }


def _failed_rows_usd(server: StudioServer) -> Decimal:
    with sqlite3.connect(server.db_path) as db:
        (micro,) = db.execute(
            "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_usage WHERE status NOT IN ('ok', 'cached')"
        ).fetchone()
    return Decimal(micro) / 1_000_000


def test_auto_falls_back_and_shows_the_model_the_reason_and_the_failed_cost(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        fake.script(Reply(status=503, error_message="upstream overloaded", repeat=20), vendor="openai")
        fake.script(Reply(text=json.dumps(VENDOR_STRATEGY), input_tokens=900, output_tokens=300), vendor="anthropic")
        server = studio_factory(_env(fake))
        page = new_page("ko-KR")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "ko", "strategy.gen.title")
        picker = main_area(page).get_by_test_id("stSelectbox").first
        # Nobody chose a model: auto is the default, naming the model it tries first.
        expect(picker).to_match_aria_snapshot('- combobox "모델": 자동 (auto) · gpt-5.4-mini 우선')
        type_and_commit(page, field(page, L("strategy.gen.prompt", "ko")), PROMPT_KO)
        click(page, L("strategy.gen.generate", "ko"))
        main = main_area(page)
        expect(main.get_by_text(L("strategy.gen.valid", "ko"), exact=True)).to_be_visible(timeout=90_000)
        no_traceback(page)
        notice = main.get_by_test_id("stAlertContentWarning").filter(has_text="claude-sonnet-4-6")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("gpt-5.4-mini")  # the model asked
        expect(notice).to_contain_text("503")  # why: the vendor's status, in a Korean sentence
        assert not english_runs(notice.inner_text()), notice.inner_text()
        shown = dollars(notice.inner_text())
        # The failed attempt reached the vendor, so it was charged our input estimate: more than $0,
        # and what the page says is what the ledger holds.
        assert shown > 0
        assert shown == _failed_rows_usd(server)
        assert fake.count("openai") == 1 and fake.count("anthropic") == 1
        caption = main.get_by_test_id("stCaptionContainer").filter(has_text="claude-sonnet-4-6")
        expect(caption.first).to_contain_text("900")


def test_a_chosen_model_that_fails_says_so_in_korean_and_calls_no_other_vendor(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        fake.script(Reply(status=401, error_message="invalid api key", repeat=20), vendor="openai")
        server = studio_factory(_env(fake))
        page = new_page("ko-KR")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "ko", "strategy.gen.title")
        choose_model(page, "gpt-5.4-mini", "ko")
        type_and_commit(page, field(page, L("strategy.gen.prompt", "ko")), PROMPT_KO)
        click(page, L("strategy.gen.generate", "ko"))
        main = main_area(page)
        error = main.get_by_test_id("stAlertContentError")
        expect(error.first).to_be_visible(timeout=90_000)
        expect(error.first).to_contain_text("gpt-5.4-mini의 API 키를 거부했습니다 (HTTP 401)")
        no_traceback(page)
        text = error.first.inner_text()
        assert "AuthenticationFailed" not in text and "ProviderError" not in text  # never a class name
        assert fake.count("openai") == 1 and fake.count("anthropic") == 0  # the choice is the contract
        expect(main.get_by_text(L("strategy.gen.valid", "ko"), exact=True)).to_have_count(0)
        expect(main.get_by_text(L("services.offline_label", "ko"), exact=False)).to_have_count(0)
        assert FAKE_OPENAI_KEY not in page.content()


def test_a_chosen_model_with_fallback_allowed_says_which_model_answered(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        fake.script(Reply(status=401, error_message="invalid api key", repeat=20), vendor="openai")
        fake.script(Reply(text=json.dumps(VENDOR_STRATEGY)), vendor="anthropic")
        server = studio_factory(_env(fake))
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "en", "strategy.gen.title")
        choose_model(page, "gpt-5.4-mini")
        policy = main_area(page).get_by_test_id("stSelectbox").filter(
            has=page.get_by_text(L("money.policy", "en"), exact=True))
        # LLM_FALLBACK unset: no other model may answer the chosen one.
        expect(policy).to_match_aria_snapshot(f'- combobox "{L("money.policy", "en")}": {L("money.policy.off", "en")}')
        policy.click()
        rerun(page, page.get_by_role("option", name=L("money.policy.any", "en"), exact=True).click)
        type_and_commit(page, field(page, L("strategy.gen.prompt", "en")), PROMPT_EN)
        click(page, L("strategy.gen.generate", "en"))
        main = main_area(page)
        expect(main.get_by_text(L("strategy.gen.valid", "en"), exact=True)).to_be_visible(timeout=90_000)
        notice = main.get_by_test_id("stAlertContentWarning").filter(has_text="claude-sonnet-4-6")
        expect(notice).to_contain_text("instead of gpt-5.4-mini")
        expect(notice).to_contain_text("401")  # the vendor's own reason, in English
        assert fake.count("openai") == 1 and fake.count("anthropic") == 1


def test_a_news_batch_on_auto_names_the_model_that_answered_and_the_fallback_cost(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        fake.script(Reply(status=503, error_message="upstream overloaded", repeat=20), vendor="openai")
        fake.script(Reply(text=json.dumps(SENTIMENT), repeat=2), vendor="anthropic")
        server = studio_factory(_env(fake))
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "news", "en", "services.news.title")
        main = main_area(page)
        main.get_by_role("tab", name=L("services.news.tab_batch", "en"), exact=True).click()
        expect(main.get_by_test_id("stFileUploaderDropzoneInput").first).to_be_attached()
        upload(page, "headlines.csv", b"title,content,source,published_at\n"
               b"ETF approved,Inflows.,wire,2026-05-23T20:00:00Z\nETF delayed,Outflows.,wire,2026-05-24T20:00:00Z\n",
               "text/csv")
        click(page, L("services.news.run_batch", "en"))
        expect(main.get_by_text(L("money.batch_models", "en", models="claude-haiku-4-5"), exact=True)).to_be_visible(
            timeout=60_000)
        notice = main.get_by_test_id("stAlertContentWarning").filter(has_text="2 items were answered by another model")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("instead of gpt-5.4-nano")
        # The batch's failed attempts together (the first amount), as the ledger has them.
        total = notice.inner_text().split("$", 1)[1].split(".\n", 1)[0].rstrip(".")
        assert Decimal(total) == _failed_rows_usd(server) > 0
        no_traceback(page)
        assert fake.count("anthropic") == 2
