"""Generate and Strategies in a real browser: a Korean sentence becomes a drawn graph, is refined,
saved, and found again on Strategies with its versions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    StudioServer,
    canvas_state,
    click_canvas_node,
    goto,
    main_area,
    rerun,
    wait_idle,
)
from tests.strategy_builders import buy, edge, node, sell, strategy

RSI_PROMPT = "비트코인 1시간봉 RSI가 30 미만이면 100 USDT 매수"  # a level ("<"); "아래로 떨어지면" is a cross
PROMPT = "도지코인 1시간봉 볼린저 밴드 하단 아래면 30 USDT 매수, 익절 5% 손절 3%"  # a level, as asserted below


def test_korean_prompt_to_graph_refine_save_and_find(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "generate", heading="전략 생성")
    main = main_area(page)
    main.get_by_label("전략 설명").fill(PROMPT)
    main.get_by_role("button", name="생성", exact=True).click()
    wait_idle(page, 60_000)
    # The first generation builds the gateway (registry, ledger), so allow it time.
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    drawn = canvas_state(page, nodes=7)  # trigger, data, condition, buy, take profit, stop loss, sell all
    assert "30 USDT 매수 · DOGE/USDT" in drawn["labels"] and "close < BB_LOWER(20,2)" in drawn["labels"]

    main.get_by_label("수정 요청").fill("알림도 추가")
    main.get_by_role("button", name="적용", exact=True).click()
    wait_idle(page, 60_000)
    expect(main).to_contain_text("알림")
    canvas_state(page, nodes=9)  # one notification beside the buy and one beside the exit sell

    main.get_by_role("button", name="저장", exact=True).click()
    wait_idle(page)
    expect(main.get_by_test_id("stAlertContentSuccess").filter(has_text="저장했습니다")).to_be_visible()

    goto(page, studio, "strategies", heading="전략 목록")
    main = main_area(page)
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(main.get_by_test_id("stHeading").filter(has_text="DOGE")).to_be_visible()
    canvas_state(page, "lib_canvas_", nodes=9)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # Back to Generate with the saved strategy loaded for more edits.
    main.get_by_role("tab", name="내보내기 / 삭제").click()
    main.get_by_role("button", name="생성 화면에서 수정", exact=True).click()
    expect(main_area(page).get_by_test_id("stHeading").filter(has_text="전략 생성")).to_be_visible(timeout=30_000)
    editor = main_area(page).get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    expect(editor).to_have_value(re.compile("DOGE/USDT"))
    canvas_state(page, nodes=9)


def test_invalid_edit_is_shown_and_selecting_an_issue_highlights_its_node(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "generate", heading="전략 생성")
    main = main_area(page)
    prompt = main.get_by_label("전략 설명")
    prompt.fill("비트코인 1시간봉 RSI가 30 아래로 떨어지면 100 USDT 매수")
    prompt.press("Control+Enter")  # commit the text before the click, so the click's run carries it
    expect(prompt).to_have_value(re.compile("100 USDT 매수"))
    wait_idle(page, 60_000)
    main.get_by_role("button", name="생성", exact=True).click()
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    wait_idle(page, 60_000)
    editor = main.get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    expect(editor).to_have_value(re.compile('"amount": 100'), timeout=30_000)  # filled by the finished run
    text = editor.input_value().replace('"amount": 100', '"amount": -100')
    editor.fill(text)
    editor.press("Control+Enter")
    wait_idle(page)
    expect(main.get_by_test_id("stAlertContentError").first).to_contain_text("오류 1개")
    main.get_by_text("BAD_AMOUNT", exact=False).first.click()
    wait_idle(page)
    drawn = canvas_state(page, until=lambda c: bool(c["selected"]))
    assert drawn["selected"] == ["action_1"] and drawn["invalid"] == ["action_1"]
    expect(main.get_by_role("button", name="저장", exact=True)).to_be_disabled()


NO_INJECTED_JS = """() => {
  const hosts = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')];
  const roots = [document, ...hosts.map(h => h.shadowRoot).filter(Boolean)];
  return {img: roots.reduce((n, r) => n + r.querySelectorAll('img[src="x"]').length, 0),
          script_in_canvas: hosts.reduce(
            (n, h) => n + (h.shadowRoot ? h.shadowRoot.querySelectorAll('script').length : 0), 0)};
}"""


def hover_canvas_node(page: Page, sid: str, key: str) -> None:
    point = page.evaluate("""([key, sid]) => {
      const net = window.studioCanvas[key];
      const node = net.body.data.nodes.get().find(n => n.sid === sid);
      net.body.container.scrollIntoView({block: "center"});
      const dom = net.canvasToDOM(net.getPositions([node.id])[node.id]);
      const box = net.body.container.getBoundingClientRect();
      return {x: box.x + dom.x, y: box.y + dom.y};
    }""", [key, sid])
    page.mouse.move(point["x"] - 3, point["y"] - 3)
    page.mouse.move(point["x"], point["y"])


def tooltip_text(page: Page) -> str:
    """The visible vis-network tooltip's text (inside the canvas's shadow root), once it shows."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
      .some(h => h.shadowRoot && [...h.shadowRoot.querySelectorAll('div.vis-tooltip')]
      .some(t => t.style.visibility === 'visible'))""", timeout=10_000)
    return str(page.evaluate("""() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
      .flatMap(h => h.shadowRoot ? [...h.shadowRoot.querySelectorAll('div.vis-tooltip')] : [])
      .filter(t => t.style.visibility === 'visible').map(t => t.innerText).join('\\n')"""))


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
    drawn = canvas_state(page, "lib_canvas_", nodes=4)
    tooltips = []
    for sid in drawn["sids"]:
        hover_canvas_node(page, sid, drawn["key"])
        tooltips.append(tooltip_text(page))
    # The hostile texts are shown, as text: in the tooltip of the node that carries them.
    assert any(payload in text for text in tooltips)
    assert page.evaluate(NO_INJECTED_JS) == {"img": 0, "script_in_canvas": 0}
    expect(page.get_by_test_id("stException")).to_have_count(0)


SCREENS = ARTIFACTS / "screens-ko"


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot kept for people to look at (test-artifacts/ is git-ignored)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    # Streamlit scrolls inside its own container, so a "full page" is the window: show the top of
    # the page in a window tall enough for the whole of it.
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    print(f"screenshot: {path}")
    return path


def _fifteen(shape: str) -> dict[str, Any]:
    """15 nodes: a long AND chain (12 columns) or a fan of 10 conditions side by side."""
    count = 10
    conditions = [node(f"condition_{i}", "condition", operator="<", left=f"rsi({10 + i})", right=30 + i)
                  for i in range(1, count + 1)]
    actions = [buy("action_1", amount=100), sell("action_2"),
               node("action_3", "action", action_type="notify", message="신호")]
    if shape == "chain":
        edges = [edge("data_1", "condition_1")] + [
            edge(f"condition_{i}", f"condition_{i + 1}", "true") for i in range(1, count)]
        edges += [edge(f"condition_{count}", a, "true") for a in ("action_1", "action_2", "action_3")]
    else:
        edges = [edge("data_1", f"condition_{i}") for i in range(1, count + 1)]
        edges += [edge(f"condition_{i}", ("action_1", "action_2", "action_3")[i % 3], "true")
                  for i in range(1, count + 1)]
    return strategy(conditions, actions, edges, interval="1h", name=f"fifteen {shape}")


def _generate(page: Page, studio: StudioServer, prompt: str = RSI_PROMPT) -> Any:
    goto(page, studio, "generate", heading="전략 생성")
    main = main_area(page)
    main.get_by_label("전략 설명").fill(prompt)
    rerun(page, main.get_by_role("button", name="생성", exact=True).click, 90_000)
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함", timeout=60_000)
    return main


def _load_json(page: Page, main: Any, data: dict[str, Any]) -> None:
    editor = main.get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    editor.fill(json.dumps(data, ensure_ascii=False, indent=2))
    rerun(page, lambda: editor.press("Control+Enter"))


@pytest.mark.parametrize("shape", ["chain", "fan"])
def test_canvas_labels_are_readable_at_the_default_zoom(studio: StudioServer, page: Page, shape: str) -> None:
    main = _generate(page, studio)
    _load_json(page, main, _fifteen(shape))
    drawn = canvas_state(page, nodes=15)
    label_px = drawn["scale"] * drawn["fontPx"]
    print(f"{shape}: scale {drawn['scale']:.3f} × font {drawn['fontPx']} px = {label_px:.1f} px")
    assert label_px >= 12, f"labels drawn at {label_px:.1f} px"
    # Fit shows the whole graph (smaller), and the zoom buttons move the scale.
    host = main.get_by_test_id("stBidiComponentIsolated").first
    host.get_by_role("button", name="전체 보기").click()
    fitted = canvas_state(page, until=lambda c: c["scale"] < drawn["scale"])
    host.get_by_role("button", name="확대").click()
    canvas_state(page, until=lambda c: c["scale"] > fitted["scale"])


def test_canvas_is_full_width_above_the_fold_dark_and_goes_full_screen(studio: StudioServer, page: Page) -> None:
    main = _generate(page, studio)
    canvas_state(page, nodes=4)
    host = main.get_by_test_id("stBidiComponentIsolated").first
    box = host.bounding_box()
    main_box = main.get_by_test_id("stHeading").first.bounding_box()
    assert box is not None and main_box is not None
    assert box["width"] >= main_box["width"] * 0.95  # the page's full content width
    assert box["y"] + 200 < 1000  # the drawing starts above the fold of a 1000 px window
    background = page.evaluate("""() => {
      const root = document.querySelector('[data-testid=stBidiComponentIsolated]').shadowRoot
        .querySelector('.sc-root');
      return getComputedStyle(root).backgroundColor;
    }""")
    red, green, blue = (int(x) for x in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 200, f"canvas background {background} is not dark"
    host.get_by_role("button", name="전체 화면").click()
    full = host.get_by_role("button", name="전체 화면 닫기")
    expect(full).to_be_visible()
    size = page.evaluate("() => document.querySelector('[data-testid=stBidiComponentIsolated]').shadowRoot"
                         ".querySelector('.sc-root').getBoundingClientRect().width")
    assert size >= 1390
    page.keyboard.press("Escape")
    expect(host.get_by_role("button", name="전체 화면", exact=True)).to_be_visible()


def test_editing_a_threshold_on_the_canvas_changes_graph_and_json(studio: StudioServer, page: Page) -> None:
    main = _generate(page, studio)
    canvas_state(page, nodes=4)
    expect(main.locator(".st-key-readback")).to_contain_text("RSI(14)가 30 미만이면 100 USDT어치 매수")
    rerun(page, lambda: click_canvas_node(page, "condition_1"))
    form = main.get_by_test_id("stVerticalBlock").filter(has_text="조건 · condition_1").last
    right = main.get_by_label("오른쪽 값", exact=True)
    expect(right).to_have_value("30")
    right.fill("25")
    rerun(page, lambda: right.press("Enter"))
    canvas_state(page, until=lambda c: "RSI(14) < 25" in c["labels"])
    readback = main.locator(".st-key-readback")
    expect(readback).to_contain_text("RSI(14)가 25 미만이면")
    editor = main.get_by_role("textbox", name="전략 JSON (수정하면 바로 재검증)")
    expect(editor).to_have_value(re.compile('"right": 25'))
    # A typo is shown at once and not applied.
    left = main.get_by_label("왼쪽 값", exact=True)
    left.fill("rsi(14")
    rerun(page, lambda: left.press("Enter"))
    expect(main.get_by_test_id("stAlertContentError").filter(has_text="읽을 수 없습니다")).to_be_visible()
    expect(editor).to_have_value(re.compile('"left": "rsi\\(14\\)"'))
    assert form is not None
    screenshot(page, "generate-edit")


def test_palette_adds_and_deletes_a_node(studio: StudioServer, page: Page) -> None:
    main = _generate(page, studio)
    canvas_state(page, nodes=4)
    rerun(page, lambda: click_canvas_node(page, "condition_1"))
    expect(main.get_by_label("오른쪽 값", exact=True)).to_be_visible()
    palette = main.get_by_test_id("stSelectbox").filter(has_text="새 노드")
    palette.click()
    rerun(page, page.get_by_role("option", name="액션", exact=True).click)
    rerun(page, main.get_by_role("button", name="노드 추가", exact=True).click)
    # What the user sees before deleting: the new node drawn and selected (the delete acts on the selection).
    drawn = canvas_state(page, nodes=5, until=lambda state: state["selected"] == ["action_2"])
    assert "action_2" in drawn["sids"] and drawn["edges"] == 4
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text("유효함")
    # ...and its form below the canvas (a slower run redraws the canvas before the form under it).
    expect(main.get_by_text("액션 · action_2", exact=True)).to_be_visible()
    wait_idle(page)
    rerun(page, main.get_by_role("button", name="이 노드 삭제", exact=True).click)
    drawn = canvas_state(page, nodes=4)
    assert "action_2" not in drawn["sids"] and "condition_1" in drawn["sids"]
    rerun(page, main.get_by_role("button", name=re.compile("^되돌리기")).click)
    canvas_state(page, nodes=5)
