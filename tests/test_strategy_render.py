"""The graph page: data given to vis-network (plain), and in real Chromium that hostile strings stay text,
tooltips carry issue messages, and the page requests nothing outside itself."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from core.services.strategy_library import render_strategy_html, validate_strategy
from core.strategy.render import graph_data, safe_json, vis_network_js
from tests.test_strategy_validation import EXAMPLE, cfg

XSS = "<img src=x onerror=\"window.__xss=(window.__xss||0)+1;alert('XSS')\">"
SHORT_XSS = "<img src=x onerror=alert(1)>"  # fits the 64-character id limit
BREAKOUT = "</script><script>window.__xss=(window.__xss||0)+1;alert(2)</script>"
HREF = "<a href=\"javascript:alert(3)\">href</a>"


def hostile() -> dict[str, Any]:
    s = copy.deepcopy(EXAMPLE)
    s["name"] = f"name {XSS}{BREAKOUT}"
    s["description"] = f"desc {BREAKOUT}{HREF}"
    bad_id = f"x{SHORT_XSS}"
    s["nodes"][3]["id"] = bad_id  # BAD_NODE_ID, its message quotes the id
    s["edges"][2]["to"] = bad_id
    cfg(s, "condition_1")["left"] = f"rsi(14) {XSS}"  # BAD_OPERAND, message quotes the operand
    cfg(s, "data_1")["symbol"] = f"BTC{BREAKOUT}"
    s["nodes"].append({"id": "action_2", "type": "action",
                       "config": {"action_type": "notify", "message": f"{HREF}{XSS}{BREAKOUT}"}})
    s["edges"].append({"from": "condition_1", "to": "action_2", "condition": "true"})
    s["edges"].append({"from": "condition_1", "to": "g</script><script>alert(9)</script>", "condition": "false"})
    return s


def test_labels_summarise_configs_and_edges_carry_branch_labels() -> None:
    data = graph_data(EXAMPLE, [])
    labels = [n["label"] for n in data["nodes"]]
    assert labels == ["Every 1h", "BTC/USDT · 1h · binance", "RSI(14) < 30", "BUY 100 USDT · BTC/USDT"]
    assert [n["level"] for n in data["nodes"]] == [0, 1, 2, 3]
    assert [e.get("label") for e in data["edges"]] == [None, None, "true"]
    shapes = {n["sid"]: n["shape"] for n in data["nodes"]}
    assert len({shapes["trigger_1"], shapes["action_1"], shapes["condition_1"]}) == 3


def test_invalid_parts_are_marked_and_explained() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "action_1")["amount"] = -1
    s["edges"].append({"from": "condition_1", "to": "nowhere_1", "condition": "false"})
    report = validate_strategy(s)
    data = graph_data(report.strategy or {}, report.issues, highlight="condition_1")
    action = next(n for n in data["nodes"] if n["sid"] == "action_1")
    assert action["invalid"] and "BAD_AMOUNT" in action["title"] and "→" in action["title"]
    ghost = next(n for n in data["nodes"] if n["sid"] == "missing:nowhere_1")
    assert ghost["invalid"]
    edge = next(e for e in data["edges"] if e["invalid"])
    assert "DANGLING_EDGE" in edge["title"]
    assert data["highlight"] == next(n["id"] for n in data["nodes"] if n["sid"] == "condition_1")


def test_duplicate_ids_do_not_break_the_page() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["nodes"].append(copy.deepcopy(s["nodes"][2]))
    data = graph_data(s, validate_strategy(s).issues)
    assert len({n["id"] for n in data["nodes"]}) == len(data["nodes"]) == 4


def test_embedded_json_cannot_close_the_script() -> None:
    text = safe_json({"a": BREAKOUT + "&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": BREAKOUT + "&\u2028"}
    html = render_strategy_html(hostile())
    body = html.split("<script>", 2)[2]  # our own script, after vis-network
    assert "</script><script>window.__xss" not in body and "<img" not in body
    vis_tags = len(re.findall(r"<script[ >]", vis_network_js()))  # vis-network builds one in a string
    assert len(re.findall(r"<script[ >]", html)) == 2 + vis_tags  # its element and ours, nothing injected
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)


# --- real Chromium ---------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PAGE_URL = "http://graph.test/graph.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_graph(browser: Any, html: str) -> tuple[Any, dict[str, list[str]]]:
    """Serve ``html`` at PAGE_URL; any other request, dialog or CSP violation is recorded."""
    seen: dict[str, list[str]] = {"requests": [], "dialogs": [], "errors": []}
    context = browser.new_context()

    def route(r: Any) -> None:
        if r.request.url == PAGE_URL:
            r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.add_init_script("window.__csp=[];document.addEventListener('securitypolicyviolation',"
                         "e=>window.__csp.push(e.blockedURI+' '+e.violatedDirective));")
    page.goto(PAGE_URL)
    page.wait_for_function("() => window.network && Object.keys(network.getPositions()).length > 0")
    return page, seen


def hover_all_nodes(page: Any) -> list[str]:
    """Hover every node; return the tooltip text shown for each (checking it holds no elements)."""
    page.evaluate("network.fit({animation: false})")
    box = page.locator("#graph").bounding_box()
    texts = []
    for vis_id in page.evaluate("network.body.data.nodes.getIds()"):
        sid = page.evaluate(f"network.body.data.nodes.get({vis_id}).sid").removeprefix("missing:")
        dom = page.evaluate(f"network.canvasToDOM(network.getPositions([{vis_id}])[{vis_id}])")
        page.mouse.move(box["x"] + dom["x"] - 4, box["y"] + dom["y"])
        page.mouse.move(box["x"] + dom["x"], box["y"] + dom["y"])
        page.wait_for_function(
            "sid => { const t = document.querySelector('div.vis-tooltip');"
            " return t && t.style.visibility !== 'hidden' && t.innerText.includes(sid) }", arg=sid)
        tip = page.evaluate("(() => { const t = document.querySelector('div.vis-tooltip');"
                            " return {text: t.innerText, tags: [...t.querySelectorAll('*')].map(e => e.tagName)} })()")
        assert set(tip["tags"]) <= {"BR"}, tip  # innerText turns newlines into <br>; nothing else
        texts.append(tip["text"])
        page.mouse.move(1, 1)
    return texts


@pytest.mark.browser
def test_script_payloads_stay_text_in_chromium(browser: Any) -> None:
    strategy = hostile()
    report = validate_strategy(strategy)
    assert {"BAD_NODE_ID", "BAD_OPERAND", "BAD_SYMBOL", "DANGLING_EDGE"} <= set(report.codes())
    html = render_strategy_html(strategy, highlight=f"x{SHORT_XSS}", legend={"action": SHORT_XSS})
    page, seen = open_graph(browser, html)
    try:
        nodes = page.evaluate("network.body.data.nodes.length")
        assert nodes == 6  # 5 nodes + the placeholder for the missing edge target
        tips = hover_all_nodes(page)
        joined = "\n".join(tips)
        assert XSS in joined and "BAD_OPERAND" in joined and "BAD_NODE_ID" in joined  # shown as text
        assert page.evaluate("window.__xss") is None
        assert page.evaluate("document.querySelectorAll('img, a, iframe').length") == 0
        assert page.title().startswith("name <img")  # the title element holds the name as text
        assert SHORT_XSS in page.locator("#legend").inner_text()
        assert seen["dialogs"] == [] and seen["errors"] == []
        assert seen["requests"] == [] and page.evaluate("window.__csp") == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_page_requests_nothing_outside_itself(browser: Any) -> None:
    page, seen = open_graph(browser, render_strategy_html(EXAMPLE))
    try:
        assert page.evaluate("network.body.data.nodes.length") == 4
        assert page.evaluate("network.body.data.edges.length") == 3
        page.mouse.wheel(0, 200)  # zooming must not fetch anything either
        page.wait_for_timeout(100)
        assert seen["requests"] == [] and page.evaluate("window.__csp") == [] and seen["errors"] == []
        entries = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert entries == []
    finally:
        page.context.close()


def test_korean_labels_tooltips_and_branches() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "condition_1")["operator"] = "crosses_below"
    data = graph_data(s, [], lang="ko")
    labels = [n["label"] for n in data["nodes"]]
    assert labels == ["1시간마다", "BTC/USDT · 1h · binance", "RSI(14) 하향 돌파 30", "100 USDT 매수 · BTC/USDT"]
    assert [e.get("label") for e in data["edges"]] == [None, None, "참"]
    action = data["nodes"][3]["title"]
    assert action.splitlines() == ["액션 · action_1", "동작: 매수", "심볼: BTC/USDT", "수량: 100", "단위: USDT"]
    sell_all = {"id": "action_2", "type": "action", "config": {"action_type": "sell", "symbol": "ETH/KRW",
                                                             "amount": "all"}}
    from core.strategy.labels import node_label
    assert node_label(sell_all, "ko") == "전량 매도 · ETH/KRW" and node_label(sell_all) == "SELL ALL · ETH/KRW"
