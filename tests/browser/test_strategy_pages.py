"""Generate and Strategies in a real browser: a Korean sentence becomes a drawn graph, is refined,
saved, and found again on Strategies with its versions."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, wait_idle

PROMPT = "도지코인 1시간봉 볼린저 밴드 하단 아래로 내려가면 30 USDT 매수, 익절 5% 손절 3%"


def graph_frame(page: Page, nodes: int | None = None, timeout_s: float = 20.0, until: str = "() => true") -> Any:
    """The graph iframe's frame once vis-network has drawn (``nodes`` of them, when given).

    A rerun replaces the iframe, so a handle can go stale between lookups: poll until a frame
    answers. Arrow functions, not bare expressions: the page's CSP forbids the eval Playwright uses
    for those.
    """
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        try:
            handle = main_area(page).get_by_test_id("stIFrame").first.element_handle(timeout=2_000)
            frame = handle.content_frame() if handle else None
            if frame is not None:
                last = frame.evaluate("() => window.network ? network.body.data.nodes.length : null")
                if last and (nodes is None or last == nodes) and frame.evaluate(until):
                    return frame
        except PlaywrightError:
            pass  # the iframe was replaced while we looked; try again
        time.sleep(0.2)
    raise AssertionError(f"the graph did not show {nodes or 'any'} nodes (last seen: {last})")


def test_korean_prompt_to_graph_refine_save_and_find(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "generate", heading="전략 생성")
    main = main_area(page)
    main.get_by_label("전략 설명").fill(PROMPT)
    main.get_by_role("button", name="생성", exact=True).click()
    wait_idle(page, 60_000)
    # The first generation builds the gateway (registry, ledger), so allow it time.
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    frame = graph_frame(page, nodes=7)  # trigger, data, condition, buy, take profit, stop loss, sell all
    labels = frame.evaluate("network.body.data.nodes.get().map(n => n.label)")
    assert "BUY 30 USDT · DOGE/USDT" in labels and "close < BB_LOWER(20,2)" in labels
    assert frame.evaluate("document.querySelector('canvas') !== null")

    main.get_by_label("수정 요청").fill("알림도 추가")
    main.get_by_role("button", name="적용", exact=True).click()
    wait_idle(page, 60_000)
    expect(main).to_contain_text("알림")
    graph_frame(page, nodes=9)  # one notification beside the buy and one beside the exit sell

    main.get_by_role("button", name="저장", exact=True).click()
    wait_idle(page)
    expect(main.get_by_test_id("stAlertContentSuccess").filter(has_text="저장했습니다")).to_be_visible()

    goto(page, studio, "strategies", heading="전략 목록")
    main = main_area(page)
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(main.get_by_test_id("stHeading").filter(has_text="DOGE 1h")).to_be_visible()
    graph_frame(page, nodes=9)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # Back to Generate with the saved strategy loaded for more edits.
    main.get_by_role("tab", name="내보내기 / 삭제").click()
    main.get_by_role("button", name="생성 화면에서 수정", exact=True).click()
    expect(main_area(page).get_by_test_id("stHeading").filter(has_text="전략 생성")).to_be_visible(timeout=30_000)
    editor = main_area(page).get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    expect(editor).to_have_value(re.compile("DOGE/USDT"))
    graph_frame(page, nodes=9)


def test_invalid_edit_is_shown_and_selecting_an_issue_highlights_its_node(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "generate", heading="전략 생성")
    main = main_area(page)
    main.get_by_label("전략 설명").fill("비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수")
    main.get_by_role("button", name="생성", exact=True).click()
    wait_idle(page, 60_000)
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    editor = main.get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    expect(editor).to_have_value(re.compile('"amount": 100'), timeout=30_000)  # filled by the finished run
    text = editor.input_value().replace('"amount": 100', '"amount": -100')
    editor.fill(text)
    editor.press("Control+Enter")
    wait_idle(page)
    expect(main.get_by_test_id("stAlertContentError").first).to_contain_text("오류 1개")
    main.get_by_text("BAD_AMOUNT", exact=False).first.click()
    wait_idle(page)
    # The rerun draws a new iframe with the selection; wait for that one, not the old one.
    selected_js = "() => network.getSelectedNodes().map(id => network.body.data.nodes.get(id).sid)"
    frame = graph_frame(page, until=f"() => ({selected_js})().length > 0")
    assert frame.evaluate(selected_js) == ["action_1"]
    assert frame.evaluate("network.body.data.nodes.get().filter(n => n.invalid).map(n => n.sid)") == ["action_1"]
    expect(main.get_by_role("button", name="저장", exact=True)).to_be_disabled()


def test_hostile_strategy_imported_on_strategies_runs_no_script(
    studio: StudioServer, page: Page, tmp_path: Path
) -> None:
    """A valid strategy whose texts are script payloads: imported, listed, drawn, hovered; the harness
    fails the test on any dialog, and the parent page must not gain an injected element."""
    payload = "<img src=x onerror=\"alert('xss')\">"
    strategy = {
        "schema_version": 1, "name": f"hostile {payload}", "description": "</script><script>alert(2)</script>",
        "nodes": [
            {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "1h"}},
            {"id": "data_1", "type": "data_source", "config": {"source_type": "ohlcv", "symbol": "BTC/USDT",
                                                             "timeframe": "1h", "exchange": payload[:40]}},
            {"id": "condition_1", "type": "condition", "config": {"operator": "<", "left": "rsi(14)", "right": 30}},
            {"id": "action_1", "type": "action", "config": {"action_type": "notify", "message": payload + " href"}},
        ],
        "edges": [{"from": "trigger_1", "to": "data_1"}, {"from": "data_1", "to": "condition_1"},
                  {"from": "condition_1", "to": "action_1", "condition": "true"}],
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(strategy), encoding="utf-8")
    goto(page, studio, "strategies", heading="전략 목록")
    main = main_area(page)
    main.get_by_text("전략 JSON 파일 가져오기").first.click()
    main.locator("input[type=file]").set_input_files(str(path))
    main.get_by_role("button", name="가져오기", exact=True).click()
    expect(main.get_by_test_id("stHeading").filter(has_text="hostile <img")).to_be_visible(timeout=30_000)
    frame = graph_frame(page, nodes=4)
    box = main.get_by_test_id("stIFrame").first.bounding_box()
    for vis_id in frame.evaluate("() => network.body.data.nodes.getIds()"):
        dom = frame.evaluate(f"() => network.canvasToDOM(network.getPositions([{vis_id}])[{vis_id}])")
        page.mouse.move(box["x"] + dom["x"], box["y"] + dom["y"])
        page.wait_for_timeout(300)
    assert frame.evaluate("() => document.querySelectorAll('img').length") == 0
    assert frame.evaluate("() => document.querySelectorAll('script').length") == 2  # vis-network and ours
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    expect(page.get_by_test_id("stException")).to_have_count(0)
