"""Saved strategies (each user sees only their own), usage and the model registry."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from core.api import convert
from core.api import schemas as s
from core.api.auth import CurrentPrincipal
from core.api.routes import ERRORS, NOT_FOUND
from core.services import strategy_library as lib

router = APIRouter()
StrategyId = Annotated[str, Path(max_length=64, description="a strategy id from GET /strategies")]


def _stored(stored: Any) -> dict[str, Any]:
    out = asdict(stored)
    out["strategy"] = convert.strategy_model(stored.strategy)
    return out


@router.get("/strategies", response_model=list[s.SummaryOut], tags=["strategies"], responses=ERRORS)
def list_strategies(principal: CurrentPrincipal,
                    search: Annotated[str, Query(max_length=200)] = "") -> Any:
    """Your saved strategies, newest first; ``search`` matches the name, id or content."""
    return [asdict(item) for item in lib.list_strategies(principal, search)]


@router.post("/strategies", response_model=s.SavedOut, status_code=201, tags=["strategies"], responses=ERRORS)
def create_strategy(body: s.SaveIn, principal: CurrentPrincipal) -> Any:
    """Save a valid strategy as a new one (422 with the validation codes when it is not valid)."""
    sid, version = lib.save_strategy(body.strategy, user=principal, note=body.note, source=body.source,
                                     model=body.model)
    return {"id": sid, "version": version}


@router.get("/strategies/{strategy_id}", response_model=s.StoredOut, tags=["strategies"], responses=NOT_FOUND,
            response_model_exclude_none=True)
def get_strategy(strategy_id: StrategyId, principal: CurrentPrincipal,
                 version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Any:
    return _stored(lib.get_strategy(strategy_id, version, user=principal))


@router.put("/strategies/{strategy_id}", response_model=s.SavedOut, tags=["strategies"], responses=NOT_FOUND)
def update_strategy(strategy_id: StrategyId, body: s.UpdateIn, principal: CurrentPrincipal) -> Any:
    """Save the strategy as the next version of one of yours."""
    sid, version = lib.save_strategy(body.strategy, user=principal, note=body.note, source=body.source,
                                     model=body.model, strategy_id=strategy_id)
    return {"id": sid, "version": version}


@router.delete("/strategies/{strategy_id}", status_code=204, tags=["strategies"], responses=NOT_FOUND,
               response_class=Response)
def delete_strategy(strategy_id: StrategyId, principal: CurrentPrincipal) -> Response:
    lib.delete_strategy(strategy_id, user=principal)
    return Response(status_code=204)


@router.get("/strategies/{strategy_id}/versions", response_model=list[s.VersionOut], tags=["strategies"],
            responses=NOT_FOUND)
def list_versions(strategy_id: StrategyId, principal: CurrentPrincipal) -> Any:
    return [asdict(v) for v in lib.list_versions(strategy_id, user=principal)]


@router.get("/usage", response_model=s.UsageOut, tags=["usage"],
            responses={**ERRORS, 403: {"model": s.ErrorBody, "description": "Another user's usage (admins only)"}})
def usage(principal: CurrentPrincipal,
          month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-12"])] = None,
          user: Annotated[str | None, Query(max_length=200, description="another user's id (admins only)")] = None,
          ) -> Any:
    """Your month (default: this one, UTC): spend, quota, money held by calls in flight, by model and by day."""
    from core.services import accounts
    from core.services import usage as usage_service

    scope = accounts.usage_scope(principal, user)
    assert scope is not None
    summary = usage_service.month_summary(scope, month)
    out = convert.money_fields(summary)
    for key in ("by_model", "by_provider", "by_use_case", "by_day"):
        out[key] = [convert.money_fields(row) for row in summary[key]]
    out["held_usd"] = convert.usd(usage_service.held_usd(scope))
    return out


@router.get("/usage/requests", response_model=list[s.LedgerRowOut], tags=["usage"],
            responses={**ERRORS, 403: {"model": s.ErrorBody, "description": "Another user's usage (admins only)"}})
def usage_requests(principal: CurrentPrincipal,
                   month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-12"])] = None,
                   user: Annotated[str | None, Query(max_length=200, description="another user's id (admins only)")]
                   = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Any:
    """Your ledger rows of the month, newest first, each with its billing status (``estimate`` and
    ``abandoned`` rows are charged our own count; an admin reconciles them against the vendor's bill)."""
    from core.services import accounts
    from core.services import usage as usage_service

    scope = accounts.usage_scope(principal, user)
    assert scope is not None
    rows = usage_service.recent_requests(scope, month, limit=limit)
    return [convert.money_fields({k: r.get(k) for k in s.LedgerRowOut.model_fields}) for r in rows]


@router.get("/models", response_model=list[s.ModelOut], tags=["models"], responses=ERRORS)
def models(principal: CurrentPrincipal) -> Any:
    """The model registry: prices in USD per million tokens (null when unknown), limits, configured or not."""
    from core.services.models import registry_rows

    return [convert.money_fields(row) for row in registry_rows()]
