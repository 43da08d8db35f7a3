"""Service results → API bodies (money as decimal strings, the strategy as the typed model)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.services.common import CallInfo
from core.services.wording import worded_issues
from core.strategy.issues import ValidationReport
from core.strategy.schema import Strategy, build_strategy


def usd(value: Any) -> str | None:
    if value is None:
        return None
    return format(Decimal(str(value)), "f")


def money_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Decimals in a service dict become decimal strings; everything else is kept."""
    return {k: usd(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def call(info: CallInfo) -> dict[str, Any]:
    cost = usd(info.cost_usd) or "0"
    return {
        "model": info.model, "provider": info.provider, "tried": list(info.tried),
        "tokens_used": info.usage.input_tokens + info.usage.output_tokens + info.usage.cache_read_tokens
        + info.usage.cache_write_tokens,
        "input_tokens": info.usage.input_tokens, "output_tokens": info.usage.output_tokens,
        "cost": cost, "cost_usd": cost, "cached": info.cached, "offline": info.offline,
        "attempts": info.attempts, "request_id": info.request_id,
        "fallback_from": info.fallback_from, "fallback_reason": info.fallback_reason,
        "failed_attempts_cost": usd(info.failed_cost_usd) or "0",
        "waited_s": round(info.wait_ms / 1000, 3),
    }


def strategy_model(data: dict[str, Any]) -> Strategy:
    return build_strategy(data)


def report(rep: ValidationReport, lang: str = "en") -> dict[str, Any]:
    data = rep.to_dict()
    return {**data, "issues": worded_issues(data["issues"], lang)}
