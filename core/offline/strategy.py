"""Offline answers for strategy_generation and strategy_refinement (the rule-based compiler).

Inputs (core.offline.inputs): ``StrategyPrompt`` for strategy_generation, ``StrategyEdit`` for
strategy_refinement. Raises EngineCannotAnswer (with examples) when the request is not understood.
"""

from __future__ import annotations

import json

from core.offline.inputs import StrategyEdit, StrategyPrompt
from core.strategy.compiler import compile_prompt
from core.strategy.compiler.refinement import refine


def generate(request: StrategyPrompt) -> str:
    """strategy_generation: the strategy JSON text."""
    return json.dumps(compile_prompt(request.prompt, request.language).strategy, ensure_ascii=False)


def edit(request: StrategyEdit) -> str:
    """strategy_refinement: {"strategy": {...}, "changes": [str]} as JSON text."""
    revised, changes = refine(dict(request.strategy), request.instruction, request.language)
    return json.dumps({"strategy": revised, "changes": changes}, ensure_ascii=False)
