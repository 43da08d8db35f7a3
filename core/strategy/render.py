"""One self-contained interactive HTML page of a strategy graph (vis-network, left to right).

Our own small template instead of pyvis's: pyvis's template runs HTML from tooltips containing
"href", puts the heading and select-menu ids in raw, and loads scripts from CDNs. Here:
- vis-network.min.js is read from the installed pyvis wheel and inlined (nothing from a CDN; a
  Content-Security-Policy forbids every network request as a second line of defence);
- all data goes in as one JSON literal with < > & and line separators escaped, so no string can
  close the <script> element;
- tooltips are plain strings, which vis-network 9 sets with innerText; the page itself only ever
  writes text with textContent.
"""

from __future__ import annotations

import html
import importlib.resources
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from core.strategy.issues import Issue
from core.strategy.labels import edge_label, node_details, node_label, word

STYLE = {
    # diamond draws its label below the shape, hence the dark font; the box radius tells a data
    # source (rounded) from a condition (square) beyond their colours.
    "trigger": {"color": "#7c3aed", "shape": "diamond", "font": "#1e1b4b", "radius": 0},
    "data_source": {"color": "#0284c7", "shape": "box", "font": "#ffffff", "radius": 14},
    "condition": {"color": "#f59e0b", "shape": "box", "font": "#111111", "radius": 0},
    "action": {"color": "#16a34a", "shape": "ellipse", "font": "#ffffff", "radius": 0},
}
UNKNOWN_STYLE = {"color": "#6b7280", "shape": "box", "font": "#ffffff", "radius": 0}
ERROR_COLOR = "#dc2626"
WARNING_COLOR = "#ea580c"
HIGHLIGHT_COLOR = "#facc15"
MISSING_PREFIX = "missing:"


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    path = importlib.resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def safe_json(data: Any) -> str:
    """JSON that is inert inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _levels(nodes: list[dict[str, Any]], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Column of each node: longest distance from a root, so the flow reads left to right."""
    import networkx as nx  # here, not at the top: see check_graph in graph_checks.py

    graph = nx.DiGraph()
    graph.add_nodes_from(n["id"] for n in nodes)
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    level: dict[str, int] = {}
    if nx.is_directed_acyclic_graph(graph):
        for node in nx.topological_sort(graph):
            preds = [level[p] + 1 for p in graph.predecessors(node)]
            level[node] = max(preds, default=0)
        return level
    # With a cycle, breadth-first distance from the roots (or from the first node) is good enough.
    roots = [n for n in graph if graph.in_degree(n) == 0] or [nodes[0]["id"]]
    for root in roots:
        for node, dist in nx.single_source_shortest_path_length(graph, root).items():
            level[node] = min(level.get(node, dist), dist)
    for node in graph:
        level.setdefault(node, 0)
    return level


def _default_describe(issue: Issue) -> str:
    return f"{issue.code}: {issue.message}" + (f"\n   → {issue.hint}" if issue.hint else "")


def _issue_text(issues: list[Issue], describe: Callable[[Issue], str] = _default_describe) -> str:
    return "\n".join(f"{'⛔' if i.severity == 'error' else '⚠'} {describe(i)}" for i in issues)


def graph_data(strategy: dict[str, Any], issues: list[Issue], highlight: str | None = None, lang: str = "en",
               describe: Callable[[Issue], str] | None = None) -> dict[str, Any]:
    """The vis-network node/edge lists (plain data; tested without a browser).

    ``lang`` picks the labels' and tooltips' words; ``describe`` turns an issue into tooltip text
    (the UI passes its catalog's words; the default is the code and the English message)."""
    describe = describe or _default_describe
    raw_nodes = [n for n in strategy.get("nodes") or [] if isinstance(n, dict) and isinstance(n.get("id"), str)]
    raw_edges = [e for e in strategy.get("edges") or [] if isinstance(e, dict)
                 and isinstance(e.get("from"), str) and isinstance(e.get("to"), str)]
    # vis ids are our own integers: strategy ids may repeat (DUPLICATE_ID) or be hostile strings.
    vis_id: dict[str, int] = {}
    nodes_out: list[dict[str, Any]] = []
    node_issues: dict[str, list[Issue]] = {}
    edge_issues: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.edge:
            edge_issues.setdefault(issue.edge, []).append(issue)
        elif issue.node_id is not None:
            node_issues.setdefault(issue.node_id, []).append(issue)
    unique_nodes = []
    for node in raw_nodes:
        if node["id"] not in vis_id:
            vis_id[node["id"]] = len(vis_id)
            unique_nodes.append(node)
    missing = sorted({end for e in raw_edges for end in (e["from"], e["to"]) if end not in vis_id})
    levels = _levels(unique_nodes + [{"id": m} for m in missing], [(e["from"], e["to"]) for e in raw_edges])
    for node in unique_nodes:
        node_id = node["id"]
        style = STYLE.get(str(node.get("type")), UNKNOWN_STYLE)
        mine = node_issues.get(node_id, [])
        has_error = any(i.severity == "error" for i in mine)
        border = ERROR_COLOR if has_error else WARNING_COLOR if mine else style["color"]
        title = node_details(node, lang) + ("\n\n" + _issue_text(mine, describe) if mine else "")
        item = {
            "id": vis_id[node_id],
            "sid": node_id,
            "label": node_label(node, lang),
            "title": title,
            "shape": style["shape"],
            "level": levels.get(node_id, 0),
            "color": {"background": style["color"], "border": border,
                      "highlight": {"background": style["color"], "border": HIGHLIGHT_COLOR}},
            "borderWidth": 4 if mine else 1,
            "font": {"color": style["font"]},
            "invalid": has_error,
        }
        item["shapeProperties"] = {"borderRadius": style["radius"]}
        if mine:
            item["shapeProperties"]["borderDashes"] = [6, 4]
        if highlight is not None and node_id == highlight:
            item["borderWidth"] = 6
            item["color"]["border"] = HIGHLIGHT_COLOR
        nodes_out.append(item)
    for name in missing:
        vis_id[name] = len(vis_id)
        nodes_out.append({
            "id": vis_id[name], "sid": MISSING_PREFIX + name, "label": f"? {name}",
            "title": word("missing", lang, name=name), "shape": "box",
            "level": levels.get(name, 0), "borderWidth": 3, "shapeProperties": {"borderDashes": [4, 4]},
            "color": {"background": "#ffffff", "border": ERROR_COLOR}, "font": {"color": ERROR_COLOR},
            "invalid": True,
        })
    edges_out = []
    for index, edge in enumerate(raw_edges):
        key = (edge["from"], edge["to"])
        mine = edge_issues.get(key, [])
        label = edge.get("condition")
        color = "#16a34a" if label == "true" else "#dc2626" if label == "false" else "#64748b"
        item = {
            "id": f"e{index}",
            "from": vis_id[edge["from"]],
            "to": vis_id[edge["to"]],
            "arrows": "to",
            "color": {"color": ERROR_COLOR if mine else color},
            "title": f"{edge['from']} → {edge['to']}" + ("\n\n" + _issue_text(mine, describe) if mine else ""),
            "invalid": bool(mine),
            "branch": label if label in ("true", "false") else None,
        }
        if isinstance(label, str):
            item["label"] = edge_label(label, lang)
            item["font"] = {"color": color, "strokeWidth": 3}
        if mine:
            item["dashes"] = True
            item["width"] = 3
        edges_out.append(item)
    return {
        "nodes": nodes_out,
        "edges": edges_out,
        "highlight": vis_id.get(highlight) if highlight is not None else None,
    }


# Sized so that a graph of up to 15 nodes, fitted into the page's width, still draws its labels at
# 12 px or more (the canvas never zooms out below MIN_LABEL_PX / font size on its own).
FONT_PX = 16
MIN_LABEL_PX = 12.5
OPTIONS = {
    "layout": {"hierarchical": {"enabled": True, "direction": "LR", "sortMethod": "directed",
                                "levelSeparation": 230, "nodeSpacing": 95}},
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "nodes": {"margin": 10, "font": {"size": FONT_PX, "face": "sans-serif"}, "widthConstraint": {"maximum": 180},
              "size": 18},
    "edges": {"smooth": {"type": "cubicBezier", "forceDirection": "horizontal"}, "font": {"size": 14}},
}


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; \
style-src 'unsafe-inline'; img-src data:; connect-src 'none'">
<title>{title}</title>
<style>
html,body{{margin:0;height:100%;font-family:sans-serif;background:#fff}}
#graph{{position:absolute;top:0;bottom:0;left:0;right:0}}
#summary{{position:absolute;top:6px;left:8px;z-index:2;font-size:13px;color:#334155;background:#ffffffcc;
padding:2px 6px;border-radius:4px}}
#legend{{position:absolute;bottom:6px;left:8px;z-index:2;font-size:12px;color:#334155;background:#ffffffcc;
padding:2px 6px;border-radius:4px}}
#legend span.key{{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}}
div.vis-tooltip{{position:absolute;visibility:hidden;padding:6px 8px;white-space:pre-wrap;max-width:420px;
font-size:13px;color:#111;background:#fffbe6;border:1px solid #d4b106;border-radius:4px;
box-shadow:2px 2px 8px rgba(0,0,0,.2);pointer-events:none;z-index:5}}
</style></head>
<body><div id="summary"></div><div id="legend"></div><div id="graph"></div>
<script>{vis_js}</script>
<script>
(function () {{
  var DATA = {data};
  var OPTIONS = {options};
  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var network = new vis.Network(document.getElementById("graph"), {{nodes: nodes, edges: edges}}, OPTIONS);
  window.network = network;
  window.graphData = DATA;
  document.getElementById("summary").textContent = DATA.summary;
  var legend = document.getElementById("legend");
  DATA.legend.forEach(function (item) {{
    var key = document.createElement("span");
    key.className = "key";
    key.style.background = item.color;
    if (item.dashed) {{ key.style.border = "2px dashed " + item.color; key.style.background = "none"; }}
    legend.appendChild(key);
    legend.appendChild(document.createTextNode(item.label));
  }});
  if (DATA.highlight !== null && DATA.highlight !== undefined) {{
    network.selectNodes([DATA.highlight]);
    network.once("afterDrawing", function () {{
      network.focus(DATA.highlight, {{scale: 1.1, animation: false}});
    }});
  }} else {{
    network.once("afterDrawing", function () {{ network.fit({{animation: false}}); }});
  }}
}})();
</script>
</body></html>
"""


LEGEND = {"trigger": "trigger", "data_source": "data source", "condition": "condition", "action": "action",
          "problem": "problem"}


def render_html(strategy: dict[str, Any], issues: list[Issue], highlight: str | None = None,
                summary: str | None = None, legend: dict[str, str] | None = None, lang: str = "en") -> str:
    """The page. ``legend`` overrides the legend's words (keys of LEGEND), e.g. translated ones."""
    data = graph_data(strategy, issues, highlight, lang=lang)
    words = {**LEGEND, **(legend or {})}
    data["legend"] = [{"label": str(words[k])[:40], "color": STYLE[k]["color"]} for k in STYLE] + [
        {"label": str(words["problem"])[:40], "color": ERROR_COLOR, "dashed": True}]
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    data["summary"] = summary if summary is not None else (
        f"{len(data['nodes'])} nodes · {len(data['edges'])} edges · {errors} errors · {warnings} warnings")
    name = strategy.get("name")
    return _PAGE.format(
        title=html.escape(str(name) if name else "Strategy"),
        vis_js=vis_network_js(),
        data=safe_json(data),
        options=safe_json(OPTIONS),
    )
