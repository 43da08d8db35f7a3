"""Shared Altair charts (rendered by Streamlit's bundled Vega: nothing is loaded from a CDN).

Functions take plain pandas objects and return Altair charts; titles and legends come in already
translated, so this module has no Streamlit and no i18n of its own.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

UP = "#26a69a"
DOWN = "#ef5350"
MAX_POINTS = 5000
_Y_AXIS = alt.Axis(
    minExtent=56, maxExtent=56
)  # same axis width on every panel keeps time aligned  # Altair's default row limit; callers thin longer series first


def _reset(frame: pd.DataFrame | pd.Series, name: str = "time") -> pd.DataFrame:
    out = frame.reset_index() if isinstance(frame, pd.DataFrame) else frame.to_frame().reset_index()
    out = out.rename(columns={out.columns[0]: name})
    out[name] = pd.to_datetime(out[name], utc=True).dt.tz_localize(None)  # Vega shows naive times as given (UTC)
    return out


def thin(series: pd.Series | pd.DataFrame, points: int = 2000) -> pd.Series | pd.DataFrame:
    """Every k-th row (and the last) so a long curve stays under Altair's row limit."""
    if len(series) <= points:
        return series
    step = -(-len(series) // points)
    picked = series.iloc[::step]
    return pd.concat([picked, series.iloc[[-1]]]) if picked.index[-1] != series.index[-1] else picked


def candlestick(frame: pd.DataFrame, *, labels: dict[str, str], height: int = 420) -> list[alt.LayerChart]:
    """Three panels to show one under another: candles with Bollinger bands, RSI(14), MACD(12,26,9).

    Separate charts (not a vconcat) so each one stretches to the page width; the same time domain
    and a fixed y-axis width keep their time axes aligned.

    ``frame`` comes from ``indicator_frame`` (columns open..volume, bb_*, rsi_14, macd*).
    ``labels``: price, time, rsi, macd_axis (panel title), macd, macd_signal, bb_upper, bb_middle, bb_lower.
    """
    data = _reset(frame)
    data["direction"] = (data["close"] >= data["open"]).map({True: "up", False: "down"})
    domain = [data["time"].min().isoformat(), data["time"].max().isoformat()]
    # Times are UTC (the page says so once); a title per panel would only take height.
    x = alt.X("time:T", title=None, scale=alt.Scale(domain=domain), axis=time_axis(data["time"]))
    color = alt.Color("direction:N", scale=alt.Scale(domain=["up", "down"], range=[UP, DOWN]), legend=None)
    tooltip = [alt.Tooltip("time:T", format="%Y-%m-%d %H:%M")] + [
        alt.Tooltip(f"{c}:Q", format=",.4~f") for c in ("open", "high", "low", "close", "volume")
    ]
    base = alt.Chart(data).encode(x=x)
    wicks = base.mark_rule().encode(
        y=alt.Y("low:Q", title=labels.get("price", "price"), scale=alt.Scale(zero=False), axis=_Y_AXIS),
        y2="high:Q",
        color=color,
    )
    bodies = base.mark_bar().encode(y="open:Q", y2="close:Q", color=color, tooltip=tooltip)
    bands = (
        base.transform_fold(["bb_upper", "bb_middle", "bb_lower"], as_=["band", "value"])
        .mark_line(strokeWidth=1, opacity=0.8)
        .encode(
            y="value:Q",
            strokeDash=alt.condition("datum.band == 'bb_middle'", alt.value([4, 3]), alt.value([1, 0])),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=["bb_upper", "bb_middle", "bb_lower"], range=["#7e57c2", "#9e9e9e", "#7e57c2"]),
                legend=alt.Legend(
                    title=None,
                    orient="top-left",
                    fillColor="rgba(128,128,128,0.15)",
                    labelExpr=_label_expr(labels, "bb_"),
                ),
            ),
        )
    )
    price = alt.layer(wicks, bodies, bands).resolve_scale(color="independent").properties(height=height)
    rsi = alt.layer(
        base.mark_line(color="#1e88e5").encode(
            y=alt.Y("rsi_14:Q", title=labels.get("rsi", "RSI"), scale=alt.Scale(domain=[0, 100]), axis=_Y_AXIS)
        ),
        alt.Chart(pd.DataFrame({"level": [30, 70]})).mark_rule(strokeDash=[4, 3], color="#9e9e9e").encode(y="level:Q"),
    ).properties(height=170)
    macd = (
        alt.layer(
            base.mark_bar(opacity=0.5).encode(
                y=alt.Y("macd_hist:Q", title=labels.get("macd_axis", "MACD"), axis=_Y_AXIS),
                color=alt.condition("datum.macd_hist >= 0", alt.value(UP), alt.value(DOWN)),
            ),
            base.transform_fold(["macd", "macd_signal"], as_=["line", "value"])
            .mark_line()
            .encode(
                y="value:Q",
                color=alt.Color(
                    "line:N",
                    scale=alt.Scale(domain=["macd", "macd_signal"], range=["#1e88e5", "#fb8c00"]),
                    legend=alt.Legend(
                        title=None,
                        orient="top-left",
                        fillColor="rgba(128,128,128,0.15)",
                        labelExpr=_label_expr(labels, "macd"),
                    ),
                ),
            ),
        )
        .encode(x=alt.X("time:T", title=labels.get("time", "time"), scale=alt.Scale(domain=domain),
                          axis=time_axis(data["time"])))
        .properties(height=200)
    )
    return [price, rsi, macd]


def _label_expr(labels: dict[str, str], prefix: str) -> str:
    """A Vega expression mapping raw series names to translated legend labels."""
    parts = [(k, v) for k, v in labels.items() if k.startswith(prefix)]
    expr = "datum.label"
    for key, text in parts:
        safe = text.replace("\\", "\\\\").replace("'", "\\'")
        expr = f"datum.label == '{key}' ? '{safe}' : ({expr})"
    return expr


def time_axis(times: pd.Series) -> alt.Axis:
    """Numeric date labels (2017-03, 03-14 09:00): no month names, so no English in a Korean page."""
    span = (times.max() - times.min()) if len(times) else pd.Timedelta(0)
    fmt = "%Y-%m" if span > pd.Timedelta(days=120) else "%m-%d" if span > pd.Timedelta(days=3) else "%m-%d %H:%M"
    return alt.Axis(format=fmt, labelOverlap=True)


def equity_vs_hold(
    equity: pd.Series, buy_hold: pd.Series, *, strategy: str, hold: str, value: str, height: int = 260,
    log: bool = False,
) -> alt.Chart:
    """Both curves on one axis; ``log`` makes equal percentage moves equal heights, so a strategy
    beside a buy-and-hold that grew tenfold is not drawn as a flat line."""
    frame = pd.DataFrame({strategy: equity, hold: buy_hold})
    data = _reset(thin(frame)).melt("time", var_name="series", value_name="value")
    scale = alt.Scale(type="log") if log and bool((data["value"] > 0).all()) else alt.Scale(zero=False)
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("time:T", title=None, axis=time_axis(data["time"])),
            y=alt.Y("value:Q", title=value, scale=scale),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=[strategy, hold], range=["#1e88e5", "#9e9e9e"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[alt.Tooltip("time:T", format="%Y-%m-%d %H:%M"), "series:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(height=height)
    )


def price_with_trades(close: pd.Series, fills: list[dict[str, object]], *, labels: dict[str, str],
                      height: int = 300) -> alt.LayerChart:
    """The close price with a marker at every fill: ▲ buy, ▼ sell, at the filled price and bar.

    ``fills``: dicts with time, side ("buy"/"sell"), price; ``labels``: price, buy, sell."""
    data = _reset(thin(close.rename("close")))
    axis = time_axis(data["time"])
    line = alt.Chart(data).mark_line(color="#94a3b8", strokeWidth=1.2).encode(
        x=alt.X("time:T", title=None, axis=axis),
        y=alt.Y("close:Q", title=labels["price"], scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("time:T", format="%Y-%m-%d %H:%M"), alt.Tooltip("close:Q", format=",.4~f")],
    )
    marks = pd.DataFrame(fills[-MAX_POINTS:], columns=["time", "side", "price"])
    marks["time"] = pd.to_datetime(marks["time"], utc=True).dt.tz_localize(None)
    marks["kind"] = marks["side"].map({"buy": labels["buy"], "sell": labels["sell"]})
    points = alt.Chart(marks).mark_point(filled=True, size=90, opacity=0.95).encode(
        x="time:T",
        y="price:Q",
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=[labels["buy"], labels["sell"]],
                                                  range=["triangle-up", "triangle-down"]),
                        legend=alt.Legend(title=None, orient="top")),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[labels["buy"], labels["sell"]], range=[UP, DOWN]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("time:T", format="%Y-%m-%d %H:%M"), "kind:N", alt.Tooltip("price:Q", format=",.4~f")],
    )
    return alt.layer(line, points).properties(height=height)


def drawdown(series: pd.Series, *, title: str, height: int = 160) -> alt.Chart:
    data = _reset(thin(series.rename("drawdown")))
    return (
        alt.Chart(data)
        .mark_area(color=DOWN, opacity=0.5, line={"color": DOWN})
        .encode(
            x=alt.X("time:T", title=None, axis=time_axis(data["time"])),
            y=alt.Y("drawdown:Q", title=title),
            tooltip=[alt.Tooltip("time:T", format="%Y-%m-%d %H:%M"), alt.Tooltip("drawdown:Q", format=".2f")],
        )
        .properties(height=height)
    )


def heat_map(frame: pd.DataFrame, *, x: str, y: str, value: str, height: int = 320) -> alt.LayerChart:
    """A grid of ``value`` over two parameters (one cell per combination), the figure in each cell;
    cells without a figure (too few trades, an invalid combination) are left out."""
    base = alt.Chart(frame).encode(x=alt.X(f"{x}:O", title=x, axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y(f"{y}:O", title=y, sort="descending"))
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=value, scale=alt.Scale(scheme="redyellowgreen", domainMid=0)),
        tooltip=[alt.Tooltip(f"{x}:O"), alt.Tooltip(f"{y}:O"), alt.Tooltip(f"{value}:Q", format=".2f")],
    )
    text = base.mark_text(fontSize=12).encode(text=alt.Text(f"{value}:Q", format=".2f"))
    return (cells + text).properties(height=height)
