"""Keep every page inside the app shell, even on a deep link to a freshly started server.

Streamlit starts in its legacy pages-folder mode whenever a ``pages/`` folder sits beside the main
script, and leaves it only once some session has run ``st.navigation``. Until then a deep link such
as ``/settings`` runs the page file alone: no sidebar, no language switch, no quota bar. A page
that finds itself run that way switches the server to navigation mode and reruns, and the rerun
goes through app.py to the same page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
