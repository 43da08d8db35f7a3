"""Checking a compiled strategy against a prompt set's expected properties (tests/data/prompts*.json).

Shared by the test suite and bench/strategy.py, so the pass rate they report is the same thing.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from core.errors import EngineCannotAnswer
from core.strategy.compiler import compile_prompt
from core.strategy.compiler.refinement import refine
from core.strategy.validation import validate


def load(path: str | Path) -> list[dict[str, Any]]:
    return list(json.loads(Path(path).read_text(encoding="utf-8"))["prompts"])


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


CORRECT, WRONG, DECLINED_RIGHT, DECLINED_WRONG = "correct", "wrong", "declined_right", "declined_wrong"


def classify(case: dict[str, Any]) -> tuple[str, list[str]]:
    """(outcome, problems): a returned graph is correct or wrong; a decline is right or wrong.

    A returned graph that its case says should have been declined counts as wrong: a wrong graph is
    the costly failure, a decline only costs a rephrase.
    """
    problems = check(case)
    declined = any(p.startswith("declined: ") for p in problems) or (
        not problems and bool(case["expect"].get("decline")))
    if declined:
        return (DECLINED_RIGHT if case["expect"].get("decline") else DECLINED_WRONG), problems
    return (CORRECT if not problems else WRONG), problems


def check(case: dict[str, Any]) -> list[str]:
    """Problems with the compiler's answer to one case ([] when it meets every expectation).

    A case with "base" and "instruction" is a refinement: the base sentence is compiled, then the
    instruction applied, and the expectations hold for the revised strategy.
    """
    expect = case["expect"]
    try:
        if "instruction" in case:
            base = compile_prompt(case["base"], case.get("lang")).strategy
            strategy, changes = refine(base, case["instruction"], case.get("lang"))
            if not changes:
                return ["no changes listed"]
        else:
            strategy = compile_prompt(case["prompt"], case.get("lang")).strategy
    except EngineCannotAnswer as exc:
        if not expect.get("decline"):
            return [f"declined: {exc.message}"]
        # A decline names what it did not understand; "names" is the span the trader must see.
        named = expect.get("names")
        return [f"declined: without naming {named}: {exc.message}"] if named and named not in exc.message else []
    if expect.get("decline"):
        return [f"should decline but produced '{strategy['name']}'"]
    return _meets(strategy, expect)


def _meets(strategy: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    report = validate(strategy)
    if not report.valid:
        problems.append("invalid: " + "; ".join(f"{i.code} {i.message}" for i in report.errors))
    nodes = strategy["nodes"]
    data = next((n["config"] for n in nodes if n["type"] == "data_source"), {})
    for key, field in (("symbol", "symbol"), ("timeframe", "timeframe"), ("exchange", "exchange")):
        if key in expect and data.get(field) != expect[key]:
            problems.append(f"{key} {data.get(field)!r} != {expect[key]!r}")
    if "conditions" in expect:
        got = Counter((n["config"]["left"], n["config"]["operator"], _norm(n["config"]["right"]))
                      for n in nodes if n["type"] == "condition")
        want = Counter((c[0], c[1], _norm(c[2])) for c in expect["conditions"])
        if got != want:
            problems.append(f"conditions {sorted(got.elements(), key=str)} != {sorted(want.elements(), key=str)}")
    if "actions" in expect:
        actions = [n["config"] for n in nodes if n["type"] == "action"]
        if len(actions) != len(expect["actions"]):
            problems.append(f"{len(actions)} actions != {len(expect['actions'])}")
        free = list(actions)
        for wanted in expect["actions"]:
            match = next((a for a in free if all(_norm(a.get(k)) == _norm(v) for k, v in wanted.items())), None)
            if match is None:
                problems.append(f"no action matches {wanted} in {actions}")
            else:
                free.remove(match)
    if "nodes" in expect and len(nodes) != expect["nodes"]:
        problems.append(f"{len(nodes)} nodes != {expect['nodes']}")
    if "or" in expect:
        conditions = {n["id"] for n in nodes if n["type"] == "condition"}
        incoming = Counter(e["to"] for e in strategy["edges"] if e["from"] in conditions)
        # exits ("sell all" reached by take-profit and stop-loss) are an OR by design; look at entries
        entry_actions = [n["id"] for n in nodes if n["type"] == "action" and n["config"].get("amount") != "all"]
        has_or = any(incoming[a] >= 2 for a in entry_actions)
        if has_or != expect["or"]:
            problems.append(f"OR expected {expect['or']}, found {has_or}")
    return problems
