"""Message catalog and the session language.

Every label, message and help text on a page goes through ``t("area.key", **fmt)``. Messages live
in ``ui/i18n/catalog_<area>.py`` modules, each exposing ``MESSAGES = {"area.key": {"en": ..., "ko":
...}}``; this loader merges them all, so each page owner adds strings without touching this file.

The language is kept in ``st.session_state["lang"]`` and mirrored in the page address
(``?lang=ko``), so a reload, a bookmark or a shared link keeps it. On a session's first run it is
taken from the address, else the browser (``st.context.locale``, else the Accept-Language header).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from functools import lru_cache
from typing import Any

import streamlit as st

LANGUAGES: tuple[str, ...] = ("ko", "en")
DEFAULT_LANGUAGE = "ko"  # Korean traders are the first users; the browser's language overrides this.
FALLBACK_LANGUAGE = "en"
LANGUAGE_NAMES: dict[str, str] = {"ko": "한국어", "en": "English"}
SESSION_KEY = "lang"
GUESSED_KEY = "_lang_guessed"
QUERY_KEY = "lang"

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """All messages of every ``catalog_*`` module, merged. Cached: catalogs are static code."""
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("catalog_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception:
            # One area's broken catalog must not take every page down: its keys fall back to the
            # key itself, and tests/test_ui_i18n.py fails on the import.
            log.exception("i18n catalog %s could not be imported", info.name)
            continue
        messages: dict[str, dict[str, str]] = getattr(module, "MESSAGES", {})
        for key, texts in messages.items():
            if key in merged and merged[key] != texts:
                # Two catalogs disagreeing is a bug worth seeing in the log, not a crash for the user.
                log.warning("i18n key %r is defined twice (second in %s)", key, info.name)
            merged[key] = texts
    return merged


def _language_from_tag(tag: str | None) -> str | None:
    """'ko-KR' -> 'ko'; 'en-US,en;q=0.9' -> 'en'; anything else -> None."""
    if not tag:
        return None
    for part in tag.split(","):
        code = part.split(";")[0].strip().lower().split("-")[0].split("_")[0]
        if code in LANGUAGES:
            return code
    return None


def browser_language() -> str | None:
    """The browser's preferred language among ours, or None when it prefers neither."""
    try:
        found = _language_from_tag(st.context.locale)
        if found:
            return found
        return _language_from_tag(st.context.headers.get("Accept-Language"))
    except Exception:  # no browser context (bare script run): fall back to the default
        return None


def current_language() -> str:
    """The session's language, decided once from the browser and remembered."""
    try:
        lang = st.session_state.get(SESSION_KEY)
    except Exception:  # outside a Streamlit run (plain import in a test or the CLI)
        return DEFAULT_LANGUAGE
    if lang in LANGUAGES:
        return str(lang)
    named = address_language()
    lang = named or browser_language() or DEFAULT_LANGUAGE
    st.session_state[SESSION_KEY] = lang
    # Nobody chose it in this session: a signed-in user's saved choice may still replace it.
    st.session_state[GUESSED_KEY] = named is None
    return lang


def language_was_guessed() -> bool:
    """True while the session's language is only the browser's (or the default), not a choice."""
    try:
        return bool(st.session_state.get(GUESSED_KEY))
    except Exception:
        return False


def address_language() -> str | None:
    """The language the page address names (?lang=ko), if any."""
    try:
        value = st.query_params.get(QUERY_KEY)
    except Exception:  # no script run context
        return None
    return value if value in LANGUAGES else None


def remember_language() -> None:
    """Put the session's language in the address (once per run, from the shell), so it survives
    a reload. Streamlit keeps query parameters across st.navigation page changes."""
    lang = current_language()
    try:
        if st.query_params.get(QUERY_KEY) != lang:
            st.query_params[QUERY_KEY] = lang
    except Exception:  # outside a run (AppTest of a bare page keeps working)
        log.debug("query parameters unavailable", exc_info=True)


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    st.session_state[SESSION_KEY] = lang
    st.session_state[GUESSED_KEY] = False
    remember_language()


def translate(key: str, lang: str, **fmt: Any) -> str:
    """The message for ``key`` in ``lang``; English, then the key itself, when it is missing."""
    texts = catalog().get(key)
    if texts is None:
        log.warning("i18n key %r is missing from every catalog", key)
        text = key
    else:
        text = texts.get(lang) or texts.get(FALLBACK_LANGUAGE) or key
    if fmt:
        try:
            return text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            # A catalog placeholder typo must not take the page down; show the raw text instead.
            log.warning("i18n key %r could not be formatted with %s", key, sorted(fmt))
            return text
    return text


def t(key: str, **fmt: Any) -> str:
    """The message for ``key`` in the session's language, formatted with ``fmt``."""
    return translate(key, current_language(), **fmt)


def coded(message: Any, escape: Any = None) -> str:
    """A core message in the session's language: a ``core.coded.Coded`` (or a code-carrying
    error) is worded from the catalog key ``msg.<code>``; anything else is shown as it came.
    ``escape`` is applied to each parameter (they quote user data) and to uncoded text."""
    esc = escape or (lambda text: text)
    code = getattr(message, "code", None)
    lang = current_language()
    if isinstance(code, str) and lang != "en" and f"msg.{code}" in catalog():
        params = {k: esc(_readable(v)) for k, v in (getattr(message, "params", None) or {}).items()}
        return translate(f"msg.{code}", lang, **params)
    return str(esc(str(message)))


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]00:00)?$")


def _readable(value: Any) -> str:
    """2015-12-20T00:00:00+00:00 -> 2015-12-20 00:00 (times in the app are UTC, said once per page)."""
    text = str(value)
    match = _ISO_TIME.match(text)
    return f"{match.group(1)} {match.group(2)}" if match else text
