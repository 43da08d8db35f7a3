"""The typed inputs of the offline engine, one per use case. A service puts one in
``ChatRequest.offline_context``; the engine's handler for that use case reads it. Nothing here is
sent to a vendor, and nothing here is a DataFrame: the optimiser gets the backtest it needs as a
function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.llm.types import OfflineInput

# (strategy, first bar, end bar) -> the backtest's metrics on bars [first, end) of the data set.
Backtest = Callable[[Mapping[str, Any], int, int], Mapping[str, Any]]


@dataclass(frozen=True)
class StrategyPrompt(OfflineInput):
    prompt: str
    language: str | None = None


@dataclass(frozen=True)
class StrategyEdit(OfflineInput):
    strategy: Mapping[str, Any]
    instruction: str
    language: str | None = None


@dataclass(frozen=True)
class MarketFigures(OfflineInput):
    symbol: str
    timeframe: str
    indicators: Mapping[str, float | None]
    language: str = "en"


@dataclass(frozen=True)
class NewsItem(OfflineInput):
    title: str
    content: str = ""
    source: str = ""
    published_at: str = ""
    language: str | None = None


@dataclass(frozen=True)
class OptimisationInput(OfflineInput):
    strategy: Mapping[str, Any]
    bars: int  # how many bars the data set has
    backtest: Backtest
    language: str = "en"
