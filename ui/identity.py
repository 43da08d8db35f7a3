"""Who is using the app: an OIDC login when `.streamlit/secrets.toml` has an `[auth]` section, else the
one local user (who is also the admin), so `streamlit run app.py` needs no setup.

With `[auth]`, nothing is reachable before login: ``require_principal()`` draws the sign-in screen and
stops the run. The user id is the issuer's stable ``sub``; name and email are for display, and the
email (or the sub) is matched against STUDIO_ADMINS for the admin role. The id lives in
``st.session_state["user"]``, which only this module writes (no widget can).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.services.accounts import LOCAL, LOCAL_USER_ID, Principal, principal_for
from ui.i18n import current_language, language_was_guessed, set_language, t

USER_KEY = "user"
PRINCIPAL_KEY = "principal"
_SIGNED_IN = "_identity_recorded"


def auth_config() -> dict[str, Any] | None:
    """The `[auth]` section of Streamlit's secrets, or None when login is not configured."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: the zero-setup local mode
        return None
    return dict(section) if section else None


def providers(config: dict[str, Any]) -> list[str | None]:
    """Named providers (`[auth.NAME]` sub-sections), or [None] for the single default provider."""
    named = [name for name, value in config.items() if isinstance(value, dict) and "client_id" in value]
    return named or [None]


def _from_login() -> Principal | None:
    user = st.user
    if not user.get("is_logged_in"):
        return None
    sub = str(user.get("sub") or "").strip()
    if not sub:
        return None
    email = user.get("email")
    return principal_for(sub, display_name=str(user.get("name") or ""), email=str(email) if email else None)


def signed_in() -> bool:
    """True in the local mode, or when the login has given us a user."""
    return auth_config() is None or _from_login() is not None


def _record(principal: Principal) -> None:
    """Keep the users table current once per session (a failure must not block the page)."""
    if st.session_state.get(_SIGNED_IN) == principal.user_id:
        return
    try:
        from core.services.accounts import sign_in

        sign_in(principal)
        st.session_state[_SIGNED_IN] = principal.user_id
    except Exception:  # the Usage and Settings pages show storage errors themselves
        return
    _adopt_language(principal)


def _adopt_language(principal: Principal) -> None:
    """Once per session: the language this user chose last wins over the browser's guess, never over
    a choice (the address's ?lang=, a shared link, or a switch in this session). Rerun when it
    differs, so no part of the page is left in the other language (the navigation came first)."""
    from core.services.accounts import preferred_language

    try:
        stored = preferred_language(principal)
    except Exception:  # no readable database: the browser's language is a fine default
        return
    if stored is None or not language_was_guessed() or stored == current_language():
        return
    set_language(stored)
    st.rerun()


def save_language(lang: str) -> None:
    """The session's language becomes the signed-in user's choice, kept in the database."""
    from core.services.accounts import set_preferred_language

    set_language(lang)
    try:
        set_preferred_language(current_principal(), lang)
    except Exception:  # the session still switches; storage errors show on Usage and Settings
        return


def current_principal() -> Principal:
    """The signed-in principal (login mode) or the local admin; draws the login screen and stops when
    login is configured and nobody is signed in."""
    if auth_config() is None:
        # One local user. (Code, e.g. a test, may name another id in the session; no widget can.)
        user_id = str(st.session_state.get(USER_KEY) or "").strip()
        principal = LOCAL if user_id in ("", LOCAL_USER_ID) else Principal(user_id, "admin", user_id)
    else:
        found = _from_login()
        if found is None:
            login_screen()
            st.stop()
        principal = found
    st.session_state[USER_KEY] = principal.user_id
    st.session_state[PRINCIPAL_KEY] = principal
    _record(principal)
    return principal


def login_screen() -> None:
    st.title(t("common.app_title"))
    st.subheader(t("accounts.login.title"))
    st.caption(t("accounts.login.help"))
    config = auth_config() or {}
    for provider in providers(config):
        label = t("accounts.login.button") if provider is None else t("accounts.login.button_named", name=provider)
        if st.button(label, type="primary", key=f"login_{provider or 'default'}", icon=":material/login:"):
            if provider is None:
                st.login()
            else:
                st.login(provider)


def render_identity(principal: Principal) -> None:
    """The sidebar's who-am-I block: name, email, role, and logout when login is on."""
    local = auth_config() is None and principal.user_id == LOCAL_USER_ID
    name = t("accounts.sidebar.local_name") if local else principal.display_name or principal.user_id
    st.markdown(f"**{_plain(name)}**" + (f"  \n{_plain(principal.email)}" if principal.email else ""))
    if principal.is_admin:
        st.caption(t("accounts.sidebar.admin"))
    if auth_config() is None:
        st.caption(t("accounts.sidebar.local"))
    elif st.button(t("accounts.sidebar.logout"), key="_logout", icon=":material/logout:"):
        st.logout()


def _plain(text: str | None) -> str:
    from ui.plain_text import escape_markdown

    return escape_markdown(str(text or ""))
