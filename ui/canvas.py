"""The strategy canvas: a two-way Streamlit component (custom components v2) drawing the graph with
the vis-network that pyvis's wheel ships, in the app's own theme, full width.

Why our own component: it needs no build step and no CDN (vis-network is already inlined for the
CLI's HTML page), it keeps every strategy string as canvas text or innerText (LLM output is
untrusted), and a click on a node or edge reaches Python as a trigger value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from core.services.canvas import ERROR_COLOR, STYLE, vis_network_js
from core.services.strategy_library import canvas_data
from ui.i18n import current_language, t

LEGEND_KEYS = ("trigger", "data_source", "condition", "action")
_CSS = """
.sc-root { position: relative; width: 100%; box-sizing: border-box; font-family: var(--st-font, sans-serif);
  background: var(--st-secondary-background-color, #1e293b); color: var(--st-text-color, #e2e8f0);
  border: 1px solid var(--st-border-color, #334155); border-radius: var(--st-base-radius, 8px); }
.sc-root.sc-full { position: fixed; inset: 0; z-index: 1000000; border-radius: 0;
  background: var(--st-background-color, #0f172a); display: flex; flex-direction: column; }
.sc-root.sc-full .sc-graph { flex: 1; min-height: 0; }
.sc-bar { display: flex; align-items: center; gap: 6px; padding: 6px 8px; font-size: 14px;
  border-bottom: 1px solid var(--st-border-color, #334155); }
.sc-spacer { flex: 1; }
.sc-zoom { min-width: 3.5em; text-align: right; opacity: .8; }
.sc-btn { font: inherit; font-size: 13px; padding: 3px 10px; cursor: pointer; border-radius: 6px;
  color: var(--st-text-color, #e2e8f0); background: var(--st-background-color, #0f172a);
  border: 1px solid var(--st-border-color, #475569); }
.sc-btn:hover { border-color: var(--st-primary-color, #22c55e); }
.sc-graph { position: relative; width: 100%; }
.sc-legend { padding: 4px 8px 6px; font-size: 13px; opacity: .9; }
.sc-key { display: inline-block; width: 11px; height: 11px; margin: 0 4px 0 12px; vertical-align: middle;
  background: var(--key); border-radius: 2px; }
.sc-key.sc-dashed { background: none; border: 2px dashed var(--key); }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 8px 10px; white-space: pre-wrap;
  max-width: 440px; font-size: 14px; line-height: 1.45; color: var(--st-text-color, #e2e8f0);
  background: var(--st-background-color, #0f172a); border: 1px solid var(--st-primary-color, #22c55e);
  border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.45); pointer-events: none; z-index: 5; }
"""
_JS = vis_network_js() + "\n" + (Path(__file__).with_name("canvas.js")).read_text(encoding="utf-8")

_component = st.components.v2.component("studio_strategy_canvas", css=_CSS, js=_JS)


def _height(nodes: list[dict[str, Any]]) -> int:
    """Tall enough for the busiest column at a readable zoom, never taller than a screen."""
    per_level: dict[int, int] = {}
    for node in nodes:
        per_level[node["level"]] = per_level.get(node["level"], 0) + 1
    rows = max(per_level.values(), default=1)
    return max(280, min(640, 110 * rows + 90))


def _describe(issue: Any) -> str:
    if current_language() == "en":
        return f"{issue.code}: {issue.message}" + (f"\n   → {issue.hint}" if issue.hint else "")
    return t(f"strategy.code.{issue.code}")


def canvas_payload(strategy: dict[str, Any], issues: list[Any], highlight: str | None, key: str) -> dict[str, Any]:
    lang = current_language()
    data = canvas_data(strategy, issues, highlight, lang=lang, describe=_describe)
    errors = sum(1 for i in issues if i.severity == "error")
    data["summary"] = t("canvas.summary", nodes=len(data["nodes"]), edges=len(data["edges"]), errors=errors,
                        warnings=len(issues) - errors)
    data["legend"] = [{"label": t(f"strategy.legend.{k}"), "color": STYLE[k]["color"]} for k in LEGEND_KEYS] + [
        {"label": t("strategy.legend.problem"), "color": ERROR_COLOR, "dashed": True}]
    data["words"] = {w: t(f"canvas.{w}") for w in ("zoom_in", "zoom_out", "fit", "fullscreen", "exit_fullscreen")}
    data["height"] = _height(data["nodes"])
    data["key"] = key
    # Round-trip through JSON: the component gets plain data only.
    return json.loads(json.dumps(data, ensure_ascii=False))


def show_canvas(strategy: dict[str, Any], issues: list[Any], *, key: str, highlight: str | None = None,
                on_select: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Draw the canvas. ``on_select`` gets {"kind": "node"|"edge", "id": ...} when the user clicks."""

    def changed() -> None:
        value = st.session_state.get(key)
        picked = getattr(value, "select", None) if value is not None else None
        if picked is None and isinstance(value, dict):
            picked = value.get("select")
        if on_select is not None and isinstance(picked, dict):
            on_select(picked)

    payload = canvas_payload(strategy, issues, highlight, key)
    _component(key=key, data=payload, on_select_change=changed, height=payload["height"] + 80)
