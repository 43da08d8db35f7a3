"""What the offline optimiser tells about its search: the candidates it tried, the best of them
in and out of sample, and the guard that decided, as a code with parameters (the UI words it).

The report is plain JSON (it travels inside the engine's answer, through the response cache), so
figures that are not finite become null.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOP = 5  # candidates shown with their out-of-sample figures
FIGURES = ("sharpe", "total_return_pct", "max_drawdown_pct", "win_rate_pct", "trades")

# The English wording of each guard (the CLI and the JSON carry it; the UI words the code itself).
GUARDS = {
    "OPT_NO_BETTER_IN_SAMPLE": "None of the {tried} candidates beat the original's in-sample Sharpe of "
                               "{sharpe} with at least {min_trades} trades, so the original is kept.",
    "OPT_OOS_FELL": "The best in-sample candidate's out-of-sample Sharpe fell from {before} to {after} "
                    "(the original's against the candidate's, on the last {bars} bars), so the original is kept.",
    "OPT_OOS_HELD": "The best in-sample candidate held up out of sample: Sharpe {before} → {after} on the "
                    "last {bars} bars, which the search never saw, so it is proposed.",
}


@dataclass(frozen=True)
class Tried:
    values: tuple[float, ...]  # one per tunable parameter, in the parameters' order
    metrics: dict[str, Any]  # in-sample
    score: float  # in-sample Sharpe, -inf with too few trades


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return round(value, 4) if isinstance(value, float) else value


def _sharpe_or_low(metrics: dict[str, Any]) -> float:
    value = metrics.get("sharpe")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else -math.inf


def figures(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: _finite(metrics.get(k)) for k in FIGURES}


def guard(code: str, **params: Any) -> dict[str, Any]:
    shown = {k: (f"{v:.2f}" if isinstance(v, float) else v) for k, v in params.items()}
    return {"code": code, "params": shown, "text": GUARDS[code].format(**shown)}


def report(
    *,
    params: list[dict[str, Any]],
    tried: list[Tried],
    out_of_sample: Callable[[tuple[float, ...]], dict[str, Any]],
    decided: dict[str, Any],
    in_sample_bars: int,
    out_of_sample_bars: int,
    method: str,
    min_trades: int,
) -> dict[str, Any]:
    """``tried[0]`` is the original. The best are ranked by in-sample score, the original always
    among the rows so that every figure has its comparison."""
    # Candidates without enough trades all score -inf: among those, the higher Sharpe first.
    ranked = sorted(range(len(tried)), key=lambda i: (-tried[i].score, -_sharpe_or_low(tried[i].metrics), i))
    best = ranked[:TOP] if 0 in ranked[:TOP] else [*ranked[: TOP - 1], 0]
    return {
        "params": [{**p, "value": _finite(p["value"])} for p in params],
        "method": method,
        "in_sample_bars": in_sample_bars,
        "out_of_sample_bars": out_of_sample_bars,
        "min_trades": min_trades,
        "tried": [{"values": list(t.values), "in_sample": figures(t.metrics), "original": i == 0}
                  for i, t in enumerate(tried)],
        "best": [{"values": list(tried[i].values), "original": i == 0, "in_sample": figures(tried[i].metrics),
                  "out_of_sample": figures(out_of_sample(tried[i].values))} for i in best],
        "guard": decided,
    }
