"""How fast the app starts, how fast Generate (offline) draws a graph, and how much memory it keeps.

Figures (with their targets, on a 2-core machine):
1. time from `streamlit run` to the first page rendered in Chromium        (target <= 3 s)
2. time from clicking Generate (offline engine) to the graph being drawn     (target <= 1.5 s)
3. server resident memory after every page has been visited once            (target < 600 MB)

Each figure is set against a baseline measured in the same process the same way: a bare
hello-world Streamlit script (start -> heading, button click -> text, RSS after start). The
ratio tells what the app itself adds over Streamlit's own cost on this machine.

Run: python bench/app_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402 - the harness is the one way we start the app
    StudioServer,
    clean_env,
    free_port,
    launch_browser,
    streamlit_command,
    wait_healthy,
)
from ui.i18n import translate  # noqa: E402

TARGET_START_S = 3.0
TARGET_GENERATE_S = 1.5
TARGET_RSS_MB = 600.0
HELLO = """
import streamlit as st
st.title("Hello")
if st.button("Go"):
    st.write("done")
"""
PROMPT_KO = "비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수"
PAGES = ["", "generate", "strategies", "market", "news", "optimize", "usage", "settings"]


def spawn(script: Path, cwd: Path) -> tuple[StudioServer, float]:
    """Start a server and return it with the spawn time (monotonic seconds)."""
    workdir = Path(tempfile.mkdtemp(prefix="studio-bench-"))
    env = clean_env({}, workdir)
    port = free_port()
    log_path = workdir / "server.log"
    t0 = time.monotonic()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            streamlit_command(script, port), cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = StudioServer(
        url=f"http://127.0.0.1:{port}", db_path=Path(env["STUDIO_DB"]), env=env, process=proc,
        log_path=log_path, workdir=workdir,
    )
    return server, t0


def first_render(browser: Browser, script: Path, cwd: Path, heading: str) -> tuple[float, StudioServer, Page]:
    """Seconds from spawning `streamlit run` to the first page rendered in Chromium: its heading
    visible and its script run finished (so the whole page, sidebar included, is on screen)."""
    server, t0 = spawn(script, cwd)
    wait_healthy(server.url, server.process, 60, server.log_path)
    page = browser.new_page(locale="ko-KR", viewport={"width": 1400, "height": 1000})
    page.goto(server.url)
    page.get_by_test_id("stMain").get_by_test_id("stHeading").filter(has_text=heading).first.wait_for(
        timeout=60_000
    )
    idle(page)
    return time.monotonic() - t0, server, page


def idle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def rss_mb(server: StudioServer) -> float:
    proc = psutil.Process(server.process.pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        total += child.memory_info().rss
    return total / 2**20


def graph_drawn(page: Page) -> bool:
    """The Generate canvas has laid out its nodes (ui/canvas.js registers a drawn network)."""
    return bool(page.evaluate(
        "() => { const n = (window.studioCanvas || {}).gen_canvas;"
        " return !!n && Object.keys(n.getPositions()).length > 0; }"
    ))


def click_generate(page: Page, amount: int) -> float:
    """Seconds from clicking Generate (offline) to the graph drawn on its canvas."""
    main = page.get_by_test_id("stMain")
    box = main.get_by_label(translate("strategy.gen.prompt", "ko"), exact=True)
    # A different amount each run, so that no run is answered from the response cache.
    box.fill(PROMPT_KO.replace("100", str(amount)))
    box.blur()
    page.wait_for_timeout(300)
    idle(page)
    button = main.get_by_role("button", name=translate("strategy.gen.generate", "ko"), exact=True)
    # Forget the previous graph so that only a newly drawn one counts.
    page.evaluate("() => { if (window.studioCanvas) delete window.studioCanvas.gen_canvas; }")
    t0 = time.monotonic()
    button.click()
    deadline = t0 + 120
    while time.monotonic() < deadline:
        try:
            if graph_drawn(page):
                return time.monotonic() - t0
        except Exception:  # the page is between runs; look again
            pass
        time.sleep(0.02)
    raise RuntimeError("the graph was not drawn within 120 s of clicking Generate")


def hello_click(page: Page) -> float:
    t0 = time.monotonic()
    page.get_by_role("button", name="Go", exact=True).click()
    page.get_by_text("done", exact=True).wait_for(timeout=60_000)
    return time.monotonic() - t0


def visit_all(page: Page, server: StudioServer) -> list[str]:
    visited = []
    for path in PAGES:
        if path and not (ROOT / "pages" / f"{path}.py").is_file():
            continue
        page.goto(f"{server.url}/{path}")
        page.get_by_test_id("stMain").get_by_test_id("stHeading").first.wait_for(timeout=60_000)
        idle(page)
        visited.append(path or "home")
    return visited


def measure(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions per figure (median reported)")
    args = parser.parse_args(argv)
    hello_dir = Path(tempfile.mkdtemp(prefix="studio-bench-hello-"))
    hello = hello_dir / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        # Warm the OS file cache and Python's bytecode once, so the first measured run is not an outlier.
        _, srv, pg = first_render(browser, ROOT / "app.py", ROOT, "Strategy Studio")
        pg.close()
        srv.stop()

        base_start, app_start = [], []
        base_rss = app_rss = 0.0
        for _ in range(args.runs):
            secs, srv, pg = first_render(browser, hello, hello_dir, "Hello")
            base_start.append(secs)
            base_rss = max(base_rss, rss_mb(srv))
            pg.close()
            srv.stop()
            secs, srv, pg = first_render(browser, ROOT / "app.py", ROOT, "Strategy Studio")
            app_start.append(secs)
            pg.close()
            srv.stop()

        # Click -> result: hello's button round trip vs Generate (offline) -> graph drawn.
        srv, _ = spawn(hello, hello_dir)
        wait_healthy(srv.url, srv.process, 60, srv.log_path)
        pg = browser.new_page()
        pg.goto(srv.url)
        pg.get_by_text("Hello").first.wait_for()
        base_click = []
        for _ in range(args.runs):
            base_click.append(hello_click(pg))
            pg.reload()
            pg.get_by_text("Hello").first.wait_for()
            idle(pg)
        pg.close()
        srv.stop()

        _, srv, pg = first_render(browser, ROOT / "app.py", ROOT, "Strategy Studio")
        gen = []
        gen_error = ""
        try:
            for _ in range(args.runs + 1):
                pg.goto(f"{srv.url}/generate")
                pg.get_by_test_id("stMain").get_by_test_id("stHeading").first.wait_for(timeout=60_000)
                idle(pg)
                gen.append(click_generate(pg, 100 + len(gen)))
        except Exception as exc:  # the Generate page may not exist yet; report it rather than crash
            gen_error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        visited = visit_all(pg, srv)
        app_rss = rss_mb(srv)
        pg.close()
        srv.stop()
        browser.close()

    def line(name: str, value: float, unit: str, target: float, base: float) -> str:
        ok = "ok" if value <= target else "OVER TARGET"
        return (f"{name:<44} {value:8.3f} {unit}  (target <= {target:g} {unit}: {ok})   "
                f"baseline {base:8.3f} {unit}   ratio {value / base:5.2f}x")

    b_start, a_start = statistics.median(base_start), statistics.median(app_start)
    print(f"runs per figure: {args.runs} (median); machine: {psutil.cpu_count()} cores")
    print(line("start -> first page rendered in Chromium", a_start, "s", TARGET_START_S, b_start))
    if gen:
        # The first click after a server start also pays for importing the model gateway (a
        # background warm-up starts after the first page); later clicks are the steady state.
        steady = gen[1:] or gen
        print(line("click Generate (offline) -> graph drawn", statistics.median(steady), "s",
                   TARGET_GENERATE_S, statistics.median(base_click)))
        print(line("  the same, first click after server start", gen[0], "s",
                   TARGET_GENERATE_S, statistics.median(base_click)))
    else:
        print(f"click Generate (offline) -> graph drawn: not measured ({gen_error})")
    print(line("server RSS after every page visited", app_rss, "MB", TARGET_RSS_MB, base_rss))
    print(f"pages visited: {', '.join(visited)}")
    print(f"raw: start app {[round(x, 3) for x in app_start]} hello {[round(x, 3) for x in base_start]}; "
          f"generate {[round(x, 3) for x in gen]} hello click {[round(x, 3) for x in base_click]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
