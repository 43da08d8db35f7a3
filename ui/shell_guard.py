"""Keep every page inside the app shell, even on a deep link to a freshly started server.

Streamlit (checked on 1.67) starts in its legacy pages-folder mode whenever a ``pages/`` folder sits
beside the main script, and leaves it only once some session has run ``st.navigation``. Until then
a deep link such as ``/settings`` runs the page file alone: no sidebar, no language switch, no
quota bar. The mode is a process-wide flag, decided when the first session starts; deciding it
here, once, when the server imports app.py to find its ASGI app (before any session), means no
page has to check. tests/browser/test_app_deep_link.py fails without it.
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def start_in_navigation_mode() -> None:
    PagesManager.uses_pages_directory = False
