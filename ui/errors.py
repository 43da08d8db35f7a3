"""One way to show a failure on any page: an st.error with an actionable message, never a traceback."""

from __future__ import annotations

import logging
import traceback

import streamlit as st

from core.errors import ConfigError, QuotaExceeded, StudioError, redact
from core.services import wording
from ui.i18n import current_language, t
from ui.plain_text import escape_markdown

log = logging.getLogger("studio.ui")
OFFLINE_MODEL = "offline"


def _coded_text(exc: StudioError) -> str | None:
    """An error coded in a page catalog (details "code" + "params", e.g. CSV_*) in the interface
    language, or None. Parameters quote user input (file names, cells), so each is escaped."""
    code = exc.details.get("code")
    if not isinstance(code, str) or current_language() == "en":
        return None
    key = f"errors.{code}"
    params = {k: escape_markdown(str(v)) for k, v in (exc.details.get("params") or {}).items()}
    text = translate_or_none(key, params)
    if text is None:
        return None
    extra = translate_or_none("errors.csv_format", {}) if code.startswith("CSV_") else None
    return text + (f"\n\n{extra}" if extra and code in _FORMAT_CODES else "")


_FORMAT_CODES = {"CSV_EMPTY", "CSV_UNREADABLE", "CSV_DUPLICATE_COLUMNS", "CSV_MISSING_COLUMNS"}


def translate_or_none(key: str, params: dict[str, str]) -> str | None:
    from ui.i18n import catalog

    if key not in catalog():
        return None
    return t(key, **params)


def _worded(exc: StudioError | ConfigError) -> str:
    """The core's message in the interface language: English is the core's own sentence (as the CLI
    prints it); Korean comes from the catalogs by the error's code, with the hint on its own line."""
    lang = current_language()
    if lang == "en":
        return escape_markdown(exc)
    code = getattr(exc, "code", "")
    if isinstance(exc, StudioError) and f"errors.{code}" not in wording.MESSAGES:
        coded = _coded_text(exc)
        if coded is not None:
            return coded
    worded = wording.word_coded(code, getattr(exc, "params", {}), lang, escape_markdown)
    if worded is None:
        # No wording for this code yet: the kind in the reader's language, and the original so that
        # what and where are not lost.
        message, _ = wording.word_error(exc, lang, escape_markdown)
        return message + "\n\n" + t("common.error.original", text=escape_markdown(exc))
    message, hint = worded
    if code in _FORMAT_CODES:  # a file that is not the expected CSV: say what the format is
        hint = t("errors.csv_format")
    return message + (f"\n\n{hint}" if hint else "")


def error_text(exc: BaseException) -> str:
    """What the user reads (Markdown source): the core's own message and hint, or a generic next step."""
    if isinstance(exc, QuotaExceeded):
        # The offline engine costs nothing, so the quota never stops it: say so on every page.
        return _worded(exc) + "\n\n" + t("common.error.quota_offline")
    if isinstance(exc, StudioError | ConfigError):
        # Both carry a message written for the user: what is wrong, where, and how to fix it. It may
        # quote user input (a file name, a user id, a CSV cell), so it is shown as text, not Markdown.
        return _worded(exc)
    # Not one of ours: its class name and text are for the operator (show_error logs them), not the user.
    return t("common.error.unexpected")


def coded_text(text: str) -> str:
    """A message the core kept as a Coded string (a News batch row's error), as plain text in the
    interface language: English is the core's sentence; otherwise the catalog words it by code, else
    by its kind, and a text without a code reads as a general error, never in English."""
    lang = current_language()
    if lang != "en" and not getattr(text, "code", ""):
        return t("errors.kind.error")
    return wording.coded_sentence(text, lang)


def _use_offline(model_key: str) -> None:
    st.session_state[model_key] = OFFLINE_MODEL


def show_error(exc: BaseException, *, offline_model_key: str | None = None) -> None:
    """Show ``exc`` as an st.error. Unexpected exceptions are logged, redacted, for the operator.

    ``offline_model_key``: the session-state key of the page's model picker. When given and the
    quota stopped the call, a button switches the picker to the offline engine.
    """
    if not isinstance(exc, StudioError | ConfigError):
        # The traceback goes to the server log only; its text is scrubbed of keys first, because
        # an SDK exception may quote a request header.
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error on a page:\n%s", redact(text))
    st.error(error_text(exc), icon=":material/error:")
    if isinstance(exc, QuotaExceeded) and offline_model_key:
        st.button(
            t("common.error.use_offline"), key=f"{offline_model_key}__use_offline",
            on_click=_use_offline, args=(offline_model_key,), icon=":material/offline_bolt:",
        )
