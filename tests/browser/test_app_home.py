"""Home in a real browser: what the app does, first steps that lead somewhere, the state of things."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, sidebar


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_home_states_providers_spend_and_links_to_settings(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    main = main_area(page)
    expect(main).to_contain_text("node-edge graph")
    expect(main.get_by_test_id("stMetric").filter(has_text="Providers configured")).to_contain_text("0 / 4")
    expect(main.get_by_test_id("stMetric").filter(has_text="Spend this month")).to_contain_text("$0.00")
    expect(main).to_contain_text("Monthly quota: $10.00")
    expect(main).to_contain_text("offline engine answers every request")
    # The sidebar shows the same spend against the quota on every page.
    expect(sidebar(page).get_by_test_id("stProgress")).to_contain_text("$0.00 of $10.00")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    main.get_by_test_id("stPageLink").filter(has_text="See providers, models and prices").click()
    expect(main.get_by_test_id("stHeading").filter(has_text="Settings")).to_be_visible()
    assert urlsplit(page.url).path.endswith("/settings")  # the address may carry ?lang=
