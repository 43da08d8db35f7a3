"""Streamlit entry point: page setup, sign-in, navigation over the file pages, the shared sidebar, and
the ASGI app that serves the UI and the REST API (/api) on one port."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as st_config

from ui import preload
from ui.i18n import t

ROOT = Path(__file__).resolve().parent

# (file stem, material icon). Order is the order of the navigation menu; home is the default.
PAGES: list[tuple[str, str]] = [
    ("home", ":material/home:"),
    ("generate", ":material/auto_awesome:"),
    ("strategies", ":material/account_tree:"),
    ("market", ":material/candlestick_chart:"),
    ("news", ":material/newspaper:"),
    ("optimize", ":material/tune:"),
    ("usage", ":material/payments:"),
    ("settings", ":material/settings:"),
]


def build_pages() -> list[st.Page]:
    return [
        st.Page(ROOT / "pages" / f"{stem}.py", title=t(f"common.nav.{stem}"), icon=icon, url_path=stem,
                default=stem == "home")
        for stem, icon in PAGES
    ]


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Once per server process, after the first page: import the services, the model gateway and the
    SDKs of the configured vendors in the background, so the first Generate does not pay for them."""

    def work() -> None:
        try:
            from core.services import generation  # noqa: F401 - importing is the point
            from core.services.models import get_gateway

            gateway = get_gateway()
            for name in gateway.configured_providers():
                gateway.provider(name)  # builds the adapter: imports that vendor's SDK
        except Exception as exc:  # a warm-up failure only costs time; the page that needs it says why
            from core.errors import redact

            logging.getLogger("studio.app").warning("warm-up failed: %s", redact(f"{type(exc).__name__}: {exc}"))

    thread = threading.Thread(target=work, name="studio-warm-up", daemon=True)
    thread.start()
    return thread


# core.api.app.API_PREFIX, repeated so that starting the server loads no FastAPI (a test checks the two agree).
API_PREFIX = "/api"


class LazyApi:
    """The REST API, built on its first request. FastAPI and every use case behind the API take longer
    to import than Streamlit needs to draw the first page, and no page needs them: the server starts
    without them and the first /api request builds the app (in a worker thread, so the event loop
    keeps serving pages meanwhile)."""

    def __init__(self) -> None:
        self._app: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        with self._lock:
            if self._app is None:
                from core.api.app import create_api

                self._app = create_api()
            return self._app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        app = self._app or await asyncio.to_thread(self._build)
        await app(scope, receive, send)


def warm_up_wanted() -> bool:
    # Not under AppTest: a background thread building the process-wide gateway would race the
    # settings of the next test in the same process.
    return not st_config.get_option("global.appTest")


def main() -> None:
    preload.wait()  # the imports started with the server (ui/preload.py) are done before this run's own
    from ui.identity import current_principal, signed_in
    from ui.sidebar import render_sidebar

    st.set_page_config(page_title=t("common.app_title"), page_icon="📈", layout="wide")
    # Without a signed-in user (login configured) the menu is hidden and only the login screen shows.
    navigation = st.navigation(build_pages(), position="sidebar" if signed_in() else "hidden")
    # The browser tab says which page this is, in the navigation's own words.
    st.set_page_config(page_title=navigation.title)
    current_principal()  # with [auth] and nobody signed in: draws the login screen and stops here
    render_sidebar()
    navigation.run()
    if warm_up_wanted():
        start_warm_up()


if __name__ == "__main__":
    # Streamlit runs this file as __main__ for every session: the page.
    main()
else:
    # `streamlit run app.py` (and `uvicorn app:app`) import this module and find this ASGI app: Streamlit's
    # own server with the REST API mounted at /api, so the UI and the API share one port.
    from starlette.routing import Mount

    from ui.shell_guard import start_in_navigation_mode

    start_in_navigation_mode()  # a deep link opens inside the shell; see ui/shell_guard.py
    preload.start()
    app = st.App(__file__, routes=[Mount(API_PREFIX, app=LazyApi())])
