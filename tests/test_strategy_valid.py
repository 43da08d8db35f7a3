"""A validated strategy is a type: made once by validation, trusted (not re-checked) downstream."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import reset_settings_cache
from core.services import strategy_library as lib
from core.services.backtesting import run_backtest
from core.services.generation import generate_strategy
from core.services.market_data import load_sample
from core.strategy.valid import ValidStrategy
from tests.strategy_builders import DESIGN_EXAMPLE, sma_cross


@pytest.fixture(autouse=True)
def studio_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    reset_settings_cache()
    yield tmp_path / "studio.db"
    reset_settings_cache()


def test_validation_makes_it_and_its_report_is_kept() -> None:
    report = lib.validate_strategy(DESIGN_EXAMPLE)
    valid = report.valid_strategy
    assert isinstance(valid, ValidStrategy) and valid == DESIGN_EXAMPLE and valid.name == "BTC RSI dip buyer"
    # Handing it back to validation returns the verdict it carries, not a new check.
    assert lib.validate_strategy(valid) is report
    assert json.loads(valid.to_json()) == DESIGN_EXAMPLE


def test_an_invalid_strategy_never_becomes_one() -> None:
    broken = copy.deepcopy(DESIGN_EXAMPLE)
    broken["nodes"][2]["config"]["left"] = "rsi(14"
    report = lib.validate_strategy(broken)
    assert report.valid_strategy is None
    with pytest.raises(ValueError, match="only a valid report"):
        ValidStrategy(report)


def test_editing_a_copy_leaves_the_validated_strategy_alone() -> None:
    valid = lib.validate_strategy(DESIGN_EXAMPLE).valid_strategy
    assert valid is not None
    edited = valid.to_dict()
    edited["nodes"][2]["config"]["left"] = "nonsense("
    assert valid["nodes"][2]["config"]["left"] == "rsi(14)"
    with pytest.raises(TypeError):
        valid["name"] = "changed"  # type: ignore[index]


def test_services_pass_it_along_from_generation_to_save_and_backtest(studio_db: Path) -> None:
    result = generate_strategy("Buy 100 USDT of BTC when the 1d RSI(14) falls below 30", model="offline")
    assert isinstance(result.strategy, ValidStrategy) and result.report is result.strategy.report
    sid, version = lib.save_strategy(result.strategy, user="alice")
    assert version == 1 and lib.get_strategy(sid, user="alice").strategy == result.strategy
    ran = run_backtest(lib.validate_strategy(sma_cross(10, 30)).valid_strategy, load_sample())
    assert ran.metrics["trades"] > 0
