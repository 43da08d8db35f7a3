"""Settings: providers (never their keys), the model registry with prices, routing chains, the user's own
API keys, language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from core.services import models
from ui.api_keys import api_keys_section
from ui.errors import show_error
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, t
from ui.identity import save_language
from ui.plain_text import escape_markdown

_LANG_WIDGET = "_settings_lang"


def _price(value: Any) -> str:
    # A missing price is "unknown", never 0: such a model is refused for quota-limited use.
    if value is None:
        return t("settings.unknown")
    return f"{Decimal(str(value)).normalize():f}"


def _yes_no(value: Any) -> str:
    return t("settings.yes") if value else t("settings.no")


def _count(value: Any) -> str:
    return "" if value is None else f"{int(value):,}"


def _note(status: Any) -> str:
    """The provider note in the interface language (the service's note is English)."""
    if status.name == "offline":
        return t("settings.note_offline")
    if status.configured:
        extra = status.note.split(":", 1)[1].strip() if ":" in status.note else ""
        return t("settings.note_configured") + (f" ({extra})" if extra else "")
    return t("settings.note_missing", env=_joined(status.needs))


def _joined(names: str) -> str:
    """'GLM_API_KEY (or ZAI_API_KEY)', 'A and B': the service joins variable names in English words."""
    return names.replace(" (or ", t("settings.or_open")).replace(" and ", t("settings.and"))


def providers_section() -> None:
    st.subheader(t("settings.providers"))
    st.caption(t("settings.providers_help"))
    rows = [
        {
            t("settings.col.provider"): s.name,
            t("settings.col.configured"): t("settings.yes") if s.configured else t("settings.no"),
            t("settings.col.base_url"): s.base_url or "",
            t("settings.col.note"): _note(s),
        }
        for s in models.provider_status()
    ]
    st.table(pd.DataFrame(rows).set_index(t("settings.col.provider")))


def registry_section() -> None:
    st.subheader(t("settings.registry"))
    st.caption(t("settings.registry_help"))
    registry = models.registry_rows()
    rows = []
    aliases: list[tuple[str, str]] = []
    for r in registry:
        if r.get("alias_of"):
            aliases.append((str(r["name"]), str(r["alias_of"])))
        rows.append(
            {
                t("settings.col.model"): r["name"],
                t("settings.col.provider"): r.get("provider") or "",
                t("settings.col.alias_of"): r.get("alias_of") or "",
                t("settings.col.input"): _price(r.get("input_per_mtok")),
                t("settings.col.output"): _price(r.get("output_per_mtok")),
                t("settings.col.cache_read"): _price(r.get("cache_read_per_mtok")),
                t("settings.col.cache_write"): _price(r.get("cache_write_per_mtok")),
                t("settings.col.context"): _count(r.get("context_window")),
                t("settings.col.max_output"): _count(r.get("max_output")),
                t("settings.col.structured"): _yes_no(r.get("structured_output")),
                t("settings.col.use_cases"): ", ".join(t(f"common.use_case.{u}") for u in r.get("use_cases") or []),
                t("settings.col.configured"): _yes_no(r.get("configured")),
            }
        )
    # st.table (a real HTML table) rather than st.dataframe (a canvas): readable by screen readers,
    # searchable with the browser's find, and checkable in browser tests.
    st.table(pd.DataFrame(rows).set_index(t("settings.col.model")))
    if aliases:
        st.markdown("**" + t("settings.aliases") + "**")
        # Names may come from STUDIO_MODELS_FILE or CUSTOM_LLM_MODELS: shown as text, never as Markdown.
        lines = (t("settings.alias_line", alias=escape_markdown(a), target=escape_markdown(b)) for a, b in aliases)
        st.markdown("\n".join(f"- {line}" for line in lines))


def routing_section() -> None:
    st.subheader(t("settings.routing"))
    st.caption(t("settings.routing_help"))
    chains = models.routing_chains()
    full = models.routing_chains(effective=False)
    rows = [
        {
            t("settings.col.use_case"): t(f"common.use_case.{use_case}"),
            t("settings.col.chain"): " → ".join(chain),
            t("settings.col.full_chain"): " → ".join(full.get(use_case, chain)),
        }
        for use_case, chain in chains.items()
    ]
    st.table(pd.DataFrame(rows).set_index(t("settings.col.use_case")))


def _on_lang_change() -> None:
    save_language(str(st.session_state[_LANG_WIDGET]))


def language_section() -> None:
    st.subheader(t("settings.language"))
    if st.session_state.get(_LANG_WIDGET) != current_language():
        st.session_state[_LANG_WIDGET] = current_language()
    st.radio(
        t("settings.language_label"), options=list(LANGUAGES), key=_LANG_WIDGET,
        format_func=LANGUAGE_NAMES.__getitem__, help=t("settings.language_help"),
        on_change=_on_lang_change, horizontal=True,
    )


st.title(t("settings.title"))
for section in (providers_section, registry_section, routing_section, api_keys_section):
    try:
        section()
    except Exception as exc:  # one failing section must not hide the others
        show_error(exc)
language_section()
