"""Browser test harness: `streamlit run app.py` on a loopback port, driven by Debian's Chromium.

- ``start_studio(env)`` starts a server with a clean environment (no API keys unless given, a temp
  STUDIO_DB, a secrets file that does not exist) and returns a ``StudioServer``.
- ``studio`` is a session-wide server with no keys.
- ``page`` is a fresh browser context + page (locale "ko-KR" unless parametrized indirectly, e.g.
  ``@pytest.mark.parametrize("page", ["en-US"], indirect=True)``). ``new_page(locale)`` makes more.
- Every page has a route guard: requests outside loopback are aborted and the test FAILS. Any
  ``alert``/``confirm`` dialog fails the test too (it would mean script injection).
- A failing test saves screenshots of its open pages under test-artifacts/ and attaches the tail of
  the server log to the report.
- ``goto(page, server, path, heading)`` opens a page and waits for the app and its heading.

Never run ``playwright install``: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Anything configuring a vendor or the studio is dropped from the inherited environment, so a
# developer's own keys or database never leak into a test.
_SCRUB = re.compile(
    r"^(OPENAI_|ANTHROPIC_|GLM_|ZAI_|ZHIPU|CUSTOM_LLM_|LLM_|STUDIO_|STREAMLIT_)|_API_KEY$", re.IGNORECASE
)
STARTUP_TIMEOUT_S = 60.0

# Two cores shared by a server, Chromium and pytest: give assertions room before calling a failure.
expect.set_options(timeout=15_000)

_page_registry = pytest.StashKey[list[Page]]()
guard_violations = pytest.StashKey[list[str]]()
_servers = pytest.StashKey[list["StudioServer"]]()


@dataclass
class StudioServer:
    url: str
    db_path: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    workdir: Path
    started_s: float = 0.0  # seconds from spawn to a healthy /_stcore/health
    # Streamlit 1.67 quirk: until some session has run app.py (which calls st.navigation), a deep
    # link such as /settings is served in the legacy pages/-directory mode without our shell.
    warmed: bool = False
    _stopped: bool = field(default=False, repr=False)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: dict[str, str] | None = None, workdir: Path | None = None) -> dict[str, str]:
    """The inherited environment without keys or studio settings, plus a private DB and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not _SCRUB.search(k)}
    workdir = workdir or Path(tempfile.mkdtemp(prefix="studio-browser-"))
    env["STUDIO_DB"] = str(workdir / "studio.db")
    env["STUDIO_SECRETS_FILE"] = str(workdir / "no-secrets.toml")  # deliberately never created
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def streamlit_command(script: str | Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        f"--server.port={port}", "--server.address=127.0.0.1", "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ]


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before it was healthy:\n"
                + log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"streamlit was not healthy after {timeout_s:.0f} s; log at {log_path}")


def start_studio(
    env: dict[str, str] | None = None, *, script: str | Path = "app.py", cwd: Path = ROOT, port: int | None = None
) -> StudioServer:
    """Start ``streamlit run <script>`` on a free loopback port (or ``port``, when the caller needs to
    know it first, e.g. for an OIDC redirect URI) with a clean environment."""
    workdir = Path(tempfile.mkdtemp(prefix="studio-browser-"))
    full_env = clean_env(env, workdir)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    started = time.monotonic()
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            streamlit_command(script, port), cwd=cwd, env=full_env,
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = StudioServer(
        url=url, db_path=Path(full_env["STUDIO_DB"]), env=full_env, process=process,
        log_path=log_path, workdir=workdir,
    )
    try:
        wait_healthy(url, process, STARTUP_TIMEOUT_S, log_path)
    except Exception:
        server.stop()
        raise
    server.started_s = time.monotonic() - started
    return server


def launch_browser(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-extension"}:
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


def guard_context(context: BrowserContext, violations: list[str]) -> None:
    """Abort every request that leaves loopback and remember it, so the test can fail on it."""

    def handle(route: Any) -> None:
        url = route.request.url
        if is_loopback(url):
            route.continue_()
        else:
            violations.append(f"request outside loopback: {url}")
            route.abort()

    context.route("**/*", handle)


def goto(page: Page, server: StudioServer, path: str = "", heading: str | None = None,
         timeout_ms: int = 30_000) -> None:
    """Open ``/path`` and wait for the app shell and the page's heading (any heading if None)."""
    if not server.warmed and path.strip("/"):
        page.goto(server.url)
        page.get_by_test_id("stMain").get_by_test_id("stHeading").first.wait_for(timeout=timeout_ms)
    server.warmed = True
    page.goto(f"{server.url}/{path.lstrip('/')}")
    page.get_by_test_id("stApp").wait_for(timeout=timeout_ms)
    main = page.get_by_test_id("stMain")
    if heading is None:
        main.get_by_test_id("stHeading").first.wait_for(timeout=timeout_ms)
    else:
        main.get_by_test_id("stHeading").filter(has_text=heading).first.wait_for(timeout=timeout_ms)
    # The heading is drawn by the page's first run, so that run has started: wait for it to end.
    wait_idle(page, timeout_ms)


def wait_idle(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run triggered by the last interaction has finished."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms
    )


Shown = Any  # a Locator that becomes visible, or a predicate over the page that becomes true


def wait_shown(page: Page, shows: Shown, timeout_ms: int = 60_000) -> None:
    """Wait until the user sees ``shows``: a Locator visible, or a predicate true (polled)."""
    if callable(shows) and not hasattr(shows, "wait_for"):
        deadline = time.monotonic() + timeout_ms / 1000
        while not shows():
            if time.monotonic() > deadline:
                raise AssertionError(f"not shown within {timeout_ms} ms: {getattr(shows, '__name__', shows)}")
            page.wait_for_timeout(100)  # poll interval only; the condition is what is waited for
        return
    shows.first.wait_for(state="visible", timeout=timeout_ms)


def rerun(page: Page, action: Callable[[], Any], timeout_ms: int = 60_000, *, shows: Shown | None = None) -> None:
    """Do ``action`` (a click, a commit) once, then wait for what the user should see next.

    ``shows`` is that outcome (the uploader appearing, the result table drawn, an error shown);
    after it appears the page must also be idle, so the next action lands on a finished page. The
    action is never repeated: a repeated click on a radio that is already selected starts nothing,
    and a repeated button click runs the work twice. Without ``shows`` this only waits for the page
    to be idle, and the caller's next ``expect`` must name what appears."""
    action()
    if shows is not None:
        wait_shown(page, shows, timeout_ms)
    wait_idle(page, timeout_ms)


def choose_radio(page: Page, scope: Any, label: str, timeout_ms: int = 60_000) -> None:
    """Select a radio option by its label. Idempotent: an option already selected is left alone, and
    a click lost while React redraws the group is made again only while the option is unselected
    (clicking an unselected radio can only select it)."""
    radio = scope.get_by_role("radio", name=label, exact=True)
    deadline = time.monotonic() + timeout_ms / 1000
    while not radio.is_checked():
        if time.monotonic() > deadline:
            raise AssertionError(f"the radio option {label!r} could not be selected")
        scope.get_by_text(label, exact=True).first.click()
        try:
            expect(radio).to_be_checked(timeout=5_000)
        except AssertionError:
            continue
    wait_idle(page, timeout_ms)


def choose_option(page: Page, box: Any, option: str, timeout_ms: int = 60_000) -> None:
    """Pick ``option`` in a Streamlit selectbox ``box`` (a stSelectbox locator). Idempotent: nothing
    is done when the box already shows it. Each try starts on a finished page (a run still drawing
    the page may redraw the box and close its list, or bring back the value it drew with) with the
    box in view, opens the list only while it is closed (a click on an open box closes it again),
    and the box's value is read again once the run the pick started has finished, so a pick lost in
    a redraw is made again. Callers first wait for the page to be drawn, as a user would."""
    combobox = box.get_by_role("combobox")  # its value is the choice the user sees
    listed = page.get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        wait_idle(page, timeout_ms)
        if combobox.input_value() == option:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the selectbox did not take the option {option!r} "
                                 f"(it shows {combobox.input_value()!r})")
        try:
            box.scroll_into_view_if_needed(timeout=10_000)
            if combobox.get_attribute("aria-expanded") != "true":
                box.get_by_role("button", name="Open").click(timeout=10_000)
            listed.click(timeout=10_000)
            expect(combobox).to_have_value(option, timeout=10_000)
        except (PlaywrightTimeoutError, AssertionError):
            # A list the page moved under (content drawn late above it) can stay open where its box
            # no longer is, taking no clicks: close it, and start again from a closed box.
            combobox.press("Escape")
            continue


def main_area(page: Page) -> Any:
    return page.get_by_test_id("stMain")


def sidebar(page: Page) -> Any:
    return page.get_by_test_id("stSidebar")


def switch_language(page: Page, label: str) -> None:
    """Choose the sidebar language ('한국어' or 'English'); the caller then expects the page in it."""
    choose_radio(page, sidebar(page), label)


# What the strategy canvas shows, read from the live vis-network (ui/canvas.js registers each drawn
# network in window.studioCanvas under its key). ``prefix`` picks the canvas by key.
CANVAS_STATE_JS = """
(prefix) => {
  const all = window.studioCanvas || {};
  const key = Object.keys(all).filter(k => k.startsWith(prefix)).pop();
  if (!key) return null;
  const net = all[key];
  const placed = net.getPositions();
  const nodes = net.body.data.nodes.get().filter(n => n.id in placed);
  const shown = nodes.map(n => net.body.nodes[n.id]);
  return {
    key: key,
    scale: net.getScale(),
    fontPx: Math.min(...shown.map(n => n.options.font.size)),
    labels: nodes.map(n => n.label),
    sids: nodes.map(n => n.sid),
    invalid: nodes.filter(n => n.invalid).map(n => n.sid),
    selected: net.getSelectedNodes().map(id => net.body.data.nodes.get(id).sid),
    edges: net.body.data.edges.get().length,
  };
}
"""


def canvas_state(page: Page, prefix: str = "gen_canvas", *, nodes: int | None = None,
                 until: Callable[[dict[str, Any]], bool] | None = None, timeout_s: float = 30.0) -> dict[str, Any]:
    """The canvas as drawn once it shows ``nodes`` nodes and ``until`` holds (polls: a rerun redraws it)."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = page.evaluate(CANVAS_STATE_JS, prefix)
        if last and last["sids"] and (nodes is None or len(last["sids"]) == nodes) and (until is None or until(last)):
            return dict(last)
        time.sleep(0.15)
    raise AssertionError(f"the canvas {prefix!r} did not show the expected graph; last seen: {last}")


def click_canvas_node(page: Page, sid: str, prefix: str = "gen_canvas") -> None:
    """Click the node with strategy id ``sid`` where the canvas draws it."""
    point = page.evaluate("""([prefix, sid]) => {
      const all = window.studioCanvas || {};
      const key = Object.keys(all).filter(k => k.startsWith(prefix)).pop();
      const net = all[key];
      const node = net.body.data.nodes.get().find(n => n.sid === sid);
      net.body.container.scrollIntoView({block: "center"});
      const dom = net.canvasToDOM(net.getPositions([node.id])[node.id]);
      const box = net.body.container.getBoundingClientRect();
      return {x: box.x + dom.x, y: box.y + dom.y};
    }""", [prefix, sid])
    page.mouse.click(point["x"], point["y"])


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    b = launch_browser(playwright_instance)
    yield b
    b.close()


@pytest.fixture(scope="session")
def studio() -> Iterator[StudioServer]:
    server = start_studio({})
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_language_choice(request: pytest.FixtureRequest) -> None:
    """Tests share the session's server and database: a language one test chose (stored on the user, as a
    user's choice is) must not decide the next test's pages, which expect their browser's language."""
    if "studio" not in request.fixturenames:
        return
    server: StudioServer = request.getfixturevalue("studio")
    if not server.db_path.exists():
        return
    conn = sqlite3.connect(server.db_path, timeout=30)
    try:
        if any(r[1] == "language" for r in conn.execute("PRAGMA table_info(users)")):
            with conn:
                conn.execute("UPDATE users SET language = NULL")
    finally:
        conn.close()


@pytest.fixture
def studio_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., StudioServer]]:
    """Start extra servers (own env) for one test; all are stopped at the end."""
    started: list[StudioServer] = []
    request.node.stash[_servers] = started

    def make(env: dict[str, str] | None = None) -> StudioServer:
        server = start_studio(env or {})
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    violations: list[str] = []
    request.node.stash[_page_registry] = pages
    request.node.stash[guard_violations] = violations

    def make(locale: str = "ko-KR") -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        guard_context(context, violations)
        page = context.new_page()

        def on_dialog(dialog: Any) -> None:
            violations.append(f"unexpected {dialog.type} dialog: {dialog.message!r}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.set_default_timeout(20_000)
        contexts.append(context)
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page], request: pytest.FixtureRequest) -> Page:
    locale = getattr(request, "param", None) or "ko-KR"
    return new_page(locale)


# ---------------------------------------------------------------- hooks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test (not just its teardown) when the page left loopback or raised a dialog."""
    result = yield
    violations = item.stash.get(guard_violations, [])
    if violations:
        raise AssertionError("browser guard: " + "; ".join(dict.fromkeys(violations)))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call" and report.failed:
        _save_screenshots(item)
        servers = list(item.stash.get(_servers, []))
        studio_server = item.funcargs.get("studio") if hasattr(item, "funcargs") else None
        if isinstance(studio_server, StudioServer):
            servers.append(studio_server)
        for server in servers:
            report.sections.append((f"server log {server.url}", server.log_tail()))
    return report


def _save_screenshots(item: pytest.Item) -> None:
    pages = item.stash.get(_page_registry, [])
    if not pages:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
    for n, pg in enumerate(pages):
        if pg.is_closed():
            continue
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{stem}-{n}.png"), full_page=True, timeout=10_000)
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"screenshot of page {n} failed: {exc}")


__all__ = [
    "StudioServer",
    "canvas_state",
    "choose_option",
    "choose_radio",
    "clean_env",
    "click_canvas_node",
    "expect",
    "goto",
    "main_area",
    "rerun",
    "sidebar",
    "start_studio",
    "switch_language",
    "wait_idle",
    "wait_shown",
]
