"""News and Optimise in a real browser: a batch runs to its chart; an optimisation shows before/after."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import StudioServer, goto, main_area, wait_idle
from tests.services_support import VALID_STRATEGY

HEADLINES = Path(__file__).resolve().parents[1] / "data" / "headlines.csv"


def _news_csv(tmp_path: Path, rows: int = 12) -> Path:
    source = list(csv.DictReader(HEADLINES.open(encoding="utf-8")))
    picked = source[:: max(1, len(source) // rows)][:rows]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["title", "content", "source", "published_at"])
    writer.writeheader()
    for row in picked:
        writer.writerow({k: row[k] for k in ("title", "content", "source", "published_at")})
    path = tmp_path / "news.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_news_batch_completes_with_table_and_chart(studio: StudioServer, page: Page, tmp_path: Path) -> None:
    goto(page, studio, "news", heading="News sentiment")
    main = main_area(page)
    main.get_by_role("tab", name="CSV batch").click()
    main.locator("input[type=file]").set_input_files(str(_news_csv(tmp_path)))
    expect(main).to_contain_text("12 news items ready.")
    main.get_by_role("button", name="Analyse all").click()
    # The click's rerun may not have started yet, so wait for its outcome rather than for idleness.
    expect(main.get_by_test_id("stAlertContentSuccess")).to_contain_text("Done: 12 analysed, 0 failed",
                                                                          timeout=60_000)
    wait_idle(page, 60_000)
    expect(main.get_by_test_id("stProgress")).to_contain_text("Analysed 12 of 12")
    chart = main.get_by_test_id("stVegaLiteChart")
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_news_single_item_in_korean_gives_a_korean_card(studio: StudioServer, page: Page) -> None:
    goto(page, studio, "news", heading="뉴스 감성 분석")
    main = main_area(page)
    main.get_by_label("제목").fill("거래소 해킹으로 이더리움 탈취")
    main.get_by_role("button", name="감성 분석").click()
    expect(main).to_contain_text("부정적 소식", timeout=30_000)
    wait_idle(page)
    expect(main).to_contain_text("부정")
    expect(main).to_contain_text("부정적 소식")
    expect(main).to_contain_text("오프라인 규칙")


@pytest.mark.parametrize("page", ["en-US"], indirect=True)
def test_optimisation_shows_before_and_after(studio: StudioServer, page: Page, tmp_path: Path) -> None:
    strategy = json.loads(json.dumps(VALID_STRATEGY))
    strategy["nodes"][0]["config"]["interval"] = "1d"
    strategy["nodes"][1]["config"]["timeframe"] = "1d"
    path = tmp_path / "strategy.json"
    path.write_text(json.dumps(strategy), encoding="utf-8")
    goto(page, studio, "optimize", heading="Optimise a strategy")
    main = main_area(page)
    main.get_by_role("radio", name="Strategy JSON file").check(force=True)
    wait_idle(page)
    main.locator("input[type=file]").first.set_input_files(str(path))
    wait_idle(page)
    main.get_by_role("button", name="Optimise", exact=True).click()
    # The before/after metrics table (the page also shows the best candidates in a table of their own).
    table = main.get_by_test_id("stTable").filter(has_text="Sharpe ratio").filter(has_text="Before")
    expect(table).to_be_visible(timeout=90_000)
    wait_idle(page, 90_000)
    header = table.get_by_role("row").first
    expect(header).to_contain_text("Before")
    expect(header).to_contain_text("After")
    for metric in ("Total return (%)", "Sharpe ratio", "Max drawdown (%)", "Trades"):
        expect(table.get_by_role("row").filter(has_text=metric)).to_have_count(1)
    # The verdict states what happened to the proposal in plain words.
    expect(main.get_by_test_id("stAlertContainer").first).to_contain_text("original")
    expect(page.get_by_test_id("stException")).to_have_count(0)
