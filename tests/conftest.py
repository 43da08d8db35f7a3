"""Suite-wide ordering: tests that drive Chromium run last.

Playwright's sync API keeps an asyncio loop running in the main thread for as long as its browser
lives. Tests that call ``asyncio.run`` must therefore run before any browser starts, and a module
that starts its own Playwright must finish before the shared browser of tests/browser/ starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# PostgreSQL/Redis servers and the two-backend ``backend`` fixture of the contract suite.
pytest_plugins = ["tests.fixtures.backends"]

_BROWSER_DIR = Path(__file__).parent / "browser"


def _rank(item: pytest.Item) -> int:
    path = Path(str(item.fspath))
    if _BROWSER_DIR in path.parents:
        return 2
    if item.get_closest_marker("browser") or "browser" in getattr(item, "fixturenames", ()):
        return 1
    return 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: keeps the file order within each rank
