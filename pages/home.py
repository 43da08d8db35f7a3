"""Home: what the app does, the first steps, and the state of things."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import StudioError
from ui.errors import show_error
from ui.i18n import t
from ui.money import usd
from ui.sidebar import current_user

STEPS: list[tuple[str, str]] = [
    ("generate", ":material/auto_awesome:"),
    ("strategies", ":material/account_tree:"),
    ("market", ":material/candlestick_chart:"),
    ("news", ":material/newspaper:"),
    ("optimize", ":material/tune:"),
    ("usage", ":material/payments:"),
    ("settings", ":material/settings:"),
]


def first_steps() -> None:
    st.subheader(t("home.first_steps"))
    for stem, icon in STEPS:
        st.page_link(f"pages/{stem}.py", label=t(f"home.step.{stem}"), icon=icon)


def providers_metric() -> None:
    from core.services.models import provider_status

    statuses = [s for s in provider_status() if s.name.lower() != "offline"]
    configured = [s.name for s in statuses if s.configured]
    st.metric(t("home.providers_metric"), f"{len(configured)} / {len(statuses)}")
    if configured:
        st.caption(", ".join(configured))
    else:
        st.info(t("home.providers_none"), icon=":material/info:")


def spend_metric(user: str) -> None:
    from core.services.usage import quota_status

    status = quota_status(user)
    st.metric(t("home.spend_metric"), usd(status.spend_usd))
    st.progress(max(0.0, min(1.0, float(status.fraction))))
    st.caption(f"{t('home.quota_metric')}: {usd(status.quota_usd)}")


def recent_strategies(user: str) -> None:
    from core.services.strategy_library import list_strategies

    st.subheader(t("home.recent"))
    items = list(list_strategies(user))[:5]
    if not items:
        st.caption(t("home.recent_none"))
        return
    rows = [
        {
            t("home.col.name"): item.name,
            t("home.col.version"): item.latest_version,
            t("home.col.updated"): str(item.updated_at)[:19].replace("T", " "),
        }
        for item in items
    ]
    # A small static table (real HTML text) rather than the canvas grid: five rows need no sorting.
    st.table(pd.DataFrame(rows).set_index(t("home.col.name")))
    st.page_link("pages/strategies.py", label=t("home.open_library"), icon=":material/account_tree:")


st.title(t("home.title"))
st.write(t("home.intro"))
first_steps()
st.subheader(t("home.state"))
user = current_user()
left, right = st.columns(2)
with left:
    try:
        providers_metric()
    except StudioError as exc:  # settings, storage and quota failures say what to fix
        show_error(exc)
with right:
    try:
        spend_metric(user)
    except StudioError as exc:
        show_error(exc)
try:
    recent_strategies(user)
except StudioError as exc:
    show_error(exc)
