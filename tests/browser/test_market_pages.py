"""Market page and backtest panel in real Chromium: bad CSV message, charts drawn without any CDN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, start_studio, wait_idle

HERE = Path(__file__).resolve().parent
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

    main_area(page).get_by_role("radio", name="CSV upload", exact=True).click(force=True)
    wait_idle(page)
    bad = tmp_path / "prices.csv"
    bad.write_text(BAD_CSV)
    main_area(page).locator("input[type=file]").set_input_files(str(bad))
    error = main_area(page).get_by_test_id("stAlert").filter(has_text="prices.csv")
    expect(error).to_contain_text("row 3 (file line 4) has high 99 below low 104", timeout=20_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.fixture(scope="module")
def panel_app() -> Iterator[StudioServer]:
    server = start_studio(script=HERE / "market_panel_app.py")
    server.warmed = True  # a single-script app: no navigation shell to warm up
    yield server
    server.stop()


def test_backtest_shows_metrics_and_charts(panel_app: StudioServer, page: Page) -> None:
    goto(page, panel_app, "", heading="Backtest panel")
    main_area(page).get_by_role("button", name="Run backtest", exact=True).click()
    wait_idle(page, 60_000)
    metrics = main_area(page).get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Total return")).to_be_visible(timeout=20_000)
    expect(metrics.filter(has_text="Closed trades")).to_contain_text("13")
    expect(metrics.filter(has_text="Max drawdown")).to_contain_text("%")
    _chart_drawn(page, 0)  # equity vs buy and hold
    _chart_drawn(page, 1)  # drawdown
    expect(main_area(page).get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
