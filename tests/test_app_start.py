"""What the server loads before the first page: the REST API is built on its first request, so
starting `streamlit run app.py` imports no FastAPI; the prefix it mounts is the API's own."""

from __future__ import annotations

import subprocess
import sys

from tests.browser.conftest import ROOT


def test_importing_the_app_builds_no_api_and_mounts_it_at_its_prefix() -> None:
    code = ("import sys, app; from core.api.app import API_PREFIX; "
            "print('fastapi' in sys.modules, app.API_PREFIX == API_PREFIX)")
    # The check of the prefix imports FastAPI itself: look before it does.
    before = subprocess.run([sys.executable, "-c", "import sys, app; print('fastapi' in sys.modules)"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    both = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert before.stdout.split() == ["False"], before.stderr[-2000:]
    assert both.stdout.split()[-1] == "True", both.stderr[-2000:]
