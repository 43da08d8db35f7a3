"""The app shell in a real browser: default page, language from the browser, the switch, the guard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, guard_violations, main_area, sidebar, switch_language


def test_home_opens_in_korean_for_a_korean_browser(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    expect(main_area(page).get_by_text("시작하기", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text("로컬 사용자", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_home_opens_in_english_for_an_english_browser(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    expect(main_area(page).get_by_text("First steps", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text("Local user", exact=True)).to_be_visible()


def test_switch_changes_every_label_and_survives_navigation(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    switch_language(page, "English")
    expect(main_area(page).get_by_text("First steps", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text("Local user", exact=True)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Settings", exact=True)).to_be_visible()
    # Moving to another page through the navigation keeps the session's choice.
    nav.get_by_text("Settings", exact=True).click()
    expect(main_area(page).get_by_test_id("stHeading").filter(has_text="Settings")).to_be_visible()
    switch_language(page, "한국어")
    expect(main_area(page).get_by_test_id("stHeading").filter(has_text="설정")).to_be_visible()
    expect(nav.get_by_text("설정", exact=True)).to_be_visible()


def test_route_guard_aborts_and_records_outside_requests(
    studio: StudioServer, page: Page, request: pytest.FixtureRequest
) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    result = page.evaluate("() => fetch('https://example.com/x').then(() => 'loaded', () => 'blocked')")
    assert result == "blocked"
    recorded = request.node.stash[guard_violations]
    assert recorded == ["request outside loopback: https://example.com/x"]
    # Left in place, this record fails the test (pytest_runtest_call); it was deliberate here.
    recorded.clear()


def test_settings_language_choice_also_moves_the_sidebar_switch(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "settings", heading="설정")
    main_area(page).get_by_test_id("stRadio").get_by_text("English", exact=True).click()
    expect(main_area(page).get_by_test_id("stHeading").filter(has_text="Settings")).to_be_visible()
    expect(sidebar(page).get_by_text("Local user", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_role("radio", name="English", exact=True)).to_be_checked()


def test_dialog_listener_records_any_alert(
    studio: StudioServer, page: Page, request: pytest.FixtureRequest
) -> None:
    goto(page, studio, "", heading="Strategy Studio")
    page.evaluate("() => alert('XSS')")
    recorded = request.node.stash[guard_violations]
    assert recorded == ["unexpected alert dialog: 'XSS'"]
    recorded.clear()  # deliberate here; left in place it fails the test
