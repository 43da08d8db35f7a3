"""Generate and Strategies page logic with Streamlit's AppTest (the browser tests cover drawing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.config import reset_settings_cache

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GLM_API_KEY", "ZAI_API_KEY", "CUSTOM_LLM_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    yield tmp_path / "studio.db"
    reset_settings_cache()


def page(name: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["user"] = "tester"
    return at.run()


def canvas(at: AppTest) -> dict:
    """The data the canvas component draws (AppTest runs no JavaScript; the browser tests draw it)."""
    return json.loads(at.get("bidi_component")[0].proto.json)


def test_generate_refine_save_then_listed_with_versions() -> None:
    at = page("generate")
    assert not at.exception and at.title[0].value == "Generate a strategy"
    at.text_area(key="gen_prompt").set_value("Buy 100 USDT of ETH when the 4h RSI(14) drops below 25")
    at.button(key="gen_go").click().run()
    assert not at.exception and not at.error
    assert any("Valid" in s.value for s in at.success)
    labels = [n["label"] for n in canvas(at)["nodes"]]
    # "drops below" is a cross (the verb says so), not a level
    assert "RSI(14) crosses below 25" in labels and "BUY 100 USDT · ETH/USDT" in labels
    assert any("tokens" in c.value or "$" in c.value for c in at.caption)  # the call's tokens and cost

    at.text_input(key="gen_refine_text").set_value("make the amount 250 USDT")
    at.button(key="FormSubmitter:gen_refine_form-Apply").click().run()
    assert not at.exception
    assert json.loads(at.text_area(key="gen_json").value)["nodes"][3]["config"]["amount"] == 250
    assert any("250" in t.value for t in at.text)  # the history lists the change

    at.button(key="gen_save").click().run()
    assert any("as version 1" in s.value for s in at.success)
    at.text_area(key="gen_json").set_value(at.text_area(key="gen_json").value.replace("250", "300")).run()
    at.button(key="gen_save").click().run()
    assert any("as version 2" in s.value for s in at.success)

    lib = page("strategies")
    assert not lib.exception
    assert lib.subheader[0].value.startswith("ETH 4h")
    assert '"amount": 250' in lib.code[0].value and '"amount": 300' in lib.code[0].value  # v1 → v2 diff


def test_unknown_request_shows_the_reason_and_examples() -> None:
    at = page("generate", "ko")
    at.text_area(key="gen_prompt").set_value("오늘 점심 뭐 먹을까?")
    at.button(key="gen_go").click().run()
    assert not at.exception
    assert at.error and "비트코인 1시간봉" in at.error[0].value


def test_json_edit_revalidates_and_blocks_saving() -> None:
    at = page("generate")
    at.text_area(key="gen_prompt").set_value("Sell all BTC when RSI is above 70")
    at.button(key="gen_go").click().run()
    text = at.text_area(key="gen_json").value
    at.text_area(key="gen_json").set_value(text.replace('"trigger_1"', '"Trigger-1"', 1)).run()
    assert any("error" in e.value for e in at.error)
    assert at.button(key="gen_save").disabled
    at.text_area(key="gen_json").set_value("{ not json").run()
    assert not at.exception and any("BAD_JSON" in r.replace("\\", "") for r in at.radio(key="gen_issue").options)


def test_strategies_page_delete_asks_first() -> None:
    from core.services import strategy_library
    from core.strategy.compiler import compile_prompt

    sid, _ = strategy_library.save_strategy(compile_prompt("Buy BTC when RSI < 30").strategy, user="tester")
    at = page("strategies")
    at.button(key=f"lib_delete_{sid}").click().run()
    assert strategy_library.list_strategies("tester")  # not yet
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key=f"lib_delete_yes_{sid}").click().run()
    assert strategy_library.list_strategies("tester") == []
    assert not at.exception


def test_untrusted_names_are_shown_as_text_not_markdown() -> None:
    from core.services import strategy_library
    from core.strategy.compiler import compile_prompt

    strategy = compile_prompt("Buy BTC when RSI < 30").strategy
    strategy["name"] = "![x](http://example.invalid/p.png) **bold**"
    strategy_library.save_strategy(strategy, user="tester")
    at = page("strategies")
    assert not at.exception
    shown = at.subheader[0].value
    assert shown.startswith("\\!\\[x\\]\\(") and "\\*\\*bold\\*\\*" in shown


def test_every_validation_code_is_explained_in_both_languages() -> None:
    from core.strategy.issues import CODES
    from ui.i18n import catalog

    for code in CODES:
        texts = catalog()[f"strategy.code.{code}"]
        assert texts["en"] and texts["ko"], code


def _generated(prompt: str = "Buy 100 USDT of BTC when the 1h RSI(14) is below 30") -> AppTest:  # a level: "<"
    at = page("generate")
    at.text_area(key="gen_prompt").set_value(prompt)
    at.button(key="gen_go").click().run()
    assert not at.exception
    return at


def _strategy(at: AppTest) -> dict:
    return json.loads(at.text_area(key="gen_json").value)


def _field(at: AppTest, kind: str, suffix: str):  # type: ignore[no-untyped-def]
    """The editor's widget whose key ends with ``suffix`` (keys carry the node's config hash)."""
    return next(w for w in getattr(at, kind) if str(w.key).endswith(suffix))


def test_canvas_editor_changes_a_threshold_revalidates_and_undoes() -> None:
    at = _generated()
    condition = next(n["id"] for n in _strategy(at)["nodes"] if n["type"] == "condition")
    at.session_state["gen_selected"] = {"kind": "node", "id": condition}  # what a click on the canvas sends
    at.run()
    _field(at, "text_input", "_right").set_value("25").run()
    assert not at.exception
    assert next(n for n in _strategy(at)["nodes"] if n["id"] == condition)["config"]["right"] == 25
    assert "RSI(14) < 25" in [n["label"] for n in canvas(at)["nodes"]]
    assert any("is below 25" in m.value for m in at.markdown)  # the read-back follows

    _field(at, "text_input", "_left").set_value("rsi(14").run()  # unreadable: shown, not applied
    assert any("cannot be read" in e.value for e in at.error)
    assert next(n for n in _strategy(at)["nodes"] if n["id"] == condition)["config"]["left"] == "rsi(14)"

    _field(at, "selectbox", "_operator").set_value("crosses_above").run()
    assert "RSI(14) crosses above 25" in [n["label"] for n in canvas(at)["nodes"]]
    undo = at.button(key="gen_undo_btn")
    undo.click().run()
    assert "RSI(14) < 25" in [n["label"] for n in canvas(at)["nodes"]]
    at.button(key="gen_undo_btn").click().run()
    assert "RSI(14) < 30" in [n["label"] for n in canvas(at)["nodes"]]


def test_palette_adds_a_connected_node_and_delete_removes_it_with_its_edges() -> None:
    at = _generated()
    before = _strategy(at)
    condition = next(n["id"] for n in before["nodes"] if n["type"] == "condition")
    at.session_state["gen_selected"] = {"kind": "node", "id": condition}
    at.run()
    at.selectbox(key="gen_palette_kind").set_value("action").run()
    at.button(key="gen_palette_add").click().run()
    after = _strategy(at)
    assert len(after["nodes"]) == len(before["nodes"]) + 1
    new = after["nodes"][-1]
    assert new["type"] == "action" and {"from": condition, "to": new["id"], "condition": "true"} in after["edges"]
    assert any("Valid" in s.value for s in at.success)  # a default node is a valid node

    # The new node is selected: its form offers delete.
    _field(at, "button", "_delete").click().run()
    assert _strategy(at) == before
    assert not at.exception


def test_a_click_on_a_button_drawn_for_an_older_graph_changes_nothing() -> None:
    """A delete drawn for one graph and delivered after the graph changed (a slow run not yet
    redrawn, a click delivered twice) must not delete whatever is selected now: nothing changes,
    and the user is told to try again."""
    at = _generated()
    condition = next(n["id"] for n in _strategy(at)["nodes"] if n["type"] == "condition")
    at.session_state["gen_selected"] = {"kind": "node", "id": condition}
    at.run()
    delete = _field(at, "button", "_delete")
    changed = _strategy(at)
    changed["name"] = "renamed elsewhere"  # the graph changed after the button was drawn
    at.session_state["gen_json"] = json.dumps(changed, ensure_ascii=False, indent=2)
    delete.click().run()
    assert not at.exception
    assert condition in [n["id"] for n in _strategy(at)["nodes"]]
    assert any("graph changed before this click" in toast.value for toast in at.toast)
    _field(at, "button", "_delete").click().run()  # the same click on the graph as drawn now
    assert condition not in [n["id"] for n in _strategy(at)["nodes"]]
