"""Settings in a real browser: the registry table with prices, aliases, routing, never a key."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import StudioServer, goto, main_area

FAKE_KEY = "sk-test-settings-0123456789abcdef"


def registry_table(page: Page) -> Locator:
    main = main_area(page)
    return main.get_by_test_id("stTable").filter(has=page.get_by_text("gpt-4.1", exact=True)).first


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_settings_shows_the_registry_table(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "settings", heading="Settings")
    table = registry_table(page)
    expect(table).to_be_visible()
    # A priced model row shows its prices and context window; the alias row names its successor.
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="gpt-4.1", exact=True))
    expect(row).to_contain_text("openai")
    expect(row).to_contain_text("1,047,576")
    expect(table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="gpt-4-turbo", exact=True)
    )).to_contain_text("gpt-4.1")
    expect(main_area(page)).to_contain_text("gpt-4-turbo is an alias: requests for it go to its successor")
    expect(main_area(page).get_by_text("Routing chains", exact=True)).to_be_visible()
    expect(main_area(page)).to_contain_text("offline")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_settings_in_korean_names_providers_without_keys(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "settings", heading="설정")
    expect(registry_table(page)).to_be_visible()
    expect(main_area(page)).to_contain_text("설정되지 않음: OPENAI_API_KEY")
    expect(main_area(page).get_by_text("모델 레지스트리", exact=True)).to_be_visible()


def test_a_configured_key_is_never_shown(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    server = studio_factory({"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    page = new_page("en-US")
    goto(page, server, "settings", heading="Settings")
    expect(registry_table(page)).to_be_visible()
    expect(main_area(page)).to_contain_text("http://127.0.0.1:9/v1")
    assert FAKE_KEY not in page.content()
    assert FAKE_KEY[-8:] not in page.content()
