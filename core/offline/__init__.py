"""The offline engine: deterministic, free, rule-based answers for every use case.

Each use case has its own module with ``answer(context: dict) -> str`` returning the JSON text a
model would have returned. ``context`` is ``ChatRequest.offline_context``, filled by the service.
"""

from __future__ import annotations

import importlib
from typing import Any

from core.errors import EngineCannotAnswer

_HANDLERS = {
    "strategy_generation": "core.offline.strategy",
    "strategy_refinement": "core.offline.strategy",
    "market_analysis": "core.offline.market",
    "news_sentiment": "core.offline.sentiment",
    "strategy_optimization": "core.offline.optimize",
}


def answer(use_case: str, context: dict[str, Any]) -> str:
    module_name = _HANDLERS.get(use_case)
    if module_name is None:
        raise EngineCannotAnswer(
            f"The offline engine has no rules for '{use_case}'.",
            hint=f"Supported: {', '.join(sorted(_HANDLERS))}.",
        )
    module = importlib.import_module(module_name)
    return module.answer(use_case, context)
