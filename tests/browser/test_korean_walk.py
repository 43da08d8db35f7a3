"""Every page in Korean, at rest and in the states that used to fall back to English (a validation
error, a backtest with warnings, a CSV error, a quota refusal): no English sentence may appear
outside user content, symbols, indicator names and model names. Screenshots of Generate,
Strategies, a backtest and Optimise are written to test-artifacts/screens-ko/."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import StudioServer, canvas_state, choose_radio, goto, main_area, rerun, sidebar
from tests.browser.test_strategy_pages import RSI_PROMPT, screenshot
from tests.fakes.vendor import FakeVendor, Reply
from tests.korean_text import english_runs as english_in
from ui.i18n import translate

# Text Streamlit itself puts in the page (an accessibility link, the fixed uploader dropzone text,
# which the issue accepts as the one exception).
BUILT_IN = ("Skip to main content", "Drag and drop file here", "Limit 200MB per file", "200MB per file",
            "Browse files")
FAKE_OPENAI_KEY = "sk-test-korean-walk"


def L(key: str, **fmt: object) -> str:
    return translate(key, "ko", **fmt)


def english_runs(page: Page, user_content: tuple[str, ...] = ()) -> list[str]:
    """English word runs in what the page shows (main area and sidebar), minus the allowed texts."""
    # Material icons are ligatures ("error", "offline_bolt"): glyphs a reader sees as pictures, not words.
    text = page.evaluate("""() => {
        const icons = [...document.querySelectorAll('[data-testid=stIconMaterial], [aria-hidden=true][translate=no]')];
        const saved = icons.map((el) => el.textContent);
        icons.forEach((el) => { el.textContent = ''; });
        const text = document.querySelector('[data-testid=stApp]').innerText;
        icons.forEach((el, i) => { el.textContent = saved[i]; });
        return text;
    }""")
    for allowed in (*BUILT_IN, *user_content):
        text = text.replace(allowed, " ")
    return english_in(text)


def assert_korean(page: Page, where: str, user_content: tuple[str, ...] = ()) -> None:
    found = english_runs(page, user_content)
    assert not found, f"English on {where}: {found}"


def assert_model_choices_korean(page: Page, where: str) -> None:
    """The model picker's list, opened: model and vendor names as they are, prices and states in Korean."""
    box = main_area(page).get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(L("services.model"), exact=True)).first
    combobox = box.get_by_role("combobox")
    options = page.get_by_role("option")
    deadline = time.monotonic() + 60
    while not options.first.is_visible():  # a click during a redraw may not open the list: open it again
        assert time.monotonic() < deadline, f"the model list did not open on {where}"
        if combobox.get_attribute("aria-expanded") != "true":
            box.get_by_role("button", name="Open").click()
        try:
            options.first.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeoutError:
            continue
    text = "\n".join(options.all_inner_texts())
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    names = re.sub(r"\b(?:claude|gpt|glm)[\w.\-]*|\b(?:openai|anthropic|glm|offline|auto)\b", " ", text)
    found = english_in(names)
    assert not found, f"English in the model list on {where}: {found} in {text!r}"


def click(page: Page, name: str) -> None:
    rerun(page, main_area(page).get_by_role("button", name=name, exact=True).click, 90_000)


def test_every_page_and_every_failure_state_reads_in_korean(studio: StudioServer, page: Page) -> None:
    pages = [("", "home.title"), ("generate", "strategy.gen.title"), ("strategies", "strategy.lib.title"),
             ("market", "market.title"), ("news", "services.news.title"), ("optimize", "services.opt.title"),
             ("usage", "usage.title"), ("settings", "settings.title")]
    for path, heading in pages:
        goto(page, studio, path, heading=L(heading))
        assert_korean(page, path or "home")
        if path in ("generate", "market", "news"):  # Optimise shows its picker once a strategy is saved
            assert_model_choices_korean(page, path)

    # Generate, then a validation error made in the JSON editor.
    goto(page, studio, "generate", heading=L("strategy.gen.title"))
    main = main_area(page)
    main.get_by_label(L("strategy.gen.prompt")).fill(RSI_PROMPT)
    click(page, L("strategy.gen.generate"))
    expect(main.get_by_test_id("stAlertContentSuccess").first).to_contain_text(L("strategy.gen.valid"))
    canvas_state(page, nodes=4)
    assert_korean(page, "generate")
    click(page, L("strategy.gen.save"))
    editor = main.get_by_role("textbox", name=L("strategy.gen.json"))
    editor.fill(editor.input_value().replace('"amount": 100', '"amount": -100'))
    rerun(page, lambda: editor.press("Control+Enter"))
    expect(main.get_by_test_id("stAlertContentError").first).to_contain_text(L("strategy.gen.invalid", n=1))
    rerun(page, main.get_by_text("BAD_AMOUNT", exact=False).first.click)
    expect(main.get_by_test_id("stAlertContentInfo").first).to_contain_text(L("strategy.code.BAD_AMOUNT"))
    assert_korean(page, "generate with a validation error")

    # The saved strategy on Strategies, and its backtest on daily bars (the strategy asks for 1h:
    # the backtest warns about it).
    goto(page, studio, "strategies", heading=L("strategy.lib.title"))
    main = main_area(page)
    canvas_state(page, "lib_canvas_", nodes=4)
    assert_korean(page, "strategies")
    screenshot(page, "strategies")
    main.get_by_role("tab", name=L("strategy.lib.tab_backtest"), exact=True).click()
    click(page, L("market.bt.run"))
    notice = main.get_by_test_id("stExpander").filter(has_text=L("market.bt.notices", n=1, first="")[:10])
    expect(notice.first).to_be_visible(timeout=60_000)
    notice.first.click()
    expect(main.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    assert_korean(page, "a backtest with warnings")
    screenshot(page, "backtest")

    # Optimise the saved strategy on the sample (offline engine).
    goto(page, studio, "optimize", heading=L("services.opt.title"))
    main = main_area(page)
    click(page, L("services.opt.run"))
    expect(main.get_by_test_id("stTable").first).to_be_visible(timeout=90_000)
    assert_korean(page, "optimise")
    assert_model_choices_korean(page, "optimise")
    screenshot(page, "optimize")

    # A CSV error on Market.
    goto(page, studio, "market", heading=L("market.title"))
    main = main_area(page)
    choose_radio(page, main, L("market.source.upload"))
    dropzone = main.get_by_test_id("stFileUploaderDropzoneInput").first
    expect(dropzone).to_be_attached()
    bad = b"timestamp,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,abc,2,0.5,1.5,10\n"
    rerun(page, lambda: dropzone.set_input_files(files=[{"name": "prices.csv", "mimeType": "text/csv",
                                                           "buffer": bad}]))
    expect(main.get_by_test_id("stAlertContentError").first).to_contain_text("숫자가 아닙니다")
    assert_korean(page, "market with a CSV error", user_content=("prices.csv",))


def test_a_quota_refusal_reads_in_korean(studio_factory: Callable[..., StudioServer],
                                         new_page: Callable[..., Page]) -> None:
    with FakeVendor() as fake:
        server = studio_factory({"OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url,
                                 "LLM_MONTHLY_QUOTA_USD": "0.000001"})
        page = new_page("ko-KR")
        goto(page, server, "generate", heading=L("strategy.gen.title"))
        main = main_area(page)
        main.get_by_label(L("strategy.gen.prompt")).fill(RSI_PROMPT)
        click(page, L("strategy.gen.generate"))
        error = main.get_by_test_id("stAlertContentError").first
        expect(error).to_be_visible(timeout=60_000)
        assert fake.count("openai") == 0
        # The chosen (configured) model's name is allowed; nothing else in English.
        model = main.get_by_test_id("stSelectbox").first.inner_text().split("\n")[-1].strip()
        assert_korean(page, "generate after a quota refusal", user_content=(model,))


def test_a_vendor_failure_reads_in_korean(studio_factory: Callable[..., StudioServer],
                                          new_page: Callable[..., Page]) -> None:
    with FakeVendor() as fake:
        fake.script(Reply(status=503, error_message="upstream is overloaded, please retry later", repeat=20),
                    vendor="openai")
        server = studio_factory({"OPENAI_API_KEY": FAKE_OPENAI_KEY, "OPENAI_BASE_URL": fake.openai_base_url,
                                 "LLM_MAX_RETRIES": "0"})
        page = new_page("ko-KR")
        goto(page, server, "generate", heading=L("strategy.gen.title"))
        main = main_area(page)
        # The model chosen by name (not "auto", which would let the offline engine answer instead).
        main.get_by_test_id("stSelectbox").filter(has=page.get_by_text(L("services.model"), exact=True)).first.click()
        rerun(page, page.get_by_role("option", name=re.compile(r"^gpt-5\.4-mini \(")).click)
        main.get_by_label(L("strategy.gen.prompt")).fill(RSI_PROMPT)
        click(page, L("strategy.gen.generate"))
        error = main.get_by_test_id("stAlertContentError").first
        expect(error).to_contain_text("HTTP 503", timeout=60_000)
        assert fake.count("openai") >= 1
        model = main.get_by_test_id("stSelectbox").first.inner_text().split("\n")[-1].strip()
        assert_model_choices_korean(page, "generate with an OpenAI key")
        # What failed and where (the vendor, the model, the status) and what to do, all in Korean.
        expect(error).to_contain_text("OpenAI")
        expect(error).to_contain_text(model)
        assert_korean(page, "generate after a vendor failure", user_content=(model,))


PAGE_TITLES = {"home": "home.title", "generate": "strategy.gen.title", "strategies": "strategy.lib.title",
               "market": "market.title", "news": "services.news.title", "optimize": "services.opt.title",
               "usage": "usage.title", "settings": "settings.title"}


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
def test_every_pages_tab_title_and_header_are_its_navigation_label(
        studio: StudioServer, new_page: Callable[..., Page], locale: str) -> None:
    lang = locale[:2]
    page = new_page(locale)
    for stem, title in PAGE_TITLES.items():
        label = translate(f"common.nav.{stem}", lang)
        goto(page, studio, "" if stem == "home" else stem, heading=translate(title, lang))
        link = sidebar(page).get_by_test_id("stSidebarNav").get_by_text(label, exact=True)
        expect(link).to_be_visible()
        expect(main_area(page).get_by_role("heading", level=1).first).to_have_text(label)
        expect(page).to_have_title(label)
