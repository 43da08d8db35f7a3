"""A deep link to a freshly started server still opens the page inside the app shell."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, sidebar

pytestmark = pytest.mark.browser


def test_deep_link_before_any_visit_gets_the_sidebar(
    studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page]
) -> None:
    server = studio_factory()
    server.warmed = True  # no visit to the root first: the very first request is the deep link
    page = new_page("en-US")
    goto(page, server, "usage", heading="Usage")
    # The shell ran: the sidebar has the app's own navigation, who is signed in and the quota bar,
    # not Streamlit's pages-folder list of file names.
    expect(sidebar(page).get_by_test_id("stSidebarNav")).to_contain_text("Settings")
    expect(sidebar(page).get_by_test_id("stSidebarNav")).not_to_contain_text("app")
    expect(sidebar(page).get_by_text("Local user", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_test_id("stProgress")).to_be_visible()
