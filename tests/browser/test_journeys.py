"""The whole journey, end to end in Chromium: a sentence -> a saved, backtested strategy -> its cost.

(1) No key, Korean: Generate -> graph -> fix a validation issue in the JSON editor -> save ->
    Strategies -> backtest on the bundled sample -> Usage shows the day's activity at zero cost.
(2) The same with the interface switched to English and an English prompt.
(3) The fake vendor as "OpenAI": the answer streams in, its cost shows on Generate, Usage agrees.
(4) Quota exhausted: Generate explains it, names the reset date and offers the offline engine.
Plus forced failures through each page: an st.error with the core's message, never a traceback.

Texts come from the message catalog (``L``), so a test follows the interface's wording in both
languages instead of copying it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    StudioServer,
    canvas_state,
    choose_radio,
    goto,
    main_area,
    rerun,
    sidebar,
    switch_language,
    wait_idle,
)
from tests.fakes.vendor import FakeVendor, Reply
from ui.i18n import translate

PROMPT_KO = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수"
PROMPT_EN = "Buy 100 USDT of BTC when the 1h RSI(14) falls below 30"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def L(key: str, lang: str, **fmt: Any) -> str:  # reads like the pages t()
    return translate(key, lang, **fmt)


# ---------------------------------------------------------------- page helpers


def field(page: Page, label: str) -> Locator:
    return main_area(page).get_by_label(label, exact=True)


def click(page: Page, name: str, timeout_ms: int = 60_000) -> None:
    rerun(page, main_area(page).get_by_role("button", name=name, exact=True).click, timeout_ms)


def type_and_commit(page: Page, box: Locator, text: str) -> None:
    """Streamlit text widgets commit on blur: fill, blur, then wait for the rerun."""
    box.fill(text)
    rerun(page, box.blur)


def no_traceback(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback (most recent call last)" not in page.content()


def graph_node_ids(page: Page, timeout_s: float = 20, invalid_only: bool = False) -> list[str]:
    """Strategy node ids vis-network has laid out on the canvas (waits until drawn);
    ``invalid_only`` keeps the nodes the canvas marks as having an error."""
    drawn = canvas_state(page, "", timeout_s=timeout_s, until=(lambda c: bool(c["invalid"])) if invalid_only else None)
    return sorted(drawn["invalid"] if invalid_only else drawn["sids"])


def metric(page: Page, label: str) -> Locator:
    return main_area(page).get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


# ---------------------------------------------------------------- journey steps


def nav_to(page: Page, stem: str, lang: str, heading_key: str) -> None:
    """Move through the sidebar navigation (same session: a reload would start a new one)."""
    link = sidebar(page).get_by_test_id("stSidebarNav").get_by_text(L(f"common.nav.{stem}", lang), exact=True)
    link.click()
    heading = main_area(page).get_by_test_id("stHeading").filter(has_text=L(heading_key, lang))
    expect(heading).to_be_visible(timeout=30_000)
    wait_idle(page)


def generate_offline(page: Page, server: StudioServer, lang: str, prompt: str) -> dict[str, Any]:
    """Generate: prompt -> Generate -> valid strategy and its graph. Returns the editor's JSON."""
    nav_to(page, "generate", lang, "strategy.gen.title")
    type_and_commit(page, field(page, L("strategy.gen.prompt", lang)), prompt)
    click(page, L("strategy.gen.generate", lang))
    no_traceback(page)
    main = main_area(page)
    expect(main.get_by_text(L("strategy.gen.valid", lang), exact=True)).to_be_visible()
    # No key: the offline engine answered, for free, and the page says so.
    expect(main.get_by_text(L("services.offline_label", lang), exact=False).first).to_be_visible()
    # A page that already showed an answer keeps it on screen while the new one is made: wait for the
    # editor to hold the strategy of this prompt (its description quotes it).
    editor = field(page, L("strategy.gen.json", lang))
    expect(editor).to_have_value(re.compile(re.escape(prompt)))
    assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
    strategy = json.loads(editor.input_value())
    assert strategy["nodes"][2]["config"]["left"] == "rsi(14)"
    return strategy


def fix_an_issue_in_the_editor(page: Page, lang: str, strategy: dict[str, Any]) -> dict[str, Any]:
    """A slip in the JSON editor (amount 0) is pointed at its node; fixing it makes it valid again."""
    editor = field(page, L("strategy.gen.json", lang))
    action = next(n for n in strategy["nodes"] if n["type"] == "action")
    action["config"]["amount"] = 0
    type_and_commit(page, editor, json.dumps(strategy, ensure_ascii=False, indent=2))
    main = main_area(page)
    expect(main.get_by_text(L("strategy.gen.invalid", lang, n=1), exact=True)).to_be_visible()
    issue = main.get_by_test_id("stRadio").get_by_text(action["id"], exact=False).first
    expect(issue).to_be_visible()
    assert graph_node_ids(page, invalid_only=True) == [action["id"]]
    expect(main.get_by_role("button", name=L("strategy.gen.save", lang), exact=True)).to_be_disabled()
    action["config"]["amount"] = 250
    type_and_commit(page, editor, json.dumps(strategy, ensure_ascii=False, indent=2))
    expect(main.get_by_text(L("strategy.gen.valid", lang), exact=True)).to_be_visible()
    assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
    return strategy


def save(page: Page, lang: str, strategy: dict[str, Any]) -> None:
    click(page, L("strategy.gen.save", lang))
    expect(main_area(page).get_by_text(
        L("strategy.gen.saved", lang, name=strategy["name"], version=1), exact=True
    )).to_be_visible()


def open_and_backtest(page: Page, lang: str, strategy: dict[str, Any]) -> None:
    """Strategies: the saved strategy opens with its graph; a backtest runs on the bundled sample."""
    main_area(page).get_by_test_id("stPageLink").filter(has_text=L("strategy.gen.open_library", lang)).click()
    main = main_area(page)
    expect(main.get_by_test_id("stHeading").filter(has_text=L("strategy.lib.title", lang))).to_be_visible()
    wait_idle(page)
    expect(main.get_by_test_id("stHeading").filter(has_text=strategy["name"])).to_be_visible()
    assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
    main.get_by_role("tab", name=L("strategy.lib.tab_backtest", lang), exact=True).click()
    # The data choice starts on a bundled sample: the strategy's own market, or the closest one when no
    # sample has it ("Closest bundled sample (BTC/USDT 1d)"), which the page then says.
    sample = main.get_by_role("radio", name=re.compile(re.escape(L("market.source.sample", lang)), re.IGNORECASE))
    expect(sample).to_be_checked()
    click(page, L("market.bt.run", lang))
    no_traceback(page)
    expect(metric(page, L("market.bt.metric.total_return_pct", lang))).to_contain_text("%")
    expect(metric(page, L("market.bt.metric.trades", lang))).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()


def usage_shows(page: Page, server: StudioServer, lang: str, spend: str, min_requests: int) -> None:
    """Usage: this month's spend and the day's requests."""
    nav_to(page, "usage", lang, "usage.title")
    main = main_area(page)
    no_traceback(page)
    expect(metric(page, L("usage.kpi.spend", lang)).get_by_test_id("stMetricValue")).to_have_text(spend)
    requests = metric(page, L("usage.kpi.requests", lang)).get_by_test_id("stMetricValue")
    expect(requests).not_to_have_text("0")
    assert int(requests.inner_text().replace(",", "")) >= min_requests
    # The day's activity is drawn (SVG: its labels are text).
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()


# ---------------------------------------------------------------- journeys


def test_journey_no_key_korean(studio_factory: Callable[..., StudioServer], page: Page) -> None:
    # Its own server: the one local user's strategies and spend are this journey's alone.
    studio = studio_factory()
    goto(page, studio, "", heading="Strategy Studio")
    strategy = generate_offline(page, studio, "ko", PROMPT_KO)
    strategy = fix_an_issue_in_the_editor(page, "ko", strategy)
    save(page, "ko", strategy)
    open_and_backtest(page, "ko", strategy)
    usage_shows(page, studio, "ko", "$0.00", 1)
    # Home lists it among the recent strategies.
    nav_to(page, "home", "ko", "home.title")
    expect(main_area(page).get_by_test_id("stTable")).to_contain_text(strategy["name"])


def test_journey_no_key_english(studio_factory: Callable[..., StudioServer], page: Page) -> None:
    # A Korean browser, switched to English by the user; the choice holds across pages.
    studio = studio_factory()
    goto(page, studio, "", heading="Strategy Studio")
    switch_language(page, "English")
    # The answer follows the language of the request, not the interface's.
    korean = generate_offline(page, studio, "en", PROMPT_KO)
    assert HANGUL.search(korean["description"]), korean["description"]
    strategy = generate_offline(page, studio, "en", PROMPT_EN)
    assert strategy["nodes"][1]["config"]["symbol"] == "BTC/USDT"
    assert not HANGUL.search(strategy["description"]), strategy["description"]
    strategy = fix_an_issue_in_the_editor(page, "en", strategy)
    save(page, "en", strategy)
    open_and_backtest(page, "en", strategy)
    usage_shows(page, studio, "en", "$0.00", 1)


# ---------------------------------------------------------------- with a (fake) vendor key

FAKE_OPENAI_KEY = "sk-test-journey-0123456789abcdef"
VENDOR_STRATEGY = {
    "schema_version": 1,
    "name": "ETH EMA cross seller",
    "description": "Sells all ETH when the 4h close crosses below the 50 EMA.",
    "nodes": [
        {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "4h"}},
        {"id": "data_1", "type": "data_source",
         "config": {"source_type": "ohlcv", "symbol": "ETH/USDT", "timeframe": "4h", "exchange": "binance"}},
        {"id": "condition_1", "type": "condition",
         "config": {"operator": "crosses_below", "left": "close", "right": "ema(50)"}},
        {"id": "action_1", "type": "action",
         "config": {"action_type": "sell", "symbol": "ETH/USDT", "amount": "all", "unit": "ETH"}},
    ],
    "edges": [
        {"from": "trigger_1", "to": "data_1"},
        {"from": "data_1", "to": "condition_1"},
        {"from": "condition_1", "to": "action_1", "condition": "true"},
    ],
}


def dollars(text: str) -> Decimal:
    found = re.findall(r"\$([0-9][0-9,]*\.?[0-9]*)", text)
    assert found, f"no dollar amount in {text!r}"
    return Decimal(found[-1].replace(",", ""))


STREAM_SAMPLER_JS = """
() => {
  // Sampled in the page itself: a slow test process must not miss the text growing.
  window.__streamSeen = [];
  window.__streamSampler = setInterval(() => {
    const code = document.querySelector('[data-testid="stMain"] [data-testid="stCode"]');
    const n = code ? code.innerText.length : 0;
    const seen = window.__streamSeen;
    if (n && seen[seen.length - 1] !== n) seen.push(n);
  }, 25);
}
"""


def start_watching_stream(page: Page) -> None:
    page.evaluate(STREAM_SAMPLER_JS)


def streamed_lengths(page: Page) -> list[int]:
    """Lengths of the streamed text the page showed, in the order they appeared."""
    return list(page.evaluate("() => { clearInterval(window.__streamSampler); return window.__streamSeen; }"))


def test_journey_fake_openai_streams_and_costs_the_same_everywhere(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        text = json.dumps(VENDOR_STRATEGY, indent=2)
        pieces = [text[i:i + 40] for i in range(0, len(text), 40)]
        fake.script(Reply(text=text, chunks=pieces, chunk_delay_s=0.15, input_tokens=1830, output_tokens=412),
                    vendor="openai")
        server = studio_factory({"OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url})
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "en", "strategy.gen.title")
        type_and_commit(page, field(page, L("strategy.gen.prompt", "en")), PROMPT_EN.replace("BTC", "ETH"))
        # The picker offers the configured vendor model first.
        picked = main_area(page).get_by_test_id("stSelectbox").first
        expect(picked).not_to_contain_text("offline")
        start_watching_stream(page)
        click(page, L("strategy.gen.generate", "en"))
        valid = main_area(page).get_by_text(L("strategy.gen.valid", "en"), exact=True)
        expect(valid).to_be_visible(timeout=60_000)  # the answer is in (the sampler ran all along)
        seen = streamed_lengths(page)
        no_traceback(page)
        # The answer streamed in: the page showed the text growing, piece by piece.
        assert len(seen) >= 3 and seen == sorted(seen), f"streamed lengths seen: {seen}"
        assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
        assert fake.count("openai") == 1
        assert fake.attempts[0].body.get("stream") is True
        assert all(c in (None, "0") for c in fake.retry_counts())
        caption = main_area(page).get_by_test_id("stCaptionContainer").filter(has_text="1830")
        expect(caption).to_be_visible()
        cost = dollars(caption.inner_text())
        assert cost > 0
        # Usage shows the same cost, to the last digit (billed once, to the micro-dollar).
        nav_to(page, "usage", "en", "usage.title")
        no_traceback(page)
        spend = dollars(metric(page, L("usage.kpi.spend", "en")).get_by_test_id("stMetricValue").inner_text())
        assert spend == cost
        assert dollars(sidebar(page).get_by_test_id("stProgress").inner_text().split(" of ")[0]) == cost
        assert FAKE_OPENAI_KEY not in page.content()


def first_of_next_month() -> str:
    today = datetime.now(UTC).date()
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1).isoformat()


def choose_model(page: Page, model: str, lang: str = "en") -> None:
    """Pick ``model`` itself in the page's model picker (not "Auto", whose label names it too)."""
    main_area(page).get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(L("services.model", lang), exact=True)
    ).first.click()
    rerun(page, page.get_by_role("option", name=re.compile(rf"^{re.escape(model)} \(")).click)


def test_journey_quota_exhausted_explains_and_offers_offline(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        server = studio_factory({
            "OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url,
            "LLM_MONTHLY_QUOTA_USD": "0.000001",
        })
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "en", "strategy.gen.title")
        type_and_commit(page, field(page, L("strategy.gen.prompt", "en")), PROMPT_EN)
        click(page, L("strategy.gen.generate", "en"))
        no_traceback(page)
        error = main_area(page).get_by_test_id("stAlertContentError").first
        expect(error).to_contain_text("quota")
        expect(error).to_contain_text(first_of_next_month())  # the reset date, named
        expect(error).to_contain_text("offline")  # the way out, offered
        assert fake.count("openai") == 0, "the quota must stop the call before it reaches the vendor"
        # Taking the offer: its button switches the picker to the offline engine, which answers,
        # free, despite the spent quota.
        click(page, L("common.error.use_offline", "en"))
        # What the user sees before pressing Generate again: the picker now on the offline engine.
        expect(main_area(page).get_by_role("combobox", name=L("services.model", "en"))).to_have_value(
            re.compile("offline"))
        click(page, L("strategy.gen.generate", "en"))
        expect(main_area(page).get_by_text(L("strategy.gen.valid", "en"), exact=True)).to_be_visible()
        assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
        assert fake.count("openai") == 0


# ---------------------------------------------------------------- forced failures, page by page

BAD_CSV = b"timestamp,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,abc,2,0.5,1.5,10\n"


def upload(page: Page, name: str, content: bytes, mime: str) -> None:
    dropzone = main_area(page).get_by_test_id("stFileUploaderDropzoneInput").first
    rerun(page, lambda: dropzone.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}]))


def test_bad_csv_on_market_is_an_actionable_error(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "market", L("market.title", "ko"))
    main = main_area(page)
    choose_radio(page, main, L("market.source.upload", "ko"))
    # Wait for what the user sees next: the uploader, not a run counter.
    expect(main.get_by_test_id("stFileUploaderDropzoneInput").first).to_be_attached()
    upload(page, "prices.csv", BAD_CSV, "text/csv")
    error = main.get_by_test_id("stAlertContentError").first
    expect(error).to_be_visible()
    expect(error).to_contain_text("3")  # the offending row is named
    no_traceback(page)


def test_invalid_json_import_on_strategies_is_an_actionable_error(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "strategies", L("strategy.lib.title", "ko"))
    main = main_area(page)
    main.get_by_test_id("stExpander").filter(has_text=L("strategy.lib.import", "ko")).first.click()
    upload(page, "broken.json", b'{"schema_version": 1, "nodes": [', "application/json")
    click(page, L("strategy.lib.import_button", "ko"))
    expect(main.get_by_test_id("stAlertContentError").first).to_be_visible()
    no_traceback(page)


def test_vendor_down_on_generate_names_the_chosen_model_and_does_not_switch(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    """The model picked on the page is the contract (LLM_FALLBACK defaults to off): when its vendor
    is down, the page says which model failed and why, and no other engine answers in its place."""
    with FakeVendor() as fake:
        fake.script(Reply(status=503, error_message="upstream overloaded", repeat=50), vendor="openai")
        server = studio_factory({
            "OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url, "LLM_MAX_RETRIES": "0",
        })
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "generate", "en", "strategy.gen.title")
        choose_model(page, "gpt-5.4-mini")
        type_and_commit(page, field(page, L("strategy.gen.prompt", "en")), PROMPT_EN)
        click(page, L("strategy.gen.generate", "en"))
        main = main_area(page)
        error = main.get_by_test_id("stAlertContentError").filter(has_text="gpt-5.4-mini")
        expect(error.first).to_be_visible(timeout=30_000)
        expect(error.first).to_contain_text("503")
        no_traceback(page)
        assert fake.count("openai") >= 1
        # A silent switch would leave the user believing gpt-5.4-mini wrote a strategy.
        expect(main.get_by_text(L("strategy.gen.valid", "en"), exact=True)).to_have_count(0)
        expect(main.get_by_text(L("services.offline_label", "en"), exact=False)).to_have_count(0)
        assert FAKE_OPENAI_KEY not in page.content()


def quota_error_shown(page: Page) -> None:
    error = main_area(page).get_by_test_id("stAlertContentError").first
    expect(error).to_contain_text("quota", timeout=30_000)
    expect(error).to_contain_text(first_of_next_month())
    expect(error).to_contain_text("offline")
    no_traceback(page)


def test_quota_exceeded_on_market_analysis_and_news(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    with FakeVendor() as fake:
        server = studio_factory({
            "OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url,
            "LLM_MONTHLY_QUOTA_USD": "0.000001",
        })
        page = new_page("en-US")
        goto(page, server, "", heading="Strategy Studio")
        nav_to(page, "market", "en", "market.title")
        run = main_area(page).get_by_test_id("stButton").filter(has_text=L("services.card.run", "en", symbol=""))
        rerun(page, run.first.click)
        quota_error_shown(page)
        nav_to(page, "news", "en", "services.news.title")
        # Fields inside a form: no rerun until the form is submitted.
        field(page, L("services.news.item_title", "en")).fill("Bitcoin ETF inflows hit a record")
        field(page, L("services.news.item_content", "en")).fill(
            "Spot bitcoin ETFs took in $1.2bn on Monday, the largest daily inflow so far."
        )
        click(page, L("services.news.analyse", "en"))
        quota_error_shown(page)
        assert fake.count("openai") == 0


def test_bad_csv_on_news_and_invalid_json_on_optimize(studio_factory: Callable[..., StudioServer],
                                                      page: Page) -> None:
    studio = studio_factory()  # a fresh database: no saved strategies, so Optimize asks for a file
    goto(page, studio, "", heading="Strategy Studio")
    nav_to(page, "news", "ko", "services.news.title")
    main = main_area(page)
    main.get_by_role("tab", name=L("services.news.tab_batch", "ko"), exact=True).click()
    upload(page, "headlines.csv", b"headline;body\nno title column here;x\n", "text/csv")
    expect(main.get_by_test_id("stAlertContentError").first).to_be_visible()
    no_traceback(page)
    nav_to(page, "optimize", "ko", "services.opt.title")
    upload(page, "broken.json", b'{"schema_version": 1, "nodes": [', "application/json")
    error = main.get_by_test_id("stAlertContentError").first
    expect(error).to_contain_text("broken.json")  # it says which file, and where it broke
    no_traceback(page)
