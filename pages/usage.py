"""Usage: what the LLM calls cost, month by month (UTC), against the monthly quota.

Everything comes from ``core.services.usage``; the figures are aggregated in SQL, so the page stays
quick on a large ledger. Charts are Altair (Vega-Lite ships inside Streamlit: nothing from a CDN)
and draw as SVG so their labels are real text (readable by assistive tech and by the browser test).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.services import accounts
from core.services import usage as usage_service
from ui.errors import show_error
from ui.i18n import t
from ui.identity import current_principal
from ui.money import usd
from ui.plain_text import escape_markdown

TOKEN_KINDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
RECENT_LIMIT = 200
SVG = {"embedOptions": {"renderer": "svg"}}
NEAR_QUOTA = 0.8


def estimate(value: Decimal) -> Decimal:
    """An extrapolation is not exact money: cents are enough once it reaches a cent."""
    return value.quantize(Decimal("0.01")) if value >= Decimal("0.01") else value


def use_case_label(name: str) -> str:
    return t(f"usage.use_case.{name}") if name in usage_service.USE_CASES else name


def scope_and_month() -> tuple[str | None, str, str]:
    """The user whose usage is shown (None = all users), the month, and the session's user."""
    principal = current_principal()
    user = principal.user_id
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    # Everyone's spend is for admins only; the service refuses it to anyone else as well.
    all_users = principal.is_admin and right.toggle(t("usage.scope"), key="usage_all_users",
                                                    help=t("usage.scope_help"))
    scope = accounts.usage_scope(principal, all_users=all_users)
    months = usage_service.available_months(scope)
    if st.session_state.get("usage_month") not in months:
        st.session_state["usage_month"] = months[0]
    month = left.selectbox(t("usage.month"), months, key="usage_month")
    return scope, str(month), user


def new_database_notice() -> None:
    """A configured STUDIO_DB that this server just created: a typo there would read as $0 spent."""
    path = usage_service.new_database_path()
    if path is not None:
        st.info(t("usage.new_database", path=str(path)), icon=":material/fiber_new:")


def quota_banner(user: str) -> None:
    """The live quota of this month: a warning from 80%, an error at 100%."""
    status = usage_service.quota_status(user)
    fmt = {"spend": usd(status.spend_usd), "quota": usd(status.quota_usd), "reset": status.reset_date.isoformat(),
           "pct": f"{status.fraction * 100:.0f}"}
    if status.fraction >= 1 or (status.quota_usd == 0):
        st.error(t("usage.banner.over", **fmt), icon=":material/block:")
    elif status.fraction >= NEAR_QUOTA:
        st.warning(t("usage.banner.near", **fmt), icon=":material/warning:")


def overruns(summary: dict[str, Any]) -> None:
    """Calls the vendor billed above their reservation: recorded at the vendor's figures, said out loud."""
    if summary.get("overrun_count"):
        st.warning(t("usage.overruns", n=summary["overrun_count"], usd=usd(summary["overrun_usd"])),
                   icon=":material/priority_high:")


def _amount(value: Any, any_data: bool) -> str:
    """Every digit of a dollar amount ($0.000123, never a rounded $0.00), or "—" for a month with no
    calls at all (nothing to show is not the same as $0)."""
    return usd(value) if any_data else t("usage.kpi.none")


def kpis(summary: dict[str, Any], totals: dict[str, Any]) -> None:
    any_data = bool(summary["requests"])
    # Two rows of three: six cards in one row cut amounts like $9.996123 to "$9.996…".
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric(t("usage.kpi.spend"), _amount(summary["spend_usd"], any_data), help=t("usage.kpi.spend_help"))
    if summary["quota_usd"] is not None:
        top[1].metric(t("usage.kpi.remaining"), usd(summary["remaining_usd"]),
                      delta=t("usage.kpi.remaining_of", quota=usd(summary["quota_usd"])), delta_color="off",
                      delta_arrow="off")
    else:
        top[1].metric(t("usage.kpi.remaining"), t("usage.kpi.no_quota"))
    top[2].metric(t("usage.kpi.projection"), _amount(estimate(summary["projected_usd"]), any_data),
                  help=t("usage.kpi.projection_help"))
    bottom[0].metric(t("usage.kpi.requests"), f"{summary['requests']:,}" if any_data else t("usage.kpi.none"),
                     delta=t("usage.kpi.errors", n=totals["errors"]) if totals["errors"] else None,
                     delta_color="inverse", delta_arrow="off")
    tokens = sum(totals[k] for k in TOKEN_KINDS if k != "reasoning_tokens")
    bottom[1].metric(t("usage.kpi.tokens"), f"{tokens:,}" if any_data else t("usage.kpi.none"))
    bottom[2].metric(t("usage.kpi.savings"), _amount(summary["cache_savings_usd"], any_data),
                     delta=t("usage.kpi.hit_rate", pct=f"{totals['cache_hit_rate'] * 100:.1f}") if any_data else None,
                     delta_color="off", delta_arrow="off")


def daily_chart(scope: str | None, month: str) -> None:
    st.subheader(t("usage.chart.daily"))
    rows = usage_service.daily_spend_by_model(scope, month)
    frame = pd.DataFrame(
        {"day": [r["day"] for r in rows], "model": [r["model"] for r in rows],
         "spend": [float(r["spend_usd"]) for r in rows], "requests": [r["requests"] for r in rows]}
    )
    chart = (
        alt.Chart(frame, usermeta=SVG)
        .mark_bar()
        .encode(
            # "MM-DD" labels, upright; Vega drops the ones that would overlap on a 31-day month.
            x=alt.X("day:N", title=t("usage.chart.day"), sort="ascending",
                    axis=alt.Axis(labelExpr="slice(datum.value, 5)", labelAngle=0, labelOverlap="greedy")),
            y=alt.Y("sum(spend):Q", title=t("usage.chart.spend"), stack="zero"),
            color=alt.Color("model:N", title=t("usage.chart.model")),
            tooltip=[alt.Tooltip("day:N", title=t("usage.chart.day")),
                     alt.Tooltip("model:N", title=t("usage.chart.model")),
                     alt.Tooltip("spend:Q", title=t("usage.chart.spend"), format="$,.6f"),
                     alt.Tooltip("requests:Q", title=t("usage.chart.requests"))],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")


def _bar(rows: list[dict[str, Any]], key: str, label: Any) -> alt.Chart:
    frame = pd.DataFrame(
        {"name": [label(r[key]) for r in rows], "spend": [float(r["spend_usd"]) for r in rows],
         "requests": [r["requests"] for r in rows]}
    )
    return (
        alt.Chart(frame, usermeta=SVG)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title=None, sort="-x"),
            x=alt.X("spend:Q", title=t("usage.chart.spend")),
            tooltip=[alt.Tooltip("name:N", title=" "),
                     alt.Tooltip("spend:Q", title=t("usage.chart.spend"), format="$,.6f"),
                     alt.Tooltip("requests:Q", title=t("usage.chart.requests"))],
        )
        .properties(height=max(120, 36 * len(rows)))
    )


def breakdowns(summary: dict[str, Any], totals: dict[str, Any]) -> None:
    left, mid, right = st.columns(3)
    with left:
        st.subheader(t("usage.chart.provider"))
        st.altair_chart(_bar(summary["by_provider"], "provider", str), width="stretch")
    with mid:
        st.subheader(t("usage.chart.use_case"))
        st.altair_chart(_bar(summary["by_use_case"], "use_case", use_case_label), width="stretch")
    with right:
        st.subheader(t("usage.chart.tokens"))
        frame = pd.DataFrame({"kind": [t(f"usage.token.{k}") for k in TOKEN_KINDS],
                              "tokens": [totals[k] for k in TOKEN_KINDS]})
        chart = (
            alt.Chart(frame, usermeta=SVG)
            .mark_bar()
            .encode(y=alt.Y("kind:N", title=None, sort=None), x=alt.X("tokens:Q", title=t("usage.chart.count")),
                    tooltip=[alt.Tooltip("kind:N", title=t("usage.chart.kind")),
                             alt.Tooltip("tokens:Q", title=t("usage.chart.count"), format=",")])
            .properties(height=200)
        )
        st.altair_chart(chart, width="stretch")


def _choice(label_key: str, options: list[str], key: str, fmt: Any = str) -> str:
    # Labels are resolved now, in the session's language, not lazily inside format_func.
    labels = {"": t("usage.filter.any"), **{o: fmt(o) for o in options}}
    return st.selectbox(t(label_key), list(labels), key=key, format_func=labels.__getitem__)


def recent(scope: str | None, month: str) -> None:
    st.subheader(t("usage.recent"))
    values = usage_service.filter_values(scope, month)
    cols = st.columns(5 if scope is None else 4)
    if scope is None:
        # All users: narrowing the table to one user uses that user as the scope.
        with cols[4]:
            scope = _choice("usage.filter.user", values["user_id"], "usage_f_user") or None
    with cols[0]:
        model = _choice("usage.filter.model", values["model"], "usage_f_model")
    with cols[1]:
        provider = _choice("usage.filter.provider", values["provider"], "usage_f_provider")
    with cols[2]:
        use_case = _choice("usage.filter.use_case", values["use_case"], "usage_f_use_case", use_case_label)
    with cols[3]:
        status = _choice("usage.filter.status", list(usage_service.STATUSES), "usage_f_status",
                         lambda s: t(f"usage.status.{s}"))
    filters = {"model": model or None, "provider": provider or None, "use_case": use_case or None,
               "status": status or None}
    rows = usage_service.recent_requests(scope, month, limit=RECENT_LIMIT, **filters)
    if not rows:
        st.info(t("usage.recent.none"), icon=":material/filter_alt_off:")
    else:
        columns = ["id", "created_at", "user_id", "use_case", "provider", "model", "billing_status", "status",
                   "input_tokens",
                   "output_tokens", "cost_usd", "cost_saved_usd", "latency_ms", "error"]
        frame = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
        frame["created_at"] = frame["created_at"].str.slice(0, 19).str.replace("T", " ")
        frame["use_case"] = frame["use_case"].map(use_case_label)
        frame["billing_status"] = frame["billing_status"].map(lambda b: t(f"usage.billing.{b}"))
        # Exact decimal strings: a float column would show 0.002865 as 0.00286499...
        frame["cost_usd"] = [format(v, "f") for v in frame["cost_usd"]]
        frame["cost_saved_usd"] = [format(v, "f") for v in frame["cost_saved_usd"]]
        st.dataframe(
            frame, hide_index=True, width="stretch",
            column_config={c: st.column_config.Column(t(f"usage.col.{c}")) for c in columns},
        )
        st.caption(t("usage.recent.shown", n=len(rows)))
    st.download_button(
        t("usage.download"),
        data=lambda: usage_service.usage_csv(scope, month, **filters),
        file_name=f"llm-usage-{month}{'-' + scope if scope else ''}.csv",
        mime="text/csv", help=t("usage.download_help"), icon=":material/download:", on_click="ignore",
    )


def admin(own: str) -> None:
    """Quotas and the cache, for admins only: a user cannot raise their own quota."""
    principal = current_principal()
    with st.expander(t("usage.admin"), icon=":material/tune:"):
        user = st.text_input(t("accounts.quota.user"), value=own, key="usage_quota_user", max_chars=200).strip() or own
        status = usage_service.quota_status(user)
        amount = st.number_input(t("usage.quota.label", user=user), min_value=0.0, step=1.0, format="%.2f",
                                 value=float(status.quota_usd), key=f"usage_quota_{user}",
                                 help=t("usage.quota.help"))
        save, reset, _ = st.columns([1, 1, 2])
        if save.button(t("usage.quota.save"), key="usage_quota_save"):
            stored = accounts.set_quota(principal, user, Decimal(str(amount)))
            st.success(t("usage.quota.saved", user=user, quota=usd(stored or 0)))
        if reset.button(t("usage.quota.reset"), key="usage_quota_reset"):
            accounts.set_quota(principal, user, None)
            st.success(t("usage.quota.defaulted", user=user))
        st.divider()
        stats = usage_service.cache_stats(user)
        st.caption(t("usage.cache.stats", entries=stats["entries"], user=user))
        if st.button(t("usage.cache.clear"), key="usage_cache_clear"):
            removed = usage_service.clear_cache(user)
            st.success(t("usage.cache.cleared", n=removed))
        st.divider()
        reconcile(principal)


def reconcile(principal: accounts.Principal) -> None:
    """Correct an abandoned or estimated row to what the vendor billed; the original row stays."""
    st.caption(t("usage.reconcile.help"))
    left, middle, right = st.columns([1, 1, 2])
    row_id = left.number_input(t("usage.reconcile.row"), min_value=1, step=1, key="usage_fix_row")
    billed = middle.text_input(t("usage.reconcile.usd"), key="usage_fix_usd", max_chars=20)
    note = right.text_input(t("usage.reconcile.note"), key="usage_fix_note", max_chars=500)
    if st.button(t("usage.reconcile.save"), key="usage_fix_save"):
        adjustment = usage_service.reconcile_row(int(row_id), billed, note, by=principal.label,
                                                 is_admin=principal.is_admin)
        st.success(t("usage.reconcile.saved", row=int(row_id), adjustment=adjustment))


def main() -> None:
    st.title(t("usage.title"))
    st.caption(t("usage.intro"))
    try:
        scope, month, user = scope_and_month()
        new_database_notice()  # after the first read: that is what creates a missing file
        quota_banner(user)
        summary = usage_service.month_summary(scope, month)
        totals = usage_service.usage_totals(scope, month)
        # The user id is free text typed on Settings: shown literally, never as Markdown.
        st.markdown(t("usage.viewing", user=escape_markdown(scope), month=month) if scope
                    else t("usage.viewing_all", month=month))
        kpis(summary, totals)
        overruns(summary)
        if summary["requests"] == 0:
            st.info(t("usage.empty", month=month), icon=":material/info:")
        else:
            daily_chart(scope, month)
            breakdowns(summary, totals)
        recent(scope, month)
        if current_principal().is_admin:
            admin(user)
    except Exception as exc:  # StudioError shows its message; anything else a generic one, never a traceback
        show_error(exc)


main()
