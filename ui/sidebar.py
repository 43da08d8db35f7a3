"""The sidebar every page shares: who is signed in, language, providers, and spend against the quota."""

from __future__ import annotations

import streamlit as st

from core.services.accounts import LOCAL_USER_ID
from ui.errors import show_error
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, remember_language, t
from ui.identity import current_principal, render_identity, save_language
from ui.money import format_usd

DEFAULT_USER = LOCAL_USER_ID
_LANG_WIDGET = "_sidebar_lang"


def current_user() -> str:
    """The user id of this session (the OIDC subject, or 'local'); see ui.identity."""
    return current_principal().user_id


def _on_lang_change() -> None:
    # Clicking the selected segment again deselects it (None); keep the language then.
    value = st.session_state.get(_LANG_WIDGET)
    if value in LANGUAGES:
        save_language(str(value))


def _sync_widget(widget_key: str, value: str) -> None:
    # Widgets keep their own state; mirror the canonical value into it before the widget is drawn
    # so that a change made elsewhere (Settings page) shows here too.
    if st.session_state.get(widget_key) != value:
        st.session_state[widget_key] = value


def render_user_and_language() -> None:
    remember_language()  # page changes drop the address's ?lang=: put it back on every run
    # Who is signed in is decided by the login (or the local mode), never typed in.
    render_identity(current_principal())
    _sync_widget(_LANG_WIDGET, current_language())
    st.segmented_control(
        t("common.sidebar.language"), options=list(LANGUAGES), key=_LANG_WIDGET,
        format_func=LANGUAGE_NAMES.__getitem__, help=t("common.sidebar.language_help"),
        on_change=_on_lang_change, selection_mode="single",
    )


def render_providers() -> None:
    from core.services.models import provider_status

    st.caption(t("common.sidebar.providers"))
    statuses = provider_status()
    lines = []
    for status in statuses:
        if status.name == "offline":
            lines.append(":green[●] " + t("common.sidebar.provider_offline", name=status.name))
        elif status.configured:
            lines.append(":green[●] " + t("common.sidebar.provider_on", name=status.name))
        else:
            lines.append(":gray[○] " + t("common.sidebar.provider_off", name=status.name))
    st.markdown("  \n".join(lines))
    if not any(s.configured and s.name.lower() != "offline" for s in statuses):
        st.caption(t("common.sidebar.offline_note"))


def render_spend(user: str) -> None:
    from core.services.usage import quota_status

    status = quota_status(user)
    fraction = max(0.0, min(1.0, float(status.fraction)))
    st.progress(
        fraction,
        text=t(
            "common.sidebar.spend_text",
            spend=format_usd(status.spend_usd), quota=format_usd(status.quota_usd),
            pct=f"{float(status.fraction) * 100:.1f}", reset=str(status.reset_date),
        ),
    )


def render_sidebar() -> None:
    with st.sidebar:
        render_user_and_language()
        st.divider()
        # Each block fails on its own: a broken database must not hide the language switch.
        try:
            render_providers()
        except Exception as exc:
            show_error(exc)
        try:
            from core.services.usage import new_database_path

            st.caption(t("common.sidebar.spend"))
            render_spend(current_user())
            # After the first read, which is what creates a missing file: a mistyped STUDIO_DB reads as $0.
            if (created := new_database_path()) is not None:
                st.caption(t("usage.new_database", path=str(created)))
        except Exception as exc:
            show_error(exc)
