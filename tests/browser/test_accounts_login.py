"""Login in a real browser through a local OIDC provider (oidc-provider-mock, started by the test):
a user sees their name and only their strategies, then logs out; two users in two browser contexts
never see each other's data; a key made on Settings works against the API on the same port."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    StudioServer,
    free_port,
    main_area,
    sidebar,
    start_studio,
    switch_language,
    wait_idle,
)
from tests.strategy_builders import DESIGN_EXAMPLE

USERS = {
    "alice-sub": {"name": "Alice Kim", "email": "alice@example.com"},
    "bob-sub": {"name": "Bob Lee", "email": "bob@example.com"},
}


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """oidc-provider-mock on a free loopback port with two predefined users."""
    port = free_port()
    log = tmp_path_factory.mktemp("oidc") / "oidc.log"
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for sub, claims in USERS.items():
        cmd += ["--user-claims", json.dumps({"sub": sub, **claims})]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the OIDC provider did not start:\n" + log.read_text(errors="replace")) from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def login_studio(oidc: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    """`streamlit run app.py` with an [auth] section pointing at the local provider; alice and bob
    each have one saved strategy."""
    port = free_port()
    secrets_dir = tmp_path_factory.mktemp("auth")
    secrets_file = secrets_dir / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "strategy-studio"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{oidc}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    server = start_studio({"STREAMLIT_SECRETS_FILES": str(secrets_file), "AUTHLIB_INSECURE_TRANSPORT": "1"},
                          port=port)
    _seed(server.db_path)
    yield server
    server.stop()


def _seed(db: Path) -> None:
    import os

    env = {**os.environ, "STUDIO_DB": str(db), "STUDIO_SECRETS_FILE": str(db.parent / "none.toml")}
    code = (
        "import json, sys\n"
        "from core.services.strategy_library import save_strategy\n"
        "s = json.loads(sys.argv[1])\n"
        "save_strategy({**s, 'name': 'Alice RSI plan'}, user='alice-sub', source='imported')\n"
        "save_strategy({**s, 'name': 'Bob MACD plan'}, user='bob-sub', source='imported')\n"
    )
    subprocess.run([sys.executable, "-c", code, json.dumps(DESIGN_EXAMPLE)], env=env, check=True, timeout=60,
                   cwd=Path(__file__).resolve().parents[2])


PROVIDER_CSS = "https://cdn.jsdelivr.net/npm/@picocss/**"


def serve_provider_css_locally(page: Page) -> None:
    """The mock provider's own pages link a stylesheet on a CDN. That is the provider, not us: answer
    it with an empty stylesheet so nothing leaves loopback (the guard still fails on anything else)."""
    page.context.route(PROVIDER_CSS, lambda route: route.fulfill(status=200, content_type="text/css", body=""))


def log_in(page: Page, server: StudioServer, sub: str) -> None:
    serve_provider_css_locally(page)
    page.goto(server.url)
    main_area(page).get_by_role("button", name="Log in").click()
    # The provider's consent page: one click on a predefined user.
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{server.url}/**")
    expect(sidebar(page)).to_contain_text(USERS[sub]["name"], timeout=30_000)
    wait_idle(page)


def open_strategies(page: Page, server: StudioServer) -> None:
    page.goto(f"{server.url}/strategies")
    main_area(page).get_by_test_id("stHeading").first.wait_for()
    wait_idle(page)


def test_nothing_is_reachable_before_login(login_studio: StudioServer, new_page: Callable[..., Page]) -> None:
    page = new_page("en-US")
    for path in ("", "strategies", "usage", "settings"):
        page.goto(f"{login_studio.url}/{path}")
        expect(main_area(page).get_by_role("button", name="Log in")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Alice RSI plan")).to_have_count(0)
        expect(page.get_by_text("Bob MACD plan")).to_have_count(0)
    assert httpx.get(f"{login_studio.url}/api/strategies", timeout=30).status_code == 401


def test_user_sees_their_name_and_only_their_strategies_then_logs_out(
    login_studio: StudioServer, new_page: Callable[..., Page]
) -> None:
    page = new_page("en-US")
    log_in(page, login_studio, "alice-sub")
    expect(sidebar(page)).to_contain_text("alice@example.com")
    expect(sidebar(page).get_by_label("User ID")).to_have_count(0)  # no free-text identity box
    open_strategies(page, login_studio)
    expect(main_area(page)).to_contain_text("Alice RSI plan")
    expect(main_area(page)).not_to_contain_text("Bob MACD plan")

    sidebar(page).get_by_role("button", name="Log out").click()
    # Streamlit ends the session at the provider too (RP-initiated logout): confirm on its page.
    login_button = page.get_by_test_id("stMain").get_by_role("button", name="Log in")
    end = page.get_by_role("button", name="End session")
    expect(end.or_(login_button)).to_be_visible(timeout=30_000)
    if end.is_visible():
        end.click()
    expect(login_button).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Alice Kim")).to_have_count(0)


def test_two_users_in_two_browsers_do_not_see_each_others_data(
    login_studio: StudioServer, new_page: Callable[..., Page]
) -> None:
    alice, bob = new_page("en-US"), new_page("en-US")
    log_in(alice, login_studio, "alice-sub")
    log_in(bob, login_studio, "bob-sub")
    open_strategies(alice, login_studio)
    open_strategies(bob, login_studio)
    expect(main_area(bob)).to_contain_text("Bob MACD plan")
    expect(main_area(bob)).not_to_contain_text("Alice RSI plan")
    expect(main_area(alice)).not_to_contain_text("Bob MACD plan")
    # A regular user has no "all users" switch and no quota editor on Usage.
    bob.goto(f"{login_studio.url}/usage")
    main_area(bob).get_by_test_id("stHeading").first.wait_for()
    wait_idle(bob)
    expect(main_area(bob).get_by_text("All users")).to_have_count(0)
    expect(main_area(bob).get_by_text("Quota and cache")).to_have_count(0)
    expect(main_area(bob).get_by_text("Monthly quota for", exact=False)).to_have_count(0)
    expect(main_area(bob).get_by_test_id("stNumberInput")).to_have_count(0)


def test_a_key_created_on_settings_is_shown_once_and_works_on_the_same_port(
    login_studio: StudioServer, new_page: Callable[..., Page]
) -> None:
    page = new_page("en-US")
    log_in(page, login_studio, "bob-sub")
    page.goto(f"{login_studio.url}/settings")
    main = main_area(page)
    main.get_by_test_id("stHeading").first.wait_for()
    wait_idle(page)
    name = main.get_by_label("Key name", exact=True)
    name.fill("browser test")
    name.press("Enter")  # commit the name (one rerun) before the click
    wait_idle(page)
    main.get_by_role("button", name="Create key").click()
    wait_idle(page)
    code = main.get_by_test_id("stCode").filter(has_text="sk-studio-")
    expect(code).to_have_count(1)
    key = code.inner_text().strip()
    r = httpx.get(f"{login_studio.url}/api/strategies", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert r.status_code == 200 and [s["name"] for s in r.json()] == ["Bob MACD plan"]
    page.reload()
    main_area(page).get_by_test_id("stHeading").first.wait_for()
    wait_idle(page)
    expect(main_area(page)).to_contain_text("browser test")
    expect(main_area(page).get_by_text(key)).to_have_count(0)  # shown once only


def test_the_language_a_user_chose_follows_them_to_a_new_browser(
        login_studio: StudioServer, new_page: Callable[..., Page]) -> None:
    first = new_page("en-US")
    log_in(first, login_studio, "alice-sub")
    switch_language(first, "한국어")
    expect(sidebar(first).get_by_test_id("stSidebarNav").get_by_text("설정", exact=True)).to_be_visible()
    # Another browser (English, no ?lang= in the address): alice gets her Korean back after login.
    second = new_page("en-US")
    log_in(second, login_studio, "alice-sub")
    expect(sidebar(second).get_by_test_id("stSidebarNav").get_by_text("설정", exact=True)).to_be_visible()
    # And a reload keeps it.
    second.goto(f"{login_studio.url}/settings")
    expect(main_area(second).get_by_test_id("stHeading").filter(has_text="설정").first).to_be_visible()
    # Bob chose nothing: his English browser decides for him.
    third = new_page("en-US")
    log_in(third, login_studio, "bob-sub")
    expect(sidebar(third).get_by_test_id("stSidebarNav").get_by_text("Settings", exact=True)).to_be_visible()
