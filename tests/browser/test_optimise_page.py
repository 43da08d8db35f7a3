"""Optimise in real Chromium (Korean): the search explains itself. The guard that decided is stated in
words, the best candidates are tabled with in-sample and out-of-sample figures, a two-parameter grid
gets a heat-map, and a kept original shows no change badge."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from core.services.strategy_library import save_strategy
from core.storage import get_db
from tests.browser.conftest import StudioServer, goto, main_area, rerun, start_studio
from tests.browser.test_strategy_pages import screenshot
from tests.strategy_builders import buy, cond, edge, sell, strategy
from ui.i18n import translate

# One condition, true -> buy, false -> sell: two tunable numbers (the two SMA periods), a 5 x 5 grid.
SMA_TREND = strategy(
    [cond("condition_1", "sma(10)", ">", "sma(30)")],
    [buy(amount=5000), sell()],
    [edge("data_1", "condition_1"), edge("condition_1", "action_1", "true"),
     edge("condition_1", "action_2", "false")],
    name="SMA trend",
)


def L(key: str, **fmt: object) -> str:
    return translate(key, "ko", **fmt)


@pytest.fixture(scope="module")
def server() -> Iterator[StudioServer]:
    studio = start_studio()
    try:
        save_strategy(SMA_TREND, user="local", note="browser test", source="imported", db=get_db(studio.db_path))
        yield studio
    finally:
        studio.stop()


def test_optimise_reports_its_search_with_a_table_and_a_heat_map(server: StudioServer, page: Page) -> None:
    page.set_default_timeout(60_000)
    goto(page, server, "optimize", heading=L("services.opt.title"))
    main = main_area(page)
    best = main.get_by_test_id("stTable").filter(has_text=L("opt.search.rank"))
    rerun(page, main.get_by_role("button", name=L("services.opt.run"), exact=True).click, 120_000, shows=best)

    # The guard that decided, in words, with its figures (the grid's 25 candidates fit the original).
    guard = main.get_by_test_id("stAlertContainer").filter(has_text="표본 외 샤프 비율")
    expect(guard).to_contain_text("원래 전략을 유지합니다")
    expect(main.get_by_text(L("opt.search.summary", tried=25, params=2, method=L("opt.search.method.grid"),
                              in_bars="611", out_bars="263", min_trades=3), exact=True)).to_be_visible()

    # The best candidates with in- and out-of-sample figures, the original among them.
    grid = best.locator("table")
    sharpe = L("services.metric.sharpe")
    for column in (L("opt.search.in", metric=sharpe), L("opt.search.out", metric=sharpe),
                   "condition_1 (왼쪽) · sma 기간", "condition_1 (오른쪽) · sma 기간"):
        expect(grid).to_contain_text(column)
    expect(grid.locator("tbody tr")).to_have_count(5)  # the best five, the original among them
    expect(grid).to_contain_text(L("opt.search.original"))

    # The two-parameter grid as a heat-map, and every candidate one click away.
    expect(main.get_by_text(L("opt.search.heat_map"), exact=True)).to_be_visible()
    heat = main.get_by_test_id("stVegaLiteChart").last
    expect(heat.locator("canvas, svg").first).to_be_visible()
    expect(main.get_by_test_id("stExpander").filter(has_text=L("opt.search.tried", n=25))).to_be_visible()

    # Nothing changed, so the metric cards carry no change badge.
    expect(main.get_by_test_id("stMetric").first).to_be_visible()
    expect(main.get_by_test_id("stMetricDelta")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "optimize-search")
