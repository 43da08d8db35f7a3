"""Strategy optimisation: backtest metrics in → proposed strategy → re-backtested → honest verdict.

Whatever the model (or the offline grid search) claims, the proposal is backtested on the same data
with the same costs. The result shows both sets of metrics side by side, and when the proposal is
worse than the original the original is kept: ``optimized_strategy`` is then the original and the
proposed changes are listed as rejected.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from core.accounts.principal import LOCAL_USER_ID, Principal, owner_id
from core.coded import Coded
from core.llm.structured import ask_structured
from core.llm.types import ChatRequest, FallbackPolicy
from core.offline.inputs import OptimisationInput
from core.prompts.builder import Language, build_prompt
from core.services.backtesting import bar_range_backtest, run_backtest
from core.services.common import BadInput, CallInfo, gateway_or_default
from core.services.generation import check_strategy, diff_changes, issue_text
from core.services.market_data import MarketData
from core.services.outputs import OptimizationProposal, vendor_schema
from core.services.strategy_library import StrategyInput, ValidStrategy, validate_strategy

METRIC_KEYS = ("total_return_pct", "max_drawdown_pct", "win_rate_pct", "sharpe", "profit_factor", "trades",
               "exposure_pct", "buy_hold_return_pct")
_METRIC_LABELS = {
    "total_return_pct": "Total return (%)", "max_drawdown_pct": "Max drawdown (%)",
    "win_rate_pct": "Win rate (%)", "sharpe": "Sharpe ratio (annualised)", "profit_factor": "Profit factor",
    "trades": "Trades", "exposure_pct": "Time in market (%)", "buy_hold_return_pct": "Buy and hold return (%)",
}


@dataclass(frozen=True)
class SearchReport:
    """How the offline search went (a model's proposal has none): the tunable parameters, every
    candidate tried with its in-sample figures, the best few with out-of-sample figures beside, and
    the guard that decided. Each candidate's ``values`` follow ``params``' order."""

    params: list[dict[str, Any]]
    method: str  # "grid" (every combination) | "coordinate" (one parameter at a time, two passes)
    in_sample_bars: int
    out_of_sample_bars: int
    min_trades: int
    tried: list[dict[str, Any]]
    best: list[dict[str, Any]]
    guard: Coded

    @classmethod
    def of(cls, raw: Any) -> SearchReport | None:
        """The report from the engine's answer; None when there is none or it is not readable."""
        if not isinstance(raw, dict):
            return None
        try:
            g = raw["guard"]
            return cls(params=list(raw["params"]), method=str(raw["method"]),
                       in_sample_bars=int(raw["in_sample_bars"]), out_of_sample_bars=int(raw["out_of_sample_bars"]),
                       min_trades=int(raw["min_trades"]), tried=list(raw["tried"]), best=list(raw["best"]),
                       guard=Coded(str(g["code"]), str(g["text"]), **dict(g["params"])))
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def heat_map(self) -> bool:
        """Two parameters searched over their whole grid: the figures fill a table of the two."""
        return len(self.params) == 2 and self.method == "grid"

    def as_json(self) -> dict[str, Any]:
        return {"params": self.params, "method": self.method, "in_sample_bars": self.in_sample_bars,
                "out_of_sample_bars": self.out_of_sample_bars, "min_trades": self.min_trades,
                "tried": self.tried, "best": self.best,
                "guard": {"code": self.guard.code, "params": self.guard.params, "text": str(self.guard)}}


@dataclass
class OptimizationResult:
    original: ValidStrategy
    proposed: ValidStrategy
    optimized_strategy: ValidStrategy  # the proposal when it is better, else the original
    changes: list[str]  # applied changes (empty when the original was kept)
    rejected_changes: list[str]
    before: dict[str, Any]
    after: dict[str, Any]  # metrics of the proposal, as tested
    improved: bool
    kept_original: bool
    verdict: Coded  # worded in ``language``; the code and figures let an interface word it itself
    expected_improvement: dict[str, Any] = field(default_factory=dict)
    language: Language = "en"
    info: CallInfo = field(default_factory=CallInfo)
    search: SearchReport | None = None  # the offline search's account of itself

    def as_json(self) -> dict[str, Any]:
        """The `optimize --json` shape (DESIGN.md section 5) plus the verdict fields."""
        return {
            "optimized_strategy": self.optimized_strategy.to_dict(), "changes": self.changes, "before": self.before,
            "after": self.after, "kept_original": self.kept_original, "rejected_changes": self.rejected_changes,
            "verdict": self.verdict, **({"search": self.search.as_json()} if self.search else {}),
        }


def _metrics(result: Any) -> dict[str, Any]:
    return {k: result.metrics.get(k) for k in METRIC_KEYS}


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else -math.inf


def is_better(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Better = higher Sharpe; on a tie, a higher return. A proposal that stops trading is not better."""
    if int(after.get("trades") or 0) == 0 and int(before.get("trades") or 0) > 0:
        return False
    sb, sa = _num(before.get("sharpe")), _num(after.get("sharpe"))
    if sa != sb:
        return sa > sb
    return _num(after.get("total_return_pct")) > _num(before.get("total_return_pct"))


_VERDICTS = {
    "OPT_VERDICT_UNCHANGED": {
        "en": "No better version was found; the original strategy stays.",
        "ko": "최적화로 더 나은 버전을 찾지 못해 원래 전략을 유지합니다.",
    },
    "OPT_VERDICT_BETTER": {
        "en": "The proposal backtests better: Sharpe {sharpe_before} → {sharpe_after}, "
              "return {return_before}% → {return_after}%.",
        "ko": "제안이 백테스트에서 더 좋습니다: 샤프 {sharpe_before} → {sharpe_after}, "
              "수익률 {return_before}% → {return_after}%.",
    },
    "OPT_VERDICT_WORSE": {
        "en": "The proposal backtests worse, so the original is kept: Sharpe {sharpe_before} → {sharpe_after}, "
              "return {return_before}% → {return_after}%.",
        "ko": "제안이 백테스트에서 더 나빠 원래 전략을 유지합니다: 샤프 {sharpe_before} → {sharpe_after}, "
              "수익률 {return_before}% → {return_after}%.",
    },
}


def _verdict(improved: bool, changed: bool, before: dict[str, Any], after: dict[str, Any], lang: Language) -> Coded:
    def fmt(v: Any) -> str:
        return "n/a" if v is None else f"{v:g}" if isinstance(v, int | float) else str(v)

    figures = {"sharpe_before": fmt(before.get("sharpe")), "sharpe_after": fmt(after.get("sharpe")),
               "return_before": fmt(before.get("total_return_pct")), "return_after": fmt(after.get("total_return_pct"))}
    code = "OPT_VERDICT_UNCHANGED" if not changed else "OPT_VERDICT_BETTER" if improved else "OPT_VERDICT_WORSE"
    params = figures if changed else {}
    return Coded(code, _VERDICTS[code][lang].format(**params), **params)


def optimize_strategy(
    strategy: StrategyInput,
    data: MarketData,
    *,
    model: str | None = None,
    fallback: FallbackPolicy | None = None,
    user: Principal | str = LOCAL_USER_ID,
    fee_bps: float = 10,
    slippage_bps: float = 5,
    language: str | None = None,
    use_cache: bool = True,
    gateway: Any | None = None,
) -> OptimizationResult:
    report = validate_strategy(strategy)
    original = report.valid_strategy
    if original is None:
        raise BadInput(
            "Only a valid strategy can be optimised: " + "; ".join(issue_text(i) for i in report.errors[:3]),
            hint="Fix the issues (python -m core validate FILE), then optimise.",
        )
    lang: Language = "ko" if language == "ko" else "en"
    before = _metrics(run_backtest(original, data, fee_bps=fee_bps, slippage_bps=slippage_bps))
    span = f"{data.df.index[0]:%Y-%m-%d} – {data.df.index[-1]:%Y-%m-%d}"
    label = f"{data.symbol} {data.timeframe}, {len(data.df)} bars ({span})"
    built = build_prompt(
        "strategy_optimization", lang, strategy_json=original.to_json(indent=1),
        data_label=label, metrics=[(_METRIC_LABELS[k], "n/a" if before[k] is None else before[k]) for k in METRIC_KEYS],
    )
    req = ChatRequest(
        use_case="strategy_optimization", messages=built.messages, model=model, user=owner_id(user), max_tokens=4096,
        output_schema=vendor_schema(OptimizationProposal), schema_name="optimization", json_mode=True,
        use_cache=use_cache, fallback=fallback,
        template_version=built.template_version + f":{len(data.df)}:{data.df.index[-1]}",
        offline_context=OptimisationInput(original.to_dict(), len(data.df),
                                          bar_range_backtest(data, fee_bps, slippage_bps), lang),
    )

    def parse(obj: dict[str, Any]) -> tuple[OptimizationProposal, ValidStrategy, SearchReport | None]:
        proposal = OptimizationProposal.model_validate(obj)
        search = SearchReport.of(obj.get("search"))
        return proposal, check_strategy(proposal.optimized_strategy), search

    result = ask_structured(gateway_or_default(gateway), req, parse, language=lang)
    proposal, proposed, search = result.value
    changed = json.dumps(dict(proposed), sort_keys=True) != json.dumps(dict(original), sort_keys=True)
    after = _metrics(run_backtest(proposed, data, fee_bps=fee_bps, slippage_bps=slippage_bps)) if changed else before
    improved = changed and is_better(before, after)
    listed = [c for c in proposal.changes if str(c).strip()]
    if not listed and changed:
        listed = diff_changes(original, proposed, lang)
    return OptimizationResult(
        original=original, proposed=proposed, optimized_strategy=proposed if improved else original,
        changes=listed if improved else [], rejected_changes=[] if improved else (listed if changed else []),
        before=before, after=after, improved=improved, kept_original=not improved,
        verdict=_verdict(improved, changed, before, after, lang),
        expected_improvement=proposal.expected_improvement.model_dump(), language=lang, info=CallInfo.of(result),
        # Only the offline engine's search report is ours; a model claiming one is not shown as one.
        search=search if result.completion.provider == "offline" else None,
    )
