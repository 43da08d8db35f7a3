"""Offline answers for strategy_generation and strategy_refinement (the rule-based compiler).

Contexts (ChatRequest.offline_context):
- strategy_generation {"prompt": str, "language": "ko"|"en"} → the strategy JSON text;
- strategy_refinement {"strategy": dict, "instruction": str, "language"} →
  {"strategy": {...}, "changes": [str]} as JSON text.
Raises EngineCannotAnswer (with examples) when the request is not understood.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import EngineCannotAnswer
from core.strategy.compiler import compile_prompt
from core.strategy.compiler.refinement import refine


def answer(use_case: str, context: dict[str, Any]) -> str:
    language = context.get("language")
    if use_case == "strategy_generation":
        prompt = context.get("prompt")
        if not isinstance(prompt, str):
            raise EngineCannotAnswer("strategy_generation needs a 'prompt' text.")
        return json.dumps(compile_prompt(prompt, language).strategy, ensure_ascii=False)
    if use_case == "strategy_refinement":
        strategy, instruction = context.get("strategy"), context.get("instruction")
        if not isinstance(strategy, dict) or not isinstance(instruction, str):
            raise EngineCannotAnswer("strategy_refinement needs a 'strategy' object and an 'instruction' text.")
        revised, changes = refine(strategy, instruction, language)
        return json.dumps({"strategy": revised, "changes": changes}, ensure_ascii=False)
    raise EngineCannotAnswer(f"The offline strategy engine does not handle '{use_case}'.")
