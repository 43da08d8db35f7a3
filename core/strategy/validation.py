"""Every rule of the strategy format (DESIGN.md section 3), all violations reported at once.

Order of work: size caps (cheap, on the raw input) → tolerant normalisation → per-node checks
(id, type, config structure, symbols, amounts, operands) → per-edge checks → graph rules with
networkx (cycles with their path, reachability, conditions reaching actions).
"""

from __future__ import annotations

import json
from typing import Any

from core.strategy import limits
from core.strategy.graph_checks import (
    check_counts,
    check_edges,
    check_graph,
    check_operand_sources,
    check_symbols_agree,
)
from core.strategy.issues import Collector, Issue, ValidationReport
from core.strategy.node_checks import check_nodes, index_nodes, short
from core.strategy.schema import SCHEMA_VERSION
from core.strategy.tolerant import Normaliser

TOP_LEVEL_KEYS = ("schema_version", "name", "description", "nodes", "edges")


def validate(data: dict[str, Any] | str | bytes) -> ValidationReport:
    """Validate a strategy given as a dict or JSON text. Never raises for bad input."""
    out = Collector()
    if isinstance(data, bytes | str):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if len(text) > limits.MAX_TEXT_BYTES:
            out.error(
                "TOO_LARGE",
                f"The strategy text is {len(text):,} characters; the limit is {limits.MAX_TEXT_BYTES:,}.",
                hint="A strategy is a small graph; check that the right file was given.",
            )
            return _report(out, None, [])
        try:
            data = json.loads(text)
        except RecursionError:
            out.error("TOO_LARGE", "The JSON is nested too deeply to read.",
                      hint="A strategy nests only a few levels; check that the right file was given.")
            return _report(out, None, [])
        except json.JSONDecodeError as exc:
            out.error(
                "BAD_JSON",
                f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                hint="Fix the JSON syntax there (a missing comma, quote or bracket is the usual cause).",
                column=exc.colno,
            )
            return _report(out, None, [])
    if not isinstance(data, dict):
        out.error(
            "BAD_STRUCTURE",
            f"A strategy is a JSON object; got {type(data).__name__}.",
            hint='Start from {"schema_version": 1, "name": ..., "nodes": [...], "edges": [...]}.',
        )
        return _report(out, None, [])
    nodes_raw, edges_raw = data.get("nodes"), data.get("edges")
    if not _check_top_level(data, nodes_raw, edges_raw, out):
        return _report(out, None, [])
    norm = Normaliser()
    strategy = _top_level(data, norm, out)
    nodes = check_nodes(nodes_raw, norm, out)
    strategy["nodes"] = [n for n, _ in nodes]
    by_id = index_nodes(nodes, out)
    edges = check_edges(edges_raw, by_id, norm, out)
    strategy["edges"] = edges
    check_counts(by_id, out)
    check_operand_sources(by_id, out)
    check_symbols_agree(by_id, out)
    check_graph(by_id, edges, out)
    return _report(out, strategy, norm.notes)


def _report(out: Collector, strategy: dict[str, Any] | None, notes: list[str]) -> ValidationReport:
    issues = out.issues
    if len(issues) > limits.MAX_ISSUES:
        hidden = len(issues) - limits.MAX_ISSUES
        issues = [*issues[: limits.MAX_ISSUES], Issue(
            "TOO_MANY_ISSUES", "error", f"{hidden} more issue(s) not listed.", hint="Fix the ones above first.")]
    valid = not any(i.severity == "error" for i in issues)
    return ValidationReport(valid=valid, issues=issues, strategy=strategy, warnings=notes)


# --- top level -------------------------------------------------------------------------------


def _check_top_level(data: dict[str, Any], nodes: Any, edges: Any, out: Collector) -> bool:
    ok = True
    for key, value in (("nodes", nodes), ("edges", edges)):
        if not isinstance(value, list):
            ok = False
            got = "missing" if value is None else f"a {type(value).__name__}"
            out.error("BAD_STRUCTURE", f"'{key}' must be a list; it is {got}.",
                      hint=f'Add "{key}": [ ... ] at the top level.')
    if not ok:
        return False
    if len(nodes) > limits.MAX_NODES:
        out.error("TOO_LARGE", f"{len(nodes):,} nodes; the limit is {limits.MAX_NODES:,}.",
                  hint="Split the strategy into smaller ones.")
        ok = False
    if len(edges) > limits.MAX_EDGES:
        out.error("TOO_LARGE", f"{len(edges):,} edges; the limit is {limits.MAX_EDGES:,}.",
                  hint="Split the strategy into smaller ones.")
        ok = False
    return ok


def _top_level(data: dict[str, Any], norm: Normaliser, out: Collector) -> dict[str, Any]:
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, str) and version.strip() == str(SCHEMA_VERSION):
        norm.note("schema_version", f"{version!r} read as {SCHEMA_VERSION}")
        version = SCHEMA_VERSION
    if version != SCHEMA_VERSION or isinstance(version, bool):
        out.error("BAD_SCHEMA_VERSION", f"schema_version is {version!r}; this studio reads version 1.",
                  hint='Set "schema_version": 1.')
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        out.error("BAD_STRUCTURE", "The strategy has no name.", hint='Add "name": "a short title".')
        name = "" if not isinstance(name, str) else name
    elif len(name) > limits.MAX_NAME_LENGTH:
        out.error("TOO_LARGE", f"The name is {len(name)} characters; the limit is {limits.MAX_NAME_LENGTH}.",
                  hint="Shorten the name.")
    description = data.get("description") or ""
    if not isinstance(description, str):
        out.error("BAD_STRUCTURE", "description must be text.", hint='Write "description": "..." or leave it out.')
        description = ""
    elif len(description) > limits.MAX_DESCRIPTION_LENGTH:
        out.error("TOO_LARGE", f"The description is {len(description)} characters; the limit is "
                  f"{limits.MAX_DESCRIPTION_LENGTH}.", hint="Shorten the description.")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            out.warn("UNKNOWN_FIELD", f"Unknown top-level field '{short(key)}' was ignored.",
                     hint="Remove it; the format has " + ", ".join(TOP_LEVEL_KEYS) + ".")
    return {"schema_version": SCHEMA_VERSION, "name": name, "description": description}
