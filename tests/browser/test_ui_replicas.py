"""Two UI replicas (``streamlit run app.py`` twice) on one PostgreSQL and one Redis, in real Chromium:
a strategy generated and saved in a session on one replica is listed by a session on the other (each
replica has its own empty SQLite file too, so only the shared database can show it). nginx in front of
UI replicas, with the websocket, is run by tests/test_replicas_readme.py."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, wait_idle

PROMPT = "도지코인 1시간봉 볼린저 밴드 하단 아래면 30 USDT 매수, 익절 5% 손절 3%"


def test_a_strategy_saved_on_one_ui_replica_is_listed_on_the_other(
        studio_factory: Callable[..., StudioServer], new_page: Callable[..., Page], pg_url: str,
        redis_url: str) -> None:
    shared = {"STUDIO_DATABASE_URL": pg_url, "STUDIO_REDIS_URL": redis_url}
    first, second = studio_factory(shared), studio_factory(shared)

    page = new_page()
    goto(page, first, "generate", heading="전략 생성")
    main = main_area(page)
    main.get_by_label("전략 설명").fill(PROMPT)
    main.get_by_role("button", name="생성", exact=True).click()
    wait_idle(page, 60_000)
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    main.get_by_role("button", name="저장", exact=True).click()
    wait_idle(page)
    expect(main.get_by_test_id("stAlertContentSuccess").filter(has_text="저장했습니다")).to_be_visible()

    other = new_page()  # another browser session, served by the other process
    goto(other, second, "strategies", heading="전략 목록")
    listed = main_area(other)
    expect(listed.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(listed.get_by_test_id("stHeading").filter(has_text="DOGE")).to_be_visible()
    expect(other.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
