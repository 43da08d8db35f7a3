"""Bearer-key authentication and the per-user request limit, as one FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.accounts import Principal
from core.services import accounts

_bearer = HTTPBearer(auto_error=False,
                     description="A personal API key from Settings: `Authorization: Bearer sk-studio-…`")


def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The key's owner, after counting this request against their per-minute limit."""
    principal = accounts.authenticate(credentials.credentials if credentials else None)
    accounts.check_request_rate(principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
