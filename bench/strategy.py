"""Strategy benchmark: validate and render graphs of 10, 100 and 1,000 nodes; compile 1,000 prompts offline.

Run: python bench/strategy.py
Targets: validate 1,000 nodes <= 50 ms, render 1,000 nodes <= 300 ms, compile >= 500 prompts/s.
Baselines, measured in the same process:
- validate vs pydantic's structural parse of the same graph (``Strategy.model_validate``): what all
  the rules cost on top of reading the shape;
- render vs pyvis 0.3.2's own ``generate_html`` (in-line resources) for the same graph: the
  template we replaced for safety;
- compile vs validating the strategies it produced: what understanding a sentence costs compared
  with checking its result.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.strategy.compiler import compile_prompt
from core.strategy.compiler.promptset import check, load
from core.strategy.render import render_html
from core.strategy.schema import Strategy
from core.strategy.validation import validate

PROMPTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "prompts.json"


def graph(n_nodes: int) -> dict[str, Any]:
    """A valid strategy with ``n_nodes`` nodes: trigger, data, then condition chains ending in actions."""
    nodes: list[dict[str, Any]] = [
        {"id": "trigger_1", "type": "trigger", "config": {"trigger_type": "time", "interval": "1h"}},
        {"id": "data_1", "type": "data_source",
         "config": {"source_type": "ohlcv", "symbol": "BTC/USDT", "timeframe": "1h", "exchange": "binance"}},
    ]
    edges: list[dict[str, Any]] = [{"from": "trigger_1", "to": "data_1"}]
    i = 0
    while len(nodes) < n_nodes:
        i += 1
        # chains of three conditions (AND) then an action; operands vary so the parser cache is not all hits
        prev, label = "data_1", None
        for j in range(3):
            if len(nodes) >= n_nodes - 1:
                break
            cid = f"condition_{i * 10 + j}"
            nodes.append({"id": cid, "type": "condition",
                          "config": {"operator": "<", "left": f"rsi({5 + (i * 3 + j) % 90})",
                                     "right": f"{20 + j} + atr({2 + i % 50}) / close"}})
            edges.append({"from": prev, "to": cid, **({"condition": label} if label else {})})
            prev, label = cid, "true"
        aid = f"action_{i}"
        nodes.append({"id": aid, "type": "action",
                      "config": {"action_type": "buy", "symbol": "BTC/USDT", "amount": 10 + i, "unit": "USDT"}})
        edges.append({"from": prev, "to": aid, **({"condition": label} if label else {})})
    return {"schema_version": 1, "name": f"bench {n_nodes}", "description": "", "nodes": nodes, "edges": edges}


def best_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def pyvis_html(strategy: dict[str, Any]) -> str:
    from pyvis.network import Network

    net = Network(height="440px", directed=True, cdn_resources="in_line", layout=True)
    for n in strategy["nodes"]:
        net.add_node(n["id"], label=n["id"], title=n["type"])
    for e in strategy["edges"]:
        net.add_edge(e["from"], e["to"], label=e.get("condition") or "")
    return str(net.generate_html())


def main() -> int:
    print("Strategy benchmark (best of N runs, ms)")
    print(f"{'nodes':>6} {'validate':>9} {'pydantic':>9} {'ratio':>6} {'render':>8} {'pyvis':>8} {'ratio':>6}")
    results: dict[int, tuple[float, float]] = {}
    for n in (10, 100, 1000):
        s = graph(n)
        report = validate(s)
        assert report.valid and len(s["nodes"]) == n, report.errors[:3]
        repeat = 20 if n < 1000 else 10
        v = best_ms(lambda s=s: validate(s), repeat)
        p = best_ms(lambda s=s: Strategy.model_validate(s), repeat)
        r = best_ms(lambda s=s, issues=report.issues: render_html(s, issues), repeat)
        pv = best_ms(lambda s=s: pyvis_html(s), 3)
        results[n] = (v, r)
        print(f"{n:>6} {v:>9.2f} {p:>9.2f} {v / p:>5.1f}x {r:>8.2f} {pv:>8.2f} {r / pv:>5.2f}x")

    cases = load(PROMPTS)
    passed = sum(not check(c) for c in cases)
    prompts = [c["prompt"] for c in cases if not c["expect"].get("decline")]
    batch = [prompts[i % len(prompts)] for i in range(1000)]
    compiled: list[dict[str, Any]] = []
    runs = []
    for _ in range(3):
        compiled.clear()
        start = time.perf_counter()
        for prompt in batch:
            compiled.append(compile_prompt(prompt).strategy)
        runs.append(time.perf_counter() - start)
    seconds = min(runs)
    start = time.perf_counter()
    for strategy in compiled:
        validate(strategy)
    check_s = time.perf_counter() - start
    rate = len(batch) / seconds
    print(f"\ncompile 1,000 prompts: {seconds * 1000:.0f} ms = {rate:,.0f} prompts/s "
          f"(per prompt {seconds:.3f} ms; validating the 1,000 results took {check_s * 1000:.0f} ms, "
          f"ratio {seconds / check_s:.2f}x)")
    print(f"prompt set: {passed}/{len(cases)} pass ({100 * passed / len(cases):.0f}%)")
    refinements = load(PROMPTS.with_name("prompts_refine.json"))
    ok = sum(not check(c) for c in refinements)
    print(f"refinement set: {ok}/{len(refinements)} pass ({100 * ok / len(refinements):.0f}%)")
    v1000, r1000 = results[1000]
    print("\ntargets: validate 1,000 nodes <= 50 ms: "
          f"{'OK' if v1000 <= 50 else 'MISSED'} ({v1000:.1f}); render <= 300 ms: "
          f"{'OK' if r1000 <= 300 else 'MISSED'} ({r1000:.1f}); compile >= 500/s: "
          f"{'OK' if rate >= 500 else 'MISSED'} ({rate:,.0f}/s)")
    print(f"median of the compile runs: {statistics.median(runs) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
