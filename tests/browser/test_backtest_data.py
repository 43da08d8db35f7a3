"""The backtest's data in real Chromium (Korean): a strategy on 1h bars meets the daily sample, so the
panel says once how the closest bundled sample differs and offers an upload or a live fetch; the
date range limits what the backtest, its chart and its figures use, and a range with too few bars
says so; the live fetch goes through ccxt to a loopback fake exchange."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from core.services.strategy_library import save_strategy
from core.storage import get_db
from tests.browser.conftest import StudioServer, choose_radio, goto, main_area, rerun, start_studio
from tests.browser.test_strategy_pages import screenshot
from tests.strategy_builders import DESIGN_EXAMPLE
from tests.test_market_exchange import FakeBinance
from ui.i18n import translate


def L(key: str, **fmt: object) -> str:
    return translate(key, "ko", **fmt)


@pytest.fixture(scope="module")
def exchange() -> Iterator[FakeBinance]:
    fake = FakeBinance()
    yield fake
    fake.shutdown()
    fake.server_close()


@pytest.fixture(scope="module")
def server(exchange: FakeBinance) -> Iterator[StudioServer]:
    studio = start_studio({"STUDIO_EXCHANGE_API_BASE": exchange.base})
    try:
        save_strategy(DESIGN_EXAMPLE, user="local", note="browser test", source="imported", db=get_db(studio.db_path))
        yield studio
    finally:
        studio.stop()


def open_backtest(page: Page, server: StudioServer) -> None:
    goto(page, server, "strategies", heading=L("strategy.lib.title"))
    main = main_area(page)
    main.get_by_role("tab", name=L("strategy.lib.tab_backtest"), exact=True).click()
    expect(main.get_by_role("button", name=L("market.bt.run"), exact=True)).to_be_visible()


def set_range(page: Page, start: str, end: str) -> None:
    """Type the range into the date fields as a user does: click a field's year, type the digits (the
    field moves on to month and day by itself), then leave the field."""
    field = main_area(page).get_by_test_id("stDateInput").filter(has_text=L("market.bt.range"))
    for which, day in (("start", start), ("end", end)):
        part = field.locator(f'[data-range-field="{which}"]')
        part.get_by_role("spinbutton").first.click()
        page.keyboard.type(day.replace("-", ""))
        expect(part.get_by_role("group")).to_have_text(day)
    rerun(page, lambda: page.keyboard.press("Tab"))


def run(page: Page, shows: object) -> None:
    rerun(page, main_area(page).get_by_role("button", name=L("market.bt.run"), exact=True).click, 90_000,
          shows=shows)


def test_mismatch_is_said_once_and_the_closest_sample_runs_over_the_chosen_range(
        server: StudioServer, page: Page) -> None:
    open_backtest(page, server)
    main = main_area(page)
    notice = main.get_by_test_id("stAlertContainer").filter(has_text="내장 샘플에는 없습니다")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("BTC/USDT 1h")
    expect(notice).to_contain_text("가장 가까운 샘플은 BTC/USDT 1d")

    # The offers: an upload (its box appears), then back to the closest sample.
    choose_radio(page, main, L("market.source.upload"))
    expect(main.get_by_test_id("stFileUploaderDropzoneInput").first).to_be_attached()
    closest = L("market.bt.source.closest", symbol="BTC/USDT", timeframe="1d")
    choose_radio(page, main, closest)
    expect(main.get_by_text(L("market.sample_note"), exact=True)).to_be_visible()

    # Ten days of daily bars are too few: said in Korean, with what to do.
    set_range(page, "2017-01-01", "2017-01-10")
    error = main.get_by_test_id("stAlertContentError")
    run(page, error)
    expect(error).to_contain_text("2017-01-01 ~ 2017-01-10 기간에는 1d 봉이 10개뿐입니다")
    expect(error).to_contain_text("기간을 넓히거나")

    # A year: the backtest, its summary and its charts cover exactly that year.
    set_range(page, "2017-01-01", "2017-12-31")
    summary = main.get_by_text("BTC/USDT 1d 365개 봉, 2017-01-01 00:00 → 2017-12-31 00:00", exact=False)
    run(page, summary)
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(main.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "backtest-range")


def test_live_bars_come_through_ccxt_from_the_exchange(server: StudioServer, exchange: FakeBinance,
                                                       page: Page) -> None:
    open_backtest(page, server)
    main = main_area(page)
    choose_radio(page, main, L("market.bt.source.live"))
    fetch = main.get_by_role("button", name=L("market.fetch"), exact=True)
    # The form starts from the strategy's own symbol and timeframe (BTC/USDT, 1h).
    expect(main.get_by_label(L("market.symbol"), exact=True)).to_have_value("BTC/USDT")
    date_box = main.get_by_test_id("stDateInput").filter(has_text=L("market.bt.range"))
    rerun(page, fetch.click, 60_000, shows=date_box)
    assert "/api/v3/klines" in exchange.requests
    summary = main.get_by_text("BTC/USDT 1h 48개 봉, 2024-01-01 00:00 → 2024-01-02 23:00", exact=False)
    run(page, summary)
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
