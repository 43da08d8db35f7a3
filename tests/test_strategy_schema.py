"""The format's models: JSON round-trip, vendor JSON Schema, and tolerant reading of LLM habits."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from core.strategy.schema import Strategy, build_strategy, canonical_json, strategy_json_schema
from core.strategy.validation import validate
from tests.test_strategy_validation import EXAMPLE, cfg


def test_json_round_trip_keeps_the_contract_shape() -> None:
    model = Strategy.model_validate(EXAMPLE)
    assert json.loads(model.to_json()) == EXAMPLE
    again = Strategy.model_validate_json(model.to_json())
    assert again == model
    assert build_strategy(EXAMPLE).to_dict() == EXAMPLE


def test_round_trip_of_every_config_kind() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["nodes"] += [
        {"id": "data_2", "type": "data_source", "config": {"source_type": "news", "query": "bitcoin ETF"}},
        {"id": "data_3", "type": "data_source", "config": {"source_type": "orderbook", "symbol": "BTC/USDT"}},
        {"id": "action_2", "type": "action", "config": {"action_type": "sell", "symbol": "BTC/USDT", "amount": "all"}},
        {"id": "action_3", "type": "action", "config": {"action_type": "notify", "message": "RSI < 30 — 매수 신호"}},
    ]
    s["edges"] += [{"from": "trigger_1", "to": "data_2"}, {"from": "trigger_1", "to": "data_3"},
                   {"from": "data_2", "to": "condition_1"}, {"from": "data_3", "to": "condition_1"},
                   {"from": "condition_1", "to": "action_2", "condition": "false"},
                   {"from": "condition_1", "to": "action_3", "condition": "true"}]
    report = validate(s)
    assert report.valid, report.issues
    assert report.model is not None and report.model.to_dict() == s
    assert canonical_json(report.model) == canonical_json(s)


def _walk(schema: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(schema, dict):
        out.append(schema)
        for value in schema.values():
            out += _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            out += _walk(value)
    return out


def test_vendor_schema_meets_strict_mode_rules() -> None:
    schema = strategy_json_schema()
    assert schema["type"] == "object"
    for part in _walk(schema):
        assert not {"$ref", "oneOf", "discriminator", "default", "$defs"} & set(part)
        if part.get("type") == "object":
            assert part["additionalProperties"] is False
            assert sorted(part["required"]) == sorted(part["properties"])
    variants = schema["properties"]["nodes"]["items"]["anyOf"]
    assert [v["properties"]["type"]["enum"] for v in variants] == [["trigger"], ["data_source"], ["condition"],
                                                                   ["action"]]
    edge = schema["properties"]["edges"]["items"]["properties"]["condition"]
    assert {"type": "null"} in edge["anyOf"]  # optional fields are nullable, never omitted


def test_strict_schema_nulls_are_read_back_as_absent() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["edges"][0]["condition"] = None
    s["edges"][1]["condition"] = None
    cfg(s, "data_1")["exchange"] = None
    report = validate(s)
    assert report.valid and report.warnings == []
    assert "condition" not in report.strategy["edges"][0]  # type: ignore[index]
    assert "exchange" not in report.strategy["nodes"][1]["config"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("operator", "less than", "<"),
        ("operator", "이하", "<="),
        ("operator", "crosses above", "crosses_above"),
        ("operator", "GTE", ">="),
        ("operator", "골든크로스", "crosses_above"),
    ],
)
def test_operator_words_are_normalised_with_a_note(field: str, raw: str, expected: str) -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "condition_1")[field] = raw
    report = validate(s)
    assert report.valid
    assert report.strategy["nodes"][2]["config"][field] == expected  # type: ignore[index]
    assert any(repr(raw) in note and "condition_1" in note for note in report.warnings)


def test_numbers_as_strings_and_lower_case_symbols_are_normalised() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "action_1").update(amount="100", symbol="btc/usdt", unit="usdt")
    cfg(s, "condition_1")["right"] = "30"
    cfg(s, "trigger_1")["interval"] = "1H"
    report = validate(s)
    assert report.valid, report.issues
    action = report.strategy["nodes"][3]["config"]  # type: ignore[index]
    assert action == {"action_type": "buy", "symbol": "BTC/USDT", "amount": 100, "unit": "USDT"}
    assert report.strategy["nodes"][2]["config"]["right"] == 30  # type: ignore[index]
    assert report.strategy["nodes"][0]["config"]["interval"] == "1h"  # type: ignore[index]
    notes = " | ".join(report.warnings)
    assert "'btc/usdt' read as 'BTC/USDT'" in notes and "'100' read as the number 100" in notes
    assert "'1H' read as '1h'" in notes


def test_structure_is_never_guessed() -> None:
    s = copy.deepcopy(EXAMPLE)
    del cfg(s, "trigger_1")["trigger_type"]
    cfg(s, "action_1")["amount"] = "a hundred"
    cfg(s, "action_1")["symbol"] = "BTCUSDT"  # could be split, but that is a guess
    report = validate(s)
    assert not report.valid
    codes = report.codes()
    assert "BAD_CONFIG" in codes and "BAD_AMOUNT" in codes and "BAD_SYMBOL" in codes
    assert "trigger_type" not in report.strategy["nodes"][0]["config"]  # type: ignore[index]


def test_branch_labels_written_as_booleans_are_read() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["edges"][2]["condition"] = True
    report = validate(s)
    assert report.valid and report.strategy["edges"][2]["condition"] == "true"  # type: ignore[index]
    assert any("branch label True" in w for w in report.warnings)
