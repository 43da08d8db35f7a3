"""Offline optimisation: a bounded grid search over a strategy's numbers, judged by the backtester.

Tunable numbers are the indicator periods (and Bollinger ``k``) and the numeric thresholds inside
condition operands. The data is split in time: the search ranks candidates by Sharpe on the first
70 % (in-sample) and ignores candidates with too few trades to mean anything; the winner must then
be at least as good as the original on the last 30 % (out-of-sample), which it never saw. If it
is not, the original is returned unchanged: a search that only fits noise proposes nothing.

The answer also reports the search (``"search"``, see ``core.offline.search_report``): every
candidate tried with its parameters and in-sample figures, the best few with their out-of-sample
figures beside, and the guard that decided, as a code with its parameters.

Input: ``core.offline.inputs.OptimisationInput``: the strategy, how many bars the data set has, and
the backtest to judge with (a function over a bar range; the caller owns the data, fees and
slippage), so this module needs neither the data nor the backtester.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core.errors import EngineCannotAnswer
from core.offline.inputs import Backtest, OptimisationInput
from core.offline.search_report import Tried, guard, report
from core.strategy.operands import (
    INDICATORS,
    BinOp,
    Expr,
    Indicator,
    Neg,
    Number,
    OperandError,
    parse_operand,
    to_text,
)

IN_SAMPLE_SHARE = 0.7
MIN_TRADES = 3  # in-sample trades a candidate needs before its Sharpe counts
MIN_BARS = 80
MAX_PARAMS = 6
MAX_EVALS = 60  # in-sample backtests per optimisation (keeps the page responsive)
PERIOD_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5)
THRESHOLD_FACTORS = (0.9, 0.95, 1.0, 1.05, 1.1)
BB_KS = (1.5, 2.0, 2.5)


@dataclass(frozen=True)
class Param:
    node_id: str
    side: str  # "left" | "right"
    index: int  # position among the operand's tunable numbers
    kind: str  # "period" | "threshold" | "k"
    label: str  # e.g. "rsi period"
    value: float


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _tunables(expr: Expr) -> Iterator[tuple[str, str, float]]:
    """(kind, label, value) of each tunable number, depth first, left to right."""
    if isinstance(expr, Number):
        yield "threshold", "threshold", expr.value
    elif isinstance(expr, Indicator):
        names = INDICATORS[expr.name][0]
        for name, arg in zip(names, expr.args, strict=False):
            kind = "k" if name == "k" else "period"
            yield kind, f"{expr.name} {name}", arg
    elif isinstance(expr, BinOp):
        yield from _tunables(expr.left)
        yield from _tunables(expr.right)
    elif isinstance(expr, Neg):
        yield from _tunables(expr.operand)


def _replace(expr: Expr, values: Iterator[float]) -> Expr:
    if isinstance(expr, Number):
        return Number(next(values))
    if isinstance(expr, Indicator):
        return Indicator(expr.name, tuple(next(values) for _ in expr.args), expr.source)
    if isinstance(expr, BinOp):
        left = _replace(expr.left, values)
        return BinOp(expr.op, left, _replace(expr.right, values))
    if isinstance(expr, Neg):
        return Neg(_replace(expr.operand, values))
    return expr


def find_params(strategy: dict[str, Any]) -> list[Param]:
    params: list[Param] = []
    for node in strategy.get("nodes", []):
        if node.get("type") != "condition":
            continue
        config = node.get("config", {})
        for side in ("left", "right"):
            try:
                expr = parse_operand(config.get(side))
            except (OperandError, TypeError):
                continue
            for index, (kind, label, value) in enumerate(_tunables(expr)):
                # A bare 0 threshold ("macd_hist > 0") is a sign test, not a tunable level.
                if kind == "threshold" and value == 0:
                    continue
                params.append(Param(node["id"], side, index, kind, label, value))
    return params[:MAX_PARAMS]


def _is_oscillator_level(strategy: dict[str, Any], param: Param) -> bool:
    """A threshold compared with RSI lives on a 0-100 scale: move it in points, not percent."""
    for node in strategy.get("nodes", []):
        if node.get("id") == param.node_id:
            other = node.get("config", {}).get("left" if param.side == "right" else "right")
            return isinstance(other, str) and "rsi(" in other.replace(" ", "")
    return False


def candidates(strategy: dict[str, Any], param: Param) -> list[float]:
    v = param.value
    if param.kind == "period":
        values = {float(max(2, min(400, round(v * f)))) for f in PERIOD_FACTORS}
    elif param.kind == "k":
        values = {*BB_KS, v}
    elif _is_oscillator_level(strategy, param):
        values = {float(min(95, max(5, v + d))) for d in (-10, -5, 0, 5, 10)}
    else:
        values = {round(v * f, 10) for f in THRESHOLD_FACTORS}
    return sorted(values)


def apply(strategy: dict[str, Any], params: list[Param], values: tuple[float, ...]) -> dict[str, Any] | None:
    """The strategy with ``values`` substituted; None when a combination is not a valid operand."""
    out = copy.deepcopy(strategy)
    by_operand: dict[tuple[str, str], dict[int, float]] = {}
    for param, value in zip(params, values, strict=True):
        by_operand.setdefault((param.node_id, param.side), {})[param.index] = value
    for node in out.get("nodes", []):
        for side in ("left", "right"):
            changes = by_operand.get((node.get("id"), side))
            if not changes:
                continue
            raw = node["config"][side]
            expr = parse_operand(raw)
            current = [value for _, _, value in _tunables(expr)]
            for index, value in changes.items():
                current[index] = value
            new = _replace(expr, iter(current))
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                node["config"][side] = int(new.value) if float(new.value).is_integer() else new.value  # type: ignore[union-attr]
                continue
            text = to_text(new)
            try:
                parse_operand(text)  # e.g. macd fast must stay below slow
            except OperandError:
                return None
            node["config"][side] = text
    return out


class _Judge:
    """Runs backtests on bars [start, end) and remembers them (a grid revisits the same points)."""

    def __init__(self, backtest: Backtest, start: int, end: int) -> None:
        self._run = backtest
        self.start, self.end = start, end
        self.memo: dict[str, dict[str, Any]] = {}
        self.count = 0

    def metrics(self, strategy: dict[str, Any]) -> dict[str, Any]:
        key = json.dumps(strategy, sort_keys=True)
        if key not in self.memo:
            self.count += 1
            self.memo[key] = dict(self._run(strategy, self.start, self.end))
        return self.memo[key]


def _sharpe(metrics: dict[str, Any]) -> float:
    value = metrics.get("sharpe")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _score(metrics: dict[str, Any]) -> float:
    if int(metrics.get("trades") or 0) < MIN_TRADES:
        return -math.inf
    return _sharpe(metrics)


def _search(
    strategy: dict[str, Any], params: list[Param], judge: _Judge
) -> tuple[tuple[float, ...], float, list[Tried]]:
    """The best values in-sample, their score, and every candidate tried (the original first)."""
    grids = [candidates(strategy, p) for p in params]
    start = tuple(p.value for p in params)
    first = judge.metrics(strategy)
    best, best_score = start, _score(first)
    tried: list[Tried] = [Tried(start, first, best_score)]
    seen = {start}

    def consider(values: tuple[float, ...]) -> None:
        nonlocal best, best_score
        if values in seen:
            return
        seen.add(values)
        proposal = apply(strategy, params, values)
        if proposal is None:
            return
        metrics = judge.metrics(proposal)
        score = _score(metrics)
        tried.append(Tried(values, metrics, score))
        if score > best_score + 1e-9:
            best, best_score = values, score

    if math.prod(len(g) for g in grids) <= MAX_EVALS:
        for values in itertools.product(*grids):
            consider(values)
        return best, best_score, tried
    # Too many combinations: coordinate descent, two passes, within the same budget.
    for _ in range(2):
        for i, grid in enumerate(grids):
            for value in grid:
                if judge.count >= MAX_EVALS:
                    return best, best_score, tried
                consider((*best[:i], value, *best[i + 1 :]))
    return best, best_score, tried


def _change_text(param: Param, new: float, language: str) -> str:
    where = f"{param.node_id} {param.side}"
    label = param.label
    if language == "ko":
        label = label.replace("period", "기간").replace("threshold", "임계값")
    return f"{where}: {label} {_fmt(param.value)} → {_fmt(new)}"


def _delta(after: Any, before: Any) -> str | None:
    if not isinstance(after, int | float) or not isinstance(before, int | float):
        return None
    return f"{after - before:+.2f}%"


def optimise(request: OptimisationInput) -> dict[str, Any]:
    strategy = dict(request.strategy)
    language = request.language or "en"
    bars = request.bars
    if bars < MIN_BARS:
        raise EngineCannotAnswer(
            f"The offline optimiser needs at least {MIN_BARS} bars to split into in- and out-of-sample "
            f"periods; got {bars}.",
            hint="Load a longer data set.",
        )
    params = find_params(strategy)
    if not params:
        raise EngineCannotAnswer(
            "The strategy has no numeric parameters to tune (indicator periods or thresholds).",
            hint="Optimisation works on conditions such as rsi(14) < 30 or close > sma(50).",
        )
    cut = int(bars * IN_SAMPLE_SHARE)
    in_sample = _Judge(request.backtest, 0, cut)
    out_sample = _Judge(request.backtest, cut, bars)
    best, _, tried = _search(strategy, params, in_sample)
    start = tuple(p.value for p in params)
    proposal = apply(strategy, params, best) if best != start else None
    grid = math.prod(len(candidates(strategy, p)) for p in params) <= MAX_EVALS

    def out_of_sample(values: tuple[float, ...]) -> dict[str, Any]:
        candidate = strategy if values == start else apply(strategy, params, values)
        return out_sample.metrics(candidate) if candidate is not None else {}

    if proposal is None:
        decided = guard("OPT_NO_BETTER_IN_SAMPLE", tried=len(tried), sharpe=_sharpe(tried[0].metrics),
                        min_trades=MIN_TRADES)
    else:
        before_oos, after_oos = out_sample.metrics(strategy), out_sample.metrics(proposal)
        fell = _sharpe(after_oos) < _sharpe(before_oos)
        decided = guard("OPT_OOS_FELL" if fell else "OPT_OOS_HELD", before=_sharpe(before_oos),
                        after=_sharpe(after_oos), bars=bars - cut)
        if fell:
            proposal = None
    search = report(params=[{"node_id": p.node_id, "side": p.side, "label": p.label, "kind": p.kind,
                             "value": p.value} for p in params],
                    tried=tried, out_of_sample=out_of_sample, decided=decided, in_sample_bars=cut,
                    out_of_sample_bars=bars - cut, method="grid" if grid else "coordinate", min_trades=MIN_TRADES)
    if proposal is None:
        return {"optimized_strategy": strategy, "changes": [], "expected_improvement":
                {"return_pct": "+0.00%", "max_drawdown": "+0.00%", "win_rate": "+0.00%"}, "search": search}
    full = _Judge(request.backtest, 0, bars)
    before, after = full.metrics(strategy), full.metrics(proposal)
    changes = [_change_text(p, v, language) for p, v in zip(params, best, strict=True) if v != p.value]
    return {
        "optimized_strategy": proposal,
        "changes": changes,
        "expected_improvement": {
            "return_pct": _delta(after.get("total_return_pct"), before.get("total_return_pct")),
            "max_drawdown": _delta(after.get("max_drawdown_pct"), before.get("max_drawdown_pct")),
            "win_rate": _delta(after.get("win_rate_pct"), before.get("win_rate_pct")),
        },
        "search": search,
    }


def answer(request: OptimisationInput) -> str:
    return json.dumps(optimise(request), ensure_ascii=False)
