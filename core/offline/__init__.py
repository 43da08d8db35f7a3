"""The offline engine: deterministic, free, rule-based answers for every use case.

``handlers()`` is what the composition root (``core.services.composition``) hands the gateway: one
callable per use case, each reading that use case's typed input (``core.offline.inputs``) and
returning the JSON text a model would have returned. ``answer`` is the same, by use-case name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import EngineCannotAnswer
from core.llm.types import OfflineHandler, OfflineInput
from core.offline import inputs


def handlers() -> dict[str, OfflineHandler]:
    from core.offline import market, optimize, sentiment, strategy

    return {
        "strategy_generation": strategy.generate,
        "strategy_refinement": strategy.edit,
        "market_analysis": market.answer,
        "news_sentiment": sentiment.answer,
        "strategy_optimization": optimize.answer,
    }


_INPUTS: dict[str, type[OfflineInput]] = {
    "strategy_generation": inputs.StrategyPrompt,
    "strategy_refinement": inputs.StrategyEdit,
    "market_analysis": inputs.MarketFigures,
    "news_sentiment": inputs.NewsItem,
    "strategy_optimization": inputs.OptimisationInput,
}


def answer(use_case: str, context: OfflineInput | Mapping[str, Any]) -> str:
    """The engine's answer for ``use_case``; a mapping is read as that use case's input fields."""
    handler = handlers().get(use_case)
    if handler is None:
        raise EngineCannotAnswer(
            f"The offline engine has no rules for '{use_case}'.",
            hint=f"Supported: {', '.join(sorted(_INPUTS))}.",
        )
    if not isinstance(context, OfflineInput):
        cls = _INPUTS[use_case]
        try:
            context = cls(**context)
        except TypeError as exc:
            raise EngineCannotAnswer(f"The offline engine cannot read this {use_case} request ({exc}).") from None
    return handler(context)
