"""Every page, in both languages, through AppTest: it runs without an exception, every widget has a
label, and no raw catalog key (a missing translation) reaches the screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from core.config import reset_settings_cache
from core.services.models import reset_gateway
from ui.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
AREAS = sorted({key.split(".", 1)[0] for key in catalog()})
RAW_KEY = re.compile(r"\b(?:" + "|".join(map(re.escape, AREAS)) + r")\.[a-z_]+(?:\.[a-z0-9_]+)*\b")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL",
                 "CUSTOM_LLM_MODELS", "LLM_MONTHLY_QUOTA_USD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    reset_gateway()
    yield
    reset_settings_cache()
    reset_gateway()


def texts(node: Any) -> Iterator[str]:
    """Every string a user can read on an element: its value, label, help and placeholder."""
    for attr in ("value", "label", "help", "placeholder", "body"):
        value = None if attr == "value" and isinstance(node, Widget) else getattr(node, attr, None)
        if isinstance(value, str) and value:
            yield value
    proto = getattr(node, "proto", None)
    for attr in ("label", "help", "placeholder", "body"):
        value = getattr(proto, attr, None)
        if isinstance(value, str) and value:
            yield value
    for child in getattr(node, "children", {}).values():
        yield from texts(child)


def run_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    return at.switch_page(f"pages/{page}").run()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_labelled_and_translated(page: str, lang: str, clean_env: None) -> None:
    at = run_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    shown = list(texts(at.main))
    assert shown, f"{page} shows nothing"
    raw = sorted({m for text in shown for m in RAW_KEY.findall(text)})
    assert not raw, f"{page} ({lang}) shows raw catalog keys (missing translations): {raw}"
    if lang == "ko":
        assert HANGUL.search(at.title[0].value + " ".join(shown)), f"{page} shows no Korean text in Korean"


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_has_a_label(page: str, clean_env: None) -> None:
    at = run_page(page, "en")
    widgets = [w for w in _walk(at.main) if isinstance(w, Widget)]
    missing = [type(w).__name__ for w in widgets if not str(getattr(w, "label", "") or "").strip()]
    assert not missing, f"{page}: widgets without a label: {missing}"


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)
