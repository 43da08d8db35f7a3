"""The API keys section of Settings: create (shown once), list, revoke. Only the signed-in user's keys."""

from __future__ import annotations

import streamlit as st

from core.services import accounts
from ui.i18n import t
from ui.identity import current_principal
from ui.plain_text import escape_markdown


def _when(value: str | None) -> str:
    return value[:19].replace("T", " ") if value else t("accounts.keys.never")


def api_keys_section() -> None:
    principal = current_principal()
    st.subheader(t("accounts.keys.title"))
    st.caption(t("accounts.keys.help"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.text_input(t("accounts.keys.name"), max_chars=80, help=t("accounts.keys.name_help"),
                           key="api_key_name")
    if right.button(t("accounts.keys.create"), icon=":material/key:", key="api_key_create"):
        new = accounts.create_api_key(principal, name)
        # Shown in this run only: the secret is never kept in the session or stored anywhere.
        st.success(t("accounts.keys.created", name=escape_markdown(new.info.name)), icon=":material/key:")
        st.code(new.secret, language=None)
    keys = accounts.list_api_keys(principal)
    if not keys:
        st.info(t("accounts.keys.none"))
        return
    st.table([
        {t("accounts.keys.col.prefix"): k.prefix + "…", t("accounts.keys.col.name"): k.name,
         t("accounts.keys.col.created"): _when(k.created_at), t("accounts.keys.col.last_used"): _when(k.last_used_at),
         t("accounts.keys.col.status"): t("accounts.keys.active") if k.active
         else t("accounts.keys.revoked", when=_when(k.revoked_at))}
        for k in keys
    ])
    revoked = st.session_state.pop("_api_key_flash", None)
    if revoked:
        st.success(t("accounts.keys.revoked_ok", prefix=revoked))
    active = {k.prefix: k for k in keys if k.active}
    if not active:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(t("accounts.keys.revoke_pick"), list(active), key="api_key_revoke_pick",
                            format_func=lambda p: f"{p}… ({active[p].name})")
    if right.button(t("accounts.keys.revoke"), key="api_key_revoke", icon=":material/block:"):
        accounts.revoke_api_key(principal, chosen)
        st.session_state["_api_key_flash"] = chosen
        st.rerun()
