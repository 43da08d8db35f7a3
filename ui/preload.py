"""Imports the first page needs, made at server start in the background.

The sidebar (identity, quota) and the home page reach SQLite through sqlite-utils, which imports
pandas and numpy, and the services behind them; importing all of that takes longer than Streamlit's
own start. Started when the server imports app.py, it runs while the browser is still loading
Streamlit's frontend, so the first script run finds everything imported. ``wait()`` (called by
that run) makes sure the two never import the same modules at once.
"""

from __future__ import annotations

import logging
import threading

_thread: threading.Thread | None = None


def _work() -> None:
    try:
        import pandas  # noqa: F401 - importing is the point

        import ui.identity
        import ui.sidebar  # noqa: F401
        from core.services import models, strategy_library, usage  # noqa: F401
    except Exception as exc:  # the first run imports them itself and says what is wrong
        logging.getLogger("studio.app").warning("preload failed: %s: %s", type(exc).__name__, exc)


def start() -> None:
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_work, name="studio-preload", daemon=True)
        _thread.start()


def wait() -> None:
    if _thread is not None:
        _thread.join()
