"""Market page and backtest panel in real Chromium: bad CSV message, charts drawn without any CDN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.services.strategy_library import save_strategy
from core.storage import get_db
from tests.browser.conftest import StudioServer, choose_radio, goto, main_area, rerun, start_studio
from tests.strategy_builders import sma_cross

BAD_CSV = (
    "timestamp,open,high,low,close,volume\n"
    "2024-01-01T00:00:00Z,100,110,95,105,12\n"
    "2024-01-01T01:00:00Z,105,112,101,110,10\n"
    "2024-01-01T02:00:00Z,110,99,104,101,9\n"
)


def _chart_drawn(page: Page, index: int = 0) -> None:
    chart = main_area(page).get_by_test_id("stVegaLiteChart").nth(index)
    expect(chart).to_be_visible(timeout=20_000)
    # Vega renders into a canvas (or svg); its presence means the bundled library ran offline.
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=20_000)


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_market_page_draws_the_sample_and_explains_a_bad_csv(studio: StudioServer, page: Page, tmp_path: Path) -> None:
    goto(page, studio, "market", heading="Market data")
    _chart_drawn(page)
    expect(main_area(page).get_by_test_id("stMetric").filter(has_text="Bars")).to_contain_text("874")

    choose_radio(page, main_area(page), "CSV upload")
    uploader = main_area(page).locator("input[type=file]")
    expect(uploader).to_be_attached()  # what the user waits for: the upload box
    bad = tmp_path / "prices.csv"
    bad.write_text(BAD_CSV)
    uploader.set_input_files(str(bad))
    error = main_area(page).get_by_test_id("stAlert").filter(has_text="prices.csv")
    expect(error).to_contain_text("row 3 (file line 4) has high 99 below low 104", timeout=20_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


SMA_CROSS = {
    **sma_cross(10, 30, amount=5000, name="SMA cross for the browser"),
    "description": "Buys when SMA(10) crosses above SMA(30), sells everything on the cross back.",
}


@pytest.fixture(scope="module")
def library_studio() -> Iterator[StudioServer]:
    """A server of its own (the shared one must stay empty for other tests) with one saved strategy."""
    server = start_studio()
    try:
        db = get_db(server.db_path)
        save_strategy(SMA_CROSS, user="local", note="browser test", source="imported", db=db)
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_backtest_on_the_strategies_page_shows_metrics_and_charts(library_studio: StudioServer, page: Page) -> None:
    goto(page, library_studio, "strategies", heading="Strategies")
    main = main_area(page)
    main.get_by_role("tab", name="Backtest", exact=True).click()
    metrics = main.get_by_test_id("stMetric")
    rerun(page, main.get_by_role("button", name="Run backtest", exact=True).click, 60_000,
          shows=metrics.filter(has_text="Total return"))
    expect(metrics.filter(has_text="Total return")).to_be_visible(timeout=20_000)
    expect(metrics.filter(has_text="Closed trades")).to_contain_text("13")
    expect(metrics.filter(has_text="Max drawdown")).to_contain_text("%")
    _chart_drawn(page, 0)  # equity vs buy and hold
    _chart_drawn(page, 1)  # drawdown
    # The library list and the trades table (orders sit in a collapsed expander).
    expect(main.locator('[data-testid="stDataFrame"]:visible')).to_have_count(2)
    expect(page.get_by_test_id("stException")).to_have_count(0)
