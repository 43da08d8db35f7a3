"""The offline natural-language compiler: Korean or English strategy sentences to strategy graphs.

Deterministic rules, no model. It reads coins (with Korean nicknames), KRW and USDT markets and
their exchanges, timeframes, indicator phrases (English, Hangul or mixed), comparisons and crosses,
windows, AND/OR, buy/sell/notify actions with amounts in dollars, won or coins, and
take-profit/stop-loss exits. Every word is consumed or known filler; when a request holds
something it cannot express, it declines with ``EngineCannotAnswer`` naming the part and showing
examples, never a strategy that would not match the request. See ``pipeline`` for the steps.
"""

from __future__ import annotations

from core.strategy.compiler.declines import decline
from core.strategy.compiler.pipeline import Compiled, compile_prompt, language_of

__all__ = ["Compiled", "compile_prompt", "decline", "language_of"]
