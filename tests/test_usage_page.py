"""The Usage page (pages/usage.py) with Streamlit's AppTest on seeded ledger rows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from core.config import reset_settings_cache
from core.llm.types import Usage, UsageRow
from core.storage import get_db
from core.usage.ledger import SqliteLedger
from core.usage.period import Month
from tests.test_usage_seed import seeded_env

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "usage.py")
NOW = Month.of(datetime.now(UTC))


@pytest.fixture()
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from seeded_env(monkeypatch, tmp_path, NOW, "1.00")


def _run(lang: str = "en", user: str = "local") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    at.session_state["user"] = user
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _charts(at: AppTest) -> list[tuple[dict, list[dict]]]:
    """Each chart's Vega-Lite spec and its data rows (AppTest cannot render charts, but keeps their protos)."""
    out = []
    for el in at.get("vega_lite_chart"):
        rows = [r for ds in el.proto.datasets
                for r in convert_arrow_bytes_to_pandas_df(ds.data.data).to_dict("records")]
        out.append((json.loads(el.proto.spec), rows))
    return out


def test_kpis_show_the_seeded_month(studio_db: Path) -> None:
    at = _run()
    assert not at.exception and not at.error
    assert _metric(at, "Spend this month") == "$0.13"
    assert _metric(at, "Remaining quota") == "$0.87"
    assert _metric(at, "Requests") == "7"
    assert _metric(at, "Cache savings") == "$0.01"
    assert _metric(at, "Tokens") == f"{7000 + 3100 + 300 + 600:,}"  # billed tokens; the cache hit is not
    # The month-end projection extrapolates the pace so far: never below the spend already made.
    projected = _metric(at, "Projected")
    assert projected.startswith("$") and Decimal(projected[1:].replace(",", "")) >= Decimal("0.13")


def test_charts_carry_the_seeded_models_days_and_providers(studio_db: Path) -> None:
    at = _run()
    charts = _charts(at)
    assert len(charts) == 4
    spec, daily = charts[0]
    assert {r["model"] for r in daily} == {"gpt-4o-mini", "claude-sonnet-4-5"}
    assert {r["day"] for r in daily} == {f"{NOW}-01", f"{NOW}-02", f"{NOW}-03"}
    assert sum(r["spend"] for r in daily) == pytest.approx(0.13)
    assert spec["encoding"]["color"]["field"] == "model"
    assert {r["name"] for r in charts[1][1]} == {"openai", "anthropic"}
    assert "Market analysis" in {r["name"] for r in charts[2][1]}
    assert all(s["usermeta"]["embedOptions"]["renderer"] == "svg" for s, _ in charts)


def test_recent_requests_table_and_filters(studio_db: Path) -> None:
    at = _run()
    table = at.dataframe[0].value
    assert len(table) == 7 and set(table["model"]) == {"gpt-4o-mini", "claude-sonnet-4-5"}
    assert "0.050000" in set(table["cost_usd"])
    at.selectbox(key="usage_f_provider").set_value("anthropic").run()
    assert set(at.dataframe[0].value["provider"]) == {"anthropic"}
    at.selectbox(key="usage_f_provider").set_value("").run()
    at.selectbox(key="usage_f_status").set_value("errors").run()
    assert list(at.dataframe[0].value["status"]) == ["rate_limited"]


def test_all_users_toggle_adds_other_users_and_hides_quota(studio_db: Path) -> None:
    at = _run()
    at.toggle(key="usage_all_users").set_value(True).run()
    assert _metric(at, "Spend this month") == "$0.33"
    assert _metric(at, "Remaining quota") == "—"
    assert "bob" in set(at.dataframe[0].value["user_id"])
    at.selectbox(key="usage_f_user").set_value("bob").run()
    assert set(at.dataframe[0].value["user_id"]) == {"bob"}


def test_banner_at_80_and_100_percent(studio_db: Path) -> None:
    at = _run()
    assert not at.warning and not at.error
    ledger = SqliteLedger(get_db(studio_db), Decimal("1.00"))
    ledger.record(UsageRow("big", "local", "market_analysis", "openai", "gpt-4.1", None, Usage(1, 1),
                           Decimal("0.70"), "ok"))
    at = _run()
    assert len(at.warning) == 1 and "83%" in at.warning[0].value and not at.error
    ledger.record(UsageRow("bigger", "local", "market_analysis", "openai", "gpt-4.1", None, Usage(1, 1),
                           Decimal("0.20"), "ok"))
    at = _run()
    assert len(at.error) == 1 and "used up" in at.error[0].value and NOW.end.isoformat() in at.error[0].value


def test_korean_labels(studio_db: Path) -> None:
    at = _run(lang="ko")
    assert at.title[0].value == "LLM 사용량과 비용"
    assert _metric(at, "이번 달 비용") == "$0.13"


def test_empty_month_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "empty.db"))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    try:
        at = _run()
        assert not at.exception
        assert any("No model calls" in i.value for i in at.info)
    finally:
        reset_settings_cache()


def test_quota_override_and_cache_clear_from_the_page(studio_db: Path) -> None:
    at = _run()
    at.number_input(key="usage_quota_local").set_value(0.15).run()
    at.button(key="usage_quota_save").click().run()
    assert any("$0.15" in s.value for s in at.success)
    at = _run()
    assert len(at.warning) == 1  # $0.13 of $0.15 is 87%
    at.button(key="usage_cache_clear").click().run()
    assert any("Removed 0" in s.value for s in at.success)


def test_broken_database_shows_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    monkeypatch.setenv("STUDIO_DB", str(bad))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    try:
        at = _run()
        assert not at.exception
        # show_error escapes Markdown; the rendered text names the file as it is.
        assert str(bad) in re.sub(r"\\(.)", r"\1", at.error[0].value)
    finally:
        reset_settings_cache()


def test_user_id_is_shown_literally_not_as_markdown(studio_db: Path) -> None:
    at = _run(user="![x](http://evil.example/p.png)")
    assert not at.exception
    line = next(m.value for m in at.markdown if "Showing user" in m.value)
    assert "](" not in line.replace("\\]\\(", "")  # no live Markdown image/link syntax left
    assert "\\!\\[x\\]" in line


def test_a_new_database_at_a_configured_path_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typo = tmp_path / "studoi.db"
    monkeypatch.setenv("STUDIO_DB", str(typo))
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    reset_settings_cache()
    try:
        at = _run()
        assert not at.exception
        assert any(str(typo) in i.value and "new, empty database" in i.value for i in at.info)
    finally:
        reset_settings_cache()


def test_billing_status_and_overruns_are_shown(studio_db: Path) -> None:
    from core.llm.types import ModelPrice

    ledger = SqliteLedger(get_db(studio_db), Decimal("1.00"))
    price = ModelPrice(input=Decimal("0.75"), output=Decimal("4.5"), version="t")
    res = ledger.reserve(user_id="local", request_id="over:0", model="gpt-5.4-mini", price=price, input_tokens=10,
                         max_tokens=100, allow_shrink=False)
    ledger.settle(res, UsageRow("over", "local", "news_sentiment", "openai", "gpt-5.4-mini", None, Usage(9000, 50),
                                price.cost(Usage(9000, 50)), "ok"))
    at = _run()
    assert not at.exception and not at.error
    assert any("1 call(s) this month were billed above their reservation" in w.value for w in at.warning)
    billing = list(at.dataframe[0].value["billing_status"])
    assert {"overrun", "cache_hit", "error", "ok"} <= set(billing)


def test_admin_reconciles_an_estimated_row_from_the_page(studio_db: Path) -> None:
    from core.llm.types import ModelPrice

    ledger = SqliteLedger(get_db(studio_db), Decimal("1.00"))
    price = ModelPrice(input=Decimal("0.75"), output=Decimal("4.5"), version="t")
    ledger.reserve(user_id="local", request_id="dead:0", model="gpt-5.4-mini", price=price, input_tokens=4000,
                   max_tokens=100, allow_shrink=False, use_case="news_sentiment", provider="openai")
    ledger.abandon_in_flight()
    [(row_id,)] = get_db(studio_db).execute("SELECT id FROM llm_usage WHERE status = 'abandoned'").fetchall()
    at = _run()
    at.number_input(key="usage_fix_row").set_value(row_id)
    at.text_input(key="usage_fix_usd").set_value("0.004")
    at.text_input(key="usage_fix_note").set_value("vendor console")
    at.button(key="usage_fix_save").click().run()
    assert not at.exception and not at.error
    assert any(f"Row {row_id} reconciled" in s.value for s in at.success)
    adjustments = get_db(studio_db).execute(
        "SELECT cost_micro_usd, adjusts_id FROM llm_usage WHERE status = 'adjustment'").fetchall()
    assert adjustments == [(1000, row_id)]  # $0.003 estimated -> $0.004 billed
