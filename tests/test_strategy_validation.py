"""Every validation rule of DESIGN.md section 3: one strategy that trips it, one close to it that passes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from core.strategy import limits
from core.strategy.issues import CODES
from core.strategy.validation import validate
from tests.strategy_builders import DESIGN_EXAMPLE

EXAMPLE = DESIGN_EXAMPLE

Mutation = Callable[[dict[str, Any]], None]


def node(s: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in s["nodes"] if n["id"] == node_id)


def cfg(s: dict[str, Any], node_id: str) -> dict[str, Any]:
    return node(s, node_id)["config"]


def add_condition(s: dict[str, Any], node_id: str = "condition_2", **config: Any) -> None:
    s["nodes"].append({"id": node_id, "type": "condition",
                       "config": {"operator": ">", "left": "close", "right": 1, **config}})


def add_action(s: dict[str, Any], node_id: str = "action_2") -> None:
    s["nodes"].append({"id": node_id, "type": "action", "config": {"action_type": "notify", "message": "hi"}})


# code -> (mutation that trips it, a nearby mutation that stays valid)
RULES: dict[str, tuple[Mutation, Mutation]] = {
    "TRIGGER_COUNT": (
        lambda s: s["nodes"].append({"id": "trigger_2", "type": "trigger",
                                     "config": {"trigger_type": "time", "interval": "4h"}}),
        lambda s: cfg(s, "trigger_1").update(interval="4h"),
    ),
    "NO_CONDITION": (
        lambda s: (s["nodes"].pop(2), s.update(edges=[s["edges"][0], {"from": "data_1", "to": "action_1"}])),
        lambda s: None,
    ),
    "NO_ACTION": (
        lambda s: (s["nodes"].pop(3), s["edges"].pop(2)),
        lambda s: cfg(s, "action_1").update(amount=5),
    ),
    "CYCLE": (
        lambda s: (add_condition(s), s["edges"].extend([
            {"from": "condition_1", "to": "condition_2", "condition": "false"},
            {"from": "condition_2", "to": "condition_1", "condition": "true"},
            {"from": "condition_2", "to": "action_1", "condition": "false"}])),
        lambda s: (add_condition(s), s["edges"].extend([
            {"from": "condition_1", "to": "condition_2", "condition": "false"},
            {"from": "condition_2", "to": "action_1", "condition": "true"}])),
    ),
    "BAD_NODE_ID": (
        lambda s: node(s, "action_1").update(id="Action-1") or s["edges"][2].update(to="Action-1"),
        lambda s: node(s, "action_1").update(id="buy_7") or s["edges"][2].update(to="buy_7"),
    ),
    "DUPLICATE_ID": (
        lambda s: (add_condition(s, "condition_1"),),
        lambda s: (add_condition(s, "condition_2"),
                   s["edges"].extend([{"from": "data_1", "to": "condition_2"},
                                      {"from": "condition_2", "to": "action_1", "condition": "true"}])),
    ),
    "DANGLING_EDGE": (
        lambda s: s["edges"].append({"from": "condition_1", "to": "action_9", "condition": "false"}),
        lambda s: (add_action(s), s["edges"].append({"from": "condition_1", "to": "action_2", "condition": "false"})),
    ),
    "SELF_LOOP": (
        lambda s: s["edges"].append({"from": "condition_1", "to": "condition_1", "condition": "false"}),
        lambda s: (add_action(s), s["edges"].append({"from": "condition_1", "to": "action_2", "condition": "false"})),
    ),
    "EDGE_INTO_TRIGGER": (
        lambda s: s["edges"].append({"from": "action_1", "to": "trigger_1"}),
        lambda s: (add_action(s), s["edges"].append({"from": "action_1", "to": "action_2"})),
    ),
    "UNREACHABLE_NODE": (
        lambda s: (add_action(s), s["edges"].append({"from": "action_2", "to": "action_1"})),
        lambda s: (add_action(s), s["edges"].append({"from": "condition_1", "to": "action_2", "condition": "true"})),
    ),
    "CONDITION_WITHOUT_ACTION": (
        lambda s: (add_condition(s), s["edges"].append({"from": "condition_1", "to": "condition_2",
                                                        "condition": "false"})),
        lambda s: (add_condition(s), s["edges"].extend([
            {"from": "condition_1", "to": "condition_2", "condition": "false"},
            {"from": "condition_2", "to": "action_1", "condition": "true"}])),
    ),
    "MISSING_BRANCH_LABEL": (
        lambda s: s["edges"][2].pop("condition"),
        lambda s: s["edges"][2].update(condition="false"),
    ),
    "BAD_SYMBOL": (
        lambda s: cfg(s, "action_1").update(symbol="BTC-USDT"),
        lambda s: (cfg(s, "action_1").update(symbol="ETH/BTC", unit="BTC"), cfg(s, "data_1").update(symbol="ETH/BTC")),
    ),
    "BAD_AMOUNT": (
        lambda s: cfg(s, "action_1").update(amount=0),
        lambda s: cfg(s, "action_1").update(amount=0.0001),
    ),
    "BAD_UNIT": (
        lambda s: cfg(s, "action_1").update(unit="ETH"),
        lambda s: cfg(s, "action_1").update(unit="BTC"),
    ),
    "BAD_OPERAND": (
        lambda s: cfg(s, "condition_1").update(left="rsi(14) +"),
        lambda s: cfg(s, "condition_1").update(left="rsi(14) + 2 * (close - sma(20)) / atr(14)"),
    ),
    "UNKNOWN_SOURCE": (
        lambda s: cfg(s, "condition_1").update(left="data_9.rsi(14)"),
        lambda s: cfg(s, "condition_1").update(left="data_1.rsi(14)"),
    ),
    "BAD_CONFIG": (
        lambda s: cfg(s, "trigger_1").update(interval="2h"),
        lambda s: cfg(s, "trigger_1").update(interval="1d"),
    ),
    "BAD_NODE_TYPE": (
        lambda s: node(s, "action_1").update(type="order"),
        lambda s: node(s, "action_1").update(type="Action"),  # case is normalised with a note
    ),
    "BAD_SCHEMA_VERSION": (
        lambda s: s.update(schema_version=2),
        lambda s: s.update(schema_version="1"),
    ),
    "BAD_STRUCTURE": (
        lambda s: s.pop("edges"),
        lambda s: s.pop("description"),
    ),
    "BAD_EDGE": (
        lambda s: s["edges"].append({"from": "data_1"}),
        lambda s: s["edges"].append({"from": "data_1", "to": "action_1"}),
    ),
    "BAD_NODE": (
        lambda s: s["nodes"].append("action_2"),
        lambda s: None,
    ),
    "TOO_LARGE": (
        lambda s: cfg(s, "action_1").update(unit="U" * (limits.MAX_STRING_LENGTH + 1)),
        lambda s: s.update(description="d" * limits.MAX_DESCRIPTION_LENGTH),
    ),
}


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_trips(code: str) -> None:
    strategy = copy.deepcopy(EXAMPLE)
    RULES[code][0](strategy)
    report = validate(strategy)
    assert not report.valid
    assert code in report.codes(), [i.to_dict() for i in report.issues]
    issue = next(i for i in report.issues if i.code == code)
    assert issue.severity == "error" and issue.message and issue.hint


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_passes(code: str) -> None:
    strategy = copy.deepcopy(EXAMPLE)
    RULES[code][1](strategy)
    report = validate(strategy)
    assert report.valid, [i.to_dict() for i in report.issues]
    assert code not in report.codes()


def test_design_example_is_valid_without_notes() -> None:
    report = validate(copy.deepcopy(EXAMPLE))
    assert report.valid and report.issues == [] and report.warnings == []
    assert report.model is not None and report.model.to_dict() == EXAMPLE


def test_all_violations_are_reported_at_once() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "action_1").update(symbol="btc usdt", amount=-1)
    cfg(s, "condition_1").update(left="rsi(14")
    s["edges"].append({"from": "action_1", "to": "trigger_1"})
    s["edges"].append({"from": "condition_1", "to": "ghost_1", "condition": "false"})
    codes = set(validate(s).codes())
    assert {"BAD_SYMBOL", "BAD_AMOUNT", "BAD_OPERAND", "EDGE_INTO_TRIGGER", "DANGLING_EDGE", "CYCLE"} <= codes


def test_cycle_is_reported_with_its_path() -> None:
    s = copy.deepcopy(EXAMPLE)
    add_condition(s)
    s["edges"] += [{"from": "condition_1", "to": "condition_2", "condition": "false"},
                   {"from": "condition_2", "to": "data_1", "condition": "true"}]
    cycle = next(i for i in validate(s).issues if i.code == "CYCLE")
    assert "data_1 → condition_1 → condition_2 → data_1" in cycle.message


def test_bad_operand_names_the_column_and_the_side() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "condition_1")["right"] = "sma(20) * * 2"
    issue = next(i for i in validate(s).issues if i.code == "BAD_OPERAND")
    assert issue.node_id == "condition_1" and issue.field == "right"
    assert issue.column == 11 and "column 11" in issue.message


def test_unknown_indicator_hint_lists_the_known_ones() -> None:
    s = copy.deepcopy(EXAMPLE)
    cfg(s, "condition_1")["left"] = "stoch(14)"
    issue = next(i for i in validate(s).issues if i.code == "BAD_OPERAND")
    assert issue.column == 1 and "rsi(period)" in (issue.hint or "")


def test_issue_shape_matches_the_cli_contract() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["edges"][2].pop("condition")
    issue = validate(s).issues[0].to_dict()
    assert list(issue) == ["code", "severity", "message", "node_id", "edge", "hint"]
    assert issue["edge"] == {"from": "condition_1", "to": "action_1"}


def test_hostile_size_is_refused_before_graph_work() -> None:
    nodes = [{"id": f"condition_{i}", "type": "condition", "config": {}} for i in range(limits.MAX_NODES + 1)]
    report = validate({"schema_version": 1, "name": "x", "nodes": nodes, "edges": []})
    assert report.codes() == ["TOO_LARGE"] and report.strategy is None


def test_too_many_issues_are_capped() -> None:
    nodes = [{"id": f"bad-{i}", "type": "condition", "config": {}} for i in range(300)]
    report = validate({"schema_version": 1, "name": "x", "nodes": nodes, "edges": []})
    assert len(report.issues) == limits.MAX_ISSUES + 1 and report.issues[-1].code == "TOO_MANY_ISSUES"


def test_deeply_nested_json_is_refused_not_crashed() -> None:
    assert validate("[" * 100_000 + "]" * 100_000).codes() == ["TOO_LARGE"]


def test_text_input_and_bad_json() -> None:
    assert validate(json.dumps(EXAMPLE)).valid
    report = validate('{"name": "x", "nodes": [')
    assert report.codes() == ["BAD_JSON"] and "line 1" in report.issues[0].message
    assert validate("[1, 2]").codes() == ["BAD_STRUCTURE"]


def test_operands_must_name_their_source_when_there_are_several() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["nodes"].append({"id": "data_2", "type": "data_source",
                       "config": {"source_type": "ohlcv", "symbol": "ETH/USDT", "timeframe": "1h"}})
    s["edges"].append({"from": "trigger_1", "to": "data_2"})
    s["edges"].append({"from": "data_2", "to": "condition_1"})
    report = validate(s)
    assert report.valid and "AMBIGUOUS_SOURCE" in report.codes()
    cfg(s, "condition_1")["left"] = "data_2.rsi(14)"
    assert "AMBIGUOUS_SOURCE" not in validate(s).codes()


def test_warnings_do_not_make_a_strategy_invalid() -> None:
    s = copy.deepcopy(EXAMPLE)
    s["nodes"][3]["position"] = {"x": 1}  # a UI field some models add
    s["edges"].append({"from": "data_1", "to": "condition_1"})
    report = validate(s)
    assert report.valid
    assert {"UNKNOWN_FIELD", "DUPLICATE_EDGE"} <= set(report.codes())
    assert "position" not in report.strategy["nodes"][3]  # type: ignore[index]


def _paths(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*path, i))
    return out


def test_any_value_anywhere_gives_a_report_not_a_crash() -> None:
    """Seeded mutation sweep: every field replaced by values of every JSON type (and NaN)."""
    import random

    from core.services.strategy_library import render_strategy_html

    values: list[Any] = [None, True, 0, -1, 1.5, float("nan"), float("inf"), "", "<b>x</b>", [], [1], {},
                         {"a": 1}, "rsi(", "BTC/USDT", "all", "true", 10**30]
    paths = [p for p in _paths(EXAMPLE) if p]
    rng = random.Random(1)
    for _ in range(400):
        s = copy.deepcopy(EXAMPLE)
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(paths)
            target: Any = s
            try:
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = rng.choice(values)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier mutation removed this path
        report = validate(s)
        # Every issue is one the UI and the CLI know how to show.
        assert all(i.code in CODES and i.message for i in report.issues), report.codes()
        if report.valid:
            # Code downstream trusts a valid report without checking again, so its normalised
            # strategy must be valid as it stands and read back unchanged, and build the typed model.
            again = validate(report.strategy)
            assert again.valid and again.strategy == report.strategy, again.codes()
            assert report.model is not None
        assert "<html" in render_strategy_html(s)
