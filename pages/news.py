"""News page: one item → a sentiment card; a CSV batch → a table and a sentiment-over-time chart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.errors import StudioError
from core.services.news import NewsItem, SentimentResult, analyze_news, analyze_news_batch, load_news_csv
from ui.errors import coded_text, show_error
from ui.i18n import t
from ui.model_picker import ModelPick, enum_label, fallback_text, pick_model, show_call, show_call_error
from ui.money import usd
from ui.plain_text import escape_markdown
from ui.sidebar import current_user

_ONE = "services_news_one"
_BATCH = "services_news_batch"
# Impact is about size, not direction, so it gets neutral colours.
_COLOURS = {"POSITIVE": "green", "NEGATIVE": "red", "NEUTRAL": "gray", "HIGH": "violet", "MEDIUM": "blue",
            "LOW": "gray", "BULLISH": "green", "BEARISH": "red"}
TEMPLATE = "title,content,source,published_at\n" \
    "SEC approves spot Ether ETFs,The regulator approved eight funds.,Newswire,2026-05-23T20:00:00Z\n"


def _badge(value: str) -> str:
    return f":{_COLOURS.get(value, 'gray')}-badge[{enum_label(value)}]"


def _card(result: SentimentResult) -> None:
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns(4)
        c1.markdown(f"**{t('services.news.sentiment')}**  \n{_badge(result.sentiment)}")
        c2.metric(t("services.news.score"), f"{result.score:+.2f}")
        c3.markdown(f"**{t('services.news.impact')}**  \n{_badge(result.impact)}")
        c4.markdown(f"**{t('services.news.implication')}**  \n{_badge(result.price_implication)}")
        st.text(result.summary)  # model text: plain text, never markdown or HTML
        if result.keywords:
            st.caption(f"{t('services.news.keywords')}: " + escape_markdown(", ".join(result.keywords)))
        show_call(result.info)


def _one_item(pick: ModelPick) -> None:
    with st.form("services_news_form"):
        title = st.text_input(t("services.news.item_title"), key="services_news_title")
        content = st.text_area(t("services.news.item_content"), key="services_news_content", height=120)
        c1, c2 = st.columns(2)
        source = c1.text_input(t("services.news.item_source"), key="services_news_source")
        published = c2.text_input(t("services.news.item_published"), key="services_news_published")
        submitted = st.form_submit_button(t("services.news.analyse"), type="primary")
    if submitted:
        try:
            with st.spinner(t("services.news.running")):
                st.session_state[_ONE] = analyze_news(
                    NewsItem(title, content, source, published), model=pick.model, fallback=pick.fallback,
                    user=current_user(), language=None,
                )
        except StudioError as exc:
            show_call_error(exc, offline_model_key="services_news_model")
            return
    if st.session_state.get(_ONE) is not None:
        _card(st.session_state[_ONE])


def _frame(results: list[SentimentResult]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(results):
        rows.append({
            "#": i + 1,
            t("services.news.item_title"): r.item.title,
            t("services.news.sentiment"): enum_label(r.sentiment) if r.ok else "—",
            t("services.news.score"): r.score if r.ok else None,
            t("services.news.impact"): enum_label(r.impact) if r.ok else "—",
            t("services.news.implication"): enum_label(r.price_implication) if r.ok else "—",
            t("services.news.col_summary"): r.summary,
            t("services.news.item_source"): r.item.source,
            t("services.news.col_time"): r.item.published_at,
            t("services.news.col_error"): coded_text(r.error) if r.error else "",
        })
    return pd.DataFrame(rows)


def _chart(results: list[SentimentResult]) -> alt.Chart | None:
    ok = [r for r in results if r.ok]
    if not ok:
        return None
    times = pd.to_datetime(pd.Series([r.item.published_at for r in ok]), errors="coerce", utc=True)
    data = pd.DataFrame({
        "time": times, "score": [r.score for r in ok], "sentiment": [r.sentiment for r in ok],
        "label": [enum_label(r.sentiment) for r in ok], "title": [r.item.title for r in ok],
        "n": range(1, len(ok) + 1),
    })
    # Without usable timestamps the items are plotted in file order.
    timed = bool(data["time"].notna().all())
    # Numeric dates: Vega's month names are English.
    x = (alt.X("time:T", title=t("services.news.col_time"), axis=alt.Axis(format="%m-%d %H:%M")) if timed
         else alt.X("n:Q", title="#"))
    data = data.sort_values("time" if timed else "n")
    data["rolling"] = data["score"].rolling(5, min_periods=1).mean()
    colour = alt.Color("sentiment:N", scale=alt.Scale(domain=["POSITIVE", "NEUTRAL", "NEGATIVE"],
                                                       range=["#2e7d32", "#9e9e9e", "#c62828"]),
                       legend=alt.Legend(title=t("services.news.sentiment")))
    points = alt.Chart(data).mark_circle(size=70).encode(
        x=x, y=alt.Y("score:Q", scale=alt.Scale(domain=[-1, 1]), title=t("services.news.score")),
        color=colour, tooltip=["title:N", "label:N", alt.Tooltip("score:Q", format="+.2f")],
    )
    line = alt.Chart(data).mark_line(color="#1565c0").encode(x=x, y="rolling:Q")
    return (points + line).properties(height=280, title=t("services.news.chart"))


def _batch(pick: ModelPick) -> None:
    st.download_button(t("services.news.template"), TEMPLATE, file_name="news_template.csv", mime="text/csv",
                       key="services_news_template")
    upload = st.file_uploader(t("services.news.upload"), type=["csv"], help=t("services.news.upload_help"),
                              key="services_news_upload")
    if upload is None:
        return
    try:
        items = load_news_csv(upload.getvalue(), name=upload.name)
    except StudioError as exc:
        show_error(exc)
        return
    st.caption(t("services.news.rows", n=len(items)))
    if st.button(t("services.news.run_batch"), type="primary", key="services_news_run"):
        bar = st.progress(0.0, text=t("services.news.progress", done=0, total=len(items)))

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=t("services.news.progress", done=done, total=total))

        try:
            results = analyze_news_batch(items, concurrency=4, progress=progress, model=pick.model,
                                         fallback=pick.fallback, user=current_user())
        except StudioError as exc:
            show_call_error(exc, offline_model_key="services_news_model")
            return
        st.session_state[_BATCH] = (upload.name, results)
    stored = st.session_state.get(_BATCH)
    if not stored or stored[0] != upload.name:
        return
    results = stored[1]
    ok = [r for r in results if r.ok]
    counts = {s: sum(r.sentiment == s for r in ok) for s in ("POSITIVE", "NEGATIVE", "NEUTRAL")}
    st.success(t("services.news.done", ok=len(ok), failed=len(results) - len(ok), pos=counts["POSITIVE"],
                 neg=counts["NEGATIVE"], neu=counts["NEUTRAL"]))
    chart = _chart(results)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    st.dataframe(_frame(results), hide_index=True, width="stretch")
    cost = sum((r.info.cost_usd for r in results), Decimal(0))
    st.caption(t("services.news.cost", cost=format(cost, "f"), n=sum(r.info.attempts for r in results)))
    answered = dict.fromkeys(t("services.offline_label") if r.info.offline else r.info.model for r in ok)
    if answered:  # which engine wrote the table, the offline rules included
        st.caption(t("money.batch_models", models=", ".join(answered)))
    fell_back = [r.info for r in results if r.ok and r.info.fallback_from]
    if fell_back:
        failed = sum((i.failed_cost_usd for i in fell_back), Decimal(0))
        first = fallback_text(fell_back[0]) or ""
        st.warning(t("money.batch_fallback", n=len(fell_back), cost=usd(failed)) + "\n\n" + first,
                   icon=":material/alt_route:")


def main() -> None:
    st.title(t("services.news.title"))
    st.caption(t("services.news.intro"))
    pick = pick_model("news_sentiment", key="services_news_model")
    one, batch = st.tabs([t("services.news.tab_one"), t("services.news.tab_batch")])
    with one:
        _one_item(pick)
    with batch:
        _batch(pick)


main()
