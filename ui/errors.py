"""One way to show a failure on any page: an st.error with an actionable message, never a traceback."""

from __future__ import annotations

import logging
import traceback

import streamlit as st

from core.config import ConfigError
from core.llm.errors import StudioError, redact
from ui.i18n import t

log = logging.getLogger("studio.ui")


def error_text(exc: BaseException) -> str:
    """What the user reads: the core's own message and hint, or a generic next step."""
    if isinstance(exc, StudioError | ConfigError):
        # Both carry a message written for the user: what is wrong, where, and how to fix it.
        return str(exc)
    return t("common.error.unexpected", kind=type(exc).__name__)


def show_error(exc: BaseException) -> None:
    """Show ``exc`` as an st.error. Unexpected exceptions are logged, redacted, for the operator."""
    if not isinstance(exc, StudioError | ConfigError):
        # The traceback goes to the server log only; its text is scrubbed of keys first, because
        # an SDK exception may quote a request header.
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error on a page:\n%s", redact(text))
    st.error(error_text(exc), icon=":material/error:")
