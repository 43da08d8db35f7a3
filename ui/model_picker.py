"""The model picker of the News and Optimise pages and the analysis card, and the cost caption.

Only models that can answer are offered: those of configured providers, and the offline rule
engine, which is the default when no key is set.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.services.models import model_choices
from ui.i18n import t

OFFLINE = "offline"


def pick_model(use_case: str, key: str) -> str:
    choices = model_choices(use_case)
    usable = [c for c in choices if c.configured or c.provider == OFFLINE]
    if not any(c.provider == OFFLINE for c in usable):
        usable.append(next(c for c in choices if c.provider == OFFLINE))
    names = [c.name for c in usable]
    labels = {c.name: c.label for c in usable}
    # The recommended model when it is configured, else the first configured one, else offline.
    default = next((c.name for c in usable if c.recommended), names[0])
    choice = st.selectbox(t("services.model"), names, index=names.index(default), key=key,
                          format_func=lambda n: labels[n], help=t("services.model_help"))
    hidden = len(choices) - len(usable)
    if hidden > 0:
        st.caption(t("services.model_more", n=hidden))
    if choice == OFFLINE:
        st.caption(t("services.offline_note"))
    return str(choice)


def call_caption(info: Any) -> str:
    """'gpt-5.4-mini · 812 in / 140 out tokens · $0.000843' for a CallInfo."""
    extra = ""
    if info.cached:
        extra += t("services.call_cached")
    if info.attempts > 1:
        extra += t("services.call_attempts", n=info.attempts)
    model = t("services.offline_label") if info.offline else info.model
    return t("services.call_info", model=model, tokens_in=info.usage.input_tokens,
             tokens_out=info.usage.output_tokens, cost=format(info.cost_usd, "f"), extra=extra)


def enum_label(value: str) -> str:
    return t(f"services.enum.{value}") if value else "—"
