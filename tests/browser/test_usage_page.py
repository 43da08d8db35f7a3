"""Usage page in real Chromium: seeded ledger rows appear in the charts, the table and the CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.storage import get_db
from core.usage.ledger import SqliteLedger
from core.usage.period import Month
from tests.browser.conftest import StudioServer, choose_option, goto, main_area, start_studio
from tests.test_usage_seed import seed

NOW = Month.of(datetime.now(UTC))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    """One server for the module, on a ledger seeded before it starts (the user's quota: $0.15)."""
    path = tmp_path_factory.mktemp("usage-browser") / "studio.db"
    seed(path, NOW)
    ledger = SqliteLedger(get_db(path), Decimal("1"))
    ledger.set_user_quota("local", Decimal("0.15"))
    studio = start_studio({"STUDIO_DB": str(path), "LLM_MONTHLY_QUOTA_USD": "1.00"})
    yield studio
    studio.stop()


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_seeded_rows_appear_in_charts_table_and_csv(page: Page, server: StudioServer, tmp_path: Path) -> None:
    page.set_default_timeout(45_000)  # a loaded 2-core CI box can take long over one rerun
    goto(page, server, "usage", heading="LLM usage and cost")
    main = main_area(page)

    metrics = main.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Spend this month")).to_contain_text("$0.13")
    expect(metrics.filter(has_text="Requests")).to_contain_text("7")

    charts = main.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(4)
    daily = charts.first
    # SVG rendering: legend entries and axis labels are real text nodes.
    expect(daily.locator("svg")).to_contain_text("gpt-4o-mini")
    expect(daily.locator("svg")).to_contain_text("claude-sonnet-4-5")
    expect(daily.locator("svg")).to_contain_text(f"{NOW.month:02d}-02")  # day axis label
    bars = daily.locator("svg g.mark-rect path")
    assert bars.count() >= 4  # one stacked segment per (day, model) with spend rows
    expect(charts.nth(1).locator("svg")).to_contain_text("anthropic")
    expect(charts.nth(2).locator("svg")).to_contain_text("Market analysis")

    table = main.get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    grid = table.locator("table[role='grid']")  # glide's accessible copy of the canvas grid
    expect(grid).to_contain_text("claude-sonnet-4-5")
    expect(grid).to_contain_text("rate_limited")

    with page.expect_download() as info:
        main.get_by_test_id("stDownloadButton").get_by_role("button").click()
    target = tmp_path / "usage.csv"
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8")
    assert text.count("\n") == 8 and "gen-cached" in text and "0.050000" in text


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_filter_narrows_the_table_and_quota_banner_shows(page: Page, server: StudioServer) -> None:
    page.set_default_timeout(45_000)  # a loaded 2-core CI box can take long over one rerun
    goto(page, server, "usage", heading="LLM usage and cost")
    main = main_area(page)
    expect(main.get_by_test_id("stAlertContentWarning")).to_contain_text("87%")
    # The charts are drawn after the run ends and push the filters down: pick once the page is drawn.
    charts = main.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index).locator("svg")).to_be_visible()
    choose_option(page, main.get_by_test_id("stSelectbox").filter(has_text="Provider"), "anthropic")
    grid = main.get_by_test_id("stDataFrame").locator("table[role='grid']")
    expect(grid).to_contain_text("claude-sonnet-4-5")
    expect(grid).not_to_contain_text("gpt-4o-mini")


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
def test_cards_show_every_digit_of_a_tiny_spend_and_a_dash_for_no_data(
        studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page], tmp_path: Path,
        locale: str) -> None:
    from core.llm.types import Usage, UsageRow
    from ui.i18n import translate

    lang = locale[:2]
    tiny_db, empty_db = tmp_path / "tiny.db", tmp_path / "empty.db"
    db = get_db(tiny_db)
    SqliteLedger(db, Decimal("1")).record(UsageRow(
        "tiny", "local", "strategy_generation", "openai", "gpt-4o-mini", "gpt-4o-mini", Usage(10, 5),
        Decimal("0.000123"), "ok", created_at=datetime.now(UTC)))
    db.close()
    spend = translate("usage.kpi.spend", lang)
    for path, shown in ((tiny_db, "$0.000123"), (empty_db, "—")):
        server = studio_factory({"STUDIO_DB": str(path)})
        page = new_page(locale)
        goto(page, server, "usage", heading=translate("usage.title", lang))
        card = main_area(page).get_by_test_id("stMetric").filter(has_text=spend)
        value = card.get_by_test_id("stMetricValue")
        expect(value).to_have_text(shown)
        # The whole amount fits its card: nothing cut to an ellipsis.
        assert value.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        if shown == "—":
            requests = main_area(page).get_by_test_id("stMetric").filter(has_text=translate("usage.kpi.requests", lang))
            expect(requests.get_by_test_id("stMetricValue")).to_have_text("—")
